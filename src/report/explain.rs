//! `sovscan explain`: the whole assessment trace of one component, from a
//! fresh scan or a saved report: evidence → match → product → vendor →
//! controller chain (with dates) → jurisdiction → laws → rules fired →
//! dimensions → weights → exposure → level → alternatives.
//!
//! It reads the component from the typed report, so a saved scan explains
//! itself exactly as it was assessed; the rule database only supplies the
//! texts of laws and gates and the dates of control edges. Numbers are
//! shown as the JSON records them ([`crate::fmt::json`]).

use crate::fmt::{json, visible};
use crate::model::report::{Component, Report};
use crate::rules::RuleDb;
use std::fmt::Write;

/// Why `explain` has nothing to explain.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("no product or component `{0}` in the report (by id, key, name or product id){1}")]
    NotFound(String, String),
    #[error("{} products or components match `{key}`; name one by id: {}", ids.len(), ids.join(", "))]
    Ambiguous { key: String, ids: Vec<String> },
}

/// Finds the product by id, key or rule id, then the product or component
/// by id, then by name (ignoring case). More than one hit at the first
/// level that has any is an error naming them by id.
fn find(report: &Report, key: &str) -> Result<Component, ExplainError> {
    let products = report.units(false);
    let products: &[Component] = if report.products.is_empty() {
        &[]
    } else {
        &products
    };
    let by = |f: &dyn Fn(&Component) -> bool| -> Vec<&Component> {
        let components = report.components.iter();
        products.iter().chain(components).filter(|c| f(c)).collect()
    };
    let product_by = |f: &dyn Fn(&Component) -> bool| -> Vec<&Component> {
        products.iter().filter(|c| f(c)).collect()
    };
    // A product of one component has that component's name: the product
    // is found first, at each level.
    for hits in [
        product_by(&|c| c.id == key || c.key == key),
        product_by(&|c| c.product.as_ref().is_some_and(|p| p.id == key)),
        by(&|c| c.id == key),
        product_by(&|c| c.name.eq_ignore_ascii_case(key)),
        by(&|c| c.name.eq_ignore_ascii_case(key)),
    ] {
        match hits.as_slice() {
            [] => continue,
            [one] => return Ok((*one).clone()),
            many => {
                return Err(ExplainError::Ambiguous {
                    key: key.to_owned(),
                    ids: many.iter().map(|c| c.id.clone()).collect(),
                });
            }
        }
    }
    // The nearest names and ids, for "did you mean".
    let names = products.iter().chain(&report.components).flat_map(|c| {
        [c.name.as_str()]
            .into_iter()
            .chain(c.product.as_ref().map(|p| p.id.as_str()))
    });
    Err(ExplainError::NotFound(
        key.to_owned(),
        crate::rules::did_you_mean(key, names),
    ))
}

/// The trace of the component `key` (id, name or product id), one part
/// per stage of the assessment.
pub fn explain(report: &Report, key: &str, db: &RuleDb) -> Result<String, ExplainError> {
    let found = find(report, key)?;
    let c = &found;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} ({}, image {})\n  id: {}",
        c.name,
        c.version.as_deref().unwrap_or(""),
        c.source,
        c.image,
        c.id
    );
    if let Some(p) = report.products.iter().find(|p| p.id == c.id) {
        let _ = writeln!(
            o,
            "\nProduct: {}, assessed as {}",
            crate::fmt::count(p.members.len(), "member", "members"),
            p.lead
        );
        for i in &p.installations {
            let place = i
                .location
                .as_deref()
                .map(|l| format!(" in {l}"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  installation: {}{place}: {}",
                i.channel,
                i.members.join(", ")
            );
        }
    }
    evidence(c, &mut o);
    binaries(report, c, &mut o);
    control(c, db, &mut o);
    jurisdiction(c, db, &mut o);
    rules(c, &mut o);
    assessment(report, c, db, &mut o);
    alternatives(c, db, &mut o);
    Ok(visible(o))
}

/// The binaries attached to the component (to its members, for a
/// product): the first 20 paths, then how many more.
fn binaries(report: &Report, c: &Component, o: &mut String) {
    let members: Vec<&str> = match report.products.iter().find(|p| p.id == c.id) {
        Some(p) => p.members.iter().map(String::as_str).collect(),
        None => vec![c.id.as_str()],
    };
    let paths: Vec<&str> = report
        .binaries
        .iter()
        .filter(|b| {
            b.image == c.image
                && b.component
                    .as_deref()
                    .is_some_and(|id| members.contains(&id))
        })
        .map(|b| b.path.as_str())
        .collect();
    if paths.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nBinaries ({})", paths.len());
    for p in paths.iter().take(LISTED) {
        let _ = writeln!(o, "  {p}");
    }
    if paths.len() > LISTED {
        let _ = writeln!(o, "  … and {} more", paths.len() - LISTED);
    }
}

/// How many binaries `explain` lists by path.
const LISTED: usize = 20;

