//! The terminal table: one row per product (or per component with
//! `--components`), worst risk first, and a summary an admin can read at a
//! glance. The JSON has the details.

use super::grid::{self, Column};
use super::{RenderError, RenderOptions};
use crate::fmt::{count, index, opt_pct, pct, visible};
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

/// The columns, in order; `image` only for several images. Product,
/// vendor → controller and risk are never dropped.
const COLUMNS: [Column; 7] = [
    Column {
        header: "image",
        soft: 5,
        min: 5,
        drop: 0,
    },
    Column {
        header: "product",
        soft: 30,
        min: 14,
        drop: 0,
    },
    Column {
        header: "version",
        soft: 14,
        min: 8,
        drop: 3,
    },
    Column {
        header: "vendor → controller (country)",
        soft: 40,
        min: 18,
        drop: 0,
    },
    Column {
        header: "license",
        soft: 14,
        min: 9,
        drop: 2,
    },
    Column {
        header: "category",
        soft: 13,
        min: 8,
        drop: 1,
    },
    Column {
        header: "risk",
        soft: 8,
        min: 8,
        drop: 0,
    },
];

fn table(report: &Report, opts: &RenderOptions) -> String {
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
    let mut cols = COLUMNS;
    if !by_product {
        cols[1].header = "component";
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|c| {
            let mut label = name(c, names[&(c.image, c.name.as_str())] > 1);
            if let Some(n) = installations.get(c.id.as_str()).filter(|n| **n > 1) {
                label = format!("{label} ({n} installs)");
            }
            vec![
                c.image.to_string(),
                label,
                c.version.clone().unwrap_or_default(),
                control(c),
                license(&c.license).to_owned(),
                c.category.clone(),
                c.risk.level.as_str().to_owned(),
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
    let headers: Vec<String> = cols.iter().map(|c| c.header.to_owned()).collect();
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
            let what = if by_product { "product" } else { "component" };
            let why = if unknown == 1 {
                format!(
                    "Not rated: 1 {what}. No rule says who controls it or how risky it is. Unknown is not harmless: it could be anything, from a driver to remote access; check it, or add a rule (docs/rules.md)."
                )
            } else {
                format!(
                    "Not rated: {unknown} {what}s. No rule says who controls them or how risky they are. Unknown is not harmless: each could be anything, from a driver to remote access; check them, or add a rule (docs/rules.md)."
                )
            };
            for l in grid::wrap(&why, opts.width) {
                let _ = writeln!(out, "{l}");
            }
        }
        let color = opts.color.then_some(c.risk.level);
        let _ = writeln!(out, "{}", line(row, &widths, color));
    }
    let _ = writeln!(out, "{rule}");
    let mut summary = String::new();
    summary_parts(report, &mut summary);
    for l in summary.lines() {
        for w in grid::wrap(&visible(l.to_owned()), opts.width) {
            let _ = writeln!(out, "{w}");
        }
    }
    out
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
fn control(c: &Component) -> String {
    let Some(vendor) = &c.vendor else {
        return "unknown".to_owned();
    };
    match &c.controller {
        None => format!("{} → unknown", vendor.name),
        Some(p) => {
            let country = p.country.as_deref().unwrap_or("community");
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
pub fn license(l: &LicenseReport) -> &str {
    match (l.spdx.as_deref(), l.open_source) {
        (Some(s), _) if s.to_ascii_lowercase().contains("proprietary") => "proprietary",
        (Some(s), _) if !s.starts_with("LicenseRef-") => s,
        (_, Some(true)) => "open source",
        (_, Some(false)) => "proprietary",
        (_, None) => "unknown",
    }
}

/// The `sovscan summary` view of a report (fresh or saved): the summary
/// lines, then the controllers by share and, for several images, one line
/// per image.
/// Summary lines longer than `width` wrap at spaces.
pub fn summary_view(report: &Report, width: Option<usize>) -> String {
    let s = &report.summary;
    let mut parts = String::new();
    summary_parts(report, &mut parts);
    let mut out = String::new();
    for l in parts.lines() {
        for w in grid::wrap(l, width) {
            let _ = writeln!(out, "{w}");
        }
    }
    let mut t = Table::new();
    t.load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(vec![
        "controller",
        "country",
        "share of role weight",
        "high and very-high roles",
    ]);
    for c in &s.model.concentration.controllers {
        t.add_row(vec![
            c.name.clone(),
            c.country.clone().unwrap_or_else(|| "community".into()),
            pct(c.share),
            c.high_roles.join(", "),
        ]);
    }
    let _ = writeln!(out, "\n{t}");
    if report.images.len() > 1 {
        for img in &report.images {
            let a = &img.summary;
            let _ = writeln!(
                out,
                "Image {} ({}): index {}, weakest level {}, open source {} by count",
                img.id,
                img.root,
                index(a.index),
                a.weakest_level.map_or("n/a", |l| l.as_str()),
                opt_pct(a.oss_share.count)
            );
        }
    }
    visible(out)
}

fn summary_parts(report: &Report, out: &mut String) {
    let (s, rules) = (&report.summary, &report.rules);
    let m = &s.model;
    for img in &report.images {
        let _ = writeln!(
            out,
            "Image {}: {} ({}{})",
            img.id,
            img.root,
            img.os.family.as_str(),
            img.os
                .name
                .as_deref()
                .map(|n| format!(", {n}"))
                .unwrap_or_default()
        );
    }
    let counted = if report.products.is_empty() {
        format!("Components: {}", s.components)
    } else {
        format!(
            "Products: {} from {}",
            s.products,
            count(s.components, "component", "components")
        )
    };
    let _ = writeln!(
        out,
        "{counted} ({} resolved, {} unknown vendor; coverage {})   Binaries: {} ({} not owned by a package)",
        s.resolved,
        s.unknown,
        opt_pct(m.coverage),
        s.binaries,
        s.binaries_unowned
    );
    let levels: Vec<String> = ["critical", "high", "unknown", "medium", "low"]
        .iter()
        .map(|l| format!("{l} {}", s.by_level.get(*l).copied().unwrap_or(0)))
        .collect();
    let _ = writeln!(
        out,
        "Risk: {}   weakest level: {}",
        levels.join(" · "),
        m.weakest_level.map_or("n/a", |l| l.as_str())
    );
    let _ = writeln!(
        out,
        "Sovereignty index: {} / 100 over {} workplace {} (role-weighted; docs/model.md)",
        index(m.index),
        m.workplace_components,
        if report.products.is_empty() {
            "components"
        } else {
            "products"
        }
    );
    let oss = &m.oss_share;
    let _ = writeln!(
        out,
        "Open-source share of workplace software: {} by count, {} by role weight; target {} by {}",
        opt_pct(oss.count),
        opt_pct(oss.weighted),
        pct(oss.target),
        oss.target_year
    );
    let j = &m.jurisdictions;
    let _ = writeln!(
        out,
        "Controller jurisdictions (role-weighted): EU/EEA {} · adequacy {} · US {} · CN/RU {} · other {} · community {} · unknown {}",
        pct(j.eu.share),
        pct(j.adequacy.share),
        pct(j.us.share),
        pct(j.cn_ru.share),
        pct(j.other.share),
        pct(j.community.share),
        pct(j.unknown.share)
    );
    let c = &m.concentration;
    let top: Vec<String> = c
        .controllers
        .iter()
        .take(3)
        .map(|x| {
            format!(
                "{} ({}) {}",
                x.name,
                x.country.as_deref().unwrap_or("community"),
                pct(x.share)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "Vendor concentration: HHI {:.0}; largest: {}{}",
        c.hhi,
        if top.is_empty() {
            "-".to_owned()
        } else {
            top.join(", ")
        },
        if c.single_points.is_empty() {
            String::new()
        } else {
            format!(
                "; single points of dependency: {}",
                c.single_points.join(", ")
            )
        }
    );
    let _ = writeln!(
        out,
        "Errors: {} · skipped: {} · warnings: {}   Rules: {} ({})",
        s.errors, s.skipped, s.warnings, rules.version, rules.date
    );
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
