//! The sections of the sovereignty report, in order, with their words
//! (`docs/formats.md` lists what each shows).

mod measures;

use super::facts::{self, Facts, dimension_names};
use super::{
    Article, Backend, Bar, Block, Card, Chart, Column, Document, Entry, Field, Figure, Inline,
    LevelBar, List, Meter, MeterKind, Section, Table, html, md, name_in_bold, para, text,
};
use crate::fmt::{index, num, opt_pct, pct, points};
use crate::model::aggregates::{Concentration, Share};
use crate::model::inventory::Evidence;
use crate::model::report::{Component, MatchEvidence};
use crate::model::risk::{AppliedMitigation, Dimension, Level};

/// The jurisdiction buckets of the aggregates, in the order the report
/// lists them.
const BLOCS: [&str; 7] = [
    "EU/EEA",
    "EU adequacy",
    "US",
    "CN/RU",
    "other third countries",
    "community (no controlling company)",
    "unknown",
];

const NO_MATCH: &str = "no rule matched";

/// The whole report.
pub fn document(f: &Facts, plan: Option<&crate::model::plan::Plan>) -> Document {
    let r = f.report;
    let roots: Vec<&str> = r.images.iter().map(|i| i.root.as_str()).collect();
    let mut sections = vec![
        image(f),
        key_figures(f),
        jurisdictions(f),
        concentration(f),
        categories(f),
        dependencies(f),
        unresolved(f),
    ];
    // The plan, when one was asked for, before the model and the appendix.
    sections.extend(plan.map(measures::measures));
    sections.extend([model(f), appendix(f)]);
    Document {
        lang: f.lang,
        title: "Sovereignty report",
        subject: roots.join(", "),
        lead: lead(f, &roots),
        sections,
        footer: vec![text(format!(
            "Produced by {} {} (report schema {}), offline and read-only. The figures follow the model in docs/model.md; the JSON report holds every detail.",
            r.tool.name, r.tool.version, r.schema_version
        ))],
    }
}

fn lead(f: &Facts, roots: &[&str]) -> Vec<Block> {
    let r = f.report;
    let one = roots.len() == 1;
    let by = format!("{} {}", r.tool.name, r.tool.version);
    let rules = format!("rule database {} ({})", r.rules.version, r.rules.date);
    vec![
        Block::Para(vec![
            text("How dependent "),
            md(vec![text(if one {
                "is this workstation image"
            } else {
                "are these workstation images"
            })]),
            html(vec![
                text(if one { "is " } else { "are " }),
                Inline::Strong(vec![text(roots.join(", "))]),
            ]),
            text(" on foreign-controlled software vendors?"),
            md(vec![
                text(format!(
                    " Produced by {by} with {rules}; the model is documented in "
                )),
                Inline::Code("docs/model.md".into()),
                text("."),
            ]),
        ]),
        Block::Only(
            Backend::Html,
            vec![para(format!("{by} · {rules} · model: docs/model.md"))],
        ),
    ]
}

