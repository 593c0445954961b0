//! The CI gate: a policy's deny rules and `--fail-on`, evaluated on a report.
//!
//! It works on the typed report, so the same code judges a fresh scan and a
//! saved baseline (`--baseline OLD.json`, read back as the same types): a
//! violation is *new* when the baseline, judged by the same policy, doesn't
//! have it. Violations are keyed without versions, so an update of an
//! already-tolerated component isn't new.
//!
//! Exit codes: 0 pass, 1 a (new) violation, 2 usage or fatal error.

use super::policy::Policy;
use crate::fmt;
use crate::i18n::Lang;
use crate::model::report::{Component, Report};
use crate::model::risk::Level;
use crate::model::verdict::{GateRule, Verdict, Violation};
use std::collections::HashSet;

/// Every violation of the policy (and `fail_on`) in a report.
pub fn violations(report: &Report, policy: &Policy, fail_on: Option<Level>) -> Vec<Violation> {
    let mut out = Vec::new();
    // Products (the lead member's facts under the product's key).
    for c in report.units(false).iter() {
        component_violations(c, policy, fail_on, &mut out);
    }
    let d = &policy.deny;
    let s = &report.summary.model;
    if let (Some(min), Some(share)) = (d.min_oss_share, s.oss_share.count)
        && share < min
    {
        out.push(image_violation(
            GateRule::DenyMinOssShare,
            format!(
                "open-source share {} is below the minimum {}",
                fmt::pct(share),
                fmt::pct(min)
            ),
        ));
    }
    if let Some(min) = d.min_index
        && s.index.is_none_or(|i| i < min)
    {
        out.push(image_violation(
            GateRule::DenyMinIndex,
            format!(
                "sovereignty index {} is below the minimum {min}",
                fmt::index(s.index)
            ),
        ));
    }
    out
}

/// The violations of one component, in rule order (also of a product a
/// procurement check assesses, `check.rs`).
pub fn component_violations(
    c: &Component,
    policy: &Policy,
    fail_on: Option<Level>,
    out: &mut Vec<Violation>,
) {
    let d = &policy.deny;
    let chain = &c.controller_chain;
    let product = c.product.as_ref().map(|p| p.id.as_str());
    let mut hit = |rule: GateRule, why: String| {
        let allowed_by = policy
            .allows
            .iter()
            .find(|a| {
                a.vendor.as_ref().is_some_and(|v| chain.contains(v))
                    || (a.product.is_some() && a.product.as_deref() == product)
            })
            .map(|a| a.label.clone());
        out.push(Violation {
            rule,
            component: Some(c.id.clone()),
            key: format!("{rule}|{}", c.identity()),
            message: format!("{} ({}): {why}", c.name, c.id),
            allowed_by,
        });
    };
    if let Some(v) = chain.iter().find(|v| d.vendors.contains(v)) {
        hit(
            GateRule::DenyVendors,
            format!("vendor or controller `{v}` is denied"),
        );
    }
    if let Some(k) = c
        .controller
        .as_ref()
        .and_then(|p| p.country.as_ref())
        .filter(|k| d.jurisdictions.contains(k))
    {
        hit(
            GateRule::DenyJurisdictions,
            format!("controller country {k} is denied"),
        );
    }
    if d.categories.contains(&c.category) {
        hit(
            GateRule::DenyCategories,
            format!("category {} is denied", c.category),
        );
    }
    let level = c.risk.level;
    if let Some(max) = d.max_level
        && level > max
    {
        hit(
            GateRule::DenyMaxLevel,
            format!(
                "level {} is above the maximum {}",
                level.as_str(),
                max.as_str()
            ),
        );
    }
    if let Some(min) = fail_on
        && level >= min
    {
        hit(
            GateRule::FailOn,
            format!(
                "level {} is at or above --fail-on {}",
                level.as_str(),
                min.as_str()
            ),
        );
    }
}

fn image_violation(rule: GateRule, message: String) -> Violation {
    Violation {
        rule,
        component: None,
        key: rule.as_str().to_owned(),
        message,
        allowed_by: None,
    }
}

