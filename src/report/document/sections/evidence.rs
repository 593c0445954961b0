//! The back of the report: the unresolved products, the model in force and
//! the evidence appendix (`--appendix summary|full`).

use super::super::facts::{self, Facts};
use super::super::{Backend, Block, Field, Inline, List, Section, Table, html, md, para, text};
use super::cards::evidence;
use super::{badge, cell, col, list, n, num_col, table, titled};
use crate::model::report::{Component, MatchEvidence};
use std::collections::BTreeMap;

/// How many products the summary appendix lists with their evidence.
const SUMMARY_ITEMS: usize = 20;

/// How many pieces of evidence and rule matches the summary appendix shows
/// per product (a Debian package has one per file list, copyright file,
/// desktop entry...; the rest are counted).
const SUMMARY_EVIDENCE: usize = 2;

pub(super) fn unresolved(f: &Facts) -> Section {
    let blocks = if f.unresolved.is_empty() {
        vec![para(f.t("unresolved-none"))]
    } else {
        let rows = f
            .unresolved
            .iter()
            .map(|c| {
                vec![
                    cell(facts::title(c)),
                    cell(c.source.as_str()),
                    cell(f.category_name(&c.category)),
                    vec![list(
                        c.evidence.iter().map(|e| evidence(e, false)).collect(),
                    )],
                ]
            })
            .collect();
        let columns = vec![
            col(f.t("rep-col-product")),
            col(f.t("col-source")),
            col(f.t("rep-col-category")),
            col(f.t("col-evidence")),
        ];
        let exposure = f.num(f.report.model.params.unknown_exposure);
        vec![
            Block::Para(vec![
                md(vec![text(f.ta(
                    "unresolved-intro-md",
                    &[("exposure", exposure.clone().into())],
                ))]),
                html(vec![text(f.ta(
                    "unresolved-intro",
                    &[
                        ("count", n(f.unresolved.len())),
                        ("exposure", exposure.into()),
                    ],
                ))]),
            ]),
            Block::Table(table(columns, rows)),
        ]
    };
    let title = f.t("sec-unresolved");
    super::section(
        "unresolved",
        "h-unres",
        f.t("nav-unresolved"),
        title,
        blocks,
    )
}

pub(super) fn model(f: &Facts) -> Section {
    let r = f.report;
    let p = &r.model.params;
    let oss = &r.summary.model.oss_share;
    let field = |label: &str, value: String, only| Field {
        label: f.t(label),
        value: vec![text(value)],
        only,
    };
    let (md, html) = (Some(Backend::Markdown), Some(Backend::Html));
    let exposure = f.num(p.unknown_exposure);
    let roles = p.single_point_roles;
    let fields = vec![
        field("model-weights", f.weights(), md),
        field("model-weights-d", f.weights(), html),
        field("model-levels-md", f.thresholds(), md),
        field(
            "model-levels",
            f.ta(
                "model-levels-value",
                &[("thresholds", f.thresholds().into())],
            ),
            html,
        ),
        field(
            "model-unresolved-md",
            f.ta(
                "model-unresolved-md-value",
                &[("exposure", exposure.clone().into()), ("roles", n(roles))],
            ),
            md,
        ),
        field(
            "model-unresolved",
            f.ta("model-unresolved-value", &[("exposure", exposure.into())]),
            html,
        ),
        field(
            "model-single-point",
            f.ta("model-single-point-value", &[("roles", n(roles))]),
            html,
        ),
        field(
            "model-target",
            f.ta(
                "model-target-value",
                &[
                    ("target", f.lang.pct(oss.target).into()),
                    ("year", oss.target_year.to_string().into()),
                ],
            ),
            None,
        ),
        field(
            "model-policy",
            f.ta(
                "model-policy-value",
                &[
                    (
                        "policy",
                        r.model
                            .policy
                            .clone()
                            .unwrap_or_else(|| f.t("rep-none"))
                            .into(),
                    ),
                    ("mitigations", n(r.model.mitigations)),
                ],
            ),
            None,
        ),
        field(
            "model-rules",
            f.ta(
                "model-rules-value",
                &[
                    ("version", r.rules.version.clone().into()),
                    ("date", r.rules.date.clone().into()),
                    ("files", n(r.rules.files.len())),
                ],
            ),
            None,
        ),
    ];
    titled(
        f,
        "model",
        "h-model",
        "sec-model",
        vec![Block::Fields(fields)],
    )
}

/// The first `cap` items, and a muted `… 3 more` for the rest.
fn capped(f: &Facts, mut items: Vec<Vec<Inline>>, cap: usize) -> Vec<Vec<Inline>> {
    if items.len() > cap {
        let more = items.len() - cap;
        items.truncate(cap);
        items.push(vec![Inline::Muted(vec![text(
            f.ta("rep-more-items", &[("count", n(more))]),
        )])]);
    }
    items
}