fn section(
    id: &'static str,
    heading_id: &'static str,
    nav: &'static str,
    title: &'static str,
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

/// A column of text.
fn col(head: &str) -> Column {
    Column {
        head: vec![text(head)],
        numeric: false,
        path: false,
        title: None,
    }
}

/// A column of numbers.
fn num_col(head: &str) -> Column {
    Column {
        numeric: true,
        ..col(head)
    }
}

/// A column of paths.
fn path_col(head: &str) -> Column {
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

/// A risk level, or `n/a` when there is none.
fn level_or_na(l: Option<Level>) -> Inline {
    l.map_or_else(|| text("n/a"), Inline::Badge)
}

/// Counts per level, worst first: `critical 0 · high 9 · ...`.
fn levels_line(f: &Facts) -> String {
    Level::WORST_FIRST
        .iter()
        .map(|l| {
            let n = f.report.summary.by_level.get(l.as_str()).unwrap_or(&0);
            format!("{} {n}", l.as_str())
        })
        .collect::<Vec<_>>()
        .join(" · ")
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
        col("image"),
        path_col("root"),
        col("operating system"),
        path_col("identified by"),
        num_col("products"),
        num_col("binaries"),
    ];
    section(
        "image",
        "h-image",
        "Image",
        "Image",
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
    section("figures", "h-figures", "Key figures", "Key figures", blocks)
}

/// The key figures as a table of figure and value (Markdown).
fn figures_table(f: &Facts) -> Block {
    let sm = &f.report.summary;
    let m = &sm.model;
    let oss = &m.oss_share;
    let gap = oss.weighted.map_or_else(String::new, |w| {
        if w >= oss.target {
            " (target reached)".to_owned()
        } else {
            format!(" ({} points below the target)", points(w, oss.target))
        }
    });
    let rows: Vec<(&str, Vec<Inline>)> = vec![
        (
            "Sovereignty index",
            vec![
                Inline::Strong(vec![text(format!("{} / 100", index(m.index)))]),
                text(format!(
                    " (100: no exposure; role-weighted over {} workplace products)",
                    m.workplace_components
                )),
            ],
        ),
        (
            "Weakest level",
            vec![Inline::Strong(vec![level_or_na(m.weakest_level)])],
        ),
        (
            "Open-source share by count",
            vec![text(format!(
                "{} of workplace products (target {} by {})",
                opt_pct(oss.count),
                pct(oss.target),
                oss.target_year
            ))],
        ),
        (
            "Open-source share by role weight",
            vec![text(format!("{}{gap}", opt_pct(oss.weighted)))],
        ),
        ("Products by level", vec![text(levels_line(f))]),
        (
            "Products",
            vec![text(format!(
                "{} from {} components ({} resolved to a controller, {} unknown vendor; coverage {})",
                sm.products,
                sm.components,
                sm.resolved,
                sm.unknown,
                opt_pct(m.coverage)
            ))],
        ),
        (
            "Binaries",
            vec![text(format!(
                "{} ({} not owned by a package)",
                sm.binaries, sm.binaries_unowned
            ))],
        ),
        (
            "Problems",
            vec![text(format!(
                "{} errors, {} skipped, {} warnings (listed in the JSON report)",
                sm.errors, sm.skipped, sm.warnings
            ))],
        ),
    ];
    let rows = rows
        .into_iter()
        .map(|(label, value)| vec![cell(label), vec![Block::Para(value)]])
        .collect();
    Block::Table(table(vec![col("figure"), col("value")], rows))
}

/// The key figures as cards (HTML).
fn cards(f: &Facts) -> Vec<Card> {
    let sm = &f.report.summary;
    let m = &sm.model;
    let oss = &m.oss_share;
    let to_go = oss
        .weighted
        .filter(|w| *w < oss.target)
        .map(|w| format!(": {} points to go", points(w, oss.target)))
        .unwrap_or_default();
    vec![
        Card {
            title: "Sovereignty index",
            figure: vec![text(index(m.index))],
            unit: Some("/ 100"),
            meter: Some(Meter {
                value: m.index.map(|i| i / 100.0),
                target: None,
                label: "sovereignty index",
                kind: MeterKind::Index,
            }),
            text: vec![text(format!(
                "100 means no exposure; role-weighted over {} workplace products.",
                m.workplace_components
            ))],
        },
        Card {
            title: "Weakest level",
            figure: vec![level_or_na(m.weakest_level)],
            unit: None,
            meter: None,
            text: vec![text(levels_line(f))],
        },
        Card {
            title: "Open-source share",
            figure: vec![text(opt_pct(oss.weighted))],
            unit: None,
            meter: Some(Meter {
                value: oss.weighted,
                target: Some(oss.target),
                label: "open-source share against the target",
                kind: MeterKind::OpenSource,
            }),
            text: vec![
                text(format!(
                    "by role weight; {} by count. Target ",
                    opt_pct(oss.count)
                )),
                Inline::Strong(vec![text(pct(oss.target))]),
                text(format!(" by {}{to_go}.", oss.target_year)),
            ],
        },
        Card {
            title: "Coverage",
            figure: vec![text(opt_pct(m.coverage))],
            unit: None,
            meter: None,
            text: vec![text(format!(
                "{} products from {} components, {} resolved to a controller, {} with an unknown vendor. {} binaries ({} not owned by a package). {} errors, {} skipped.",
                sm.products,
                sm.components,
                sm.resolved,
                sm.unknown,
                sm.binaries,
                sm.binaries_unowned,
                sm.errors,
                sm.skipped
            ))],
        },
    ]
}

/// One row per image, for reports of several images.
fn per_image(f: &Facts) -> Block {
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
                cell(index(a.index)),
                vec![Block::Para(vec![level_or_na(a.weakest_level)])],
                cell(opt_pct(a.oss_share.count)),
                cell(opt_pct(a.oss_share.weighted)),
            ]
        })
        .collect();
    let columns = vec![
        col("image"),
        num_col("index"),
        col("weakest level"),
        num_col("open source by count"),
        num_col("open source by role weight"),
    ];
    Block::Table(Table {
        caption: Some("Per image"),
        ..table(columns, rows)
    })
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
            label: (*label).to_owned(),
            share: b.share,
            value: pct(b.share),
            marked: false,
        })
        .collect();
    let rows = BLOCS
        .iter()
        .zip(buckets)
        .enumerate()
        .map(|(i, (label, b))| {
            vec![
                vec![Block::Para(vec![Inline::Swatch(i), text(*label)])],
                cell(b.count.to_string()),
                cell(pct(b.share)),
            ]
        })
        .collect();
    let mut share = num_col("share");
    share.head.push(md(vec![text(" (role-weighted)")]));
    let figure = Figure {
        number: 1,
        caption: "Jurisdictions of the ultimate controllers, weighted by the role of each workplace product.",
        chart: Chart::Shares {
            title: "Jurisdiction mix",
            desc: described(&parts),
            parts,
            empty: "no workplace products",
        },
    };
    let blocks = vec![
        Block::Only(
            Backend::Markdown,
            vec![para(
                "The ultimate controllers' jurisdictions, weighted by the role of each workplace product.",
            )],
        ),
        Block::Columns(vec![
            Block::Figure(figure),
            Block::Table(table(
                vec![col("jurisdiction"), num_col("products"), share],
                rows,
            )),
        ]),
    ];
    section(
        "jurisdictions",
        "h-jur",
        "Jurisdictions",
        "Jurisdiction mix",
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
    let reading = facts::hhi_reading(c.hhi);
    let mut p = vec![
        text("Herfindahl–Hirschman index "),
        Inline::Strong(vec![text(num(c.hhi))]),
        text(" of 10,000"),
        md(vec![text(format!(" ({reading})."))]),
        html(vec![text(format!(": {reading}."))]),
        text(" "),
    ];
    if c.single_points.is_empty() {
        p.push(md(vec![text("No single point of dependency.")]));
        p.push(html(vec![text(
            "No controller is a single point of dependency.",
        )]));
    } else {
        let names: Vec<String> = c
            .single_points
            .iter()
            .map(|id| f.controller_name(id))
            .collect();
        p.extend([
            text("Single points of dependency (three or more high or very-high roles): "),
            Inline::Strong(vec![text(names.join(", "))]),
            text("."),
        ]);
    }
    let mut blocks = vec![Block::Para(p)];
    if !c.controllers.is_empty() {
        blocks.push(Block::Figure(controllers_chart(c)));
        let rows = c
            .controllers
            .iter()
            .map(|x| {
                vec![
                    cell(&x.name),
                    cell(x.country.as_deref().unwrap_or("none")),
                    cell(pct(x.share)),
                    cell(x.high_roles.join(", ")),
                ]
            })
            .collect();
        let columns = vec![
            col("controller"),
            col("country"),
            num_col("share of role weight"),
            col("high and very-high roles"),
        ];
        blocks.push(Block::Table(table(columns, rows)));
    }
    section(
        "concentration",
        "h-conc",
        "Concentration",
        "Vendor concentration",
        blocks,
    )
}

