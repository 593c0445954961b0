//! The sovereignty report as one document: built once from the typed
//! report (and the rule database, for the names and texts the report refers
//! to by id), as typed blocks that `md.rs`, `html/` and `pdf/` render. Every
//! sentence of the report is written here, once; the back-ends know only
//! their markup and their escaping.
//!
//! The two formats do not show exactly the same thing: HTML has charts,
//! cards and a page frame, Markdown a table where HTML draws; and some
//! sentences were worded for one format only. Where they differ, the block
//! or inline says which back-end it is for ([`Block::Only`],
//! [`Inline::Only`], `only` fields), so what each format shows is decided
//! here and nowhere else.
//!
//! Trust: a `String` in a block may come from the image (a package name
//! can be `<script>`) and the back-ends always escape it; only this
//! module's own words may be written as they are, and since they come from
//! the message files (`src/i18n/*/report.ftl`) they are escaped too.
//!
//! - `facts`: what the report shows about each component, read from the
//!   typed report and the database (order, chains, laws, alternatives);
//! - `sections`: the sections, in order, with their words.

mod facts;
mod sections;

use crate::model::report::Report;
use crate::model::risk::Level;

/// The back-end a variant is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Markdown,
    Html,
    /// The PDF is the printed page: it shows the HTML variants too (charts,
    /// cards, the wording for a page), and what is only for it.
    Pdf,
}

impl Backend {
    /// Whether this back-end shows a part meant for `only`.
    pub fn sees(self, only: Backend) -> bool {
        self == only || (self == Backend::Pdf && only == Backend::Html)
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The language it is written in (HTML `lang`, PDF metadata).
    pub lang: crate::i18n::Lang,
    /// The top heading.
    pub title: String,
    /// What the report is about (the image roots), for the HTML page title.
    pub subject: String,
    /// The name of the table of contents (HTML `aria-label`).
    pub contents: String,
    /// The paragraphs under the title (HTML: in the page header).
    pub lead: Vec<Block>,
    pub sections: Vec<Section>,
    /// The closing line of the HTML page; a Markdown document ends with its
    /// last section.
    pub footer: Vec<Inline>,
}

/// A top-level section.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's anchor (HTML `id`).
    pub id: &'static str,
    /// The anchor of its heading.
    pub heading_id: &'static str,
    /// Its entry in the HTML table of contents.
    pub nav: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Vec<Inline>),
    /// A small heading inside a section.
    Heading(Vec<Inline>),
    /// A small heading that [`Inline::Link`]s point to (HTML `id`).
    AnchoredHeading(String, Vec<Inline>),
    List(List),
    Table(Table),
    /// Named values: Markdown lists them as `label: value`, HTML as a table
    /// with row headers.
    Fields(Vec<Field>),
    /// Big figures on cards, each with a line of text (HTML only: Markdown
    /// gives the key figures as a table).
    Cards(Vec<Card>),
    /// A chart with its caption (HTML only: Markdown has no figures, and
    /// the table beside each chart carries its data).
    Figure(Figure),
    /// Blocks side by side where the page is wide enough (HTML); one after
    /// the other (Markdown).
    Columns(Vec<Block>),
    /// One explained item (a critical or high dependency).
    Article(Article),
    /// Blocks for one back-end only.
    Only(Backend, Vec<Block>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Text, escaped by the back-end.
    Text(String),
    Strong(Vec<Inline>),
    /// Code or a file name set as code.
    Code(String),
    /// A rule id: code that does not break across lines (Markdown: text).
    RuleId(String),
    /// A path in the image (HTML: monospace; Markdown: text).
    Path(String),
    /// A machine identifier under a name, small and grey (HTML; Markdown:
    /// text).
    Id(String),
    /// Secondary text (HTML: grey; Markdown: as it is).
    Muted(Vec<Inline>),
    /// A citation of a law: `[18 U.S.C. §2713]`.
    Cite(String),
    /// A risk level and its name in the document's language (HTML: a
    /// coloured badge; Markdown: its name).
    Badge(Level, String),
    /// The colour key of the i-th jurisdiction bucket, as the charts use it
    /// (HTML only).
    Swatch(usize),
    /// A reference to an anchor of the document (`law-us.cloud_act`):
    /// HTML a link, Markdown its text.
    Link(String, Vec<Inline>),
    /// A line break inside a paragraph or cell.
    Break,
    /// Inlines for one back-end only.
    Only(Backend, Vec<Inline>),
}

