//! A migration plan (`sovscan plan`, `docs/plan.md`) as a table for the
//! terminal, Markdown, one self-contained HTML page with a timeline chart
//! (inline SVG, no script, nothing loaded from anywhere) and CSV (one row per
//! replacement, RFC 4180 by the `csv` crate). JSON is the [`Plan`] itself.
//!
//! Every output leads with the plan's notes: when the target is missed,
//! that comes first.

use super::html::esc as h;
use super::md::esc as m;
use crate::fmt::{index, num, opt_pct, pct};
use crate::model::plan::{Figures, Phase, Plan, Replacement, WhatIf};
use std::fmt::Write;

fn target_line(p: &Plan) -> String {
    let cap = match (p.capacity_points, p.capacity_migrations) {
        (None, None) => "no capacity limit".to_owned(),
        (Some(c), None) => format!("{c} effort points a year"),
        (None, Some(n)) => format!("at most {n} migrations a year"),
        (Some(c), Some(n)) => format!("{c} effort points and at most {n} migrations a year"),
    };
    format!(
        "Target: {} open-source share by role weight by {}, from {}; {cap}.",
        pct(p.target_share),
        p.target_year,
        p.start_year
    )
}

fn verdict(p: &Plan) -> String {
    match (p.reachable, p.reached_year) {
        (true, Some(y)) if p.phases.is_empty() || y < p.start_year => {
            "The target is already reached.".to_owned()
        }
        (true, Some(y)) => format!("The target is reached in {y}."),
        _ => String::new(),
    }
}

/// The figures as text: open source by weight and by count, index, US,
/// CN/RU, HHI, critical, high.
fn figure_cells(f: &Figures) -> [String; 8] {
    [
        opt_pct(f.oss_share_weighted),
        opt_pct(f.oss_share_count),
        index(f.index),
        pct(f.us_share),
        pct(f.cn_ru_share),
        num(f.hhi),
        f.critical.to_string(),
        f.high.to_string(),
    ]
}

fn figures_line(f: &Figures) -> String {
    let [w, c, i, us, cn, hhi, crit, high] = figure_cells(f);
    format!(
        "open source {w} by role weight ({c} by count), index {i}, US {us}, CN/RU {cn}, HHI {hhi}, {crit} critical, {high} high"
    )
}

fn switch_line(r: &Replacement) -> String {
    let country = r.to_country.as_deref().unwrap_or("community");
    let licence = if r.to_open_source {
        "open source"
    } else {
        "proprietary"
    };
    format!(
        "{} ({}) → {} ({country}, {}, {licence}), effort {}: {}",
        r.from_name,
        r.from_level,
        r.to_name,
        r.to_license,
        r.effort.as_str(),
        r.reason
    )
}

/// The plan for a terminal: notes, target, baseline, phases, what stays.
pub fn table(p: &Plan) -> String {
    let mut o = String::new();
    for n in &p.notes {
        let _ = writeln!(o, "! {n}");
    }
    let _ = writeln!(o, "{}", target_line(p));
    let v = verdict(p);
    if !v.is_empty() {
        let _ = writeln!(o, "{v}");
    }
    let _ = writeln!(o, "\nNow: {}", figures_line(&p.baseline));
    for ph in &p.phases {
        let _ = writeln!(
            o,
            "\nPhase {} ({}), {} effort points:",
            ph.number, ph.year, ph.effort_points
        );
        for r in &ph.replacements {
            let _ = writeln!(o, "  {}", switch_line(r));
            if !r.blockers.is_empty() {
                let _ = writeln!(o, "      blockers: {}", r.blockers.join("; "));
            }
        }
        let _ = writeln!(o, "  after: {}", figures_line(&ph.figures));
        if !ph.stays.is_empty() {
            let _ = writeln!(o, "  stays: {}", stays_line(ph));
        }
    }
    if !p.kept.is_empty() {
        let _ = writeln!(o, "\nStays:");
        for k in &p.kept {
            let _ = writeln!(o, "  {} ({}): {}", k.name, k.level, k.why);
        }
    }
    o
}