/// The largest twelve controllers, then the rest as one bar.
fn controllers_chart(c: &Concentration) -> Figure {
    let bar = |label: String, share: f64, marked: bool| Bar {
        label,
        share,
        value: pct(share),
        marked,
    };
    let mut rows: Vec<Bar> = c
        .controllers
        .iter()
        .take(12)
        .map(|x| {
            bar(
                format!("{} ({})", x.name, x.country.as_deref().unwrap_or("none")),
                x.share,
                c.single_points.contains(&x.id),
            )
        })
        .collect();
    if let Some(rest) = c.controllers.get(12..).filter(|r| !r.is_empty()) {
        let share = rest.iter().map(|x| x.share).sum();
        rows.push(bar(format!("{} others", rest.len()), share, false));
    }
    Figure {
        number: 2,
        caption: "Controllers' shares of the role weight of the resolved workplace products (largest first; single points of dependency in red).",
        chart: Chart::Bars {
            title: format!("Vendor concentration, HHI {}", num(c.hhi)),
            desc: described(&rows),
            rows,
            mark: " · single point",
        },
    }
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
                .map(|(l, n)| format!("{n} {}", l.as_str()))
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
    let mut columns = vec![col("category")];
    columns.extend(Level::WORST_FIRST.iter().map(|l| num_col(l.as_str())));
    columns.push(num_col("total"));
    let figure = Figure {
        number: 3,
        caption: "Products per category, by risk level (all products, worst categories first).",
        chart: Chart::Levels {
            title: "Levels by category",
            desc,
            rows: bars,
        },
    };
    section(
        "categories",
        "h-cat",
        "Levels by category",
        "Levels by category",
        vec![Block::Figure(figure), Block::Table(table(columns, rows))],
    )
}

