//! `sovscan explain`: the whole assessment trace of one component, from a
//! fresh scan or a saved report: evidence → match → product → vendor →
//! controller chain (with dates) → jurisdiction → laws → rules fired →
//! dimensions → weights → exposure → level → alternatives.
//!
//! It reads the component from the report's JSON, so a saved scan explains
//! itself exactly as it was assessed; the rule database only supplies the
//! texts of laws and the dates of control edges.

use crate::rules::RuleDb;
use serde_json::Value;
use std::fmt::Write;

/// Finds the component by id, then by name, then by product id.
fn find<'a>(report: &'a Value, key: &str) -> Result<&'a Value, String> {
    let all = report["components"]
        .as_array()
        .ok_or("the report has no components")?;
    let by = |f: &dyn Fn(&Value) -> bool| -> Vec<&Value> { all.iter().filter(|c| f(c)).collect() };
    for hits in [
        by(&|c| c["id"] == key),
        by(&|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(key))
        }),
        by(&|c| c["product"]["id"] == key),
    ] {
        match hits.len() {
            0 => continue,
            1 => return Ok(hits[0]),
            n => {
                let ids: Vec<&str> = hits.iter().filter_map(|c| c["id"].as_str()).collect();
                return Err(format!(
                    "{n} components match `{key}`; name one by id: {}",
                    ids.join(", ")
                ));
            }
        }
    }
    Err(format!(
        "no component `{key}` in the report (by id, name or product id)"
    ))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("-")
}

pub fn explain(report: &Value, key: &str, db: &RuleDb) -> Result<String, String> {
    let c = find(report, key)?;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} ({}, image {})\n  id: {}",
        s(&c["name"]),
        c["version"].as_str().unwrap_or(""),
        s(&c["source"]),
        c["image"],
        s(&c["id"])
    );

    let _ = writeln!(o, "\nEvidence");
    for e in c["evidence"].as_array().into_iter().flatten() {
        let _ = writeln!(
            o,
            "  {}  [{}] {}",
            s(&e["path"]),
            s(&e["kind"]),
            s(&e["detail"])
        );
    }

    let _ = writeln!(o, "\nMatch");
    match super::sovereignty::obj(&c["match"]) {
        None => {
            let _ = writeln!(o, "  no rule matched");
        }
        Some(m) => {
            let _ = writeln!(o, "  confidence {}", s(&m["confidence"]));
            for h in m["evidence"].as_array().into_iter().flatten() {
                let _ = writeln!(
                    o,
                    "  {}: {} `{}` matches `{}` ({})",
                    s(&h["rule"]),
                    s(&h["field"]),
                    s(&h["value"]),
                    s(&h["pattern"]),
                    s(&h["confidence"])
                );
            }
        }
    }

    let _ = writeln!(o, "\nProduct, vendor and control");
    if let Some(p) = super::sovereignty::obj(&c["product"]) {
        let _ = writeln!(
            o,
            "  product: {} ({}), category {}",
            s(&p["name"]),
            s(&p["id"]),
            s(&c["category"])
        );
    } else {
        let _ = writeln!(
            o,
            "  product: not identified; category {}",
            s(&c["category"])
        );
    }
    let l = &c["license"];
    let _ = writeln!(
        o,
        "  licence: {} (open source: {}; {})",
        l["spdx"]
            .as_str()
            .or(l["stated"].as_str())
            .unwrap_or(if l["open_source"] == false {
                "proprietary"
            } else {
                "not stated"
            }),
        match l["open_source"].as_bool() {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
        s(&l["basis"])
    );
    let chain: Vec<&str> = c["controller_chain"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if chain.is_empty() {
        let _ = writeln!(o, "  vendor: not identified");
    }
    for (i, id) in chain.iter().enumerate() {
        let role = if i == 0 { "vendor" } else { "controlled by" };
        match db.vendor(id) {
            Some(v) => {
                let since = v
                    .parent_since
                    .as_deref()
                    .map(|d| format!(", controlled by the next since {d}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "  {role}: {} ({}, {}{since}; source: {}, as of {})",
                    v.name,
                    id,
                    v.country.as_deref().unwrap_or("no country"),
                    v.source,
                    v.as_of
                );
            }
            None => {
                let _ = writeln!(o, "  {role}: {id} (not in the current rule database)");
            }
        }
    }

    let _ = writeln!(o, "\nJurisdiction of the ultimate controller");
    match super::sovereignty::obj(&c["jurisdiction"]) {
        None => {
            let _ = writeln!(o, "  none (no controller with a country)");
        }
        Some(j) => {
            let _ = writeln!(o, "  {} ({})", s(&j["country"]), s(&j["bloc"]));
            for law in j["laws"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                match db.laws.iter().find(|l| l.id == law) {
                    Some(l) => {
                        let _ = writeln!(
                            o,
                            "  - {} ({}): {} [{}]",
                            l.name, l.id, l.effect, l.citation
                        );
                    }
                    None => {
                        let _ = writeln!(o, "  - {law}");
                    }
                }
            }
        }
    }

    let r = &c["risk"];
    let _ = writeln!(o, "\nRules fired");
    for f in r["rules"].as_array().into_iter().flatten() {
        let _ = writeln!(
            o,
            "  {} {} = {}: {}",
            s(&f["dimension"]).to_uppercase(),
            s(&f["id"]),
            f["score"],
            s(&f["rationale"])
        );
    }
    for m in r["mitigations"].as_array().into_iter().flatten() {
        let _ = writeln!(
            o,
            "  mitigation {}: {} {} → {} ({}; approved by {} until {})",
            s(&m["target"]),
            s(&m["dimension"]).to_uppercase(),
            m["from"],
            m["to"],
            s(&m["justification"]),
            s(&m["approver"]),
            s(&m["expires"])
        );
    }

    let _ = writeln!(o, "\nAssessment");
    if let Some(d) = super::sovereignty::obj(&r["dimensions"]) {
        let w = &report["model"]["weights"];
        let dims: Vec<String> = ["d1", "d2", "d3", "d4", "d5", "d6"]
            .iter()
            .map(|k| format!("{} {} (weight {})", k.to_uppercase(), d[*k], w[*k]))
            .collect();
        let _ = writeln!(o, "  {}", dims.join(" · "));
        let t = &report["model"]["thresholds"];
        let _ = writeln!(
            o,
            "  exposure {} × impact D7 {} = {} (thresholds: medium {}, high {}, critical {})",
            r["exposure"], d["d7"], r["score"], t["medium"], t["high"], t["critical"]
        );
    }
    for g in r["gates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let why = db
            .model
            .gates
            .iter()
            .find(|x| x.id == g)
            .map_or("", |x| x.rationale.as_str());
        let _ = writeln!(o, "  gate {g}: {why}");
    }
    let _ = writeln!(o, "  level: {}", s(&r["level"]));

    let alts = c["alternatives"]
        .as_array()
        .map_or(&[][..], |a| a.as_slice());
    if !alts.is_empty() {
        let _ = writeln!(o, "\nAlternatives");
        for a in alts {
            let detail = a["id"]
                .as_str()
                .and_then(|id| db.product(id))
                .map(|p| {
                    let ctl = &db.vendors[db.controller(p.vendor)];
                    format!(
                        "{}, {}, controller {} ({})",
                        p.category,
                        if db.license_is_open(&p.license) == Some(true) {
                            "open source"
                        } else {
                            "proprietary"
                        },
                        ctl.name,
                        ctl.country.as_deref().unwrap_or("community")
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(o, "  {} ({}): {detail}", s(&a["name"]), s(&a["id"]));
        }
    }
    Ok(o)
}
