//! The terminal table: one row per component, worst risk first, and a
//! summary an admin can read at a glance. The JSON has the details.

use crate::model::report::{ImageReport, Report, RulesInfo, Summary};
use comfy_table::{Cell, ContentArrangement, LineStyle, Table, TableStyle, presets};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// Horizontal rules around the header and at the bottom only: dense enough
/// for hundreds of rows, still readable.
pub const STYLE: TableStyle = presets::UTF8_HORIZONTAL_ONLY.row_separator(LineStyle::none());

pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    render_value(&serde_json::to_value(report)?)
}

/// The table of a report as JSON (fresh or saved: `sovscan report -f table`).
pub fn render_value(v: &Value) -> Result<String, serde_json::Error> {
    let images: Vec<ImageReport> = serde_json::from_value(v["images"].clone())?;
    let s: Summary = serde_json::from_value(v["summary"].clone())?;
    let rules: RulesInfo = serde_json::from_value(v["rules"].clone())?;
    let components: &[Value] = v["components"].as_array().map_or(&[], |a| a.as_slice());
    let mut out = String::new();
    let level = |c: &Value| {
        crate::model::risk::Level::parse(c["risk"]["level"].as_str().unwrap_or(""))
            .map_or(0, |l| l.severity())
    };
    let image = |c: &Value| c["image"].as_u64().unwrap_or(0);
    let text = |c: &Value, k: &str| c[k].as_str().unwrap_or("").to_owned();
    let mut rows: Vec<&Value> = components.iter().collect();
    rows.sort_by(|a, b| {
        level(b)
            .cmp(&level(a))
            .then_with(|| image(a).cmp(&image(b)))
            .then_with(|| text(a, "name").cmp(&text(b, "name")))
            .then_with(|| text(a, "id").cmp(&text(b, "id")))
    });
    let mut t = Table::new();
    t.load_style(crate::report::table::STYLE)
        .set_content_arrangement(ContentArrangement::Disabled);
    let multi = images.len() > 1;
    // Same name twice in one image (multi-arch libraries): show the arch.
    let mut names: HashMap<(u64, String), usize> = HashMap::new();
    for c in components {
        *names.entry((image(c), text(c, "name"))).or_default() += 1;
    }
    let mut header = vec![
        "component",
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
        let vendor = c["vendor"]["name"].as_str().unwrap_or("unknown").to_owned();
        let controller = match super::sovereignty::obj(&c["controller"]) {
            None => "-".to_owned(),
            Some(p) => format!(
                "{} ({})",
                p["name"].as_str().unwrap_or(""),
                p["country"].as_str().unwrap_or("none")
            ),
        };
        let l = &c["license"];
        let license = match (l["spdx"].as_str(), l["open_source"].as_bool()) {
            (Some(s), Some(true)) => format!("{} (OSS)", short(s, 28)),
            (Some(s), _) => short(s, 32),
            (None, Some(true)) => "open source".into(),
            (None, Some(false)) => "proprietary".into(),
            (None, None) => "?".into(),
        };
        let mut name = text(c, "name");
        if names.get(&(image(c), name.clone())).copied().unwrap_or(0) > 1
            && let Some(a) = c["arch"].as_str()
        {
            name = format!("{name}:{a}");
        }
        if let Some(p) = c["product"]["name"]
            .as_str()
            .filter(|p| *p != text(c, "name"))
        {
            name = format!("{name} [{p}]");
        }
        let mut row = vec![
            Cell::new(name),
            Cell::new(short(c["version"].as_str().unwrap_or("-"), 28)),
            Cell::new(vendor),
            Cell::new(controller),
            Cell::new(license),
            Cell::new(text(c, "category")),
            Cell::new(c["risk"]["level"].as_str().unwrap_or("")),
        ];
        if multi {
            row.insert(0, Cell::new(image(c)));
        }
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    summary_parts(&images, &s, &rules, &mut out);
    Ok(out)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn opt_pct(x: Option<f64>) -> String {
    x.map_or("n/a".to_owned(), pct)
}

/// The `sovscan summary` view of a report (fresh or saved): the summary
/// lines, then the controllers by share and, for several images, one line
/// per image.
pub fn summary_view(v: &serde_json::Value) -> Result<String, serde_json::Error> {
    let images: Vec<ImageReport> = serde_json::from_value(v["images"].clone())?;
    let s: Summary = serde_json::from_value(v["summary"].clone())?;
    let rules: RulesInfo = serde_json::from_value(v["rules"].clone())?;
    let mut out = String::new();
    summary_parts(&images, &s, &rules, &mut out);
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
    if images.len() > 1 {
        for img in &images {
            let a = &img.summary;
            let _ = writeln!(
                out,
                "Image {} ({}): index {}, weakest level {}, open source {} by count",
                img.id,
                img.root,
                a.index.map_or("n/a".to_owned(), |i| format!("{i:.1}")),
                a.weakest_level.map_or("n/a", |l| l.as_str()),
                opt_pct(a.oss_share.count)
            );
        }
    }
    Ok(out)
}

fn summary_parts(images: &[ImageReport], s: &Summary, rules: &RulesInfo, out: &mut String) {
    let m = &s.model;
    for img in images {
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
    let _ = writeln!(
        out,
        "Components: {} ({} resolved, {} unknown vendor; coverage {})   Binaries: {} ({} not owned by a package)",
        s.components,
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
        "Sovereignty index: {} / 100 over {} workplace components (role-weighted; docs/model.md)",
        m.index.map_or("n/a".to_owned(), |i| format!("{i:.1}")),
        m.workplace_components
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
