//! The explained dependencies: a card for each critical and high one, a
//! short card for each medium one controlled from the US, China or Russia,
//! and the laws they refer to, each once.

use super::super::facts::{Facts, Law};
use super::super::{Article, Backend, Block, Column, Entry, Inline, List, Section, html, md};
use super::super::{name_in_bold, para, text};
use super::{cell, col, list, n, num_col, section, table, titled};
use crate::model::inventory::Evidence;
use crate::model::report::Component;
use crate::model::risk::{AppliedMitigation, Dimension, Level};
use std::collections::BTreeMap;

pub(super) fn dependencies(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    if f.critical_high.is_empty() {
        blocks.push(para(f.t("deps-none")));
    } else {
        blocks.push(Block::Only(
            Backend::Html,
            vec![para(
                f.ta("deps-intro", &[("count", n(f.critical_high.len()))]),
            )],
        ));
    }
    for (i, c) in f.critical_high.iter().enumerate() {
        blocks.push(Block::Article(dependency(f, c, i + 1)));
    }
    section(
        "dependencies",
        "h-dep",
        f.t("nav-dependencies"),
        f.t("sec-dependencies"),
        blocks,
    )
}

/// Medium dependencies on US, Chinese or Russian controllers: a short
/// card each (product, controller, laws by reference, alternatives).
pub(super) fn medium(f: &Facts) -> Option<Section> {
    if f.medium_foreign.is_empty() {
        return None;
    }
    let first = f.critical_high.len() + 1;
    let mut blocks = vec![para(
        f.ta("medium-intro", &[("count", n(f.medium_foreign.len()))]),
    )];
    for (i, c) in f.medium_foreign.iter().enumerate() {
        let entries = vec![
            product_and_role(f, c),
            controller(f, c),
            jurisdiction(f, c),
            alternatives(f, c),
        ];
        blocks.push(Block::Article(Article {
            number: first + i,
            title: super::super::facts::heading(c),
            level: c.risk.level,
            level_name: f.level(c.risk.level),
            verdict: f.score_line(c),
            entries,
        }));
    }
    Some(section(
        "medium",
        "h-medium",
        f.t("nav-medium"),
        f.t("sec-medium"),
        blocks,
    ))
}

/// The anchor of a law in the "Laws" section.
fn law_anchor(id: &str) -> String {
    format!(
        "law-{}",
        id.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
    )
}

/// Every law the cards refer to, once, with the products it reaches.
pub(super) fn laws(f: &Facts) -> Option<Section> {
    let mut laws: BTreeMap<String, (Law, Vec<String>)> = BTreeMap::new();
    for c in f.critical_high.iter().chain(&f.medium_foreign) {
        for law in f.laws(c) {
            let name = c.product.as_ref().map_or(&c.name, |p| &p.name).clone();
            let entry = laws.entry(law.id.clone()).or_insert((law, Vec::new()));
            if !entry.1.contains(&name) {
                entry.1.push(name);
            }
        }
    }
    if laws.is_empty() {
        return None;
    }
    let mut blocks = vec![para(f.t("laws-intro"))];
    for (law, products) in laws.into_values() {
        let mut head = vec![Inline::Strong(vec![text(&law.name)])];
        head.push(md(vec![text(format!(" ({})", law.id))]));
        if let Some(ci) = &law.citation {
            head.extend([text(" "), Inline::Cite(ci.clone())]);
        }
        blocks.push(Block::AnchoredHeading(law_anchor(&law.id), head));
        if let Some(e) = law.effect {
            blocks.push(para(e));
        }
        blocks.push(Block::Para(vec![Inline::Muted(vec![text(f.ta(
            "laws-reaches",
            &[("products", products.join(", ").into())],
        ))])]));
    }
    Some(titled(f, "laws", "h-laws", "sec-laws", blocks))
}

fn product_and_role(f: &Facts, c: &Component) -> Entry {
    let mut product = Vec::new();
    if let Some(p) = super::super::facts::product(c) {
        product.extend([text(p), md(vec![text(", ")]), html(vec![text("; ")])]);
    }
    product.push(text(format!(
        "{}; {} {}",
        f.category_name(&c.category),
        f.t("rep-licence"),
        f.license(c)
    )));
    Entry::new(f.t("entry-product"), vec![Block::Para(product)])
}

