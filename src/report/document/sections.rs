//! The sections of the sovereignty report, in order (`docs/formats.md`
//! lists what each shows). Every word comes from the message files
//! (`src/i18n/<lang>/report.ftl`), every number and date through
//! [`crate::i18n::Lang`].
//!
//! - this file: the cover, the key figures, the jurisdiction mix, the
//!   concentration and the levels by category;
//! - `summary`: the one-page management summary that opens the report;
//! - `cards`: the explained dependencies and the laws they refer to;
//! - `evidence`: the unresolved products, the model and the appendix;
//! - `measures`: the migration plan.

mod cards;
mod evidence;
mod measures;
mod summary;

use super::facts::{self, Facts};
use super::{
    Backend, Bar, Block, Card, Chart, Column, Document, Field, Figure, Inline, LevelBar, List,
    Meter, MeterKind, Section, Table, html, md, para, text,
};
use crate::i18n::FluentValue;
use crate::model::aggregates::{Concentration, Share};
use crate::model::risk::Level;
use crate::report::{Appendix, RenderOptions};

/// The jurisdiction buckets of the aggregates, in the order the report
/// lists them (message ids).
const BLOCS: [&str; 7] = [
    "bloc-eu",
    "bloc-adequacy",
    "bloc-us",
    "bloc-cn-ru",
    "bloc-other",
    "bloc-community",
    "bloc-unknown",
];

/// The whole report: the management summary first, then the details,
/// then the evidence as `opts.appendix` asks.
pub fn document(f: &Facts, opts: &RenderOptions) -> Document {
    let r = f.report;
    let plan = opts.plan.as_deref();
    let roots: Vec<&str> = r.images.iter().map(|i| i.root.as_str()).collect();
    let mut sections = vec![
        summary::summary(f, plan, opts.baseline.as_deref()),
        image(f),
        key_figures(f),
        jurisdictions(f),
        concentration(f),
        categories(f),
        cards::dependencies(f),
    ];
    sections.extend(cards::medium(f));
    sections.extend(cards::laws(f));
    sections.push(evidence::unresolved(f));
    // The plan, when one was asked for, before the model and the appendix.
    sections.extend(plan.map(|p| measures::measures(f, p)));
    sections.push(evidence::model(f));
    match opts.appendix {
        Appendix::None => {}
        Appendix::Summary => sections.push(evidence::appendix_summary(f)),
        Appendix::Full => sections.push(evidence::appendix(f)),
    }
    Document {
        lang: f.lang,
        title: f.t("report-title"),
        subject: roots.join(", "),
        contents: f.t("contents"),
        lead: lead(f, &roots, &opts.cover),
        sections,
        footer: vec![text(f.ta(
            "footer",
            &[
                ("tool", format!("{} {}", r.tool.name, r.tool.version).into()),
                ("schema", r.schema_version.clone().into()),
            ],
        ))],
    }
}

/// The scan's date in the report's notation, or the text as saved.
fn scan_date(f: &Facts) -> Option<String> {
    let d = &f.report.scan.date;
    (!d.is_empty())
        .then(|| crate::date::Date::parse(d).map_or_else(|| d.clone(), |d| f.lang.date(d)))
}

/// The cover: the question the report answers, then organisation, period,
/// date and rule database.
fn lead(f: &Facts, roots: &[&str], cover: &crate::report::Cover) -> Vec<Block> {
    let r = f.report;
    let one = roots.len() == 1;
    let mut question = vec![text(f.t(if one {
        "lead-question-one"
    } else {
        "lead-question-many"
    }))];
    question.push(html(vec![
        text(" "),
        Inline::Strong(vec![text(roots.join(", "))]),
    ]));
    let field = |label: &str, value: String| Field {
        label: f.t(label),
        value: vec![text(value)],
        only: None,
    };
    let mut fields = Vec::new();
    if let Some(o) = &cover.organisation {
        fields.push(field("cover-organisation", o.clone()));
    }
    if let Some(p) = &cover.period {
        fields.push(field("cover-period", p.clone()));
    }
    if let Some(d) = scan_date(f) {
        fields.push(field("cover-date", d));
    }
    let rules_date = crate::date::Date::parse(&r.rules.date)
        .map_or_else(|| r.rules.date.clone(), |d| f.lang.date(d));
    fields.push(field(
        "cover-rules",
        format!("{} ({rules_date})", r.rules.version),
    ));
    fields.push(field(
        "cover-tool",
        format!("{} {}", r.tool.name, r.tool.version),
    ));
    vec![Block::Para(question), Block::Fields(fields)]
}