/// The products with their evidence: Markdown a heading and a list each,
/// HTML one table; at most `cap` pieces of evidence and matches each.
fn evidence_blocks(f: &Facts, products: &[&Component], cap: usize) -> Vec<Block> {
    let mut md_blocks = Vec::new();
    let mut rows = Vec::new();
    let no_match = f.t("no-match");
    for c in products {
        let ctl = f.controller_short(c);
        let mut items = vec![vec![text(f.ta(
            "appendix-line",
            &[
                ("id", c.id.clone().into()),
                ("source", c.source.as_str().into()),
                ("category", f.category_name(&c.category).into()),
                ("controller", ctl.clone().into()),
            ],
        ))]];
        let found = c.evidence.iter().map(|e| {
            let mut item = vec![text(format!("{}: ", f.t("rep-evidence")))];
            item.extend(evidence(e, true));
            item
        });
        items.extend(capped(f, found.collect(), cap));
        let matched = match &c.matched {
            None => {
                items.push(vec![text(format!("{}: {no_match}", f.t("rep-match")))]);
                vec![Block::Para(vec![Inline::Muted(vec![text(&no_match)])])]
            }
            Some(m) => {
                let hits = m.evidence.iter().map(|h| {
                    let mut item = vec![text(format!("{}: ", f.t("rep-match")))];
                    item.extend(hit(f, h));
                    item
                });
                items.extend(capped(f, hits.collect(), cap));
                let hits = m.evidence.iter().map(|h| hit(f, h)).collect();
                vec![list(capped(f, hits, cap))]
            }
        };
        md_blocks.push(Block::Heading(vec![text(format!(
            "{} ({})",
            facts::heading(c),
            f.level(c.risk.level)
        ))]));
        md_blocks.push(list(items));
        rows.push(vec![
            vec![Block::Para(vec![
                text(facts::heading(c)),
                Inline::Break,
                Inline::Id(c.id.clone()),
            ])],
            vec![Block::Para(vec![badge(f, c.risk.level)])],
            cell(ctl),
            vec![Block::List(List {
                items: capped(
                    f,
                    c.evidence.iter().map(|e| evidence(e, true)).collect(),
                    cap,
                ),
                run_in: false,
            })],
            matched,
        ]);
    }
    let columns = [
        "rep-col-product",
        "col-level",
        "col-controller",
        "col-evidence",
        "col-match",
    ]
    .map(|c| col(f.t(c)))
    .to_vec();
    vec![
        Block::Only(Backend::Markdown, md_blocks),
        Block::Only(
            Backend::Html,
            vec![Block::Table(Table {
                widths: vec![22, 9, 13, 30, 26],
                ..table(columns, rows)
            })],
        ),
    ]
}

/// `--appendix full`: every product, worst first, with every piece of
/// evidence and every rule match.
pub(super) fn appendix(f: &Facts) -> Section {
    let mut blocks = vec![para(f.t("appendix-intro"))];
    blocks.extend(evidence_blocks(f, &f.all, usize::MAX));
    appendix_section(f, blocks)
}

/// `--appendix summary` (the default): products and evidence counted per
/// source, then the worst products with their evidence.
pub(super) fn appendix_summary(f: &Facts) -> Section {
    let mut per_source: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &f.all {
        let e = per_source.entry(c.source.as_str()).or_default();
        e.0 += 1;
        e.1 += c.evidence.len();
    }
    let rows = per_source
        .iter()
        .map(|(s, (p, e))| vec![cell(*s), cell(p.to_string()), cell(e.to_string())])
        .collect();
    let columns = vec![
        col(f.t("col-source")),
        num_col(f.t("col-products")),
        num_col(f.t("col-evidence-items")),
    ];
    let shown = f.all.len().min(SUMMARY_ITEMS);
    let mut blocks = vec![
        para(f.t("appendix-summary-intro")),
        Block::Table(table(columns, rows)),
        Block::Heading(vec![text(f.ta("appendix-top", &[("count", n(shown))]))]),
    ];
    blocks.extend(evidence_blocks(f, &f.all[..shown], SUMMARY_EVIDENCE));
    if f.all.len() > shown {
        blocks.push(Block::Para(vec![Inline::Muted(vec![text(
            f.ta("appendix-more", &[("count", n(f.all.len() - shown))]),
        )])]));
    }
    appendix_section(f, blocks)
}

fn appendix_section(f: &Facts, blocks: Vec<Block>) -> Section {
    super::section(
        "appendix",
        "h-app",
        f.t("nav-appendix"),
        f.t("sec-appendix"),
        blocks,
    )
}

/// One match of a rule pattern.
fn hit(f: &Facts, h: &MatchEvidence) -> Vec<Inline> {
    vec![
        md(vec![text(format!("{} — ", h.rule))]),
        html(vec![Inline::Code(h.rule.clone()), text(": ")]),
        text(f.ta(
            "match-line",
            &[
                ("field", h.field.to_string().into()),
                ("value", h.value.clone().into()),
                ("pattern", h.pattern.clone().into()),
                ("confidence", h.confidence.as_str().into()),
            ],
        )),
        md(vec![text(format!(" {}", f.t("rep-confidence")))]),
        text(")"),
    ]
}