/// What stays after a phase, one line: `Teams (replaced in phase 3 (2029)); ...`.
fn stays_line(ph: &Phase) -> String {
    ph.stays
        .iter()
        .map(|k| format!("{} ({})", k.name, k.why))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The plan in Markdown: the same, with a table per phase.
pub fn markdown(p: &Plan) -> String {
    let mut o = String::from("# Migration plan\n\n");
    for n in &p.notes {
        let _ = writeln!(o, "> **{}**\n", m(n));
    }
    let _ = writeln!(o, "{}", m(&target_line(p)));
    let v = verdict(p);
    if !v.is_empty() {
        let _ = writeln!(o, "{}", m(&v));
    }
    o.push('\n');
    o.push_str(&figures_table_md(p));
    for ph in &p.phases {
        phase_md(ph, &mut o);
    }
    if !p.kept.is_empty() {
        o.push_str("\n## What stays\n\n| product | level | why |\n|---|---|---|\n");
        for k in &p.kept {
            let _ = writeln!(o, "| {} | {} | {} |", m(&k.name), k.level, m(&k.why));
        }
    }
    o
}

/// The figures now and after each phase, in one table.
fn figures_table_md(p: &Plan) -> String {
    let mut o = String::from(
        "| | year | open source (weight) | open source (count) | index | US | CN/RU | HHI | critical | high |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let row = |label: String, year: u16, f: &Figures| {
        format!("| {label} | {year} | {} |\n", figure_cells(f).join(" | "))
    };
    o.push_str(&row("now".into(), p.start_year, &p.baseline));
    for ph in &p.phases {
        o.push_str(&row(
            format!("after phase {}", ph.number),
            ph.year,
            &ph.figures,
        ));
    }
    o
}

/// The columns of a phase's table.
const COLUMNS: [&str; 9] = [
    "from",
    "level",
    "to",
    "controller",
    "licence",
    "effort",
    "why now",
    "blockers",
    "EU hosting",
];

/// A replacement's cells in [`COLUMNS`] order, as text to escape.
fn cells(r: &Replacement) -> [String; 9] {
    [
        r.from_name.clone(),
        r.from_level.clone(),
        r.to_name.clone(),
        match &r.to_country {
            Some(k) => format!("{k} ({})", r.to_bloc),
            None => "community".to_owned(),
        },
        r.to_license.clone(),
        format!("{} ({})", r.effort.as_str(), r.effort_reason),
        r.reason.clone(),
        r.blockers.join("; "),
        r.eu_hosting.clone().unwrap_or_default(),
    ]
}

fn phase_heading(ph: &Phase) -> String {
    format!(
        "Phase {} ({}): {} effort points",
        ph.number, ph.year, ph.effort_points
    )
}

fn phase_md(ph: &Phase, o: &mut String) {
    let _ = writeln!(
        o,
        "\n## {}\n\n| {} |\n|{}",
        phase_heading(ph),
        COLUMNS.join(" | "),
        "---|".repeat(COLUMNS.len())
    );
    for r in &ph.replacements {
        let row: Vec<String> = cells(r).iter().map(|c| m(c)).collect();
        let _ = writeln!(o, "| {} |", row.join(" | "));
    }
    if !ph.stays.is_empty() {
        let _ = writeln!(o, "\nStays after this phase: {}", m(&stays_line(ph)));
    }
}

/// CSV: one row per replacement, with the figures after its phase.
pub fn csv(p: &Plan) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "phase",
        "year",
        "from",
        "from_name",
        "from_level",
        "to",
        "to_name",
        "to_country",
        "to_bloc",
        "to_license",
        "to_open_source",
        "effort",
        "effort_points",
        "reason",
        "blockers",
        "seats",
        "cost",
        "oss_share_weighted_after",
        "oss_share_count_after",
        "index_after",
    ];
    let _ = w.write_record(header);
    for ph in &p.phases {
        for r in &ph.replacements {
            let f = &ph.figures;
            let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
            let _ = w.write_record([
                ph.number.to_string(),
                ph.year.to_string(),
                r.from.clone(),
                r.from_name.clone(),
                r.from_level.clone(),
                r.to.clone(),
                r.to_name.clone(),
                r.to_country.clone().unwrap_or_default(),
                r.to_bloc.clone(),
                r.to_license.clone(),
                r.to_open_source.to_string(),
                r.effort.as_str().to_owned(),
                r.effort.points().to_string(),
                r.reason.clone(),
                r.blockers.join("; "),
                r.seats.map(|s| s.to_string()).unwrap_or_default(),
                opt(r.cost),
                opt(f.oss_share_weighted),
                opt(f.oss_share_count),
                opt(f.index),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#111827;line-height:1.45}\
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #d1d5db;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f4f6}.note{border-left:4px solid #b91c1c;padding:.5rem 1rem;background:#fef2f2}\
figure{margin:1rem 0}svg{max-width:100%;height:auto}@media print{body{margin:0}}";

/// The plan as one self-contained HTML page.
pub fn html(p: &Plan) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(
        o,
        "<title>Migration plan</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>Migration plan</h1>"
    );
    o.push_str(&body_html(p));
    o.push_str("</body>\n</html>\n");
    o
}

/// The plan's content as HTML without the page around it (the report's
/// Measures section embeds it).
pub fn body_html(p: &Plan) -> String {
    let mut o = String::new();
    for n in &p.notes {
        let _ = writeln!(o, "<p class=\"note\"><strong>{}</strong></p>", h(n));
    }
    let _ = writeln!(o, "<p>{}</p>", h(&target_line(p)));
    let v = verdict(p);
    if !v.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", h(&v));
    }
    timeline(p, &mut o);
    for ph in &p.phases {
        let head: Vec<String> = COLUMNS.iter().map(|c| format!("<th>{c}</th>")).collect();
        let _ = writeln!(
            o,
            "<h2>{}</h2>\n<table><thead><tr>{}</tr></thead><tbody>",
            phase_heading(ph),
            head.concat()
        );
        for r in &ph.replacements {
            let row: Vec<String> = cells(r)
                .iter()
                .map(|c| format!("<td>{}</td>", h(c)))
                .collect();
            let _ = writeln!(o, "<tr>{}</tr>", row.concat());
        }
        let _ = writeln!(
            o,
            "</tbody></table>\n<p>After: {}</p>",
            h(&figures_line(&ph.figures))
        );
        if !ph.stays.is_empty() {
            let _ = writeln!(o, "<p>Stays after this phase: {}</p>", h(&stays_line(ph)));
        }
    }
    if !p.kept.is_empty() {
        o.push_str("<h2>What stays</h2>\n<table><thead><tr><th>product</th><th>level</th><th>why</th></tr></thead><tbody>\n");
        for k in &p.kept {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                h(&k.name),
                h(&k.level),
                h(&k.why)
            );
        }
        o.push_str("</tbody></table>\n");
    }
    o
}

/// The timeline chart and its data table.
fn timeline(p: &Plan, o: &mut String) {
    o.push_str("<figure>");
    super::html::charts::timeline_svg(p, o);
    o.push_str("</svg>\n<figcaption>Open-source share and index after each phase; the dashed line is the target share, the dotted line the target year.</figcaption></figure>\n<table><thead><tr><th>year</th><th>open source (role weight)</th><th>index</th></tr></thead><tbody>\n");
    for (i, (year, share, idx)) in super::palette::timeline_points(p).into_iter().enumerate() {
        let when = if i == 0 {
            "now".to_owned()
        } else {
            year.to_string()
        };
        let _ = writeln!(
            o,
            "<tr><td>{when}</td><td>{share:.1} %</td><td>{idx:.1}</td></tr>"
        );
    }
    o.push_str("</tbody></table>\n");
}

/// A what-if for a terminal.
pub fn what_if_table(w: &WhatIf) -> String {
    let mut o = format!("Now:   {}\n", figures_line(&w.baseline));
    for r in &w.replacements {
        let _ = writeln!(o, "  {}", switch_line(r));
    }
    let _ = writeln!(o, "After: {}", figures_line(&w.figures));
    o
}

/// A what-if in Markdown.
pub fn what_if_markdown(w: &WhatIf) -> String {
    let mut o = String::from("# What if\n\n");
    for r in &w.replacements {
        let _ = writeln!(o, "- {}", m(&switch_line(r)));
    }
    let _ = writeln!(
        o,
        "\n- now: {}\n- after: {}",
        m(&figures_line(&w.baseline)),
        m(&figures_line(&w.figures))
    );
    o
}
