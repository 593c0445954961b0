//! The policy file (`--policy FILE`, TOML): an administration's own
//! settings on top of the rule database. Today: overrides of the model's
//! weights, thresholds and targets, role weights, and mitigations. The
//! format is a contract, documented in `docs/policy.md`; unknown keys are
//! errors, reported as `file:line:col`.

use crate::date::Date;
use crate::model::risk::{Thresholds, Weights};
use crate::rules::{RuleDb, RuleError, line_col};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;
use toml::value::Datetime;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    model: Option<ModelOverride>,
    #[serde(default)]
    mitigation: Vec<Spanned<MitigationDef>>,
    deny: Option<DenyDef>,
    #[serde(default)]
    allow: Vec<Spanned<AllowDef>>,
}

/// What a CI gate refuses.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DenyDef {
    /// Vendor or controller ids; a controller denies everything it controls.
    #[serde(default)]
    vendors: Vec<Spanned<String>>,
    /// Controller countries.
    #[serde(default)]
    jurisdictions: Vec<Spanned<String>>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    /// A component above this level violates.
    max_level: Option<Spanned<String>>,
    /// Minimum open-source share of workplace software, by count (0..1).
    min_oss_share: Option<Spanned<f64>>,
    /// Minimum sovereignty index (0..100).
    min_index: Option<Spanned<f64>>,
}

/// An exception to the deny rules, with a reason and an expiry date.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowDef {
    vendor: Option<Spanned<String>>,
    product: Option<Spanned<String>>,
    reason: Spanned<String>,
    expires: Spanned<Datetime>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ModelOverride {
    weights: Option<Spanned<Weights>>,
    thresholds: Option<Spanned<Thresholds>>,
    oss_target: Option<Spanned<f64>>,
    oss_target_year: Option<u16>,
    /// Category id → role weight.
    #[serde(default)]
    role_weights: BTreeMap<Spanned<String>, Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MitigationDef {
    product: Option<Spanned<String>>,
    vendor: Option<Spanned<String>>,
    d1: Option<Spanned<u8>>,
    d2: Option<Spanned<u8>>,
    d3: Option<Spanned<u8>>,
    d4: Option<Spanned<u8>>,
    d5: Option<Spanned<u8>>,
    d6: Option<Spanned<u8>>,
    justification: Spanned<String>,
    approver: Spanned<String>,
    expires: Spanned<Datetime>,
}

/// What a mitigation applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Index into `RuleDb::products`.
    Product(usize),
    /// Index into `RuleDb::vendors`: the vendor or anything it controls.
    Vendor(usize),
}

/// A recorded, approved measure that lowers a product's data-flow (D3) or
/// operational (D4) exposure, such as a contractual EU data boundary or
/// telemetry disabled by group policy. It never lowers D1: a contract can't
/// override the law that binds the controller.
#[derive(Debug, Clone, PartialEq)]
pub struct Mitigation {
    pub target: Target,
    /// What it targets, as written (`product:microsoft-365`).
    pub label: String,
    pub d3: Option<u8>,
    pub d4: Option<u8>,
    pub justification: String,
    pub approver: String,
    pub expires: Date,
}

/// The deny rules of a CI gate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deny {
    pub vendors: Vec<String>,
    pub jurisdictions: Vec<String>,
    pub categories: Vec<String>,
    pub max_level: Option<crate::model::risk::Level>,
    pub min_oss_share: Option<f64>,
    pub min_index: Option<f64>,
}

/// An allowlist entry in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    /// `vendor:ID` or `product:ID`.
    pub label: String,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub reason: String,
    pub expires: Date,
}

/// A loaded policy: overrides applied to the model, and the mitigations in
/// force on the evaluation date.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub weights: Option<Weights>,
    pub thresholds: Option<Thresholds>,
    pub oss_target: Option<f64>,
    pub oss_target_year: Option<u16>,
    pub role_weights: BTreeMap<String, f64>,
    /// In force (not expired).
    pub mitigations: Vec<Mitigation>,
    pub deny: Deny,
    /// Allowlist entries in force.
    pub allows: Vec<Allow>,
    /// Allowlist entries past their expiry: they allow nothing any more.
    pub expired_allows: Vec<String>,
    /// One line per problem that is not an error (an expired mitigation).
    pub warnings: Vec<String>,
    /// The file, for reports.
    pub path: Option<String>,
}