fn dependencies(f: &Facts) -> Section {
    let mut blocks = Vec::new();
    if f.critical_high.is_empty() {
        blocks.push(para("None: no product is rated critical or high."));
    } else {
        blocks.push(Block::Only(
            Backend::Html,
            vec![para(format!(
                "{} products, worst first. Each with its explanation: who controls it, which laws reach that controller, which rules of the model fired, how the level follows, and the alternatives the rule database knows.",
                f.critical_high.len()
            ))],
        ));
    }
    for (i, c) in f.critical_high.iter().enumerate() {
        blocks.push(Block::Article(dependency(f, c, i + 1)));
    }
    section(
        "dependencies",
        "h-dep",
        "Critical and high",
        "Critical and high dependencies",
        blocks,
    )
}

/// One critical or high dependency with its explanation.
fn dependency(f: &Facts, c: &Component, number: usize) -> Article {
    let mut product = Vec::new();
    if let Some(p) = facts::product(c) {
        product.extend([text(p), md(vec![text(", ")]), html(vec![text("; ")])]);
    }
    product.push(text(format!(
        "{}; licence {}",
        f.category_name(&c.category),
        facts::license(c)
    )));
    let mut entries = vec![
        Entry::new("Product and role", vec![Block::Para(product)]),
        controller(f, c),
        jurisdiction(f, c),
    ];
    entries.extend(rules_fired(c));
    entries.extend(dimensions(f, c));
    entries.push(Entry::only(
        Backend::Markdown,
        "Assessment",
        vec![para(Facts::score_line(c))],
    ));
    entries.extend(gates(f, c));
    entries.push(alternatives(f, c));
    entries.push(Entry::new(
        "Evidence",
        vec![Block::List(List {
            items: c.evidence.iter().map(|e| evidence(e, false)).collect(),
            run_in: true,
        })],
    ));
    Article {
        number,
        title: facts::heading(c),
        level: c.risk.level,
        verdict: Facts::score_line(c),
        entries,
    }
}