/// Where the component was found, and which rule patterns matched.
fn evidence(c: &Component, o: &mut String) {
    let _ = writeln!(o, "\nEvidence");
    for e in &c.evidence {
        let _ = writeln!(o, "  {}  [{}] {}", e.path, e.kind, e.detail);
    }
    let _ = writeln!(o, "\nMatch");
    let Some(m) = &c.matched else {
        let _ = writeln!(o, "  no rule matched");
        return;
    };
    let _ = writeln!(o, "  confidence {}", m.confidence.as_str());
    for h in &m.evidence {
        let _ = writeln!(
            o,
            "  {}: {} `{}` matches `{}` ({})",
            h.rule,
            h.field,
            h.value,
            h.pattern,
            h.confidence.as_str()
        );
    }
}

/// Product, licence, and the controller chain with the database's dates.
fn control(c: &Component, db: &RuleDb, o: &mut String) {
    let _ = writeln!(o, "\nProduct, vendor and control");
    match &c.product {
        Some(p) => {
            let _ = writeln!(
                o,
                "  product: {} ({}), category {}",
                p.name, p.id, c.category
            );
        }
        None => {
            let _ = writeln!(o, "  product: not identified; category {}", c.category);
        }
    }
    let l = &c.license;
    let _ = writeln!(
        o,
        "  licence: {} (open source: {}; {})",
        l.spdx
            .as_deref()
            .or(l.stated.as_deref())
            .unwrap_or(if l.open_source == Some(false) {
                "proprietary"
            } else {
                "not stated"
            }),
        match l.open_source {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        },
        l.basis
    );
    if c.controller_chain.is_empty() {
        let _ = writeln!(o, "  vendor: not identified");
    }
    for (i, id) in c.controller_chain.iter().enumerate() {
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
}

/// The ultimate controller's jurisdiction and its laws, by name.
fn jurisdiction(c: &Component, db: &RuleDb, o: &mut String) {
    let _ = writeln!(o, "\nJurisdiction of the ultimate controller");
    let Some(j) = &c.jurisdiction else {
        let _ = writeln!(o, "  none (no controller with a country)");
        return;
    };
    // The bloc by its one name (`us`, `cn_ru`, `eu`...), as every format
    // writes it.
    let _ = writeln!(o, "  {} (bloc {})", j.country, c.bloc_key());
    for law in &j.laws {
        match db.laws.iter().find(|l| &l.id == law) {
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

/// Every model rule that fired, and the mitigations that lowered a score.
fn rules(c: &Component, o: &mut String) {
    let _ = writeln!(o, "\nRules fired");
    let r = &c.risk;
    for f in &r.rules {
        let _ = writeln!(
            o,
            "  {} {} = {}: {}",
            f.dimension.as_str().to_uppercase(),
            f.id,
            f.score,
            f.rationale
        );
    }
    for m in &r.mitigations {
        let _ = writeln!(
            o,
            "  mitigation {}: {} {} → {} ({}; approved by {} until {})",
            m.target,
            m.dimension.as_str().to_uppercase(),
            m.from,
            m.to,
            m.justification,
            m.approver,
            m.expires
        );
    }
}

/// D1..D6 with their weights, exposure × impact, gates and the level.
fn assessment(report: &Report, c: &Component, db: &RuleDb, o: &mut String) {
    let _ = writeln!(o, "\nAssessment");
    let r = &c.risk;
    if let Some(d) = &r.dimensions {
        let params = &report.model.params;
        let dims: Vec<String> = d
            .scores()
            .iter()
            .zip(params.weights.all())
            .enumerate()
            .map(|(i, (score, weight))| format!("D{} {score} (weight {})", i + 1, json(&weight)))
            .collect();
        let _ = writeln!(o, "  {}", dims.join(" · "));
        if let Some(role) = &r.assumed_role {
            let _ = writeln!(
                o,
                "  role assumed: {role} (the component's own role is unknown; its vendor's typical role)"
            );
        }
        let t = &params.thresholds;
        match r.exposure {
            // An unresolved vendor: docs/model.md §4, "Unknown".
            None => {
                let _ = writeln!(
                    o,
                    "  D1..D6 unknown, each scored as unknown; impact D7 {}: no exposure, the level stays unknown",
                    d.d7
                );
            }
            Some(e) => {
                let _ = writeln!(
                    o,
                    "  exposure {} × impact D7 {} = {} (thresholds: medium {}, high {}, critical {})",
                    json(&e),
                    d.d7,
                    json(&r.score),
                    json(&t.medium),
                    json(&t.high),
                    json(&t.critical)
                );
            }
        }
    }
    for g in &r.gates {
        let gate = db.model.gates.iter().find(|x| &x.id == g);
        let why = gate.map_or("", |x| x.rationale.as_str());
        let level = gate.map_or("critical", |x| x.level.as_str());
        let _ = writeln!(o, "  gate {g} (at least {level}): {why}");
    }
    let _ = writeln!(o, "  level: {}", r.level.as_str());
}

/// The alternatives, with what the database says about each.
fn alternatives(c: &Component, db: &RuleDb, o: &mut String) {
    if c.alternatives.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nAlternatives");
    for a in &c.alternatives {
        let detail = db
            .product(&a.id)
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
        let _ = writeln!(o, "  {} ({}): {detail}", a.name, a.id);
    }
}