impl Policy {
    /// Reads and validates a policy file against the rule database; `today`
    /// decides which mitigations are in force.
    pub fn load(path: &Path, db: &RuleDb, today: Date) -> Result<Self, Vec<RuleError>> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![RuleError {
                file: name.clone(),
                line: 1,
                col: 1,
                message: format!("cannot read policy: {e}"),
            }]
        })?;
        Self::parse(&name, &text, db, today)
    }

    pub fn parse(name: &str, text: &str, db: &RuleDb, today: Date) -> Result<Self, Vec<RuleError>> {
        let mut errors = Vec::new();
        let err = |errors: &mut Vec<RuleError>, span: std::ops::Range<usize>, msg: String| {
            let (line, col) = line_col(text, span.start);
            errors.push(RuleError {
                file: name.to_owned(),
                line,
                col,
                message: msg,
            });
        };
        let file: PolicyFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                err(
                    &mut errors,
                    e.span().unwrap_or(0..0),
                    e.message().trim().replace('\n', " "),
                );
                return Err(errors);
            }
        };
        let mut p = Policy {
            path: Some(name.to_owned()),
            ..Default::default()
        };
        if let Some(m) = file.model {
            if let Some(w) = m.weights {
                let v = *w.get_ref();
                let ws = [v.d1, v.d2, v.d3, v.d4, v.d5, v.d6];
                if ws.iter().any(|x| !x.is_finite() || *x < 0.0) || ws.iter().sum::<f64>() <= 0.0 {
                    err(
                        &mut errors,
                        w.span(),
                        "weights must be non-negative with a positive sum".into(),
                    );
                }
                p.weights = Some(v);
            }
            if let Some(t) = m.thresholds {
                let v = *t.get_ref();
                if !(0.0 < v.medium
                    && v.medium < v.high
                    && v.high < v.critical
                    && v.critical <= 16.0)
                {
                    err(
                        &mut errors,
                        t.span(),
                        "thresholds must rise: 0 < medium < high < critical <= 16".into(),
                    );
                }
                p.thresholds = Some(v);
            }
            if let Some(o) = m.oss_target {
                if !(0.0..=1.0).contains(o.get_ref()) {
                    err(
                        &mut errors,
                        o.span(),
                        "oss_target is a share between 0 and 1".into(),
                    );
                }
                p.oss_target = Some(*o.get_ref());
            }
            p.oss_target_year = m.oss_target_year;
            for (k, v) in m.role_weights {
                if db.category(k.get_ref()).is_none() {
                    err(
                        &mut errors,
                        k.span(),
                        format!("unknown category `{}`", k.get_ref()),
                    );
                }
                if !v.get_ref().is_finite() || *v.get_ref() < 0.0 {
                    err(
                        &mut errors,
                        v.span(),
                        "a role weight is a non-negative number".into(),
                    );
                }
                p.role_weights.insert(k.into_inner(), v.into_inner());
            }
        }
        for m in file.mitigation {
            let span = m.span();
            let d = m.into_inner();
            for (key, v) in [("d1", &d.d1), ("d2", &d.d2), ("d5", &d.d5), ("d6", &d.d6)] {
                if let Some(v) = v {
                    let why = if key == "d1" {
                        "a contract or setting can't change the law that binds the controller"
                    } else {
                        "only data flows (d3) and operational autonomy (d4) can be mitigated"
                    };
                    err(
                        &mut errors,
                        v.span(),
                        format!("a mitigation may not lower {key}: {why}"),
                    );
                }
            }
            for v in [&d.d3, &d.d4].into_iter().flatten() {
                if *v.get_ref() > 4 {
                    err(&mut errors, v.span(), "a dimension score is 0..=4".into());
                }
            }
            if d.d3.is_none() && d.d4.is_none() {
                err(
                    &mut errors,
                    span.clone(),
                    "a mitigation needs d3 or d4".into(),
                );
            }
            for (what, v) in [
                ("justification", &d.justification),
                ("approver", &d.approver),
            ] {
                if v.get_ref().trim().is_empty() {
                    err(
                        &mut errors,
                        v.span(),
                        format!("a mitigation needs a non-empty {what}"),
                    );
                }
            }
            let target = match (&d.product, &d.vendor) {
                (Some(p), None) => match db.products.iter().position(|x| &x.id == p.get_ref()) {
                    Some(i) => Some((Target::Product(i), format!("product:{}", p.get_ref()))),
                    None => {
                        err(
                            &mut errors,
                            p.span(),
                            format!("unknown product id `{}`", p.get_ref()),
                        );
                        None
                    }
                },
                (None, Some(v)) => match db.vendor_index(v.get_ref()) {
                    Some(i) => Some((Target::Vendor(i), format!("vendor:{}", v.get_ref()))),
                    None => {
                        err(
                            &mut errors,
                            v.span(),
                            format!("unknown vendor id `{}`", v.get_ref()),
                        );
                        None
                    }
                },
                _ => {
                    err(
                        &mut errors,
                        span.clone(),
                        "a mitigation names exactly one of `product` or `vendor`".into(),
                    );
                    None
                }
            };
            let expires = match Date::parse(&d.expires.get_ref().to_string())
                .filter(|_| d.expires.get_ref().time.is_none())
            {
                Some(x) => x,
                None => {
                    err(
                        &mut errors,
                        d.expires.span(),
                        "expires must be a date like 2027-06-30".into(),
                    );
                    continue;
                }
            };
            let Some((target, label)) = target else {
                continue;
            };
            if expires < today {
                let (line, _) = line_col(text, span.start);
                p.warnings.push(format!(
                    "{name}:{line}: mitigation for {label} expired on {expires}: ignored"
                ));
                continue;
            }
            p.mitigations.push(Mitigation {
                target,
                label,
                d3: d.d3.map(|v| *v.get_ref()),
                d4: d.d4.map(|v| *v.get_ref()),
                justification: d.justification.into_inner(),
                approver: d.approver.into_inner(),
                expires,
            });
        }
        if let Some(d) = file.deny {
            for v in &d.vendors {
                if db.vendor_index(v.get_ref()).is_none() {
                    err(
                        &mut errors,
                        v.span(),
                        format!("unknown vendor id `{}`", v.get_ref()),
                    );
                }
            }
            for c in &d.jurisdictions {
                if db.jurisdiction(c.get_ref()).is_none() {
                    err(
                        &mut errors,
                        c.span(),
                        format!(
                            "unknown country `{}`: no [[jurisdiction]] defines it",
                            c.get_ref()
                        ),
                    );
                }
            }
            for c in &d.categories {
                if db.category(c.get_ref()).is_none() {
                    err(
                        &mut errors,
                        c.span(),
                        format!("unknown category `{}`", c.get_ref()),
                    );
                }
            }
            let max_level = d.max_level.as_ref().and_then(|l| {
                let parsed = crate::model::risk::Level::parse(l.get_ref());
                if parsed.is_none() {
                    err(
                        &mut errors,
                        l.span(),
                        format!(
                            "`{}` is not a level (low, medium, unknown, high, critical)",
                            l.get_ref()
                        ),
                    );
                }
                parsed
            });
            if let Some(x) = &d.min_oss_share
                && !(0.0..=1.0).contains(x.get_ref())
            {
                err(
                    &mut errors,
                    x.span(),
                    "min_oss_share is a share between 0 and 1".into(),
                );
            }
            if let Some(x) = &d.min_index
                && !(0.0..=100.0).contains(x.get_ref())
            {
                err(
                    &mut errors,
                    x.span(),
                    "min_index is between 0 and 100".into(),
                );
            }
            p.deny = Deny {
                vendors: d.vendors.into_iter().map(Spanned::into_inner).collect(),
                jurisdictions: d
                    .jurisdictions
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                categories: d.categories.into_iter().map(Spanned::into_inner).collect(),
                max_level,
                min_oss_share: d.min_oss_share.map(Spanned::into_inner),
                min_index: d.min_index.map(Spanned::into_inner),
            };
        }
        for a in file.allow {
            let span = a.span();
            let d = a.into_inner();
            let label = match (&d.vendor, &d.product) {
                (Some(v), None) => {
                    if db.vendor_index(v.get_ref()).is_none() {
                        err(
                            &mut errors,
                            v.span(),
                            format!("unknown vendor id `{}`", v.get_ref()),
                        );
                    }
                    format!("vendor:{}", v.get_ref())
                }
                (None, Some(pr)) => {
                    if db.product(pr.get_ref()).is_none() {
                        err(
                            &mut errors,
                            pr.span(),
                            format!("unknown product id `{}`", pr.get_ref()),
                        );
                    }
                    format!("product:{}", pr.get_ref())
                }
                _ => {
                    err(
                        &mut errors,
                        span.clone(),
                        "an allow entry names exactly one of `vendor` or `product`".into(),
                    );
                    continue;
                }
            };
            if d.reason.get_ref().trim().is_empty() {
                err(
                    &mut errors,
                    d.reason.span(),
                    "an allow entry needs a non-empty reason".into(),
                );
            }
            let Some(expires) = Date::parse(&d.expires.get_ref().to_string())
                .filter(|_| d.expires.get_ref().time.is_none())
            else {
                err(
                    &mut errors,
                    d.expires.span(),
                    "expires must be a date like 2027-06-30".into(),
                );
                continue;
            };
            if expires < today {
                let (line, _) = line_col(text, span.start);
                let msg = format!(
                    "{name}:{line}: allow entry for {label} expired on {expires}: it allows nothing"
                );
                p.warnings.push(msg.clone());
                p.expired_allows.push(msg);
                continue;
            }
            p.allows.push(Allow {
                label,
                vendor: d.vendor.map(Spanned::into_inner),
                product: d.product.map(Spanned::into_inner),
                reason: d.reason.into_inner(),
                expires,
            });
        }
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(errors)
        }
    }

    /// The model parameters with this policy's overrides applied.
    pub fn params(&self, db: &RuleDb) -> crate::model::risk::ModelParams {
        let mut m = db.model.params.clone();
        if let Some(w) = self.weights {
            m.weights = w;
        }
        if let Some(t) = self.thresholds {
            m.thresholds = t;
        }
        if let Some(o) = self.oss_target {
            m.oss_target = o;
        }
        if let Some(y) = self.oss_target_year {
            m.oss_target_year = y;
        }
        m
    }

    /// Role weight of a category: the policy's, else the database's.
    pub fn role_weight(&self, db: &RuleDb, category: &str) -> f64 {
        self.role_weights
            .get(category)
            .copied()
            .or_else(|| db.category(category).map(|c| c.weight))
            .unwrap_or(1.0)
    }
}
