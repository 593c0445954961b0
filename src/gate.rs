//! The CI gate: a policy's deny rules and `--fail-on`, evaluated on a report.
//!
//! It works on the typed report, so the same code judges a fresh scan and a
//! saved baseline (`--baseline OLD.json`, read back as the same types): a
//! violation is *new* when the baseline, judged by the same policy, doesn't
//! have it. Violations are keyed without versions, so an update of an
//! already-tolerated component isn't new.
//!
//! Exit codes: 0 pass, 1 a (new) violation, 2 usage or fatal error.

use crate::assess::policy::Policy;
use crate::model::report::{Component, Report};
use crate::model::risk::Level;
use crate::model::verdict::{GateRule, Verdict, Violation};
use std::collections::HashSet;

/// Every violation of the policy (and `fail_on`) in a report.
pub fn violations(report: &Report, policy: &Policy, fail_on: Option<Level>) -> Vec<Violation> {
    let mut out = Vec::new();
    for c in &report.components {
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
                "open-source share {:.1}% is below the minimum {:.1}%",
                share * 100.0,
                min * 100.0
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
                s.index.map_or("n/a".to_owned(), |i| format!("{i:.1}"))
            ),
        ));
    }
    out
}

/// The violations of one component, in rule order.
fn component_violations(
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