/// The controller, and the chain that leads to it (HTML names the chain
/// only when there is one to follow).
fn controller(f: &Facts, c: &Component) -> Entry {
    let chain = f.chain(c);
    let mut v = name_in_bold(&facts::controller_short(c)).to_vec();
    v.push(match chain.as_slice() {
        [] => md(vec![text("; chain: not identified")]),
        [one] => md(vec![text(format!("; chain: {one}"))]),
        _ => text(format!("; chain: {}", chain.join(" → "))),
    });
    Entry::new("Controller", vec![Block::Para(v)])
}

fn jurisdiction(f: &Facts, c: &Component) -> Entry {
    let Some(j) = &c.jurisdiction else {
        return Entry::new("Jurisdiction", vec![para("none (no controlling company)")]);
    };
    let laws = f.laws(c);
    if laws.is_empty() {
        return Entry::new(
            "Jurisdiction",
            vec![para(format!(
                "{}; no law with extraterritorial reach on record",
                j.country
            ))],
        );
    }
    let items = laws
        .into_iter()
        .map(|l| {
            let mut item = vec![
                Inline::Strong(vec![text(l.name)]),
                md(vec![text(format!(" ({})", l.id))]),
            ];
            if let Some(e) = l.effect {
                item.push(text(format!(": {e}")));
            }
            if let Some(ci) = l.citation {
                item.extend([text(" "), Inline::Cite(ci)]);
            }
            item
        })
        .collect();
    Entry::new(
        "Jurisdiction",
        vec![
            para(format!("{}; laws with reach abroad:", j.country)),
            Block::List(List {
                items,
                run_in: false,
            }),
        ],
    )
}

/// A dimension's short name: `D3`.
fn dim(d: Dimension) -> String {
    d.as_str().to_uppercase()
}

/// The rules that fired (Markdown: a list, with the mitigations; HTML: a
/// table, the mitigations apart).
fn rules_fired(c: &Component) -> Vec<Entry> {
    let r = &c.risk;
    let mitigations: Vec<Vec<Inline>> = r.mitigations.iter().map(mitigation).collect();
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
    let rows = r
        .rules
        .iter()
        .map(|x| {
            vec![
                vec![Block::Para(vec![Inline::RuleId(x.id.clone())])],
                cell(x.dimension.label()),
                cell(x.score.to_string()),
                cell(&x.rationale),
            ]
        })
        .collect();
    let columns = vec![
        col("rule"),
        col("dimension"),
        num_col("score"),
        col("rationale"),
    ];
    let mut entries = vec![Entry::new(
        "Rules fired",
        vec![
            Block::Only(
                Backend::Markdown,
                vec![Block::List(List {
                    items,
                    run_in: false,
                })],
            ),
            Block::Only(Backend::Html, vec![Block::Table(table(columns, rows))]),
        ],
    )];
    if !mitigations.is_empty() {
        entries.push(Entry::only(
            Backend::Html,
            "Mitigations",
            vec![Block::List(List {
                items: mitigations,
                run_in: false,
            })],
        ));
    }
    entries
}

fn mitigation(m: &AppliedMitigation) -> Vec<Inline> {
    vec![
        md(vec![text("mitigation for ")]),
        text(format!(
            "{}: {} {} → {} ({}; approved by {} until {})",
            m.target,
            dim(m.dimension),
            m.from,
            m.to,
            m.justification,
            m.approver,
            m.expires
        )),
    ]
}

