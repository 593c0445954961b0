//! The CI gate: a policy's deny rules and `--fail-on`, evaluated on a report.
//!
//! It works on the report's JSON, so the same code judges a fresh scan and a
//! saved baseline (`--baseline OLD.json`): a violation is *new* when the
//! baseline, judged by the same policy, doesn't have it. Violations are
//! keyed without versions, so an update of an already-tolerated component
//! isn't new.
//!
//! Exit codes: 0 pass, 1 a (new) violation, 2 usage or fatal error.

use crate::assess::Level;
use crate::policy::Policy;
use serde::Serialize;
use serde_json::Value;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `deny.vendors`, `deny.jurisdictions`, `deny.categories`,
    /// `deny.max_level`, `fail-on`, `deny.min_oss_share`, `deny.min_index`.
    pub rule: String,
    /// The component's id, for component rules.
    pub component: Option<String>,
    /// Identity across scans (no version).
    pub key: String,
    pub message: String,
    /// The allowlist entry that exempts it (`vendor:microsoft`), if any.
    pub allowed_by: Option<String>,
}

/// The gate's verdict, recorded in the report under `policy`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verdict {
    pub file: Option<String>,
    pub fail_on: Option<Level>,
    pub baseline: Option<String>,
    /// Every violation, allowed or not.
    pub violations: Vec<Violation>,
    /// Keys of the violations that fail the run: not allowed, and new when
    /// a baseline was given.
    pub failing: Vec<String>,
    /// Allowlist entries past their expiry (they allowed nothing).
    pub expired_allows: Vec<String>,
    pub passed: bool,
}

/// A component's identity across scans: image, source, name and
/// architecture (no version, so an update is the same component).
pub fn component_key(c: &Value) -> String {
    format!(
        "{}:{}:{}:{}",
        c["image"],
        c["source"].as_str().unwrap_or(""),
        c["name"].as_str().unwrap_or(""),
        c["arch"].as_str().unwrap_or("")
    )
}

fn severity(v: &Value) -> Option<Level> {
    v.as_str().and_then(Level::parse)
}

/// Every violation of the policy (and `fail_on`) in a report.
pub fn violations(report: &Value, policy: &Policy, fail_on: Option<Level>) -> Vec<Violation> {
    let d = &policy.deny;
    let mut out = Vec::new();
    for c in report["components"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().unwrap_or("").to_owned();
        let name = c["name"].as_str().unwrap_or("");
        let chain: Vec<&str> = c["controller_chain"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let product = c["product"]["id"].as_str();
        let country = c["controller"]["country"].as_str();
        let category = c["category"].as_str().unwrap_or("");
        let level = severity(&c["risk"]["level"]);
        let mut hit = |rule: &str, why: String| {
            let allowed_by = policy
                .allows
                .iter()
                .find(|a| {
                    a.vendor.as_deref().is_some_and(|v| chain.contains(&v))
                        || (a.product.is_some() && a.product.as_deref() == product)
                })
                .map(|a| a.label.clone());
            out.push(Violation {
                rule: rule.to_owned(),
                component: Some(id.clone()),
                key: format!("{rule}|{}", component_key(c)),
                message: format!("{name} ({id}): {why}"),
                allowed_by,
            });
        };
        if let Some(v) = chain.iter().find(|v| d.vendors.iter().any(|x| x == *v)) {
            hit(
                "deny.vendors",
                format!("vendor or controller `{v}` is denied"),
            );
        }
        if let Some(k) = country.filter(|k| d.jurisdictions.iter().any(|x| x == k)) {
            hit(
                "deny.jurisdictions",
                format!("controller country {k} is denied"),
            );
        }
        if d.categories.iter().any(|x| x == category) {
            hit("deny.categories", format!("category {category} is denied"));
        }
        if let (Some(max), Some(l)) = (d.max_level, level)
            && l.severity() > max.severity()
        {
            hit(
                "deny.max_level",
                format!("level {} is above the maximum {}", l.as_str(), max.as_str()),
            );
        }
        if let (Some(min), Some(l)) = (fail_on, level)
            && l.severity() >= min.severity()
        {
            hit(
                "fail-on",
                format!(
                    "level {} is at or above --fail-on {}",
                    l.as_str(),
                    min.as_str()
                ),
            );
        }
    }
    let s = &report["summary"];
    if let (Some(min), Some(share)) = (d.min_oss_share, s["oss_share"]["count"].as_f64())
        && share < min
    {
        out.push(Violation {
            rule: "deny.min_oss_share".into(),
            component: None,
            key: "deny.min_oss_share".into(),
            message: format!(
                "open-source share {:.1}% is below the minimum {:.1}%",
                share * 100.0,
                min * 100.0
            ),
            allowed_by: None,
        });
    }
    if let Some(min) = d.min_index {
        let index = s["index"].as_f64();
        if index.is_none_or(|i| i < min) {
            out.push(Violation {
                rule: "deny.min_index".into(),
                component: None,
                key: "deny.min_index".into(),
                message: format!(
                    "sovereignty index {} is below the minimum {min}",
                    index.map_or("n/a".to_owned(), |i| format!("{i:.1}"))
                ),
                allowed_by: None,
            });
        }
    }
    out
}

/// Judges a report, optionally against a baseline report.
pub fn judge(
    report: &Value,
    policy: &Policy,
    fail_on: Option<Level>,
    baseline: Option<(&str, &Value)>,
) -> Verdict {
    let violations = violations(report, policy, fail_on);
    let known: std::collections::HashSet<String> = baseline
        .map(|(_, b)| violations_keys(b, policy, fail_on))
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

fn violations_keys(
    report: &Value,
    policy: &Policy,
    fail_on: Option<Level>,
) -> std::collections::HashSet<String> {
    violations(report, policy, fail_on)
        .into_iter()
        .filter(|v| v.allowed_by.is_none())
        .map(|v| v.key)
        .collect()
}
