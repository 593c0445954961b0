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
//! section has its own reader below; problems are listed section by
//! section: `[model]`, `[[mitigation]]`, `[deny]`, `[[allow]]`, `[plan]`
//! (`policy/plan_keys.rs`).

mod plan_keys;
pub use plan_keys::{Keep, PlanSettings, SiteProduct};

use crate::bounded;
use crate::date::Date;
use crate::diag::{Code, Diagnostic, line_col};
use crate::model::risk::{Level, ModelParams, Thresholds, Weights};
use crate::rules::{RuleDb, params, parse_toml};
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
    plan: Option<plan_keys::PlanDef>,
    report: Option<ReportDef>,
}

/// `[report]`: the cover of the sovereignty report.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReportDef {
    organisation: Option<Spanned<String>>,
    period: Option<Spanned<String>>,
}

/// `[report]` of the policy, checked: what the sovereignty report's cover
/// names (`--organisation` and `--period` override it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportSettings {
    pub organisation: Option<String>,
    pub period: Option<String>,
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
    /// `[plan]`: the settings of a migration plan.
    pub plan: PlanSettings,
    /// `[report]`: the cover of the sovereignty report.
    pub report: ReportSettings,
}

impl Policy {
    /// Reads and validates a policy file against the rule database; `today`
    /// decides which mitigations and allow entries are in force.
    pub fn load(path: &Path, db: &RuleDb, today: Date) -> Result<Self, Vec<Diagnostic>> {
        let name = path.display().to_string();
        let text =
            bounded::read_to_string(path, bounded::TEXT, bounded::Links::Follow).map_err(|e| {
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
        let codes = (Code::PolicySyntax, Code::PolicyTooDeep);
        let file: PolicyFile = parse_toml(name, text, codes).map_err(|d| vec![d])?;
        let mut cx = Reader {
            name,
            text,
            db,
            today,
            errors: Vec::new(),
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
        if let Some(d) = file.plan {
            p.plan = cx.plan(d);
        }
        if let Some(d) = file.report {
            p.report = ReportSettings {
                organisation: cx.report_text("organisation", d.organisation),
                period: cx.report_text("period", d.period),
            };
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
    /// A `[report]` text: 1 to 200 characters, no control characters.
    fn report_text(&mut self, key: &str, v: Option<Spanned<String>>) -> Option<String> {
        let v = v?;
        let t = v.get_ref().trim();
        if t.is_empty() || t.chars().count() > 200 || t.chars().any(char::is_control) {
            let msg =
                format!("report.{key} must be 1 to 200 characters without control characters");
            self.err(v.span(), Code::ReportText, msg);
            return None;
        }
        Some(t.to_owned())
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Source, embedded_sources, load};
    use std::sync::OnceLock;

    /// The embedded database, loaded once for all tests.
    fn db() -> &'static RuleDb {
        static DB: OnceLock<RuleDb> = OnceLock::new();
        DB.get_or_init(|| RuleDb::embedded().expect("embedded rules load"))
    }

    fn today() -> Date {
        Date::parse("2027-01-01").unwrap()
    }

    fn parse(text: &str) -> Result<Policy, Vec<Diagnostic>> {
        Policy::parse("p.toml", text, db(), today())
    }

    /// The problems of a policy that must not load, as the user sees them.
    fn errors(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(_) => panic!("the policy loaded:\n{text}"),
            Err(errs) => errs.iter().map(ToString::to_string).collect(),
        }
    }

    fn ok(text: &str) -> Policy {
        parse(text).unwrap_or_else(|errs| {
            let lines: Vec<String> = errs.iter().map(ToString::to_string).collect();
            panic!("the policy does not load:\n{}", lines.join("\n"))
        })
    }

    const FULL: &str = r#"
[model]
weights = { d1 = 20, d2 = 15, d3 = 10, d4 = 15, d5 = 15, d6 = 10 }
thresholds = { medium = 2.0, high = 4.0, critical = 8.0 }
oss_target = 0.7
oss_target_year = 2032
role_weights = { office = 8, browser = 4 }

[[mitigation]]
product = "microsoft-teams"
d3 = 1
d4 = 2
justification = "EU Data Boundary contract"
approver = "CISO"
expires = 2027-06-30

[[mitigation]]
vendor = "zoom"
d4 = 0
justification = "on-premises connector"
approver = "IT security"
expires = 2027-01-01

[deny]
vendors = ["bytedance"]
jurisdictions = ["CN", "RU"]
categories = ["remote-access"]
max_level = "high"
min_oss_share = 0.5
min_index = 40

[[allow]]
vendor = "microsoft"
reason = "Windows base image until the pilot ends"
expires = 2027-06-30

[[allow]]
product = "google-chrome"
reason = "web apps certified for Chrome only"
expires = 2028-01-01
"#;

    /// `[deny]` (level 2) with `vendors` nested `arrays` deep.
    fn nested_vendors(arrays: usize) -> String {
        format!(
            "[deny]\nvendors = {}\"x\"{}\n",
            "[".repeat(arrays),
            "]".repeat(arrays)
        )
    }

    /// A policy 100 times deeper than the nesting bound is one located
    /// error, on a stack an eighth of a worker's; one exactly at the bound
    /// is parsed there, and refused for what it says.
    #[test]
    fn nesting_past_the_bound_is_an_error_on_a_small_stack() {
        use crate::formats::nesting::MAX_TOML_DEPTH;
        let db = db();
        let (hostile, at_bound) = (
            nested_vendors(MAX_TOML_DEPTH * 100),
            nested_vendors(MAX_TOML_DEPTH - 2),
        );
        let (hostile, at_bound) = crate::isolate::on_small_stack(move || {
            let codes = |text: &str| match Policy::parse("p.toml", text, db, today()) {
                Ok(_) => Vec::new(),
                Err(errs) => errs.iter().map(|d| (d.code, d.to_string())).collect(),
            };
            (codes(&hostile), codes(&at_bound))
        });
        // Level 25 is the 23rd bracket, at column 11 + 22.
        assert_eq!(
            hostile,
            [(
                Code::PolicyTooDeep,
                "p.toml:2:33: tables and arrays nested deeper than 24 levels [P020]".into()
            )]
        );
        assert_eq!(at_bound.len(), 1, "{at_bound:?}");
        assert_eq!(at_bound[0].0, Code::PolicySyntax);
    }

    /// `[report]` names the cover; a text that is empty, too long or holds
    /// a control character is located; an unknown key is an error as
    /// everywhere in the policy.
    #[test]
    fn the_report_table_names_the_cover() {
        let p = ok("[report]\norganisation = \"Bezirksamt Mitte\"\nperiod = \" 2026 \"\n");
        assert_eq!(
            p.report,
            ReportSettings {
                organisation: Some("Bezirksamt Mitte".into()),
                period: Some("2026".into()),
            }
        );
        assert_eq!(ok("").report, ReportSettings::default());
        let long = format!("[report]\nperiod = \"{}\"\n", "x".repeat(201));
        for text in [
            "[report]\norganisation = \"  \"\n",
            "[report]\nperiod = \"a\\tb\"\n",
            &long,
        ] {
            let e = errors(text);
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(
                e[0].starts_with("p.toml:2:") && e[0].ends_with("[P026]"),
                "{e:?}"
            );
        }
        let e = errors("[report]\ndate = \"x\"\n");
        assert!(e[0].contains("unknown field `date`"), "{e:?}");
    }

    #[test]
    fn every_key_is_read() {
        let p = ok(FULL);
        assert_eq!(p.path.as_deref(), Some("p.toml"));
        let w = p.weights.unwrap();
        assert_eq!(w.all(), [20.0, 15.0, 10.0, 15.0, 15.0, 10.0]);
        let t = p.thresholds.unwrap();
        assert_eq!((t.medium, t.high, t.critical), (2.0, 4.0, 8.0));
        assert_eq!((p.oss_target, p.oss_target_year), (Some(0.7), Some(2032)));
        assert_eq!(
            p.role_weights,
            BTreeMap::from([("browser".to_owned(), 4.0), ("office".to_owned(), 8.0)])
        );

        let teams = db().products.iter().position(|x| x.id == "microsoft-teams");
        let zoom = db().vendor_index("zoom");
        assert_eq!(p.mitigations.len(), 2);
        let m = &p.mitigations[0];
        assert_eq!(Some(m.target.clone()), teams.map(Target::Product));
        assert_eq!(m.label, "product:microsoft-teams");
        assert_eq!((m.d3, m.d4), (Some(1), Some(2)));
        assert_eq!(
            (m.justification.as_str(), m.approver.as_str()),
            ("EU Data Boundary contract", "CISO")
        );
        assert_eq!(m.expires, Date::parse("2027-06-30").unwrap());
        // Expiring today is still in force.
        let m = &p.mitigations[1];
        assert_eq!(Some(m.target.clone()), zoom.map(Target::Vendor));
        assert_eq!(
            (m.label.as_str(), m.d3, m.d4),
            ("vendor:zoom", None, Some(0))
        );

        assert_eq!(
            p.deny,
            Deny {
                vendors: vec!["bytedance".into()],
                jurisdictions: vec!["CN".into(), "RU".into()],
                categories: vec!["remote-access".into()],
                max_level: Some(Level::High),
                min_oss_share: Some(0.5),
                min_index: Some(40.0),
            }
        );
        let allowed: Vec<(&str, Option<&str>, Option<&str>)> = p
            .allows
            .iter()
            .map(|a| (a.label.as_str(), a.vendor.as_deref(), a.product.as_deref()))
            .collect();
        assert_eq!(
            allowed,
            [
                ("vendor:microsoft", Some("microsoft"), None),
                ("product:google-chrome", None, Some("google-chrome")),
            ]
        );
        assert_eq!(p.allows[1].reason, "web apps certified for Chrome only");
        assert!(p.warnings.is_empty() && p.expired_allows.is_empty());
    }

    #[test]
    fn overrides_apply_to_the_model_and_the_rest_stays_the_databases() {
        let p = ok(FULL);
        let params = p.params(db());
        let base = &db().model.params;
        assert_eq!(params.weights, p.weights.unwrap());
        assert_eq!(params.thresholds, p.thresholds.unwrap());
        assert_eq!((params.oss_target, params.oss_target_year), (0.7, 2032));
        assert_eq!(params.unknown_exposure, base.unknown_exposure);
        assert_eq!(params.single_point_roles, base.single_point_roles);
        assert_eq!(p.role_weight(db(), "office"), 8.0);
        let mail = db().category("mail").unwrap().weight;
        assert_eq!(p.role_weight(db(), "mail"), mail);

        let empty = ok("");
        assert_eq!(&empty.params(db()), base);
        assert!(empty.mitigations.is_empty() && empty.allows.is_empty());
        assert_eq!(empty.deny, Deny::default());
    }

    #[test]
    fn bad_model_values_are_located_with_their_codes() {
        let text = "[model]\n\
            weights = { d1 = -1, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0 }\n\
            thresholds = { medium = 5.0, high = 4.0, critical = 8.0 }\n\
            oss_target = 1.5\n\
            role_weights = { games = 2, office = -1, browser = nan }\n";
        assert_eq!(
            errors(text),
            [
                "p.toml:2:11: weights must be non-negative with a positive sum [P003]",
                "p.toml:3:14: thresholds must rise: 0 < medium < high < critical <= 16 [P004]",
                "p.toml:4:14: oss_target is a share between 0 and 1 [P005]",
                "p.toml:5:52: a role weight is a non-negative number [P007]",
                "p.toml:5:18: unknown category `games` [P006]",
                "p.toml:5:38: a role weight is a non-negative number [P007]",
            ]
        );
    }

    /// A `[model]` as the rule database writes it, with `weights` and
    /// `thresholds` in place.
    fn rules_model(weights: &str, thresholds: &str) -> String {
        format!(
            "[model]\nweights = {weights}\nthresholds = {thresholds}\noss_target = 0.5\n\
             oss_target_year = 2030\nunknown_exposure = 2.0\nsingle_point_roles = 3\n"
        )
    }

    /// The codes a rule layer holding `text` gets on top of the embedded
    /// database.
    fn rule_codes(text: String) -> Vec<Code> {
        let layer = vec![Source {
            name: "m.toml".into(),
            text: text.into(),
        }];
        match load(vec![embedded_sources(), layer]) {
            Ok(_) => Vec::new(),
            Err(errs) => errs.iter().map(|e| e.code).collect(),
        }
    }

    fn policy_codes(text: String) -> Vec<Code> {
        match parse(&text) {
            Ok(_) => Vec::new(),
            Err(errs) => errs.iter().map(|e| e.code).collect(),
        }
    }

    #[test]
    fn weights_and_thresholds_are_checked_as_the_rule_database_checks_them() {
        let good_w = "{ d1 = 1, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0 }";
        let good_t = "{ medium = 1.0, high = 2.0, critical = 16.0 }";
        let zero_w = "{ d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0 }";
        let flat_t = "{ medium = 2.0, high = 2.0, critical = 8.0 }";
        let cases = [
            (good_w, good_t, vec![], vec![]),
            (
                zero_w,
                good_t,
                vec![Code::RuleWeights],
                vec![Code::PolicyWeights],
            ),
            (
                good_w,
                flat_t,
                vec![Code::RuleThresholds],
                vec![Code::PolicyThresholds],
            ),
        ];
        for (w, t, in_rules, in_policy) in cases {
            assert_eq!(rule_codes(rules_model(w, t)), in_rules, "{w} {t}");
            let policy = format!("[model]\nweights = {w}\nthresholds = {t}\n");
            assert_eq!(policy_codes(policy), in_policy, "{w} {t}");
        }
    }

    #[test]
    fn a_mitigation_lowers_only_d3_or_d4() {
        let text = r#"[[mitigation]]
product = "microsoft-teams"
d1 = 0
d2 = 1
d5 = 1
d6 = 1
d3 = 5
justification = "j"
approver = "a"
expires = 2027-06-30

[[mitigation]]
vendor = "microsoft"
justification = "j"
approver = "a"
expires = 2027-06-30
"#;
        assert_eq!(
            errors(text),
            [
                "p.toml:3:6: a mitigation may not lower d1: a contract or setting can't change the law that binds the controller [P008]",
                "p.toml:4:6: a mitigation may not lower d2: only data flows (d3) and operational autonomy (d4) can be mitigated [P008]",
                "p.toml:5:6: a mitigation may not lower d5: only data flows (d3) and operational autonomy (d4) can be mitigated [P008]",
                "p.toml:6:6: a mitigation may not lower d6: only data flows (d3) and operational autonomy (d4) can be mitigated [P008]",
                "p.toml:7:6: a dimension score is 0..=4 [P009]",
                "p.toml:12:1: a mitigation needs d3 or d4 [P010]",
            ]
        );
    }

    #[test]
    fn a_mitigation_needs_its_texts_and_exactly_one_known_target() {
        let text = r#"[[mitigation]]
product = "no-such-product"
d3 = 1
justification = " "
approver = ""
expires = 2027-06-30

[[mitigation]]
product = "microsoft-teams"
vendor = "microsoft"
d3 = 1
justification = "j"
approver = "a"
expires = 2027-06-30

[[mitigation]]
vendor = "no-such-vendor"
d4 = 1
justification = "j"
approver = "a"
expires = 2027-06-30
"#;
        assert_eq!(
            errors(text),
            [
                "p.toml:4:17: a mitigation needs a non-empty justification [P011]",
                "p.toml:5:12: a mitigation needs a non-empty approver [P011]",
                "p.toml:2:11: unknown product id `no-such-product` [P013]",
                "p.toml:8:1: a mitigation names exactly one of `product` or `vendor` [P012]",
                "p.toml:17:10: unknown vendor id `no-such-vendor` [P014]",
            ]
        );
    }

    #[test]
    fn expired_mitigations_and_allows_are_warnings_and_allow_nothing() {
        let text = r#"[[mitigation]]
product = "microsoft-teams"
d3 = 1
justification = "j"
approver = "a"
expires = 2026-12-31

[[allow]]
vendor = "zoom"
reason = "pilot"
expires = 2026-12-31

[[allow]]
product = "zoom"
reason = "pilot"
expires = 2027-01-01
"#;
        let p = ok(text);
        assert!(p.mitigations.is_empty());
        let expired_allow =
            "p.toml:8: allow entry for vendor:zoom expired on 2026-12-31: it allows nothing";
        assert_eq!(
            p.warnings,
            [
                "p.toml:1: mitigation for product:microsoft-teams expired on 2026-12-31: ignored",
                expired_allow,
            ]
        );
        assert_eq!(p.expired_allows, [expired_allow]);
        // The one expiring today is still in force.
        assert_eq!(p.allows.len(), 1);
        assert_eq!(p.allows[0].label, "product:zoom");
    }

    #[test]
    fn expires_is_a_date_without_a_time() {
        let text = r#"[[mitigation]]
vendor = "zoom"
d4 = 1
justification = "j"
approver = "a"
expires = 2027-06-30T12:00:00Z

[[allow]]
vendor = "zoom"
reason = "r"
expires = 2027-06-30T12:00:00
"#;
        assert_eq!(
            errors(text),
            [
                "p.toml:6:11: expires must be a date like 2027-06-30 [P015]",
                "p.toml:11:11: expires must be a date like 2027-06-30 [P015]",
            ]
        );
    }

    #[test]
    fn deny_rules_name_what_the_database_knows() {
        let text = r#"[deny]
vendors = ["bytedance", "no-such-vendor"]
jurisdictions = ["CN", "XX"]
categories = ["games"]
max_level = "urgent"
min_oss_share = 45
min_index = 101
"#;
        assert_eq!(
            errors(text),
            [
                "p.toml:2:25: unknown vendor id `no-such-vendor` [P014]",
                "p.toml:3:24: unknown country `XX`: no [[jurisdiction]] defines it [P016]",
                "p.toml:4:15: unknown category `games` [P006]",
                "p.toml:5:13: `urgent` is not a level (low, medium, unknown, high, critical) [P017]",
                "p.toml:6:17: min_oss_share is a share between 0 and 1 [P018]",
                "p.toml:7:13: min_index is between 0 and 100 [P019]",
            ]
        );
        let p = ok("[deny]\nmax_level = \"unknown\"\nmin_oss_share = 1.0\nmin_index = 0\n");
        assert_eq!(p.deny.max_level, Some(Level::Unknown));
    }

    #[test]
    fn an_allow_entry_names_one_known_target_and_a_reason() {
        let text = r#"[[allow]]
reason = "r"
expires = 2027-06-30

[[allow]]
vendor = "zoom"
product = "zoom"
reason = "r"
expires = 2027-06-30

[[allow]]
product = "no-such-product"
reason = " "
expires = 2027-06-30
"#;
        assert_eq!(
            errors(text),
            [
                "p.toml:1:1: an allow entry names exactly one of `vendor` or `product` [P012]",
                "p.toml:5:1: an allow entry names exactly one of `vendor` or `product` [P012]",
                "p.toml:12:11: unknown product id `no-such-product` [P013]",
                "p.toml:13:10: an allow entry needs a non-empty reason [P011]",
            ]
        );
    }

    #[test]
    fn unknown_keys_wrong_types_and_syntax_are_p002() {
        for (text, expected) in [
            (
                "[models]\noss_target = 0.5\n",
                "p.toml:1:2: unknown field `models`, expected one of `model`, `mitigation`, `deny`, `allow`, `plan`, `report` [P002]",
            ),
            (
                "[[mitigation]]\nvendor = \"zoom\"\nd7 = 1\n",
                "p.toml:3:1: unknown field `d7`, expected one of",
            ),
            (
                "[deny]\nmin_index = \"high\"\n",
                "p.toml:2:13: invalid type: string \"high\", expected f64 [P002]",
            ),
            (
                "[[allow]]\nvendor = \"zoom\"\nexpires = 2027-06-30\n",
                "p.toml:1:1: missing field `reason` [P002]",
            ),
            ("[deny\n", "p.toml:1:6: "),
        ] {
            let errs = errors(text);
            assert_eq!(errs.len(), 1, "{text}: {errs:?}");
            assert!(errs[0].starts_with(expected), "{text}: {errs:?}");
            assert!(errs[0].ends_with(" [P002]"), "{text}: {errs:?}");
        }
    }

    #[test]
    fn an_unreadable_file_is_p001_at_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.toml");
        let errs = Policy::load(&path, db(), today()).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert_eq!((e.code, e.line, e.col), (Code::PolicyUnreadable, 1, 1));
        assert_eq!(e.file, path.display().to_string());
        assert!(e.message.starts_with("cannot read policy: "), "{e}");
    }

    #[test]
    fn plan_keys_are_read_and_checked() {
        let p = ok(r#"
[plan]
start_year = 2027
target_share = 0.7
target_year = 2032
effort_per_year = 12
migrations_per_year = 4
prefer = { microsoft-teams = "element-desktop" }
exclude = ["jitsi-meet"]

[[plan.keep]]
product = "microsoft-365"
until = 2028-12-31
reason = "add-ins of procedure X"

[plan.products.microsoft-365]
seats = 1200
cost = 450000.0
effort = "XL"
"#);
        let s = &p.plan;
        assert!(s.present);
        assert_eq!((s.start_year, s.target_year), (Some(2027), Some(2032)));
        assert_eq!(
            (s.effort_per_year, s.migrations_per_year),
            (Some(12), Some(4))
        );
        assert_eq!(s.target_share, Some(0.7));
        assert_eq!(s.prefer["microsoft-teams"], "element-desktop");
        assert_eq!(s.exclude, ["jitsi-meet"]);
        assert_eq!(s.keep[0].until.to_string(), "2028-12-31");
        let site = &s.products["microsoft-365"];
        assert_eq!((site.seats, site.cost), (Some(1200), Some(450000.0)));
        assert_eq!(site.effort, Some(crate::model::plan::Effort::XL));

        let bad = errors(
            "[plan]\nstart_year = 2030\ntarget_year = 2029\ntarget_share = 7.0\neffort_per_year = 0\n\
             prefer = { nope = \"libreoffice\" }\n\n[[plan.keep]]\nproduct = \"zoom\"\nuntil = 2029-12-31T10:00:00Z\nreason = \" \"\n\n\
             [plan.products.zoom]\neffort = \"huge\"\n",
        );
        assert_eq!(
            bad,
            [
                "p.toml:3:15: target_year is before start_year [P021]",
                "p.toml:4:16: target_share is a share between 0 and 1 [P022]",
                "p.toml:5:19: a capacity of 0 plans nothing: leave the key out for no limit [P023]",
                "p.toml:6:12: unknown product id `nope` [P013]",
                "p.toml:11:10: a keep entry needs a non-empty reason [P011]",
                "p.toml:10:9: until must be a date like 2029-12-31 [P025]",
                "p.toml:14:10: `huge` is not an effort class (S, M, L, XL) [P024]",
            ]
        );
    }
}