/// Judges a report, optionally against a baseline report (its file name
/// and the report).
pub fn judge(
    report: &Report,
    policy: &Policy,
    fail_on: Option<Level>,
    baseline: Option<(&str, &Report)>,
) -> Verdict {
    let violations = violations(report, policy, fail_on);
    let known: HashSet<String> = baseline
        .map(|(_, b)| failing_keys(b, policy, fail_on))
        .unwrap_or_default();
    let mut failing: Vec<String> = violations
        .iter()
        .filter(|v| v.allowed_by.is_none() && !known.contains(&v.key))
        .map(|v| v.key.clone())
        .collect();
    failing.sort();
    failing.dedup();
    Verdict {
        file: policy.path.clone(),
        fail_on,
        baseline: baseline.map(|(p, _)| p.to_owned()),
        passed: failing.is_empty(),
        failing,
        expired_allows: policy.expired_allows.clone(),
        violations,
    }
}

/// The keys of a report's violations that no allowlist entry exempts.
fn failing_keys(report: &Report, policy: &Policy, fail_on: Option<Level>) -> HashSet<String> {
    violations(report, policy, fail_on)
        .into_iter()
        .filter(|v| v.allowed_by.is_none())
        .map(|v| v.key)
        .collect()
}

/// The last line of a gated run, for a CI log: PASSED or FAILED, and the
/// counts behind it: new violations (all of them without a baseline),
/// those known from the baseline, those allowed (with the nearest expiry
/// of the allowlist entries that allowed them), and expired entries.
pub fn verdict_line(verdict: &Verdict, policy: &Policy, lang: Lang) -> String {
    let failing: HashSet<&str> = verdict.failing.iter().map(String::as_str).collect();
    let (mut new, mut known, mut allowed) = (0usize, 0usize, 0usize);
    let mut used: HashSet<&str> = HashSet::new();
    for v in &verdict.violations {
        match &v.allowed_by {
            Some(a) => {
                allowed += 1;
                used.insert(a);
            }
            None if failing.contains(v.key.as_str()) => new += 1,
            None => known += 1,
        }
    }
    let mut parts = vec![if verdict.baseline.is_some() {
        lang.ta("gate-new-violations", &[("count", new.into())])
    } else {
        lang.ta("gate-violations", &[("count", new.into())])
    }];
    if verdict.baseline.is_some() {
        parts.push(lang.ta("gate-known", &[("count", known.into())]));
    }
    let nearest = policy
        .allows
        .iter()
        .filter(|a| used.contains(a.label.as_str()))
        .min_by_key(|a| a.expires);
    parts.push(match nearest {
        Some(a) => lang.ta(
            "gate-allowed-until",
            &[
                ("count", allowed.into()),
                ("expires", lang.date(a.expires).into()),
                ("label", a.label.as_str().into()),
            ],
        ),
        None => lang.ta("gate-allowed", &[("count", allowed.into())]),
    });
    if !verdict.expired_allows.is_empty() {
        parts.push(lang.ta(
            "gate-expired",
            &[("count", verdict.expired_allows.len().into())],
        ));
    }
    let outcome = lang.t(if verdict.passed {
        "gate-passed"
    } else {
        "gate-failed"
    });
    format!("sovscan: {outcome}: {}", parts.join(", "))
}

