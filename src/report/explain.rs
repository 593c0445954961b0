//! `sovscan explain`: the whole assessment trace of one component, from a
//! fresh scan or a saved report: evidence → match → product → vendor →
//! controller chain (with dates) → jurisdiction → laws → rules fired →
//! dimensions → weights → exposure → level → alternatives.
//!
//! It reads the component from the typed report, so a saved scan explains
//! itself exactly as it was assessed; the rule database only supplies the
//! texts of laws and gates and the dates of control edges. Numbers are
//! shown as the JSON records them ([`crate::fmt::json`]).

use super::table::date;
use crate::fmt::{json, visible};
use crate::i18n::Lang;
use crate::model::report::{Component, Report};
use crate::model::risk::Level;
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
/// per stage of the assessment, in `lang` (the rule database's own texts,
/// such as a law's effect or a rule's rationale, stay as written there).
pub fn explain(
    report: &Report,
    key: &str,
    db: &RuleDb,
    lang: Lang,
) -> Result<String, ExplainError> {
    let found = find(report, key)?;
    let c = &found;
    let mut o = String::new();
    let head = lang.ta(
        "explain-head",
        &[
            ("name", c.name.as_str().into()),
            ("version", c.version.as_deref().unwrap_or("").into()),
            ("source", c.source.to_string().into()),
            ("image", c.image.into()),
        ],
    );
    let id = lang.ta("explain-id", &[("id", c.id.as_str().into())]);
    let _ = writeln!(o, "{head}\n  {id}");
    if let Some(p) = report.products.iter().find(|p| p.id == c.id) {
        let line = lang.ta(
            "explain-product",
            &[
                ("count", p.members.len().into()),
                ("lead", p.lead.as_str().into()),
            ],
        );
        let _ = writeln!(o, "\n{line}");
        for i in &p.installations {
            let place = i
                .location
                .as_deref()
                .map(|l| lang.ta("explain-in", &[("place", l.into())]))
                .unwrap_or_default();
            let line = lang.ta(
                "explain-installation",
                &[
                    ("channel", i.channel.to_string().into()),
                    ("place", place.into()),
                    ("members", i.members.join(", ").into()),
                ],
            );
            let _ = writeln!(o, "  {line}");
        }
    }
    evidence(c, lang, &mut o);
    binaries(report, c, lang, &mut o);
    control(c, db, lang, &mut o);
    jurisdiction(c, db, lang, &mut o);
    rules(c, lang, &mut o);
    assessment(report, c, db, lang, &mut o);
    alternatives(c, db, lang, &mut o);
    Ok(visible(o))
}

/// The binaries attached to the component (to its members, for a
/// product): the first 20 paths, then how many more.
fn binaries(report: &Report, c: &Component, lang: Lang, o: &mut String) {
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
    let head = lang.ta("explain-binaries", &[("count", paths.len().into())]);
    let _ = writeln!(o, "\n{head}");
    for p in paths.iter().take(LISTED) {
        let _ = writeln!(o, "  {p}");
    }
    if paths.len() > LISTED {
        let more = lang.ta("explain-more", &[("count", (paths.len() - LISTED).into())]);
        let _ = writeln!(o, "  {more}");
    }
}

/// How many binaries `explain` lists by path.
const LISTED: usize = 20;

/// Where the component was found, and which rule patterns matched.
fn evidence(c: &Component, lang: Lang, o: &mut String) {
    let _ = writeln!(o, "\n{}", lang.t("explain-evidence"));
    for e in &c.evidence {
        let _ = writeln!(o, "  {}  [{}] {}", e.path, e.kind, e.detail);
    }
    let _ = writeln!(o, "\n{}", lang.t("explain-match"));
    let Some(m) = &c.matched else {
        let _ = writeln!(o, "  {}", lang.t("explain-no-match"));
        return;
    };
    let conf = lang.ta(
        "explain-confidence",
        &[(
            "confidence",
            known(lang, "confidence", m.confidence.as_str()).into(),
        )],
    );
    let _ = writeln!(o, "  {conf}");
    for h in &m.evidence {
        let line = lang.ta(
            "explain-hit",
            &[
                ("rule", h.rule.as_str().into()),
                ("field", known(lang, "field", &h.field.to_string()).into()),
                ("value", h.value.as_str().into()),
                ("pattern", h.pattern.as_str().into()),
                (
                    "confidence",
                    known(lang, "confidence", h.confidence.as_str()).into(),
                ),
            ],
        );
        let _ = writeln!(o, "  {line}");
    }
}