/// D1..D7 (HTML: a table with the exposure and score, and the weights and
/// thresholds that made them).
fn dimensions(f: &Facts, c: &Component) -> Option<Entry> {
    let d = c.risk.dimensions?;
    let scores: Vec<u8> = d.scores().into_iter().chain([d.d7]).collect();
    let names = dimension_names();
    let line = names
        .iter()
        .zip(&scores)
        .map(|((id, _), s)| format!("{id} {s}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut columns: Vec<Column> = names
        .iter()
        .map(|(id, label)| Column {
            title: Some(label),
            ..num_col(id)
        })
        .collect();
    columns.extend([num_col("exposure"), num_col("score")]);
    let mut row: Vec<Vec<Block>> = scores.iter().map(|s| cell(s.to_string())).collect();
    for x in [c.risk.exposure, c.risk.score] {
        row.push(cell(x.map_or_else(|| "-".to_owned(), num)));
    }
    Some(Entry::new(
        "Dimensions",
        vec![
            Block::Only(Backend::Markdown, vec![para(line)]),
            Block::Only(
                Backend::Html,
                vec![
                    Block::Table(table(columns, vec![row])),
                    para(format!(
                        "weights D1..D6: {}; levels: {}",
                        f.weights(),
                        f.thresholds()
                    )),
                ],
            ),
        ],
    ))
}

/// The gates that raised the level (Markdown: one entry each): hard gates
/// to critical, floors to their level.
fn gates(f: &Facts, c: &Component) -> Vec<Entry> {
    let gates = &c.risk.gates;
    let why = |g: &str| {
        f.gate_rationale(g)
            .unwrap_or_else(|| "the level is critical".into())
    };
    let title = |g: &str| match f.gate_level(g) {
        Some(l) if l != Level::Critical => format!("Floor {g} (at least {})", l.as_str()),
        _ => format!("Hard gate {g}"),
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
        entries.push(Entry::only(
            Backend::Html,
            if floors {
                "Gates and floors"
            } else {
                "Hard gates"
            },
            vec![Block::List(List {
                items,
                run_in: false,
            })],
        ));
    }
    entries
}

fn alternatives(f: &Facts, c: &Component) -> Entry {
    let alts = f.alternatives(c);
    if alts.is_empty() {
        return Entry::new("Alternatives", vec![para("none in the rule database")]);
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
    Entry::new(
        "Alternatives",
        vec![Block::List(List {
            items,
            run_in: false,
        })],
    )
}

/// One piece of evidence: its path, then kind and detail (in Markdown only
/// where `detailed`).
fn evidence(e: &Evidence, detailed: bool) -> Vec<Inline> {
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

fn unresolved(f: &Facts) -> Section {
    let blocks = if f.unresolved.is_empty() {
        vec![para("None: every product was resolved to a controller.")]
    } else {
        let rows = f
            .unresolved
            .iter()
            .map(|c| {
                vec![
                    cell(facts::title(c)),
                    cell(c.source.as_str()),
                    cell(f.category_name(&c.category)),
                    vec![Block::List(List {
                        items: c.evidence.iter().map(|e| evidence(e, false)).collect(),
                        run_in: false,
                    })],
                ]
            })
            .collect();
        let columns = vec![
            col("product"),
            col("source"),
            col("category"),
            col("evidence"),
        ];
        vec![
            Block::Para(vec![
                text("No rule identified the vendor of these"),
                html(vec![text(format!(" {}", f.unresolved.len()))]),
                text(format!(
                    " products; they count with the highest exposure ({}) in the index until a rule names them.",
                    num(f.report.model.params.unknown_exposure)
                )),
            ]),
            Block::Table(table(columns, rows)),
        ]
    };
    section(
        "unresolved",
        "h-unres",
        "Unresolved",
        "Unresolved products",
        blocks,
    )
}

fn model(f: &Facts) -> Section {
    let r = f.report;
    let p = &r.model.params;
    let oss = &r.summary.model.oss_share;
    let field = |label, value: String, only| Field {
        label,
        value: vec![text(value)],
        only,
    };
    let (md, html) = (Some(Backend::Markdown), Some(Backend::Html));
    let fields = vec![
        field("Weights", f.weights(), md),
        field("Weights (D1..D6)", f.weights(), html),
        field("Risk score = exposure × impact; levels", f.thresholds(), md),
        field(
            "Levels",
            format!("risk score = exposure × impact; {}", f.thresholds()),
            html,
        ),
        field(
            "Exposure of an unresolved product",
            format!(
                "{}; single point of dependency from {} high or very-high roles",
                num(p.unknown_exposure),
                p.single_point_roles
            ),
            md,
        ),
        field(
            "Unresolved products",
            format!("counted with exposure {}", num(p.unknown_exposure)),
            html,
        ),
        field(
            "Single point of dependency",
            format!(
                "a controller with {} or more high or very-high roles",
                p.single_point_roles
            ),
            html,
        ),
        field(
            "Open-source target",
            format!("{} by {}", pct(oss.target), oss.target_year),
            None,
        ),
        field(
            "Policy",
            format!(
                "{}; mitigations in force: {}",
                r.model.policy.as_deref().unwrap_or("none"),
                r.model.mitigations
            ),
            None,
        ),
        field(
            "Rule database",
            format!(
                "{} ({}), {} files",
                r.rules.version,
                r.rules.date,
                r.rules.files.len()
            ),
            None,
        ),
    ];
    section(
        "model",
        "h-model",
        "Model",
        "Model in force",
        vec![Block::Fields(fields)],
    )
}

fn appendix(f: &Facts) -> Section {
    let mut md_blocks = Vec::new();
    let mut rows = Vec::new();
    for c in &f.all {
        let level = c.risk.level.as_str();
        let ctl = facts::controller_short(c);
        let mut items = vec![vec![text(format!(
            "id: {}; source {}; category {}; controller {ctl}",
            c.id,
            c.source,
            f.category_name(&c.category)
        ))]];
        for e in &c.evidence {
            let mut item = vec![text("evidence: ")];
            item.extend(evidence(e, true));
            items.push(item);
        }
        let matched = match &c.matched {
            None => {
                items.push(vec![text(format!("match: {NO_MATCH}"))]);
                vec![Block::Para(vec![Inline::Muted(vec![text(NO_MATCH)])])]
            }
            Some(m) => {
                for h in &m.evidence {
                    let mut item = vec![text("match: ")];
                    item.extend(hit(h));
                    items.push(item);
                }
                vec![Block::List(List {
                    items: m.evidence.iter().map(hit).collect(),
                    run_in: false,
                })]
            }
        };
        md_blocks.push(Block::Heading(vec![text(format!(
            "{} ({level})",
            facts::heading(c)
        ))]));
        md_blocks.push(Block::List(List {
            items,
            run_in: false,
        }));
        rows.push(vec![
            vec![Block::Para(vec![
                text(facts::heading(c)),
                Inline::Break,
                Inline::Id(c.id.clone()),
            ])],
            vec![Block::Para(vec![Inline::Badge(c.risk.level)])],
            cell(ctl),
            vec![Block::List(List {
                items: c.evidence.iter().map(|e| evidence(e, true)).collect(),
                run_in: false,
            })],
            matched,
        ]);
    }
    let columns = ["product", "level", "controller", "evidence", "match"]
        .map(col)
        .to_vec();
    let blocks = vec![
        para(
            "Every product, worst first: where its members were found and which rule patterns identified it.",
        ),
        Block::Only(Backend::Markdown, md_blocks),
        Block::Only(
            Backend::Html,
            vec![Block::Table(Table {
                widths: vec![22, 9, 13, 30, 26],
                ..table(columns, rows)
            })],
        ),
    ];
    section(
        "appendix",
        "h-app",
        "Evidence",
        "Appendix: evidence",
        blocks,
    )
}

/// One match of a rule pattern.
fn hit(h: &MatchEvidence) -> Vec<Inline> {
    vec![
        md(vec![text(format!("{} — ", h.rule))]),
        html(vec![Inline::Code(h.rule.clone()), text(": ")]),
        text(format!(
            "{} “{}” matches “{}” ({}",
            h.field,
            h.value,
            h.pattern,
            h.confidence.as_str()
        )),
        md(vec![text(" confidence")]),
        text(")"),
    ]
}
