//! The terminal table: one row per product (or per component with
//! `--components`), worst risk first, and a summary an admin can read at a
//! glance. The JSON has the details.

use super::grid::{self, Column};
use super::{RenderError, RenderOptions};
use crate::fmt::{count, visible};
use crate::i18n::Lang;
use crate::model::report::{Component, LicenseReport, Report};
use crate::model::risk::Level;
use crate::rules::RuleDb;
use comfy_table::{ContentArrangement, LineStyle, Table, TableStyle, presets};
use std::collections::HashMap;
use std::fmt::Write;

/// Horizontal rules around the header and at the bottom only: dense enough
/// for hundreds of rows, still readable.
pub const STYLE: TableStyle = presets::UTF8_HORIZONTAL_ONLY.row_separator(LineStyle::none());

/// The table of a report, fresh or saved (`sovscan report -f table`).
pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    Ok(table(report, opts).into_bytes())
}

/// The columns, in order, headed by message ids (`table.ftl`); `image`
/// only for several images. Product, vendor → controller and risk are
/// never dropped.
const COLUMNS: [Column<'static>; 7] = [
    Column {
        header: "col-image",
        soft: 5,
        min: 5,
        drop: 0,
    },
    Column {
        header: "col-product",
        soft: 30,
        min: 14,
        drop: 0,
    },
    Column {
        header: "col-version",
        soft: 14,
        min: 8,
        drop: 3,
    },
    Column {
        header: "col-control",
        soft: 40,
        min: 18,
        drop: 0,
    },
    Column {
        header: "col-license",
        soft: 14,
        min: 9,
        drop: 2,
    },
    Column {
        header: "col-category",
        soft: 13,
        min: 8,
        drop: 1,
    },
    Column {
        header: "col-risk",
        soft: 8,
        min: 8,
        drop: 0,
    },
];

fn table(report: &Report, opts: &RenderOptions) -> String {
    let lang = opts.lang;
    let units = report.units(opts.components);
    let mut rows: Vec<&Component> = units.iter().collect();
    // Rated rows first, worst first; the unknown ones after them.
    rows.sort_by(|a, b| {
        let rated = |c: &Component| c.risk.level != Level::Unknown;
        rated(b)
            .cmp(&rated(a))
            .then_with(|| b.risk.level.severity().cmp(&a.risk.level.severity()))
            .then_with(|| a.image.cmp(&b.image))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    let multi = report.images.len() > 1;
    // Same name twice in one image (multi-arch libraries): show the arch.
    let mut names: HashMap<(usize, &str), usize> = HashMap::new();
    for c in units.iter() {
        *names.entry((c.image, &c.name)).or_default() += 1;
    }
    // Products installed more than once say so.
    let installations: HashMap<&str, usize> = report
        .products
        .iter()
        .map(|p| (p.id.as_str(), p.installations.len()))
        .collect();
    let by_product = units
        .first()
        .is_some_and(|c| installations.contains_key(c.id.as_str()));
    let headers = headers(lang, by_product);
    let cols = columns(&headers, lang);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|c| {
            let mut label = name(c, names[&(c.image, c.name.as_str())] > 1);
            if let Some(n) = installations.get(c.id.as_str()).filter(|n| **n > 1) {
                label = lang.ta(
                    "table-installs",
                    &[("label", label.into()), ("n", (*n).into())],
                );
            }
            vec![
                c.image.to_string(),
                label,
                c.version.clone().unwrap_or_default(),
                control(c, lang),
                license(&c.license, lang),
                c.category.clone(),
                lang.level(c.risk.level),
            ]
            .into_iter()
            .map(visible)
            .collect()
        })
        .collect();
    let mut widths = grid::fit(&cols, &cells, opts.width);
    if !multi {
        widths[0] = None;
    }
    let rule = "─".repeat(grid::total(&widths));
    let mut out = String::new();
    let _ = writeln!(out, "{}", line(&headers, &widths, None));
    let _ = writeln!(out, "{rule}");
    let unknown = rows
        .iter()
        .filter(|c| c.risk.level == Level::Unknown)
        .count();
    for (i, (c, row)) in rows.iter().zip(&cells).enumerate() {
        if c.risk.level == Level::Unknown && i == rows.len() - unknown {
            if i > 0 {
                out.push('\n');
            }
            let id = if by_product {
                "table-unrated-products"
            } else {
                "table-unrated-components"
            };
            let why = lang.ta(id, &[("count", unknown.into())]);
            for l in grid::wrap(&why, opts.width) {
                let _ = writeln!(out, "{l}");
            }
        }
        let color = opts.color.then_some(c.risk.level);
        let _ = writeln!(out, "{}", line(row, &widths, color));
    }
    let _ = writeln!(out, "{rule}");
    let mut summary = String::new();
    summary_parts(report, lang, &mut summary);
    for l in summary.lines() {
        for w in grid::wrap(&visible(l.to_owned()), opts.width) {
            let _ = writeln!(out, "{w}");
        }
    }
    out
}

/// The column headers in `lang`; the second column is `component` when
/// the rows are components.
fn headers(lang: Lang, by_product: bool) -> Vec<String> {
    let mut ids = COLUMNS.map(|c| c.header);
    if !by_product {
        ids[1] = "col-component";
    }
    ids.iter().map(|id| lang.t(id)).collect()
}

/// [`COLUMNS`] headed by `headers`; the risk column is never cut: it is
/// at least as wide as the longest level name in `lang`.
fn columns(headers: &[String], lang: Lang) -> Vec<Column<'_>> {
    let mut cols: Vec<Column<'_>> = COLUMNS
        .iter()
        .zip(headers)
        .map(|(c, h)| Column { header: h, ..*c })
        .collect();
    let risk = cols.len() - 1;
    cols[risk].min = [Level::Low, Level::Medium, Level::High, Level::Critical]
        .iter()
        .map(|l| grid::width(&lang.level(*l)))
        .fold(cols[risk].min, usize::max);
    cols[risk].soft = cols[risk].soft.max(cols[risk].min);
    cols
}