/// One critical or high dependency with its explanation.
fn dependency(f: &Facts, c: &Component, number: usize) -> Article {
    let mut entries = vec![product_and_role(f, c), controller(f, c), jurisdiction(f, c)];
    entries.extend(rules_fired(f, c));
    entries.extend(dimensions(f, c));
    entries.push(Entry::only(
        Backend::Markdown,
        f.t("entry-assessment"),
        vec![para(f.score_line(c))],
    ));
    entries.extend(gates(f, c));
    entries.push(alternatives(f, c));
    entries.push(Entry::new(
        f.t("entry-evidence"),
        vec![Block::List(List {
            items: c.evidence.iter().map(|e| evidence(e, false)).collect(),
            run_in: true,
        })],
    ));
    Article {
        number,
        title: super::super::facts::heading(c),
        level: c.risk.level,
        level_name: f.level(c.risk.level),
        verdict: f.score_line(c),
        entries,
    }
}

/// The controller, and the chain that leads to it (HTML names the chain
/// only when there is one to follow).
fn controller(f: &Facts, c: &Component) -> Entry {
    let chain = f.chain(c);
    let mut v = name_in_bold(&f.controller_short(c)).to_vec();
    let label = f.t("rep-chain");
    v.push(match chain.as_slice() {
        [] => md(vec![text(format!("; {label}: {}", f.t("not-identified")))]),
        [one] => md(vec![text(format!("; {label}: {one}"))]),
        _ => text(format!("; {label}: {}", chain.join(" → "))),
    });
    Entry::new(f.t("entry-controller"), vec![Block::Para(v)])
}

/// The country and the laws that reach the controller, by name, each a
/// reference to its text in the "Laws" section.
fn jurisdiction(f: &Facts, c: &Component) -> Entry {
    let label = f.t("entry-jurisdiction");
    let Some(j) = &c.jurisdiction else {
        return Entry::new(label, vec![para(f.t("jurisdiction-none"))]);
    };
    let laws = f.laws(c);
    if laws.is_empty() {
        return Entry::new(
            label,
            vec![para(f.ta(
                "jurisdiction-no-law",
                &[("country", j.country.clone().into())],
            ))],
        );
    }
    let mut p = vec![text(f.ta(
        "jurisdiction-laws",
        &[("country", j.country.clone().into())],
    ))];
    p.push(text(" "));
    for (i, l) in laws.iter().enumerate() {
        if i > 0 {
            p.push(text(", "));
        }
        p.push(Inline::Link(law_anchor(&l.id), vec![text(&l.name)]));
    }
    p.push(text(format!(" ({}).", f.t("see-laws"))));
    Entry::new(label, vec![Block::Para(p)])
}

/// A dimension's short name: `D3`.
fn dim(d: Dimension) -> String {
    d.as_str().to_uppercase()
}

/// The rules that fired (Markdown: a list, with the mitigations; HTML: a
/// table, the mitigations apart).
fn rules_fired(f: &Facts, c: &Component) -> Vec<Entry> {
    let r = &c.risk;
    let mitigations: Vec<Vec<Inline>> = r.mitigations.iter().map(|m| mitigation(f, m)).collect();
    let mut items: Vec<Vec<Inline>> = r
        .rules
        .iter()
        .map(|x| {
            vec![
                Inline::RuleId(x.id.clone()),
                text(format!(
                    " {} = {}: {}",
                    dim(x.dimension),
                    x.score,
                    x.rationale
                )),
            ]
        })
        .collect();
    items.extend(mitigations.iter().cloned());
    let names = f.dimension_names();
    let rows = r
        .rules
        .iter()
        .map(|x| {
            let i = x.dimension as usize;
            vec![
                vec![Block::Para(vec![Inline::RuleId(x.id.clone())])],
                cell(names.get(i).map_or_else(String::new, |d| d.1.clone())),
                cell(x.score.to_string()),
                cell(&x.rationale),
            ]
        })
        .collect();
    let columns = vec![
        col(f.t("col-rule")),
        col(f.t("col-dimension")),
        num_col(f.t("col-score")),
        col(f.t("col-rationale")),
    ];
    let mut entries = vec![Entry::new(
        f.t("entry-rules"),
        vec![
            Block::Only(Backend::Markdown, vec![list(items)]),
            Block::Only(Backend::Html, vec![Block::Table(table(columns, rows))]),
        ],
    )];
    if !mitigations.is_empty() {
        entries.push(Entry::only(
            Backend::Html,
            f.t("entry-mitigations"),
            vec![list(mitigations)],
        ));
    }
    entries
}