/// A word the report records in English (a match's confidence, the field
/// a pattern matched), in `lang` when `explain.ftl` has it
/// (`explain-field-package-name`), else as recorded.
fn known(lang: Lang, kind: &str, word: &str) -> String {
    let id = format!("explain-{kind}-{}", word.replace(' ', "-"));
    if lang.has(&id) {
        lang.t(&id)
    } else {
        word.to_owned()
    }
}

/// Product, licence, and the controller chain with the database's dates.
fn control(c: &Component, db: &RuleDb, lang: Lang, o: &mut String) {
    let _ = writeln!(o, "\n{}", lang.t("explain-control"));
    let line = match &c.product {
        Some(p) => lang.ta(
            "explain-product-is",
            &[
                ("name", p.name.as_str().into()),
                ("id", p.id.as_str().into()),
                ("category", c.category.as_str().into()),
            ],
        ),
        None => lang.ta(
            "explain-product-none",
            &[("category", c.category.as_str().into())],
        ),
    };
    let _ = writeln!(o, "  {line}");
    let l = &c.license;
    let name = match l.spdx.as_deref().or(l.stated.as_deref()) {
        Some(n) => n.to_owned(),
        None if l.open_source == Some(false) => lang.t("table-proprietary"),
        None => lang.t("explain-not-stated"),
    };
    let open = match l.open_source {
        Some(true) => lang.t("explain-yes"),
        Some(false) => lang.t("explain-no"),
        None => lang.t("table-unknown"),
    };
    let line = lang.ta(
        "explain-licence",
        &[
            ("name", name.into()),
            ("open", open.into()),
            ("basis", l.basis.to_string().into()),
        ],
    );
    let _ = writeln!(o, "  {line}");
    if c.controller_chain.is_empty() {
        let _ = writeln!(o, "  {}", lang.t("explain-no-vendor"));
    }
    for (i, id) in c.controller_chain.iter().enumerate() {
        let role = lang.t(if i == 0 {
            "explain-vendor"
        } else {
            "explain-controlled-by"
        });
        let line = match db.vendor(id) {
            Some(v) => {
                let since = v
                    .parent_since
                    .as_deref()
                    .map(|d| lang.ta("explain-since", &[("date", date(d, lang).into())]))
                    .unwrap_or_default();
                let country = v
                    .country
                    .clone()
                    .unwrap_or_else(|| lang.t("explain-no-country"));
                lang.ta(
                    "explain-chain-link",
                    &[
                        ("role", role.into()),
                        ("name", v.name.as_str().into()),
                        ("id", id.as_str().into()),
                        ("country", country.into()),
                        ("since", since.into()),
                        ("source", v.source.as_str().into()),
                        ("asof", date(&v.as_of, lang).into()),
                    ],
                )
            }
            None => lang.ta(
                "explain-chain-gone",
                &[("role", role.into()), ("id", id.as_str().into())],
            ),
        };
        let _ = writeln!(o, "  {line}");
    }
}

/// The ultimate controller's jurisdiction and its laws, by name.
fn jurisdiction(c: &Component, db: &RuleDb, lang: Lang, o: &mut String) {
    let _ = writeln!(o, "\n{}", lang.t("explain-jurisdiction"));
    let Some(j) = &c.jurisdiction else {
        let _ = writeln!(o, "  {}", lang.t("explain-no-jurisdiction"));
        return;
    };
    // The bloc by its one name (`us`, `cn_ru`, `eu`...), as every format
    // writes it.
    let bloc = lang.ta(
        "explain-bloc",
        &[
            ("country", j.country.as_str().into()),
            ("bloc", c.bloc_key().into()),
        ],
    );
    let _ = writeln!(o, "  {bloc}");
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
fn rules(c: &Component, lang: Lang, o: &mut String) {
    let _ = writeln!(o, "\n{}", lang.t("explain-rules"));
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
        let line = lang.ta(
            "explain-mitigation",
            &[
                ("target", m.target.as_str().into()),
                ("dimension", m.dimension.as_str().to_uppercase().into()),
                ("from", m.from.to_string().into()),
                ("to", m.to.to_string().into()),
                ("why", m.justification.as_str().into()),
                ("approver", m.approver.as_str().into()),
                ("expires", date(&m.expires.to_string(), lang).into()),
            ],
        );
        let _ = writeln!(o, "  {line}");
    }
}