/// One row: the shown cells cut and padded to their widths, the risk
/// coloured when asked, no trailing spaces.
fn line(row: &[String], widths: &[Option<usize>], color: Option<Level>) -> String {
    let mut cells: Vec<String> = Vec::new();
    for (i, (text, w)) in row.iter().zip(widths).enumerate() {
        let Some(w) = *w else { continue };
        let mut t = grid::cell(text, w);
        if i == row.len() - 1
            && let Some(level) = color
        {
            t = format!("\x1b[{}m{}\x1b[0m", sgr(level), t.trim_end());
        }
        cells.push(t);
    }
    cells.join(grid::GAP).trim_end().to_owned()
}

/// The terminal colour of a level (ECMA-48 SGR parameters).
fn sgr(level: Level) -> &'static str {
    match level {
        Level::Critical => "1;31",
        Level::High => "31",
        Level::Medium => "33",
        Level::Low => "32",
        Level::Unknown => "35",
    }
}

/// The component column: the name, with the architecture when the name is
/// not unique in its image, and the product's name when it differs.
fn name(c: &Component, ambiguous: bool) -> String {
    let mut name = c.name.clone();
    if ambiguous && let Some(a) = &c.arch {
        name = format!("{name}:{a}");
    }
    if let Some(p) = c.product.as_ref().filter(|p| p.name != c.name) {
        name = format!("{name} [{}]", p.name);
    }
    name
}

/// Vendor → controller (country): the vendor alone when it is its own
/// controller; `community` for a controller under no state; `unknown`
/// for what no rule names.
fn control(c: &Component, lang: Lang) -> String {
    let Some(vendor) = &c.vendor else {
        return lang.t("table-unknown");
    };
    match &c.controller {
        None => format!("{} → {}", vendor.name, lang.t("table-unknown")),
        Some(p) => {
            let country = p
                .country
                .clone()
                .unwrap_or_else(|| lang.t("table-community"));
            if p.name == vendor.name {
                format!("{} ({country})", p.name)
            } else {
                format!("{} → {} ({country})", vendor.name, p.name)
            }
        }
    }
}