fn section(
    id: &'static str,
    heading_id: &'static str,
    nav: String,
    title: String,
    blocks: Vec<Block>,
) -> Section {
    Section {
        id,
        heading_id,
        nav,
        title,
        blocks,
    }
}

/// A section whose navigation entry is its title.
fn titled(
    f: &Facts,
    id: &'static str,
    heading_id: &'static str,
    msg: &str,
    blocks: Vec<Block>,
) -> Section {
    let title = f.t(msg);
    section(id, heading_id, title.clone(), title, blocks)
}

/// A column of text.
fn col(head: impl Into<String>) -> Column {
    Column {
        head: vec![text(head)],
        numeric: false,
        path: false,
        title: None,
    }
}

/// A column of numbers.
fn num_col(head: impl Into<String>) -> Column {
    Column {
        numeric: true,
        ..col(head)
    }
}

/// A column of paths.
fn path_col(head: impl Into<String>) -> Column {
    Column {
        path: true,
        ..col(head)
    }
}

/// A cell of one text.
fn cell(s: impl Into<String>) -> Vec<Block> {
    vec![para(s)]
}

fn table(columns: Vec<Column>, rows: Vec<Vec<Vec<Block>>>) -> Table {
    Table {
        caption: None,
        widths: Vec::new(),
        columns,
        rows,
    }
}

/// A risk level as a badge, or `n/a` when there is none.
fn level_or_na(f: &Facts, l: Option<Level>) -> Inline {
    l.map_or_else(|| text(f.t("not-available")), |l| badge(f, l))
}

fn badge(f: &Facts, l: Level) -> Inline {
    Inline::Badge(l, f.level(l))
}