/// A list of one-line items.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    pub items: Vec<Vec<Inline>>,
    /// The items run on in the line of an [`Entry`], comma-separated, where
    /// the format can (Markdown); HTML always sets a list.
    pub run_in: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// HTML only (GitHub Markdown tables have no caption).
    pub caption: Option<String>,
    /// Column widths in percent for a table of long texts that may break
    /// anywhere (HTML); empty: automatic layout.
    pub widths: Vec<u8>,
    pub columns: Vec<Column>,
    /// One cell per column. A cell holds paragraphs and lists (Markdown:
    /// list items separated by line breaks).
    pub rows: Vec<Vec<Vec<Block>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub head: Vec<Inline>,
    /// Numbers: aligned right.
    pub numeric: bool,
    /// Paths: set in monospace (HTML).
    pub path: bool,
    /// A longer name for the header, as a tooltip (HTML).
    pub title: Option<String>,
}

/// One named value of a [`Block::Fields`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub value: Vec<Inline>,
    pub only: Option<Backend>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub title: String,
    /// The big figure.
    pub figure: Vec<Inline>,
    /// A unit after the figure, smaller (`/ 100`).
    pub unit: Option<String>,
    pub meter: Option<Meter>,
    pub text: Vec<Inline>,
}

/// A horizontal bar 0..1, with an optional target mark.
#[derive(Debug, Clone, PartialEq)]
pub struct Meter {
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// What the meter shows, for screen readers.
    pub label: String,
    pub kind: MeterKind,
}

/// Which figure a meter shows (each has its colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeterKind {
    Index,
    OpenSource,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Figures are numbered in order, from 1.
    pub number: usize,
    pub caption: String,
    pub chart: Chart,
}

/// A chart: its data and every text it shows; the geometry is the
/// back-end's.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Parts of one whole as one bar, with a legend (the jurisdiction mix):
    /// the i-th part has the colour of [`Inline::Swatch`] i.
    Shares {
        title: String,
        /// The chart's values as text, for screen readers.
        desc: String,
        parts: Vec<Bar>,
        /// Shown when every part is zero.
        empty: String,
    },
    /// One bar per row, largest first (the controllers); marked rows in
    /// the warning colour, with `mark` after their value.
    Bars {
        title: String,
        desc: String,
        rows: Vec<Bar>,
        mark: String,
    },
    /// The migration plan's timeline: share and index per year against the
    /// target (`report::html::charts::timeline_svg`).
    Timeline(Box<crate::model::plan::Plan>),
    /// Stacked bars of counts per risk level (the categories), with a
    /// legend of the levels.
    Levels {
        title: String,
        desc: String,
        rows: Vec<LevelBar>,
        /// The levels' names, in [`Level::WORST_FIRST`] order.
        legend: Vec<String>,
    },
}

/// One bar or part of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// The share (0..1) the bar shows.
    pub share: f64,
    /// The share as text (`12.3 %`).
    pub value: String,
    pub marked: bool,
}

/// One stacked bar: counts per level, in [`Level::WORST_FIRST`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelBar {
    pub label: String,
    pub counts: [usize; 5],
}

/// An explained item: numbered heading with a level, a one-line verdict and
/// named entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub number: usize,
    pub title: String,
    pub level: Level,
    /// The level's name in the document's language.
    pub level_name: String,
    /// The verdict under the heading (HTML; Markdown gives it as an entry).
    pub verdict: String,
    pub entries: Vec<Entry>,
}

/// One named part of an [`Article`]: Markdown `- **Label:** ...`, HTML a
/// definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub label: String,
    /// Paragraphs, lists and tables (tables only for HTML).
    pub body: Vec<Block>,
    pub only: Option<Backend>,
}

impl Entry {
    fn new(label: impl Into<String>, body: Vec<Block>) -> Self {
        Entry {
            label: label.into(),
            body,
            only: None,
        }
    }

    fn only(backend: Backend, label: impl Into<String>, body: Vec<Block>) -> Self {
        Entry {
            only: Some(backend),
            ..Entry::new(label, body)
        }
    }
}

/// Text from the report or the database.
fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// A paragraph of one text.
fn para(s: impl Into<String>) -> Block {
    Block::Para(vec![text(s)])
}

fn md(inlines: Vec<Inline>) -> Inline {
    Inline::Only(Backend::Markdown, inlines)
}

fn html(inlines: Vec<Inline>) -> Inline {
    Inline::Only(Backend::Html, inlines)
}

/// A name set in bold in HTML, plain in Markdown (where bold is kept for
/// the labels).
fn name_in_bold(name: &str) -> [Inline; 2] {
    [
        md(vec![text(name)]),
        html(vec![Inline::Strong(vec![text(name)])]),
    ]
}