/// The licence in one short form: the SPDX id or expression, or
/// `open source` (OSI-approved, no SPDX id known), `proprietary`, or
/// `unknown`. `LicenseRef-…` ids are the package's own names for a
/// licence and read as one of the three words.
/// The three words are in `lang`; SPDX ids stay as they are.
pub fn license(l: &LicenseReport, lang: Lang) -> String {
    match license_word(l) {
        Ok(spdx) => spdx.to_owned(),
        Err("proprietary") => lang.t("table-proprietary"),
        Err("open source") => lang.t("table-open-source"),
        Err(_) => lang.t("table-unknown"),
    }
}

/// The SPDX id or expression (`Ok`), or the English word for what is
/// known of the licence (`Err`).
fn license_word(l: &LicenseReport) -> Result<&str, &'static str> {
    match (l.spdx.as_deref(), l.open_source) {
        (Some(s), _) if s.to_ascii_lowercase().contains("proprietary") => Err("proprietary"),
        (Some(s), _) if !s.starts_with("LicenseRef-") => Ok(s),
        (_, Some(true)) => Err("open source"),
        (_, Some(false)) => Err("proprietary"),
        (_, None) => Err("unknown"),
    }
}

/// The `sovscan summary` view of a report (fresh or saved): the summary
/// lines, then the controllers by share and, for several images, one line
/// per image.
/// Summary lines longer than `width` wrap at spaces.
pub fn summary_view(report: &Report, width: Option<usize>, lang: Lang) -> String {
    let s = &report.summary;
    let mut parts = String::new();
    summary_parts(report, lang, &mut parts);
    let mut out = String::new();
    for l in parts.lines() {
        for w in grid::wrap(l, width) {
            let _ = writeln!(out, "{w}");
        }
    }
    let mut t = Table::new();
    t.load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(
        [
            "summary-col-controller",
            "summary-col-country",
            "summary-col-share",
            "summary-col-high-roles",
        ]
        .map(|id| lang.t(id)),
    );
    for c in &s.model.concentration.controllers {
        t.add_row(vec![
            c.name.clone(),
            c.country
                .clone()
                .unwrap_or_else(|| lang.t("table-community")),
            lang.pct(c.share),
            c.high_roles.join(", "),
        ]);
    }
    let _ = writeln!(out, "\n{t}");
    if report.images.len() > 1 {
        for img in &report.images {
            let a = &img.summary;
            let weakest = a
                .weakest_level
                .map_or_else(|| lang.t("not-available"), |l| lang.level(l));
            let line = lang.ta(
                "summary-image",
                &[
                    ("id", img.id.into()),
                    ("root", img.root.as_str().into()),
                    ("index", lang.index(a.index).into()),
                    ("weakest", weakest.into()),
                    ("oss", lang.opt_pct(a.oss_share.count).into()),
                ],
            );
            let _ = writeln!(out, "{line}");
        }
    }
    visible(out)
}

/// "image 0: ROOT (windows, Windows 11 Pro)", and for a root inside a
/// disk image file where it came from: the container, the partition table
/// and the partition, and the file system, in the report's own words.
fn image_line(img: &crate::model::report::ImageReport, lang: Lang) -> String {
    let mut os = match img.os.name.as_deref() {
        Some(n) => format!("{}, {n}", img.os.family.as_str()),
        None => img.os.family.as_str().to_owned(),
    };
    if let Some(d) = &img.disk {
        let table = match d.table.as_str() {
            "none" => String::new(),
            t => format!(
                ", {} p{} {}",
                t.to_uppercase(),
                d.partition,
                d.partition_type
            ),
        };
        os.push_str(&format!("; {}{table}, {}", d.container, d.filesystem));
    }
    lang.ta(
        "table-image",
        &[
            ("id", img.id.into()),
            ("root", img.root.as_str().into()),
            ("os", os.into()),
        ],
    )
}