/// Counts per level, worst first: `critical 0 · high 9 · ...`.
fn levels_line(f: &Facts) -> String {
    Level::WORST_FIRST
        .iter()
        .map(|l| {
            let n = f.report.summary.by_level.get(l.as_str()).unwrap_or(&0);
            format!("{} {n}", f.level(*l))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A count as a message argument.
fn n(x: usize) -> FluentValue<'static> {
    FluentValue::from(x)
}

fn image(f: &Facts) -> Section {
    let rows = f
        .report
        .images
        .iter()
        .map(|img| {
            let (components, binaries) = f.counts(img);
            vec![
                cell(img.id.to_string()),
                cell(&img.root),
                cell(facts::image_line(img)),
                cell(img.os.evidence.as_deref().unwrap_or("-")),
                cell(components.to_string()),
                cell(binaries.to_string()),
            ]
        })
        .collect();
    let columns = vec![
        col(f.t("rep-col-image")),
        path_col(f.t("col-root")),
        col(f.t("col-os")),
        path_col(f.t("col-identified-by")),
        num_col(f.t("col-products")),
        num_col(f.t("col-binaries")),
    ];
    titled(
        f,
        "image",
        "h-image",
        "sec-image",
        vec![Block::Table(table(columns, rows))],
    )
}

fn key_figures(f: &Facts) -> Section {
    let mut blocks = vec![
        Block::Only(Backend::Markdown, vec![figures_table(f)]),
        Block::Cards(cards(f)),
    ];
    if f.report.images.len() > 1 {
        blocks.push(per_image(f));
    }
    titled(f, "figures", "h-figures", "sec-figures", blocks)
}

/// The gap to the open-source target: ` (target reached)`, ` (17.1 points
/// below the target)`, or nothing when the share is not defined.
fn target_gap(f: &Facts) -> String {
    let oss = &f.report.summary.model.oss_share;
    oss.weighted.map_or_else(String::new, |w| {
        if w >= oss.target {
            format!(" ({})", f.t("target-reached"))
        } else {
            let points = f.lang.decimal(&crate::fmt::points(w, oss.target));
            format!(" ({})", f.ta("target-below", &[("points", points.into())]))
        }
    })
}

/// The key figures as a table of figure and value (Markdown).
fn figures_table(f: &Facts) -> Block {
    let sm = &f.report.summary;
    let m = &sm.model;
    let oss = &m.oss_share;
    let l = f.lang;
    let rows: Vec<(String, Vec<Inline>)> = vec![
        (
            f.t("fig-index"),
            vec![
                Inline::Strong(vec![text(format!("{} / 100", l.index(m.index)))]),
                text(format!(
                    " ({})",
                    f.ta("fig-index-note", &[("count", n(m.workplace_components))])
                )),
            ],
        ),
        (
            f.t("fig-weakest"),
            vec![Inline::Strong(vec![level_or_na(f, m.weakest_level)])],
        ),
        (
            f.t("fig-oss-count"),
            vec![text(f.ta(
                "fig-oss-count-value",
                &[
                    ("share", l.opt_pct(oss.count).into()),
                    ("target", l.pct(oss.target).into()),
                    ("year", oss.target_year.to_string().into()),
                ],
            ))],
        ),
        (
            f.t("fig-oss-weight"),
            vec![text(format!(
                "{}{}",
                l.opt_pct(oss.weighted),
                target_gap(f)
            ))],
        ),
        (f.t("fig-levels"), vec![text(levels_line(f))]),
        (
            f.t("fig-products"),
            vec![text(f.ta(
                "fig-products-value",
                &[
                    ("products", n(sm.products)),
                    ("components", n(sm.components)),
                    ("resolved", n(sm.resolved)),
                    ("unknown", n(sm.unknown)),
                    ("coverage", l.opt_pct(m.coverage).into()),
                ],
            ))],
        ),
        (
            f.t("fig-binaries"),
            vec![text(f.ta(
                "fig-binaries-value",
                &[
                    ("binaries", n(sm.binaries)),
                    ("unowned", n(sm.binaries_unowned)),
                ],
            ))],
        ),
        (
            f.t("fig-problems"),
            vec![text(f.ta(
                "fig-problems-value",
                &[
                    ("errors", n(sm.errors)),
                    ("skipped", n(sm.skipped)),
                    ("warnings", n(sm.warnings)),
                ],
            ))],
        ),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, value)| vec![cell(label), vec![Block::Para(value)]])
        .collect();
    Block::Table(table(
        vec![col(f.t("col-figure")), col(f.t("col-value"))],
        rows,
    ))
}

/// The key figures as cards (HTML).
fn cards(f: &Facts) -> Vec<Card> {
    let sm = &f.report.summary;
    let m = &sm.model;
    let oss = &m.oss_share;
    let l = f.lang;
    let to_go = oss
        .weighted
        .filter(|w| *w < oss.target)
        .map(|w| {
            let points = l.decimal(&crate::fmt::points(w, oss.target));
            f.ta("card-oss-to-go", &[("points", points.into())])
        })
        .unwrap_or_default();
    vec![
        Card {
            title: f.t("fig-index"),
            figure: vec![text(l.index(m.index))],
            unit: Some("/ 100".to_owned()),
            meter: Some(Meter {
                value: m.index.map(|i| i / 100.0),
                target: None,
                label: f.t("fig-index"),
                kind: MeterKind::Index,
            }),
            text: vec![text(
                f.ta("card-index-text", &[("count", n(m.workplace_components))]),
            )],
        },
        Card {
            title: f.t("fig-weakest"),
            figure: vec![level_or_na(f, m.weakest_level)],
            unit: None,
            meter: None,
            text: vec![text(levels_line(f))],
        },
        Card {
            title: f.t("card-oss"),
            figure: vec![text(l.opt_pct(oss.weighted))],
            unit: None,
            meter: Some(Meter {
                value: oss.weighted,
                target: Some(oss.target),
                label: f.t("card-oss-meter"),
                kind: MeterKind::OpenSource,
            }),
            text: vec![
                text(f.ta("card-oss-text", &[("count", l.opt_pct(oss.count).into())])),
                text(" "),
                Inline::Strong(vec![text(l.pct(oss.target))]),
                text(" "),
                text(f.ta(
                    "card-oss-by",
                    &[
                        ("year", oss.target_year.to_string().into()),
                        ("togo", to_go.into()),
                    ],
                )),
            ],
        },
        Card {
            title: f.t("card-coverage"),
            figure: vec![text(l.opt_pct(m.coverage))],
            unit: None,
            meter: None,
            text: vec![text(f.ta(
                "card-coverage-text",
                &[
                    ("products", n(sm.products)),
                    ("components", n(sm.components)),
                    ("resolved", n(sm.resolved)),
                    ("unknown", n(sm.unknown)),
                    ("binaries", n(sm.binaries)),
                    ("unowned", n(sm.binaries_unowned)),
                    ("errors", n(sm.errors)),
                    ("skipped", n(sm.skipped)),
                ],
            ))],
        },
    ]
}

/// One row per image, for reports of several images.
fn per_image(f: &Facts) -> Block {
    let l = f.lang;
    let rows = f
        .report
        .images
        .iter()
        .map(|img| {
            let a = &img.summary;
            vec![
                vec![Block::Para(vec![
                    text(format!("{} ", img.id)),
                    Inline::Path(img.root.clone()),
                ])],
                cell(l.index(a.index)),
                vec![Block::Para(vec![level_or_na(f, a.weakest_level)])],
                cell(l.opt_pct(a.oss_share.count)),
                cell(l.opt_pct(a.oss_share.weighted)),
            ]
        })
        .collect();
    let columns = vec![
        col(f.t("rep-col-image")),
        num_col(f.t("col-index")),
        col(f.t("col-weakest")),
        num_col(f.t("col-oss-count")),
        num_col(f.t("col-oss-weight")),
    ];
    Block::Table(Table {
        caption: Some(f.t("per-image")),
        ..table(columns, rows)
    })
}

/// `Figure 1. …` in the report's language.
fn figure(f: &Facts, number: usize, caption: &str, chart: Chart) -> Figure {
    Figure {
        number,
        caption: format!(
            "{} {}",
            f.ta("rep-figure", &[("number", n(number))]),
            f.t(caption)
        ),
        chart,
    }
}

fn jurisdictions(f: &Facts) -> Section {
    let j = &f.report.summary.model.jurisdictions;
    let buckets: [&Share; 7] = [
        &j.eu,
        &j.adequacy,
        &j.us,
        &j.cn_ru,
        &j.other,
        &j.community,
        &j.unknown,
    ];
    let parts: Vec<Bar> = BLOCS
        .iter()
        .zip(buckets)
        .map(|(label, b)| Bar {
            label: f.t(label),
            share: b.share,
            value: f.lang.pct(b.share),
            marked: false,
        })
        .collect();
    let rows = parts
        .iter()
        .zip(buckets)
        .enumerate()
        .map(|(i, (bar, b))| {
            vec![
                vec![Block::Para(vec![Inline::Swatch(i), text(&bar.label)])],
                cell(b.count.to_string()),
                cell(&bar.value),
            ]
        })
        .collect();
    let mut share = num_col(f.t("col-share"));
    share
        .head
        .push(md(vec![text(format!(" ({})", f.t("role-weighted")))]));
    let chart = Chart::Shares {
        title: f.t("sec-jurisdictions"),
        desc: described(&parts),
        parts,
        empty: f.t("no-workplace-products"),
    };
    let blocks = vec![
        Block::Only(Backend::Markdown, vec![para(f.t("jurisdictions-md"))]),
        Block::Columns(vec![
            Block::Figure(figure(f, 1, "fig1-caption", chart)),
            Block::Table(table(
                vec![
                    col(f.t("col-jurisdiction")),
                    num_col(f.t("col-products")),
                    share,
                ],
                rows,
            )),
        ]),
    ];
    section(
        "jurisdictions",
        "h-jur",
        f.t("nav-jurisdictions"),
        f.t("sec-jurisdictions"),
        blocks,
    )
}

/// A chart's bars as text: `US 50.4 %; EU/EEA 35.0 %`.
fn described(bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| format!("{} {}", b.label, b.value))
        .collect::<Vec<_>>()
        .join("; ")
}

