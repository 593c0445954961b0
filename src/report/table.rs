//! The terminal table: one row per product (or per component with
//! `--components`), worst risk first, and a summary an admin can read at a
//! glance. The JSON has the details.

use super::{RenderError, RenderOptions};
use crate::fmt::{index, opt_pct, pct, short, visible};
use crate::model::report::{Component, LicenseReport, Report};
use crate::rules::RuleDb;
use comfy_table::{Cell, ContentArrangement, LineStyle, Table, TableStyle, presets};
use std::collections::HashMap;
use std::fmt::Write;

/// Horizontal rules around the header and at the bottom only: dense enough
/// for hundreds of rows, still readable.
pub const STYLE: TableStyle = presets::UTF8_HORIZONTAL_ONLY.row_separator(LineStyle::none());

/// The table of a report, fresh or saved (`sovscan report -f table`).
pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    Ok(visible(table(report, opts.components)).into_bytes())
}

fn table(report: &Report, components: bool) -> String {
    let units = report.units(components);
    let mut rows: Vec<&Component> = units.iter().collect();
    rows.sort_by(|a, b| {
        b.risk
            .level
            .severity()
            .cmp(&a.risk.level.severity())
            .then_with(|| a.image.cmp(&b.image))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut t = Table::new();
    t.load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled);
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
    let mut header = vec![
        if by_product { "product" } else { "component" },
        "version",
        "vendor",
        "controller",
        "license",
        "category",
        "risk",
    ];
    if multi {
        header.insert(0, "image");
    }
    t.set_header(header);
    for c in rows {
        let mut label = name(c, names[&(c.image, c.name.as_str())] > 1);
        if let Some(n) = installations.get(c.id.as_str()).filter(|n| **n > 1) {
            label = format!("{label} ({n} installations)");
        }
        let mut row = vec![
            cell(label),
            cell(short(c.version.as_deref().unwrap_or("-"), 28)),
            cell(c.vendor.as_ref().map_or("unknown", |v| v.name.as_str())),
            cell(match &c.controller {
                None => "-".to_owned(),
                Some(p) => format!("{} ({})", p.name, p.country.as_deref().unwrap_or("none")),
            }),
            cell(license(&c.license)),
            cell(&c.category),
            cell(c.risk.level.as_str()),
        ];
        if multi {
            row.insert(0, cell(c.image));
        }
        t.add_row(row);
    }
    let mut out = String::new();
    let _ = writeln!(out, "{t}");
    summary_parts(report, &mut out);
    out
}

/// A table cell, its control characters made visible before the table
/// measures the column (escaping the finished table would shift the row).
fn cell(text: impl ToString) -> Cell {
    Cell::new(visible(text.to_string()))
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

fn license(l: &LicenseReport) -> String {
    match (l.spdx.as_deref(), l.open_source) {
        (Some(s), Some(true)) => format!("{} (OSS)", short(s, 28)),
        (Some(s), _) => short(s, 32),
        (None, Some(true)) => "open source".into(),
        (None, Some(false)) => "proprietary".into(),
        (None, None) => "?".into(),
    }
}

/// The `sovscan summary` view of a report (fresh or saved): the summary
/// lines, then the controllers by share and, for several images, one line
/// per image.
pub fn summary_view(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    summary_parts(report, &mut out);
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
            c.country.clone().unwrap_or_else(|| "none".into()),
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
        format!("Products: {} from {} components", s.products, s.components)
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
                x.country.as_deref().unwrap_or("none"),
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

/// The rule database's vendors (with their ultimate controller) and
/// products (with their alternatives), as `sovscan rules list` shows them.
pub fn rule_database(db: &RuleDb, vendors: bool, products: bool) -> String {
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
        let mut v: Vec<usize> = (0..db.vendors.len()).collect();
        v.sort_by(|&a, &b| db.vendors[a].id.cmp(&db.vendors[b].id));
        for i in v {
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
        out.push_str(&format!("{t}\n{} vendors\n", db.vendors.len()));
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
        let mut p: Vec<&crate::rules::Product> = db.products.iter().collect();
        p.sort_by(|a, b| a.id.cmp(&b.id));
        for prod in p {
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
        out.push_str(&format!("{t}\n{} products\n", db.products.len()));
    }
    // User rule files name vendors and products too.
    visible(out)
}