/// The summary lines under the table and atop `sovscan summary`.
fn summary_parts(report: &Report, lang: Lang, out: &mut String) {
    let (s, rules) = (&report.summary, &report.rules);
    let m = &s.model;
    for img in &report.images {
        let _ = writeln!(out, "{}", image_line(img, lang));
    }
    let counted = if report.products.is_empty() {
        lang.ta("table-components", &[("count", s.components.into())])
    } else {
        lang.ta(
            "table-products",
            &[
                ("count", s.products.into()),
                ("components", s.components.into()),
            ],
        )
    };
    let line = lang.ta(
        "table-counts",
        &[
            ("counted", counted.into()),
            ("resolved", s.resolved.into()),
            ("unknown", s.unknown.into()),
            ("coverage", lang.opt_pct(m.coverage).into()),
            ("binaries", s.binaries.into()),
            ("unowned", s.binaries_unowned.into()),
        ],
    );
    let _ = writeln!(out, "{line}");
    let levels: Vec<String> = [
        Level::Critical,
        Level::High,
        Level::Unknown,
        Level::Medium,
        Level::Low,
    ]
    .iter()
    .map(|l| {
        let n = s.by_level.get(l.as_str()).copied().unwrap_or(0);
        format!("{} {n}", lang.level(*l))
    })
    .collect();
    let weakest = m
        .weakest_level
        .map_or_else(|| lang.t("not-available"), |l| lang.level(l));
    let line = lang.ta(
        "table-risk",
        &[
            ("levels", levels.join(" · ").into()),
            ("weakest", weakest.into()),
        ],
    );
    let _ = writeln!(out, "{line}");
    let line = lang.ta(
        if report.products.is_empty() {
            "table-index-components"
        } else {
            "table-index-products"
        },
        &[
            ("index", lang.index(m.index).into()),
            ("count", m.workplace_components.into()),
        ],
    );
    let _ = writeln!(out, "{line}");
    let oss = &m.oss_share;
    let line = lang.ta(
        "table-oss",
        &[
            ("count", lang.opt_pct(oss.count).into()),
            ("weighted", lang.opt_pct(oss.weighted).into()),
            ("target", lang.pct(oss.target).into()),
            ("year", oss.target_year.to_string().into()),
        ],
    );
    let _ = writeln!(out, "{line}");
    let j = &m.jurisdictions;
    let line = lang.ta(
        "table-jurisdictions",
        &[
            ("eu", lang.pct(j.eu.share).into()),
            ("adequacy", lang.pct(j.adequacy.share).into()),
            ("us", lang.pct(j.us.share).into()),
            ("cnru", lang.pct(j.cn_ru.share).into()),
            ("other", lang.pct(j.other.share).into()),
            ("community", lang.pct(j.community.share).into()),
            ("unknown", lang.pct(j.unknown.share).into()),
        ],
    );
    let _ = writeln!(out, "{line}");
    concentration_line(report, lang, out);
    let line = lang.ta(
        "table-problems",
        &[
            ("errors", s.errors.into()),
            ("skipped", s.skipped.into()),
            ("warnings", s.warnings.into()),
            ("version", rules.version.as_str().into()),
            ("date", date(&rules.date, lang).into()),
        ],
    );
    let _ = writeln!(out, "{line}");
}

/// A date the report records as `2026-12-06`, in `lang`'s notation; as
/// recorded when it is not a date.
pub fn date(text: &str, lang: Lang) -> String {
    crate::date::Date::parse(text).map_or_else(|| text.to_owned(), |d| lang.date(d))
}

/// A level the report records by its key (`critical`), named in `lang`;
/// as recorded when it is not a level.
pub fn level_name(key: &str, lang: Lang) -> String {
    Level::parse(key).map_or_else(|| key.to_owned(), |l| lang.level(l))
}