fn concentration(f: &Facts) -> Section {
    let c = &f.report.summary.model.concentration;
    let reading = f.hhi_reading(c.hhi);
    let mut p = vec![
        text(f.t("hhi")),
        text(" "),
        Inline::Strong(vec![text(f.num(c.hhi))]),
        text(" "),
        text(f.t("hhi-of")),
        md(vec![text(format!(" ({reading})."))]),
        html(vec![text(format!(": {reading}."))]),
        text(" "),
    ];
    if c.single_points.is_empty() {
        p.push(md(vec![text(f.t("no-single-point-md"))]));
        p.push(html(vec![text(f.t("no-single-point"))]));
    } else {
        let names: Vec<String> = c
            .single_points
            .iter()
            .map(|id| f.controller_name(id))
            .collect();
        p.extend([
            text(format!("{} ", f.t("single-points"))),
            Inline::Strong(vec![text(names.join(", "))]),
            text("."),
        ]);
    }
    let mut blocks = vec![Block::Para(p)];
    if !c.controllers.is_empty() {
        blocks.push(Block::Figure(controllers_chart(f, c)));
        let none = f.t("rep-none");
        let rows = c
            .controllers
            .iter()
            .map(|x| {
                vec![
                    cell(&x.name),
                    cell(x.country.clone().unwrap_or_else(|| none.clone())),
                    cell(f.lang.pct(x.share)),
                    cell(x.high_roles.join(", ")),
                ]
            })
            .collect();
        let columns = vec![
            col(f.t("col-controller")),
            col(f.t("col-country")),
            num_col(f.t("col-weight-share")),
            col(f.t("col-high-roles")),
        ];
        blocks.push(Block::Table(table(columns, rows)));
    }
    section(
        "concentration",
        "h-conc",
        f.t("nav-concentration"),
        f.t("sec-concentration"),
        blocks,
    )
}