fn mitigation(f: &Facts, m: &AppliedMitigation) -> Vec<Inline> {
    let expires = crate::date::Date::parse(&m.expires.to_string())
        .map_or_else(|| m.expires.to_string(), |d| f.lang.date(d));
    vec![
        md(vec![text(format!("{} ", f.t("mitigation-for")))]),
        text(f.ta(
            "mitigation",
            &[
                ("target", m.target.clone().into()),
                ("dimension", dim(m.dimension).into()),
                ("from", m.from.to_string().into()),
                ("to", m.to.to_string().into()),
                ("justification", m.justification.clone().into()),
                ("approver", m.approver.clone().into()),
                ("expires", expires.into()),
            ],
        )),
    ]
}

/// D1..D7 (HTML: a table with the exposure and score, and the weights and
/// thresholds that made them).
fn dimensions(f: &Facts, c: &Component) -> Option<Entry> {
    let d = c.risk.dimensions?;
    let scores: Vec<u8> = d.scores().into_iter().chain([d.d7]).collect();
    let names = f.dimension_names();
    let line = names
        .iter()
        .zip(&scores)
        .map(|((id, _), s)| format!("{id} {s}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut columns: Vec<Column> = names
        .iter()
        .map(|(id, label)| Column {
            title: Some(label.clone()),
            ..num_col(*id)
        })
        .collect();
    columns.extend([num_col(f.t("col-exposure")), num_col(f.t("col-score"))]);
    let mut row: Vec<Vec<Block>> = scores.iter().map(|s| cell(s.to_string())).collect();
    for x in [c.risk.exposure, c.risk.score] {
        row.push(cell(x.map_or_else(|| "-".to_owned(), |x| f.num(x))));
    }
    let weights = f.ta(
        "weights-levels",
        &[
            ("weights", f.weights().into()),
            ("levels", f.thresholds().into()),
        ],
    );
    Some(Entry::new(
        f.t("entry-dimensions"),
        vec![
            Block::Only(Backend::Markdown, vec![para(line)]),
            Block::Only(
                Backend::Html,
                vec![Block::Table(table(columns, vec![row])), para(weights)],
            ),
        ],
    ))
}

/// The gates that raised the level (Markdown: one entry each): hard gates
/// to critical, floors to their level.
fn gates(f: &Facts, c: &Component) -> Vec<Entry> {
    let gates = &c.risk.gates;
    let why = |g: &str| f.gate_rationale(g).unwrap_or_else(|| f.t("gate-critical"));
    let title = |g: &str| match f.gate_level(g) {
        Some(l) if l != Level::Critical => f.ta(
            "floor-title",
            &[("gate", g.to_owned().into()), ("level", f.level(l).into())],
        ),
        _ => f.ta("gate-title", &[("gate", g.to_owned().into())]),
    };
    let mut entries: Vec<Entry> = gates
        .iter()
        .map(|g| Entry::only(Backend::Markdown, title(g), vec![para(why(g))]))
        .collect();
    if !gates.is_empty() {
        let items = gates
            .iter()
            .map(|g| vec![Inline::Code(g.clone()), text(format!(": {}", why(g)))])
            .collect();
        let floors = gates
            .iter()
            .any(|g| f.gate_level(g).is_some_and(|l| l != Level::Critical));
        let label = if floors {
            "entry-gates-floors"
        } else {
            "entry-gates"
        };
        entries.push(Entry::only(Backend::Html, f.t(label), vec![list(items)]));
    }
    entries
}

fn alternatives(f: &Facts, c: &Component) -> Entry {
    let alts = f.alternatives(c);
    let label = f.t("entry-alternatives");
    if alts.is_empty() {
        return Entry::new(label, vec![para(f.t("alternatives-none"))]);
    }
    let items = alts
        .into_iter()
        .map(|a| {
            let mut item = name_in_bold(&a.name).to_vec();
            if let Some(d) = a.detail {
                item.push(text(format!(": {d}")));
            }
            item
        })
        .collect();
    Entry::new(label, vec![list(items)])
}

/// One piece of evidence: its path, then kind and detail (in Markdown only
/// where `detailed`).
pub(super) fn evidence(e: &Evidence, detailed: bool) -> Vec<Inline> {
    let rest = vec![
        text(" "),
        Inline::Muted(vec![text(format!("[{}] {}", e.kind, e.detail))]),
    ];
    let mut item = vec![Inline::Path(e.path.clone())];
    if detailed {
        item.extend(rest);
    } else {
        item.push(html(rest));
    }
    item
}