/// Vendor concentration: the HHI, the three largest controllers and the
/// single points of dependency.
fn concentration_line(report: &Report, lang: Lang, out: &mut String) {
    let c = &report.summary.model.concentration;
    let top: Vec<String> = c
        .controllers
        .iter()
        .take(3)
        .map(|x| {
            let country = x
                .country
                .clone()
                .unwrap_or_else(|| lang.t("table-community"));
            format!("{} ({country}) {}", x.name, lang.pct(x.share))
        })
        .collect();
    let top = if top.is_empty() {
        "-".to_owned()
    } else {
        top.join(", ")
    };
    let single = if c.single_points.is_empty() {
        String::new()
    } else {
        lang.ta(
            "table-single-points",
            &[("names", c.single_points.join(", ").into())],
        )
    };
    let line = lang.ta(
        "table-concentration",
        &[
            ("hhi", format!("{:.0}", c.hhi).into()),
            ("top", top.into()),
            ("single", single.into()),
        ],
    );
    let _ = writeln!(out, "{line}");
}

/// What `sovscan rules list` shows: entries whose id or name contains
/// `search` (ignoring case); products of `category`.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    pub search: Option<String>,
    pub category: Option<String>,
}

impl RuleFilter {
    fn matches(&self, id: &str, name: &str) -> bool {
        self.search.as_ref().is_none_or(|s| {
            let s = s.to_lowercase();
            id.to_lowercase().contains(&s) || name.to_lowercase().contains(&s)
        })
    }
}

/// The vendors `filter` lets through, by id.
pub fn listed_vendors(db: &RuleDb, filter: &RuleFilter) -> Vec<usize> {
    let mut v: Vec<usize> = (0..db.vendors.len())
        .filter(|&i| filter.matches(&db.vendors[i].id, &db.vendors[i].name))
        .collect();
    v.sort_by(|&a, &b| db.vendors[a].id.cmp(&db.vendors[b].id));
    v
}

/// The products `filter` lets through, by id.
pub fn listed_products<'a>(db: &'a RuleDb, filter: &RuleFilter) -> Vec<&'a crate::rules::Product> {
    let mut p: Vec<&crate::rules::Product> = db
        .products
        .iter()
        .filter(|p| filter.matches(&p.id, &p.name))
        .filter(|p| filter.category.as_ref().is_none_or(|c| &p.category == c))
        .collect();
    p.sort_by(|a, b| a.id.cmp(&b.id));
    p
}

/// The rule database's vendors (with their ultimate controller) and
/// products (with their alternatives), as `sovscan rules list` shows them.
pub fn rule_database(db: &RuleDb, vendors: bool, products: bool, filter: &RuleFilter) -> String {
    use comfy_table::Table;
    let mut out = String::new();
    if vendors {
        let mut t = Table::new();
        t.load_style(STYLE);
        t.set_header(vec![
            "vendor",
            "name",
            "country",
            "controller",
            "controller country",
            "as of",
        ]);
        let v = listed_vendors(db, filter);
        for &i in &v {
            let ven = &db.vendors[i];
            let c = &db.vendors[db.controller(i)];
            t.add_row(vec![
                ven.id.clone(),
                ven.name.clone(),
                ven.country.clone().unwrap_or_else(|| "-".into()),
                if c.id == ven.id {
                    "-".into()
                } else {
                    c.id.clone()
                },
                c.country.clone().unwrap_or_else(|| "-".into()),
                ven.as_of.clone(),
            ]);
        }
        out.push_str(&format!("{t}\n{}\n", count(v.len(), "vendor", "vendors")));
    }
    if products {
        if vendors {
            out.push('\n');
        }
        let mut t = Table::new();
        t.load_style(STYLE);
        t.set_header(vec![
            "product",
            "name",
            "vendor",
            "category",
            "license",
            "alternatives",
        ]);
        let p = listed_products(db, filter);
        for prod in &p {
            let alts: Vec<&str> = prod
                .alternatives
                .iter()
                .map(|&a| db.products[a].id.as_str())
                .collect();
            t.add_row(vec![
                prod.id.clone(),
                prod.name.clone(),
                db.vendors[prod.vendor].id.clone(),
                prod.category.clone(),
                prod.license.clone(),
                alts.join(", "),
            ]);
        }
        out.push_str(&format!("{t}\n{}\n", count(p.len(), "product", "products")));
    }
    // User rule files name vendors and products too.
    visible(out)
}
