//! The policy file (`--policy FILE`, TOML): an administration's own
//! settings on top of the rule database: overrides of the model's weights,
//! thresholds and targets, role weights, mitigations, and the CI gate's
//! deny and allow rules. The format is a contract, documented in
//! `docs/policy.md`.
//!
//! It is part of judgement: it changes the model's parameters and what the
//! gate refuses, never what a scan finds. Reading it is checked like a rule
//! file: every problem is a located [`Diagnostic`] with a `P` code, all of
//! them at once. The parameter checks are the rule database's own
//! ([`params`]), so a policy can't set what the database may not. Each
//! section has its own function below, in file order: `[model]`,
//! `[[mitigation]]`, `[deny]`, `[[allow]]`.

use crate::date::Date;
use crate::diag::{Code, Diagnostic, line_col};
use crate::model::risk::{Level, ModelParams, Thresholds, Weights};
use crate::rules::{RuleDb, params};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
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
    pub max_level: Option<Level>,
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
    /// decides which mitigations and allow entries are in force.
    pub fn load(path: &Path, db: &RuleDb, today: Date) -> Result<Self, Vec<Diagnostic>> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            let msg = format!("cannot read policy: {e}");
            vec![Diagnostic::whole_file(
                name.clone(),
                Code::PolicyUnreadable,
                msg,
            )]
        })?;
        Self::parse(&name, &text, db, today)
    }

    /// Parses and validates the text of the policy file `name`.
    pub fn parse(
        name: &str,
        text: &str,
        db: &RuleDb,
        today: Date,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut cx = Reader {
            name,
            text,
            db,
            today,
            errors: Vec::new(),
        };
        let file: PolicyFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                let msg = e.message().trim().replace('\n', " ");
                cx.err(e.span().unwrap_or(0..0), Code::PolicySyntax, msg);
                return Err(cx.errors);
            }
        };
        let mut p = Policy {
            path: Some(name.to_owned()),
            ..Default::default()
        };
        if let Some(m) = file.model {
            cx.model(m, &mut p);
        }
        for m in file.mitigation {
            cx.mitigation(m, &mut p);
        }
        if let Some(d) = file.deny {
            p.deny = cx.deny(d);
        }
        for a in file.allow {
            cx.allow(a, &mut p);
        }
        if cx.errors.is_empty() {
            Ok(p)
        } else {
            Err(cx.errors)
        }
    }

    /// The model parameters with this policy's overrides applied.
    pub fn params(&self, db: &RuleDb) -> ModelParams {
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

/// Reads one policy file's sections, collecting every problem.
struct Reader<'a> {
    name: &'a str,
    text: &'a str,
    db: &'a RuleDb,
    today: Date,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn err(&mut self, span: Range<usize>, code: Code, msg: impl Into<String>) {
        let d = Diagnostic::at(self.name, self.text, span.start, code, msg);
        self.errors.push(d);
    }

    /// `[model]`: the overrides, checked as the rule database checks its own.
    fn model(&mut self, m: ModelOverride, p: &mut Policy) {
        if let Some(w) = m.weights {
            if let Err(why) = params::weights(w.get_ref()) {
                self.err(w.span(), Code::PolicyWeights, why);
            }
            p.weights = Some(w.into_inner());
        }
        if let Some(t) = m.thresholds {
            if let Err(why) = params::thresholds(t.get_ref()) {
                self.err(t.span(), Code::PolicyThresholds, why);
            }
            p.thresholds = Some(t.into_inner());
        }
        if let Some(o) = m.oss_target {
            if let Err(why) = params::oss_target(*o.get_ref()) {
                self.err(o.span(), Code::PolicyOssTarget, why);
            }
            p.oss_target = Some(o.into_inner());
        }
        p.oss_target_year = m.oss_target_year;
        for (k, v) in m.role_weights {
            self.known_category(&k);
            if !v.get_ref().is_finite() || *v.get_ref() < 0.0 {
                let msg = "a role weight is a non-negative number";
                self.err(v.span(), Code::RoleWeight, msg);
            }
            p.role_weights.insert(k.into_inner(), v.into_inner());
        }
    }

    /// One `[[mitigation]]`: recorded when valid and in force, a warning
    /// when expired.
    fn mitigation(&mut self, m: Spanned<MitigationDef>, p: &mut Policy) {
        let span = m.span();
        let d = m.into_inner();
        self.mitigated_scores(&d, span.clone());
        for (what, v) in [
            ("justification", &d.justification),
            ("approver", &d.approver),
        ] {
            if v.get_ref().trim().is_empty() {
                let msg = format!("a mitigation needs a non-empty {what}");
                self.err(v.span(), Code::EmptyText, msg);
            }
        }
        let target = self.mitigation_target(&d, span.clone());
        let Some(expires) = self.expires(&d.expires) else {
            return;
        };
        let Some((target, label)) = target else {
            return;
        };
        if expires < self.today {
            let line = self.line(span);
            let name = self.name;
            p.warnings.push(format!(
                "{name}:{line}: mitigation for {label} expired on {expires}: ignored"
            ));
            return;
        }
        p.mitigations.push(Mitigation {
            target,
            label,
            d3: d.d3.map(Spanned::into_inner),
            d4: d.d4.map(Spanned::into_inner),
            justification: d.justification.into_inner(),
            approver: d.approver.into_inner(),
            expires,
        });
    }

    /// Only d3 and d4 may be lowered, to a score of 0..=4, and one must be.
    fn mitigated_scores(&mut self, d: &MitigationDef, span: Range<usize>) {
        for (key, v) in [("d1", &d.d1), ("d2", &d.d2), ("d5", &d.d5), ("d6", &d.d6)] {
            if let Some(v) = v {
                let why = if key == "d1" {
                    "a contract or setting can't change the law that binds the controller"
                } else {
                    "only data flows (d3) and operational autonomy (d4) can be mitigated"
                };
                let msg = format!("a mitigation may not lower {key}: {why}");
                self.err(v.span(), Code::NotMitigable, msg);
            }
        }
        for v in [&d.d3, &d.d4].into_iter().flatten() {
            if *v.get_ref() > 4 {
                self.err(
                    v.span(),
                    Code::MitigationScore,
                    "a dimension score is 0..=4",
                );
            }
        }
        if d.d3.is_none() && d.d4.is_none() {
            let msg = "a mitigation needs d3 or d4";
            self.err(span, Code::NoMitigatedDimension, msg);
        }
    }

    /// What a mitigation applies to, and its label (`product:ID`).
    fn mitigation_target(
        &mut self,
        d: &MitigationDef,
        span: Range<usize>,
    ) -> Option<(Target, String)> {
        match (&d.product, &d.vendor) {
            (Some(p), None) => {
                let i = self.known_product(p)?;
                Some((Target::Product(i), format!("product:{}", p.get_ref())))
            }
            (None, Some(v)) => {
                let i = self.known_vendor(v)?;
                Some((Target::Vendor(i), format!("vendor:{}", v.get_ref())))
            }
            _ => {
                let msg = "a mitigation names exactly one of `product` or `vendor`";
                self.err(span, Code::TargetNotOne, msg);
                None
            }
        }
    }

    /// `[deny]`: known vendors, countries and categories, a level, and
    /// minimums within their ranges.
    fn deny(&mut self, d: DenyDef) -> Deny {
        for v in &d.vendors {
            self.known_vendor(v);
        }
        for c in &d.jurisdictions {
            if self.db.jurisdiction(c.get_ref()).is_none() {
                let msg = format!(
                    "unknown country `{}`: no [[jurisdiction]] defines it",
                    c.get_ref()
                );
                self.err(c.span(), Code::PolicyUnknownCountry, msg);
            }
        }
        for c in &d.categories {
            self.known_category(c);
        }
        let max_level = d.max_level.as_ref().and_then(|l| {
            let parsed = Level::parse(l.get_ref());
            if parsed.is_none() {
                let msg = format!(
                    "`{}` is not a level (low, medium, unknown, high, critical)",
                    l.get_ref()
                );
                self.err(l.span(), Code::NotALevel, msg);
            }
            parsed
        });
        if let Some(x) = &d.min_oss_share
            && !(0.0..=1.0).contains(x.get_ref())
        {
            let msg = "min_oss_share is a share between 0 and 1";
            self.err(x.span(), Code::MinOssShare, msg);
        }
        if let Some(x) = &d.min_index
            && !(0.0..=100.0).contains(x.get_ref())
        {
            self.err(x.span(), Code::MinIndex, "min_index is between 0 and 100");
        }
        Deny {
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
        }
    }

    /// One `[[allow]]`: in force, or expired (a warning, and listed in the
    /// verdict, since an expired exception is news to the pipeline's owner).
    fn allow(&mut self, a: Spanned<AllowDef>, p: &mut Policy) {
        let span = a.span();
        let d = a.into_inner();
        let label = match (&d.vendor, &d.product) {
            (Some(v), None) => {
                self.known_vendor(v);
                format!("vendor:{}", v.get_ref())
            }
            (None, Some(pr)) => {
                self.known_product(pr);
                format!("product:{}", pr.get_ref())
            }
            _ => {
                let msg = "an allow entry names exactly one of `vendor` or `product`";
                self.err(span, Code::TargetNotOne, msg);
                return;
            }
        };
        if d.reason.get_ref().trim().is_empty() {
            let msg = "an allow entry needs a non-empty reason";
            self.err(d.reason.span(), Code::EmptyText, msg);
        }
        let Some(expires) = self.expires(&d.expires) else {
            return;
        };
        if expires < self.today {
            let line = self.line(span);
            let name = self.name;
            let msg = format!(
                "{name}:{line}: allow entry for {label} expired on {expires}: it allows nothing"
            );
            p.warnings.push(msg.clone());
            p.expired_allows.push(msg);
            return;
        }
        p.allows.push(Allow {
            label,
            vendor: d.vendor.map(Spanned::into_inner),
            product: d.product.map(Spanned::into_inner),
            reason: d.reason.into_inner(),
            expires,
        });
    }

    /// An `expires` date (no time).
    fn expires(&mut self, e: &Spanned<Datetime>) -> Option<Date> {
        let v = e.get_ref();
        let date = Date::parse(&v.to_string()).filter(|_| v.time.is_none());
        if date.is_none() {
            let msg = "expires must be a date like 2027-06-30";
            self.err(e.span(), Code::ExpiresNotADate, msg);
        }
        date
    }

    fn known_vendor(&mut self, v: &Spanned<String>) -> Option<usize> {
        let i = self.db.vendor_index(v.get_ref());
        if i.is_none() {
            let msg = format!("unknown vendor id `{}`", v.get_ref());
            self.err(v.span(), Code::PolicyUnknownVendor, msg);
        }
        i
    }

    fn known_product(&mut self, p: &Spanned<String>) -> Option<usize> {
        let i = self.db.products.iter().position(|x| &x.id == p.get_ref());
        if i.is_none() {
            let msg = format!("unknown product id `{}`", p.get_ref());
            self.err(p.span(), Code::PolicyUnknownProduct, msg);
        }
        i
    }

    fn known_category(&mut self, c: &Spanned<String>) {
        if self.db.category(c.get_ref()).is_none() {
            let msg = format!("unknown category `{}`", c.get_ref());
            self.err(c.span(), Code::PolicyUnknownCategory, msg);
        }
    }

    /// The line of a span, for warnings about a whole entry.
    fn line(&self, span: Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }
}