/// D1..D6 with their weights, exposure × impact, gates and the level.
fn assessment(report: &Report, c: &Component, db: &RuleDb, lang: Lang, o: &mut String) {
    let _ = writeln!(o, "\n{}", lang.t("explain-assessment"));
    let r = &c.risk;
    if let Some(d) = &r.dimensions {
        let params = &report.model.params;
        let dims: Vec<String> = d
            .scores()
            .iter()
            .zip(params.weights.all())
            .enumerate()
            .map(|(i, (score, weight))| {
                lang.ta(
                    "explain-dimension",
                    &[
                        ("n", (i + 1).into()),
                        ("score", score.to_string().into()),
                        ("weight", lang.decimal(&json(&weight)).into()),
                    ],
                )
            })
            .collect();
        let _ = writeln!(o, "  {}", dims.join(" · "));
        if let Some(role) = &r.assumed_role {
            let line = lang.ta("explain-assumed-role", &[("role", role.to_string().into())]);
            let _ = writeln!(o, "  {line}");
        }
        let t = &params.thresholds;
        let n = |x: &f64| lang.decimal(&json(x));
        let line = match r.exposure {
            // An unresolved vendor: docs/model.md §4, "Unknown".
            None => lang.ta(
                "explain-no-exposure",
                &[("impact", d.d7.to_string().into())],
            ),
            Some(e) => lang.ta(
                "explain-exposure",
                &[
                    ("exposure", n(&e).into()),
                    ("impact", d.d7.to_string().into()),
                    ("score", lang.decimal(&json(&r.score)).into()),
                    ("medium", n(&t.medium).into()),
                    ("high", n(&t.high).into()),
                    ("critical", n(&t.critical).into()),
                ],
            ),
        };
        let _ = writeln!(o, "  {line}");
    }
    for g in &r.gates {
        let gate = db.model.gates.iter().find(|x| &x.id == g);
        let why = gate.map_or("", |x| x.rationale.as_str());
        let level = gate.map_or(Level::Critical, |x| x.level);
        let line = lang.ta(
            "explain-gate",
            &[
                ("gate", g.as_str().into()),
                ("level", lang.level(level).into()),
                ("why", why.into()),
            ],
        );
        let _ = writeln!(o, "  {line}");
    }
    let level = lang.ta("explain-level", &[("level", lang.level(r.level).into())]);
    let _ = writeln!(o, "  {level}");
}

/// The alternatives, with what the database says about each.
fn alternatives(c: &Component, db: &RuleDb, lang: Lang, o: &mut String) {
    if c.alternatives.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", lang.t("explain-alternatives"));
    for a in &c.alternatives {
        let detail = db
            .product(&a.id)
            .map(|p| {
                let ctl = &db.vendors[db.controller(p.vendor)];
                let open = if db.license_is_open(&p.license) == Some(true) {
                    "table-open-source"
                } else {
                    "table-proprietary"
                };
                let country = ctl
                    .country
                    .clone()
                    .unwrap_or_else(|| lang.t("table-community"));
                lang.ta(
                    "explain-alternative",
                    &[
                        ("category", p.category.as_str().into()),
                        ("open", lang.t(open).into()),
                        ("controller", ctl.name.as_str().into()),
                        ("country", country.into()),
                    ],
                )
            })
            .unwrap_or_default();
        let _ = writeln!(o, "  {} ({}): {detail}", a.name, a.id);
    }
}
