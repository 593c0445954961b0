//! A migration plan (`sovscan plan`, `docs/plan.md`) as a table for the
//! terminal, Markdown, one self-contained HTML page with a timeline chart
//! (inline SVG, no script, nothing loaded from anywhere) and CSV (one row per
//! replacement, RFC 4180 by the `csv` crate). JSON is the [`Plan`] itself.
//!
//! Every output leads with the plan's notes: when the target is missed,
//! that comes first.

use super::html::esc as h;
use super::md::esc as m;
use super::table::level_name;
use crate::i18n::Lang;
use crate::model::plan::{Figures, Phase, Plan, Replacement, WhatIf};
use std::fmt::Write;

fn target_line(p: &Plan, lang: Lang) -> String {
    let cap = match (p.capacity_points, p.capacity_migrations) {
        (None, None) => lang.t("plan-no-capacity"),
        (Some(c), None) => lang.ta("plan-capacity-points", &[("points", c.to_string().into())]),
        (None, Some(n)) => lang.ta("plan-capacity-migrations", &[("n", n.to_string().into())]),
        (Some(c), Some(n)) => lang.ta(
            "plan-capacity-both",
            &[
                ("points", c.to_string().into()),
                ("n", n.to_string().into()),
            ],
        ),
    };
    lang.ta(
        "plan-target",
        &[
            ("share", lang.pct(p.target_share).into()),
            ("year", p.target_year.to_string().into()),
            ("from", p.start_year.to_string().into()),
            ("capacity", cap.into()),
        ],
    )
}

fn verdict(p: &Plan, lang: Lang) -> String {
    match (p.reachable, p.reached_year) {
        (true, Some(y)) if p.phases.is_empty() || y < p.start_year => {
            lang.t("plan-already-reached")
        }
        (true, Some(y)) => lang.ta("plan-reached", &[("year", y.to_string().into())]),
        _ => String::new(),
    }
}

/// The figures as text: open source by weight and by count, index, US,
/// CN/RU, HHI, critical, high.
fn figure_cells(f: &Figures, lang: Lang) -> [String; 8] {
    [
        lang.opt_pct(f.oss_share_weighted),
        lang.opt_pct(f.oss_share_count),
        lang.index(f.index),
        lang.pct(f.us_share),
        lang.pct(f.cn_ru_share),
        lang.num(f.hhi),
        f.critical.to_string(),
        f.high.to_string(),
    ]
}

fn figures_line(f: &Figures, lang: Lang) -> String {
    let [w, c, i, us, cn, hhi, crit, high] = figure_cells(f, lang);
    lang.ta(
        "plan-figures",
        &[
            ("weighted", w.into()),
            ("count", c.into()),
            ("index", i.into()),
            ("us", us.into()),
            ("cnru", cn.into()),
            ("hhi", hhi.into()),
            ("critical", crit.into()),
            ("high", high.into()),
        ],
    )
}

fn switch_line(r: &Replacement, lang: Lang) -> String {
    let country = r
        .to_country
        .clone()
        .unwrap_or_else(|| lang.t("table-community"));
    let licence = lang.t(if r.to_open_source {
        "table-open-source"
    } else {
        "table-proprietary"
    });
    lang.ta(
        "plan-switch",
        &[
            ("from", r.from_name.as_str().into()),
            ("level", level_name(&r.from_level, lang).into()),
            ("to", r.to_name.as_str().into()),
            ("country", country.into()),
            ("license", r.to_license.as_str().into()),
            ("open", licence.into()),
            ("effort", r.effort.as_str().into()),
            ("why", reason(&r.reason, lang).into()),
        ],
    )
}

/// Why a replacement comes when it does (`hard gate`, `critical`, `gain
/// per effort`, `what-if`: the JSON's words), in `lang`.
fn reason(key: &str, lang: Lang) -> String {
    let id = format!("plan-reason-{}", key.replace(' ', "-"));
    if lang.has(&id) {
        lang.t(&id)
    } else {
        key.to_owned()
    }
}