/// The largest twelve controllers, then the rest as one bar.
fn controllers_chart(f: &Facts, c: &Concentration) -> Figure {
    let bar = |label: String, share: f64, marked: bool| Bar {
        label,
        share,
        value: f.lang.pct(share),
        marked,
    };
    let none = f.t("rep-none");
    let mut rows: Vec<Bar> = c
        .controllers
        .iter()
        .take(12)
        .map(|x| {
            bar(
                format!("{} ({})", x.name, x.country.as_deref().unwrap_or(&none)),
                x.share,
                c.single_points.contains(&x.id),
            )
        })
        .collect();
    if let Some(rest) = c.controllers.get(12..).filter(|r| !r.is_empty()) {
        let share = rest.iter().map(|x| x.share).sum();
        rows.push(bar(
            f.ta("rep-others", &[("count", n(rest.len()))]),
            share,
            false,
        ));
    }
    let chart = Chart::Bars {
        title: format!("{}, HHI {}", f.t("sec-concentration"), f.num(c.hhi)),
        desc: described(&rows),
        rows,
        mark: format!(" · {}", f.t("single-point")),
    };
    figure(f, 2, "fig2-caption", chart)
}

fn categories(f: &Facts) -> Section {
    let bars: Vec<LevelBar> = f
        .by_category
        .iter()
        .map(|(cat, counts)| LevelBar {
            label: f.category_name(cat),
            counts: *counts,
        })
        .collect();
    let desc = bars
        .iter()
        .map(|b| {
            let parts: Vec<String> = Level::WORST_FIRST
                .iter()
                .zip(b.counts)
                .filter(|(_, n)| *n > 0)
                .map(|(l, n)| format!("{n} {}", f.level(*l)))
                .collect();
            format!("{}: {}", b.label, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let rows = bars
        .iter()
        .map(|b| {
            let mut row = vec![cell(&b.label)];
            row.extend(b.counts.iter().map(|n| cell(n.to_string())));
            row.push(cell(b.counts.iter().sum::<usize>().to_string()));
            row
        })
        .collect();
    let mut columns = vec![col(f.t("rep-col-category"))];
    columns.extend(Level::WORST_FIRST.iter().map(|l| num_col(f.level(*l))));
    columns.push(num_col(f.t("col-total")));
    let chart = Chart::Levels {
        title: f.t("sec-categories"),
        desc,
        rows: bars,
        legend: Level::WORST_FIRST.iter().map(|l| f.level(*l)).collect(),
    };
    titled(
        f,
        "categories",
        "h-cat",
        "sec-categories",
        vec![
            Block::Figure(figure(f, 3, "fig3-caption", chart)),
            Block::Table(table(columns, rows)),
        ],
    )
}

/// A list of one-line items.
fn list(items: Vec<Vec<Inline>>) -> Block {
    Block::List(List {
        items,
        run_in: false,
    })
}