/// Whether a part for `only` is shown by `backend`.
pub fn shows(only: Option<Backend>, backend: Backend) -> bool {
    only.is_none_or(|b| backend.sees(b))
}

/// The blocks `backend` shows, with its variants unwrapped.
pub fn visible(blocks: &[Block], backend: Backend) -> Vec<&Block> {
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Only(only, inner) if backend.sees(*only) => out.extend(visible(inner, backend)),
            Block::Only(..) => {}
            b => out.push(b),
        }
    }
    out
}

/// The sovereignty report of `report`. Without the database, laws, gates,
/// controllers in a chain, categories and alternatives are named by id.
/// It lists and counts products (a report without products: components).
/// `opts` gives the database, the plan for "Measures" and the language.
pub fn build(report: &Report, opts: &super::RenderOptions) -> Document {
    let units = report.units(false);
    let mut facts = facts::Facts::new(report, &units, opts.db.as_deref());
    facts.lang = opts.lang;
    sections::document(&facts, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::report::{Component, ImageReport, Summary};
    use crate::report::{html, md};
    use crate::rules::RuleDb;
    use serde_json::json;

    fn with_db(db: RuleDb) -> crate::report::RenderOptions {
        crate::report::RenderOptions {
            db: Some(std::sync::Arc::new(db)),
            ..Default::default()
        }
    }

    /// A report of one Windows image: Teams classic (high, US-controlled,
    /// with a mitigation and a gate) and an unresolved tool whose name is
    /// markup.
    fn report(db: &RuleDb) -> Report {
        let teams: Component = serde_json::from_value(json!({
            "id": "0:registry:Microsoft Teams classic@1.7", "image": 0,
            "name": "Microsoft Teams classic", "version": "1.7", "arch": null,
            "source": "registry", "kind": "application", "category": "collaboration",
            "product": {"id": "microsoft-teams", "name": "Microsoft Teams"},
            "vendor": {"id": "microsoft", "name": "Microsoft", "country": "US"},
            "controller": {"id": "microsoft", "name": "Microsoft", "country": "US"},
            "controller_chain": ["microsoft"],
            "jurisdiction": {"country": "US", "bloc": "other", "laws": ["us.cloud_act"]},
            "license": {"spdx": null, "open_source": false, "basis": "rule"},
            "risk": {"level": "high", "exposure": 1.65, "score": 4.94,
                "dimensions": {"d1": 3, "d2": 0, "d3": 1, "d4": 2, "d5": 2, "d6": 2, "d7": 3},
                "rules": [{"id": "JUR-US-CONTROL", "dimension": "d1", "score": 3, "rationale": "US-controlled."}],
                "gates": ["GATE-X"],
                "mitigations": [{"target": "product:microsoft-teams", "dimension": "d3", "from": 3,
                    "to": 1, "justification": "EU Data Boundary", "approver": "CISO", "expires": "2099-06-30"}],
                "reasons": []},
            "match": null, "alternatives": [{"id": "jitsi-meet", "name": "Jitsi Meet"}],
            "supplier": {}, "purl": null, "properties": {},
            "evidence": [{"path": "Users/alice/NTUSER.DAT", "kind": "registry", "detail": "HKU\\Teams"}],
            "files": 0, "binaries": 0
        }))
        .unwrap();
        let mut tool: Component = serde_json::from_value(json!({
            "id": "0:binary:opt/<b>x</b>|y", "image": 0, "name": "<b>x</b>|y", "version": null,
            "arch": null, "source": "binary", "kind": "application", "category": "unknown",
            "product": null, "vendor": null, "controller": null, "controller_chain": [],
            "jurisdiction": null, "license": {"spdx": null, "open_source": null, "basis": "not stated"},
            "risk": {"level": "unknown", "exposure": null, "score": null, "dimensions": null,
                "rules": [], "gates": [], "mitigations": [], "reasons": []},
            "match": null, "alternatives": [], "supplier": {}, "purl": null, "properties": {},
            "evidence": [{"path": "opt/<b>x</b>|y", "kind": "install-dir", "detail": "2 binaries"}],
            "files": 2, "binaries": 2
        }))
        .unwrap();
        tool.risk.rules = teams.risk.rules.clone();
        let image: ImageReport = serde_json::from_value(json!({
            "id": 0, "root": "/mnt/desk", "os": {"family": "windows", "id": "windows",
                "name": "Windows 11 Pro", "version": "23H2", "evidence": null},
            "stats": serde_json::to_value(crate::model::report::Stats::default()).unwrap(),
            "summary": serde_json::to_value(crate::model::aggregates::Aggregates::default()).unwrap()
        }))
        .unwrap();
        serde_json::from_value(json!({
            "schema_version": "1.1",
            "tool": {"name": "sovscan", "version": "0.1.0"},
            "rules": {"version": db.meta.version, "date": db.meta.date, "files": []},
            "model": serde_json::to_value(crate::model::report::ModelInfo {
                params: db.model.params.clone(), policy: None, mitigations: 1 }).unwrap(),
            "scan": {"duration_ms": 0},
            "images": [image], "components": [tool, teams], "binaries": [],
            "skipped": [], "errors": [], "warnings": [],
            "summary": serde_json::to_value(Summary::default()).unwrap()
        }))
        .unwrap()
    }

    fn section<'a>(doc: &'a Document, id: &str) -> &'a Section {
        doc.sections
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no section {id}"))
    }

    fn labels(a: &Article, backend: Backend) -> Vec<&str> {
        a.entries
            .iter()
            .filter(|e| shows(e.only, backend))
            .map(|e| e.label.as_str())
            .collect()
    }

    /// A floor is labelled with the level it raises to, not as a hard gate.
    #[test]
    fn a_floor_is_not_called_a_hard_gate() {
        let db = RuleDb::embedded().unwrap();
        let mut r = report(&db);
        let floor = "FLOOR-HOSTILE-STATE-NETWORKED-ROLE";
        r.components[1].risk.gates = vec!["GATE-HOSTILE-STATE-CRITICAL-ROLE".into(), floor.into()];
        let doc = build(&r, &with_db(db));
        let Block::Article(a) = &section(&doc, "dependencies").blocks[1] else {
            panic!("one explained dependency")
        };
        let md_labels = labels(a, Backend::Markdown);
        assert!(md_labels.contains(&"Hard gate GATE-HOSTILE-STATE-CRITICAL-ROLE"));
        assert!(
            md_labels.contains(&"Floor FLOOR-HOSTILE-STATE-NETWORKED-ROLE (at least high)"),
            "{md_labels:?}"
        );
        assert!(labels(a, Backend::Html).contains(&"Gates and floors"));
    }

    #[test]
    fn a_dependency_is_explained_once_with_each_formats_variant() {
        let db = RuleDb::embedded().unwrap();
        let r = report(&db);
        let opts = crate::report::RenderOptions {
            appendix: crate::report::Appendix::Full,
            ..with_db(db)
        };
        let doc = build(&r, &opts);
        let ids: Vec<&str> = doc.sections.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "summary",
                "image",
                "figures",
                "jurisdictions",
                "concentration",
                "categories",
                "dependencies",
                "laws",
                "unresolved",
                "model",
                "appendix"
            ]
        );
        let deps = &section(&doc, "dependencies").blocks;
        let [Block::Only(Backend::Html, _), Block::Article(a)] = deps.as_slice() else {
            panic!("one explained dependency: {deps:?}")
        };
        assert_eq!(a.title, "Microsoft Teams classic 1.7 [Microsoft Teams]");
        assert_eq!(a.verdict, "exposure 1.65 × impact 3 = 4.94 → high");
        let common = [
            "Product and role",
            "Controller",
            "Jurisdiction",
            "Rules fired",
        ];
        let md_labels = labels(a, Backend::Markdown);
        let html_labels = labels(a, Backend::Html);
        assert_eq!(md_labels[..4], common);
        assert_eq!(
            md_labels[4..],
            [
                "Dimensions",
                "Assessment",
                "Hard gate GATE-X",
                "Alternatives",
                "Evidence"
            ]
        );
        assert_eq!(html_labels[..4], common);
        assert_eq!(
            html_labels[4..],
            [
                "Mitigations",
                "Dimensions",
                "Hard gates",
                "Alternatives",
                "Evidence"
            ]
        );

        let m = md::markdown(&doc);
        let h = html::page(&doc);
        // Markdown lists the mitigation with the rules; HTML apart.
        assert!(m.contains("  - mitigation for product:microsoft-teams: D3 3 → 1 (EU Data Boundary; approved by CISO until 2099-06-30)\n"), "{m}");
        assert!(h.contains("<dt>Mitigations</dt><dd><ul><li>product:microsoft-teams: D3 3 → 1 (EU Data Boundary;"), "{h}");
        assert!(!h.contains("mitigation for") && !m.contains("Mitigations"));
        // A sentence both formats share is in each once.
        for text in [&m, &h] {
            assert_eq!(text.matches("Every product, worst first").count(), 1);
            assert_eq!(text.matches("laws with reach abroad:").count(), 1);
        }
        // Names from the image stay text in both.
        assert!(
            m.contains("\\<b\\>x\\</b\\>\\|y") && !m.contains("<b>"),
            "{m}"
        );
        assert!(
            h.contains("&lt;b&gt;x&lt;/b&gt;|y") && !h.contains("<b>"),
            "{h}"
        );
    }

    /// An article with a paragraph, a run-in list, a nested list and an
    /// HTML-only table.
    fn article() -> Block {
        let list = |items: &[&str], run_in| {
            Block::List(List {
                items: items.iter().map(|i| vec![text(*i)]).collect(),
                run_in,
            })
        };
        Block::Article(Article {
            number: 2,
            title: "a_b".into(),
            level: Level::High,
            level_name: "high".into(),
            verdict: "score → high".into(),
            entries: vec![
                Entry::new(
                    "Laws",
                    vec![para("US; laws:"), list(&["SCA", "CLOUD"], false)],
                ),
                Entry::new("Evidence", vec![list(&["x/1", "y|2"], true)]),
                Entry::only(
                    Backend::Html,
                    "Table",
                    vec![Block::Table(Table {
                        caption: Some("ignored in a definition".into()),
                        widths: Vec::new(),
                        columns: vec![Column {
                            head: vec![text("n")],
                            numeric: true,
                            path: false,
                            title: Some("count".into()),
                        }],
                        rows: vec![vec![vec![para("3")]]],
                    })],
                ),
            ],
        })
    }

    fn one_section(blocks: Vec<Block>) -> Document {
        Document {
            lang: crate::i18n::Lang::En,
            title: "T".into(),
            subject: "s".into(),
            contents: "Contents".into(),
            lead: Vec::new(),
            sections: vec![Section {
                id: "x",
                heading_id: "h-x",
                nav: "X".into(),
                title: "X".into(),
                blocks,
            }],
            footer: vec![text("f")],
        }
    }

    #[test]
    fn markdown_runs_lists_in_nests_them_or_breaks_them_in_cells() {
        let cells = Block::Table(Table {
            caption: Some("HTML only".into()),
            widths: Vec::new(),
            columns: vec![
                Column {
                    head: vec![text("a")],
                    numeric: false,
                    path: true,
                    title: None,
                },
                Column {
                    head: vec![text("b"), md(vec![text(" (md)")])],
                    numeric: true,
                    path: false,
                    title: None,
                },
            ],
            rows: vec![vec![
                vec![Block::List(List {
                    items: vec![vec![text("p")], vec![text("q")]],
                    run_in: false,
                })],
                vec![para("1")],
            ]],
        });
        let m = md::markdown(&one_section(vec![article(), cells]));
        assert_eq!(
            m,
            "# T\n\n## X\n\n### 2. a\\_b — high\n\n\
             - **Laws:** US; laws:\n  - SCA\n  - CLOUD\n\
             - **Evidence:** x/1, y\\|2\n\n\
             | a | b (md) |\n|---|---:|\n| p<br>q | 1 |\n"
        );
    }

    #[test]
    fn html_sets_definitions_with_lists_and_compact_tables() {
        let h = html::page(&one_section(vec![article()]));
        let body = h.split("<main>\n").nth(1).unwrap();
        assert_eq!(
            body,
            "<section id=\"x\" aria-labelledby=\"h-x\">\n<h2 id=\"h-x\">X</h2>\n\
             <article class=\"dep\" id=\"dep-2\" style=\"border-left-color:#b93c0a\">\n\
             <h3>2. a_b <span class=\"badge\" style=\"background:#b93c0a\">high</span></h3>\n\
             <p class=\"score\">score → high</p>\n<dl>\n\
             <dt>Laws</dt><dd>US; laws:<ul><li>SCA</li><li>CLOUD</li></ul></dd>\n\
             <dt>Evidence</dt><dd><ul><li>x/1</li><li>y|2</li></ul></dd>\n\
             <dt>Table</dt><dd><table><thead><tr><th scope=\"col\" class=\"n\" title=\"count\">n</th></tr></thead>\
             <tbody><tr><td class=\"n\">3</td></tr></tbody></table></dd>\n\
             </dl>\n</article>\n</section>\n</main>\n<footer>f</footer>\n</body>\n</html>\n"
        );
        assert!(h.contains("<title>T: s</title>") && h.contains("<a href=\"#x\">X</a>"));
    }
}