/// The plan for a terminal: notes, target, baseline, phases, what stays.
pub fn table(p: &Plan, lang: Lang) -> String {
    let mut o = String::new();
    for n in &p.notes {
        let _ = writeln!(o, "! {n}");
    }
    let _ = writeln!(o, "{}", target_line(p, lang));
    let v = verdict(p, lang);
    if !v.is_empty() {
        let _ = writeln!(o, "{v}");
    }
    let now = lang.ta(
        "plan-now",
        &[("figures", figures_line(&p.baseline, lang).into())],
    );
    let _ = writeln!(o, "\n{now}");
    for ph in &p.phases {
        let head = lang.ta(
            "plan-phase-line",
            &[
                ("n", ph.number.to_string().into()),
                ("year", ph.year.to_string().into()),
                ("points", ph.effort_points.to_string().into()),
            ],
        );
        let _ = writeln!(o, "\n{head}");
        for r in &ph.replacements {
            let _ = writeln!(o, "  {}", switch_line(r, lang));
            if !r.blockers.is_empty() {
                let b = lang.ta("plan-blockers", &[("list", r.blockers.join("; ").into())]);
                let _ = writeln!(o, "      {b}");
            }
        }
        let after = figures_line(&ph.figures, lang);
        let after = lang.ta("plan-after", &[("figures", after.into())]);
        let _ = writeln!(o, "  {after}");
        if !ph.stays.is_empty() {
            let stays = lang.ta("plan-stays", &[("list", stays_line(ph).into())]);
            let _ = writeln!(o, "  {stays}");
        }
    }
    if !p.kept.is_empty() {
        let _ = writeln!(o, "\n{}", lang.t("plan-kept"));
        for k in &p.kept {
            let _ = writeln!(
                o,
                "  {} ({}): {}",
                k.name,
                level_name(&k.level, lang),
                k.why
            );
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
pub fn markdown(p: &Plan, lang: Lang) -> String {
    let mut o = format!("# {}\n\n", lang.t("plan-title"));
    for n in &p.notes {
        let _ = writeln!(o, "> **{}**\n", m(n));
    }
    let _ = writeln!(o, "{}", m(&target_line(p, lang)));
    let v = verdict(p, lang);
    if !v.is_empty() {
        let _ = writeln!(o, "{}", m(&v));
    }
    o.push('\n');
    o.push_str(&figures_table_md(p, lang));
    for ph in &p.phases {
        phase_md(ph, lang, &mut o);
    }
    if !p.kept.is_empty() {
        let _ = write!(
            o,
            "\n## {}\n\n| {} |\n|---|---|---|\n",
            lang.t("plan-md-kept"),
            lang.t("plan-md-kept-columns")
        );
        for k in &p.kept {
            let level = level_name(&k.level, lang);
            let _ = writeln!(o, "| {} | {level} | {} |", m(&k.name), m(&k.why));
        }
    }
    o
}

/// The figures now and after each phase, in one table.
fn figures_table_md(p: &Plan, lang: Lang) -> String {
    let mut o = format!(
        "| | {} |\n|---|---|---|---|---|---|---|---|---|---|\n",
        lang.t("plan-md-figure-columns")
    );
    let row = |label: String, year: u16, f: &Figures| {
        format!(
            "| {label} | {year} | {} |\n",
            figure_cells(f, lang).join(" | ")
        )
    };
    o.push_str(&row(lang.t("plan-md-now"), p.start_year, &p.baseline));
    for ph in &p.phases {
        o.push_str(&row(
            lang.ta(
                "plan-md-after-phase",
                &[("n", ph.number.to_string().into())],
            ),
            ph.year,
            &ph.figures,
        ));
    }
    o
}

/// The columns of a phase's table, by message id.
const COLUMNS: [&str; 9] = [
    "plan-col-from",
    "plan-col-level",
    "plan-col-to",
    "plan-col-controller",
    "plan-col-licence",
    "plan-col-effort",
    "plan-col-why",
    "plan-col-blockers",
    "plan-col-eu-hosting",
];

/// A replacement's cells in [`COLUMNS`] order, as text to escape.
fn cells(r: &Replacement, lang: Lang) -> [String; 9] {
    [
        r.from_name.clone(),
        level_name(&r.from_level, lang),
        r.to_name.clone(),
        match &r.to_country {
            Some(k) => format!("{k} ({})", r.to_bloc),
            None => lang.t("table-community"),
        },
        r.to_license.clone(),
        format!("{} ({})", r.effort.as_str(), r.effort_reason),
        reason(&r.reason, lang),
        r.blockers.join("; "),
        r.eu_hosting.clone().unwrap_or_default(),
    ]
}

fn phase_heading(ph: &Phase, lang: Lang) -> String {
    lang.ta(
        "plan-phase",
        &[
            ("n", ph.number.to_string().into()),
            ("year", ph.year.to_string().into()),
            ("points", ph.effort_points.to_string().into()),
        ],
    )
}

fn phase_md(ph: &Phase, lang: Lang, o: &mut String) {
    let head: Vec<String> = COLUMNS.iter().map(|c| lang.t(c)).collect();
    let _ = writeln!(
        o,
        "\n## {}\n\n| {} |\n|{}",
        phase_heading(ph, lang),
        head.join(" | "),
        "---|".repeat(COLUMNS.len())
    );
    for r in &ph.replacements {
        let row: Vec<String> = cells(r, lang).iter().map(|c| m(c)).collect();
        let _ = writeln!(o, "| {} |", row.join(" | "));
    }
    if !ph.stays.is_empty() {
        let stays = lang.ta("plan-md-stays", &[("list", m(&stays_line(ph)).into())]);
        let _ = writeln!(o, "\n{stays}");
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
/// Measures section embeds it). In English: the HTML page is not one of
/// the terminal outputs `--lang` changes here.
pub fn body_html(p: &Plan) -> String {
    let lang = Lang::En;
    let mut o = String::new();
    for n in &p.notes {
        let _ = writeln!(o, "<p class=\"note\"><strong>{}</strong></p>", h(n));
    }
    let _ = writeln!(o, "<p>{}</p>", h(&target_line(p, lang)));
    let v = verdict(p, lang);
    if !v.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", h(&v));
    }
    timeline(p, &mut o);
    for ph in &p.phases {
        let head: Vec<String> = COLUMNS
            .iter()
            .map(|c| format!("<th>{}</th>", lang.t(c)))
            .collect();
        let _ = writeln!(
            o,
            "<h2>{}</h2>\n<table><thead><tr>{}</tr></thead><tbody>",
            phase_heading(ph, lang),
            head.concat()
        );
        for r in &ph.replacements {
            let row: Vec<String> = cells(r, lang)
                .iter()
                .map(|c| format!("<td>{}</td>", h(c)))
                .collect();
            let _ = writeln!(o, "<tr>{}</tr>", row.concat());
        }
        let _ = writeln!(
            o,
            "</tbody></table>\n<p>After: {}</p>",
            h(&figures_line(&ph.figures, lang))
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
pub fn what_if_table(w: &WhatIf, lang: Lang) -> String {
    let now = figures_line(&w.baseline, lang);
    let mut o = format!(
        "{}\n",
        lang.ta("plan-what-if-now", &[("figures", now.into())])
    );
    for r in &w.replacements {
        let _ = writeln!(o, "  {}", switch_line(r, lang));
    }
    let after = figures_line(&w.figures, lang);
    let _ = writeln!(
        o,
        "{}",
        lang.ta("plan-what-if-after", &[("figures", after.into())])
    );
    o
}

/// A what-if in Markdown.
pub fn what_if_markdown(w: &WhatIf, lang: Lang) -> String {
    let mut o = format!("# {}\n\n", lang.t("plan-what-if-title"));
    for r in &w.replacements {
        let _ = writeln!(o, "- {}", m(&switch_line(r, lang)));
    }
    let now = m(&figures_line(&w.baseline, lang));
    let after = m(&figures_line(&w.figures, lang));
    let _ = writeln!(
        o,
        "\n- {}\n- {}",
        lang.ta("plan-md-what-if-now", &[("figures", now.into())]),
        lang.ta("plan-md-what-if-after", &[("figures", after.into())])
    );
    o
}