/// The verdict as Markdown for a CI job summary (GitHub's
/// `$GITHUB_STEP_SUMMARY`): a heading with PASSED or FAILED, the counts
/// of [`verdict_line`], and one row per violation (the first 100) with its
/// state.
pub fn verdict_markdown(verdict: &Verdict, policy: &Policy) -> String {
    let line = |v: &Verdict| {
        let failing: HashSet<&str> = verdict.failing.iter().map(String::as_str).collect();
        v.violations
            .iter()
            .map(
                |x| match (&x.allowed_by, failing.contains(x.key.as_str())) {
                    (Some(a), _) => format!("allowed by {a}"),
                    (None, true) => "violation".to_owned(),
                    (None, false) => "known from the baseline".to_owned(),
                },
            )
            .collect::<Vec<String>>()
    };
    let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
    let counts = verdict_line(verdict, policy, Lang::En);
    let counts = counts.split_once(": ").map_or("", |x| x.1);
    let counts = counts.split_once(": ").map_or(counts, |x| x.1);
    let mut out = format!(
        "### sovscan: {}\n\n{}\n\n",
        if verdict.passed { "PASSED" } else { "FAILED" },
        cell(counts)
    );
    if verdict.violations.is_empty() {
        out.push_str("No violation.\n");
        return out;
    }
    out.push_str("| rule | state | finding |\n|---|---|---|\n");
    for (v, state) in verdict.violations.iter().zip(line(verdict)).take(100) {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            v.rule,
            state,
            cell(&v.message)
        ));
    }
    if verdict.violations.len() > 100 {
        out.push_str(&format!(
            "\n… and {} more in the JSON report (`policy.violations`).\n",
            verdict.violations.len() - 100
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{judge, verdict_line, verdict_markdown, violations};
    use crate::assess::policy::{Allow, Deny, Policy};
    use crate::assess::{Context, component};
    use crate::attach::Attached;
    use crate::date::Date;
    use crate::i18n::Lang;
    use crate::identify::identify;
    use crate::model::inventory::{Evidence, Package, Source};
    use crate::model::report::{Component, ModelInfo, Report, RulesInfo};
    use crate::model::risk::Level;
    use crate::model::verdict::GateRule;
    use crate::rules::{Facts, RuleDb};
    use std::sync::OnceLock;

    fn db() -> &'static RuleDb {
        static DB: OnceLock<RuleDb> = OnceLock::new();
        DB.get_or_init(|| RuleDb::embedded().unwrap())
    }

    /// The component the scan makes of a dpkg package called `name` at
    /// `version`, identified by the embedded rules.
    fn component(name: &str, version: &str) -> Component {
        let db = db();
        let mut pkg = Package::new(Source::Dpkg, name, Evidence::new("x", "test", "line 1"));
        pkg.version = Some(version.to_owned());
        let mut facts = Facts::default();
        facts.names.push(("package name", name));
        let hits = db.matcher.matches(&facts);
        let cx = Context {
            db,
            params: &db.model.params,
            mitigations: &[],
            db_date: Date::parse(&db.meta.date).unwrap(),
        };
        let unit = Attached {
            package: pkg,
            binaries: Vec::new(),
            files: 0,
            install_dir: None,
            signing: None,
        };
        component::build(0, &unit, identify(&hits, db), &[], &cx)
    }

    fn report(components: Vec<Component>) -> Report {
        let mut r = Report::new(
            RulesInfo {
                version: db().meta.version.clone(),
                date: db().meta.date.clone(),
                files: Vec::new(),
            },
            ModelInfo {
                params: db().model.params.clone(),
                policy: None,
                mitigations: 0,
            },
        );
        r.components = components;
        r
    }

    fn deny(d: Deny) -> Policy {
        Policy {
            deny: d,
            ..Default::default()
        }
    }

    fn allow(vendor: Option<&str>, product: Option<&str>) -> Allow {
        Allow {
            label: match (vendor, product) {
                (Some(v), _) => format!("vendor:{v}"),
                (_, p) => format!("product:{}", p.unwrap()),
            },
            vendor: vendor.map(str::to_owned),
            product: product.map(str::to_owned),
            reason: "contract until migration".into(),
            expires: Date::parse("2099-12-31").unwrap(),
        }
    }

    /// (rule, component id) of every violation.
    fn found(r: &Report, p: &Policy, fail_on: Option<Level>) -> Vec<(GateRule, String)> {
        violations(r, p, fail_on)
            .into_iter()
            .map(|v| (v.rule, v.component.unwrap_or_default()))
            .collect()
    }

    /// Chrome (Google, controlled by Alphabet, US), Edge (Microsoft, US),
    /// the Kaspersky agent (RU), LibreOffice (community) and an
    /// unidentified package.
    fn workplace() -> Report {
        let r = report(vec![
            component("google-chrome-stable", "130"),
            component("microsoft-edge-stable", "130"),
            component("kesl", "12"),
            component("libreoffice", "25.8"),
            component("zz-unheard", "1"),
        ]);
        let products: Vec<Option<&str>> = r
            .components
            .iter()
            .map(|c| c.product.as_ref().map(|p| p.id.as_str()))
            .collect();
        assert_eq!(
            products,
            [
                Some("google-chrome"),
                Some("microsoft-edge"),
                Some("kaspersky-endpoint"),
                Some("libreoffice"),
                None
            ]
        );
        r
    }

    #[test]
    fn deny_vendors_covers_everyone_in_the_controller_chain() {
        let r = workplace();
        let p = deny(Deny {
            vendors: vec!["alphabet".into()],
            ..Default::default()
        });
        let v = violations(&r, &p, None);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].rule, GateRule::DenyVendors);
        assert_eq!(
            v[0].component.as_deref(),
            Some("0:dpkg:google-chrome-stable@130")
        );
        assert_eq!(v[0].key, "deny.vendors|0:dpkg:google-chrome-stable");
        assert!(
            v[0].message
                .ends_with("vendor or controller `alphabet` is denied"),
            "{}",
            v[0].message
        );
        // The publishing vendor itself counts too.
        let p = deny(Deny {
            vendors: vec!["microsoft".into()],
            ..Default::default()
        });
        assert_eq!(
            found(&r, &p, None),
            [(
                GateRule::DenyVendors,
                "0:dpkg:microsoft-edge-stable@130".into()
            )]
        );
    }

    #[test]
    fn deny_jurisdictions_and_categories() {
        let r = workplace();
        let p = deny(Deny {
            jurisdictions: vec!["RU".into()],
            categories: vec!["browser".into()],
            ..Default::default()
        });
        assert_eq!(
            found(&r, &p, None),
            [
                (
                    GateRule::DenyCategories,
                    "0:dpkg:google-chrome-stable@130".into()
                ),
                (
                    GateRule::DenyCategories,
                    "0:dpkg:microsoft-edge-stable@130".into()
                ),
                (GateRule::DenyJurisdictions, "0:dpkg:kesl@12".into()),
            ]
        );
    }

    /// The workplace with levels set by hand, one component per level.
    fn levelled() -> Report {
        let mut r = workplace();
        let levels = [
            Level::Low,
            Level::Medium,
            Level::Unknown,
            Level::High,
            Level::Critical,
        ];
        for (c, l) in r.components.iter_mut().zip(levels) {
            c.risk.level = l;
        }
        r
    }

    fn levels_hit(r: &Report, p: &Policy, fail_on: Option<Level>) -> Vec<Level> {
        let v = violations(r, p, fail_on);
        r.components
            .iter()
            .filter(|c| v.iter().any(|v| v.component.as_ref() == Some(&c.id)))
            .map(|c| c.risk.level)
            .collect()
    }

    #[test]
    fn max_level_and_fail_on_follow_the_severity_order() {
        let r = levelled();
        // critical > high > unknown > medium > low
        let max = |l| {
            deny(Deny {
                max_level: Some(l),
                ..Default::default()
            })
        };
        let none = Policy::default();
        assert_eq!(
            levels_hit(&r, &max(Level::Medium), None),
            [Level::Unknown, Level::High, Level::Critical]
        );
        assert_eq!(
            levels_hit(&r, &max(Level::Unknown), None),
            [Level::High, Level::Critical]
        );
        assert_eq!(levels_hit(&r, &max(Level::Critical), None), []);
        // --fail-on is "at or above", max_level "above".
        assert_eq!(
            levels_hit(&r, &none, Some(Level::Unknown)),
            [Level::Unknown, Level::High, Level::Critical]
        );
        assert_eq!(levels_hit(&r, &none, Some(Level::Low)).len(), 5);
        assert_eq!(
            levels_hit(&r, &none, Some(Level::Critical)),
            [Level::Critical]
        );
        let v = violations(&r, &none, Some(Level::High));
        assert_eq!(v[0].rule, GateRule::FailOn);
        assert!(
            v[0].message
                .ends_with("level high is at or above --fail-on high"),
            "{}",
            v[0].message
        );
        let v = violations(&r, &max(Level::High), None);
        assert!(
            v[0].message
                .ends_with("level critical is above the maximum high"),
            "{}",
            v[0].message
        );
    }

    #[test]
    fn aggregate_minimums() {
        let mut r = workplace();
        let p = deny(Deny {
            min_oss_share: Some(0.6),
            min_index: Some(70.0),
            ..Default::default()
        });
        // No index at all (no workplace components) fails a minimum; an
        // unknown share has nothing to compare.
        let v = violations(&r, &p, None);
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].rule, v[0].key.as_str()),
            (GateRule::DenyMinIndex, "deny.min_index")
        );
        assert_eq!(
            v[0].message,
            "sovereignty index n/a is below the minimum 70"
        );
        assert_eq!(v[0].component, None);

        r.summary.model.oss_share.count = Some(0.5);
        r.summary.model.index = Some(69.94);
        let v = violations(&r, &p, None);
        let messages: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "open-source share 50.0 % is below the minimum 60.0 %",
                "sovereignty index 69.9 is below the minimum 70"
            ]
        );
        // At the minimum is enough.
        r.summary.model.oss_share.count = Some(0.6);
        r.summary.model.index = Some(70.0);
        assert!(violations(&r, &p, None).is_empty());
    }

    #[test]
    fn allow_entries_exempt_by_vendor_chain_and_by_product() {
        let r = workplace();
        let mut p = deny(Deny {
            categories: vec!["browser".into()],
            jurisdictions: vec!["RU".into()],
            ..Default::default()
        });
        p.allows = vec![
            allow(Some("alphabet"), None),
            allow(None, Some("microsoft-edge")),
        ];
        let v = judge(&r, &p, None, None);
        let allowed: Vec<Option<&str>> = v
            .violations
            .iter()
            .map(|v| v.allowed_by.as_deref())
            .collect();
        assert_eq!(
            allowed,
            [
                Some("vendor:alphabet"),
                Some("product:microsoft-edge"),
                None
            ]
        );
        assert_eq!(v.failing, ["deny.jurisdictions|0:dpkg:kesl"]);
        assert!(!v.passed);
        p.allows.push(allow(Some("kaspersky"), None));
        let v = judge(&r, &p, None, None);
        assert!(v.passed && v.failing.is_empty());
        assert_eq!(v.violations.len(), 3, "allowed violations are still listed");
    }

    #[test]
    fn a_baselines_known_violations_do_not_fail() {
        let p = deny(Deny {
            categories: vec!["browser".into()],
            ..Default::default()
        });
        // The baseline has Chrome 129; now Chrome 130 (same key: no
        // version) and Edge, which is new.
        let baseline = report(vec![component("google-chrome-stable", "129")]);
        let now = report(vec![
            component("google-chrome-stable", "130"),
            component("microsoft-edge-stable", "130"),
        ]);
        let v = judge(&now, &p, None, Some(("old.json", &baseline)));
        assert_eq!(v.violations.len(), 2);
        assert_eq!(v.failing, ["deny.categories|0:dpkg:microsoft-edge-stable"]);
        assert_eq!(v.baseline.as_deref(), Some("old.json"));
        assert!(!v.passed);
        let v = judge(&baseline, &p, None, Some(("old.json", &baseline)));
        assert!(v.passed);
        // Without the baseline both fail.
        assert_eq!(judge(&now, &p, None, None).failing.len(), 2);
    }

    #[test]
    fn the_verdict_line_says_passed_or_failed_with_counts() {
        let r = workplace();
        let mut p = deny(Deny {
            categories: vec!["browser".into()],
            jurisdictions: vec!["RU".into()],
            ..Default::default()
        });
        // Fail: three violations, none allowed.
        let v = judge(&r, &p, None, None);
        assert_eq!(
            verdict_line(&v, &p, Lang::En),
            "sovscan: FAILED: 3 violations, 0 allowed"
        );
        // Pass: every one allowed; the nearest expiry is named.
        let mut soon = allow(Some("alphabet"), None);
        soon.expires = Date::parse("2027-03-31").unwrap();
        p.allows = vec![
            allow(None, Some("microsoft-edge")),
            soon,
            allow(Some("kaspersky"), None),
        ];
        let v = judge(&r, &p, None, None);
        assert_eq!(
            verdict_line(&v, &p, Lang::En),
            "sovscan: PASSED: 0 violations, 3 allowed (nearest expiry 2027-03-31, vendor:alphabet)"
        );
        // An expired entry allows nothing and is counted.
        p.allows.truncate(2);
        p.expired_allows = vec!["vendor:kaspersky expired on 2026-01-01".into()];
        let v = judge(&r, &p, None, None);
        assert_eq!(
            verdict_line(&v, &p, Lang::En),
            "sovscan: FAILED: 1 violation, 2 allowed (nearest expiry 2027-03-31, vendor:alphabet), 1 allowlist entry expired"
        );
    }

    #[test]
    fn the_verdict_as_a_job_summary() {
        let r = workplace();
        let mut p = deny(Deny {
            jurisdictions: vec!["RU".into()],
            categories: vec!["browser".into()],
            ..Default::default()
        });
        p.allows = vec![allow(Some("alphabet"), None)];
        let md = verdict_markdown(&judge(&r, &p, None, None), &p);
        assert!(
            md.starts_with(
                "### sovscan: FAILED\n\n2 violations, 1 allowed (nearest expiry 2099-12-31, vendor:alphabet)\n\n| rule | state | finding |\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("| `deny.categories` | allowed by vendor:alphabet | "),
            "{md}"
        );
        assert!(md.contains("| `deny.jurisdictions` | violation | "), "{md}");
        let md = verdict_markdown(&judge(&report(vec![]), &p, None, None), &p);
        assert_eq!(
            md,
            "### sovscan: PASSED\n\n0 violations, 0 allowed\n\nNo violation.\n"
        );
    }

    #[test]
    fn the_verdict_line_of_a_baseline_run_counts_new_and_known() {
        let p = deny(Deny {
            categories: vec!["browser".into()],
            ..Default::default()
        });
        let baseline = report(vec![component("google-chrome-stable", "129")]);
        let now = report(vec![
            component("google-chrome-stable", "130"),
            component("microsoft-edge-stable", "130"),
        ]);
        let v = judge(&now, &p, None, Some(("old.json", &baseline)));
        assert_eq!(
            verdict_line(&v, &p, Lang::En),
            "sovscan: FAILED: 1 new violation, 1 known from the baseline, 0 allowed"
        );
        // Only known violations: the run passes, and says why.
        let v = judge(&baseline, &p, None, Some(("old.json", &baseline)));
        assert_eq!(
            verdict_line(&v, &p, Lang::En),
            "sovscan: PASSED: 0 new violations, 1 known from the baseline, 0 allowed"
        );
    }

    #[test]
    fn failing_keys_are_sorted_and_unique_and_passed_means_none() {
        let r = report(vec![
            component("microsoft-edge-stable", "131"),
            component("google-chrome-stable", "130"),
            component("microsoft-edge-stable", "130"),
        ]);
        let p = deny(Deny {
            categories: vec!["browser".into()],
            ..Default::default()
        });
        let v = judge(&r, &p, Some(Level::Critical), None);
        assert_eq!(v.violations.len(), 3);
        assert_eq!(
            v.failing,
            [
                "deny.categories|0:dpkg:google-chrome-stable",
                "deny.categories|0:dpkg:microsoft-edge-stable"
            ]
        );
        assert_eq!(v.fail_on, Some(Level::Critical));
        assert!(!v.passed);
        let clean = judge(
            &report(vec![component("libreoffice", "25.8")]),
            &p,
            None,
            None,
        );
        assert!(clean.passed && clean.violations.is_empty() && clean.failing.is_empty());
    }
}
