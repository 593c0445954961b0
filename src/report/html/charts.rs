//! The charts of the HTML report as inline SVG: geometry and colours only;
//! every text a chart shows (titles, descriptions, labels, values) comes
//! from the document and is escaped here like all report text.

use super::esc;
use crate::fmt::short;
use crate::model::plan::Plan;
use crate::model::risk::Level;
use crate::report::document::{Bar, Chart, LevelBar, Meter, MeterKind};
use crate::report::palette::{
    self, INDEX, OPEN_SOURCE, WARNING, bloc_colour, level_colour, timeline_points,
};
use std::fmt::Write;

/// A horizontal meter 0..1 with an optional target mark.
pub fn meter(m: &Meter, o: &mut String) {
    const W: f64 = 240.0;
    let colour = match m.kind {
        MeterKind::Index => INDEX,
        MeterKind::OpenSource => OPEN_SOURCE,
    };
    let v = m.value.unwrap_or(0.0).clamp(0.0, 1.0);
    let _ = write!(
        o,
        r##"<svg viewBox="0 0 {W} 22" width="{W}" height="22" role="img" aria-label="{}"><rect x="0" y="5" width="{W}" height="12" rx="3" fill="#e5e7eb"/><rect x="0" y="5" width="{:.1}" height="12" rx="3" fill="{colour}"/>"##,
        esc(&m.label),
        v * W
    );
    if let Some(t) = m.target {
        let x = t.clamp(0.0, 1.0) * W;
        let _ = write!(
            o,
            r##"<line x1="{x:.1}" y1="1" x2="{x:.1}" y2="21" stroke="#111827" stroke-width="2"/>"##
        );
    }
    o.push_str("</svg>");
}

/// Figure `n`: its `<svg>`, ending in a newline.
pub fn chart(n: usize, chart: &Chart, o: &mut String) {
    match chart {
        Chart::Shares {
            title,
            desc,
            parts,
            empty,
        } => shares(n, title, desc, parts, empty, o),
        Chart::Bars {
            title,
            desc,
            rows,
            mark,
        } => bars(n, title, desc, rows, mark, o),
        Chart::Levels {
            title,
            desc,
            rows,
            legend,
        } => levels(n, title, desc, rows, legend, o),
        Chart::Timeline(plan) => timeline_svg(plan, o),
    }
    o.push_str("</svg>\n");
}

/// The opening `<svg>` of figure `n`, with its title and description.
fn open(n: usize, w: f64, h: f64, title: &str, desc: &str, o: &mut String) {
    let _ = writeln!(
        o,
        r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="fig{n}-t fig{n}-d"><title id="fig{n}-t">{}</title><desc id="fig{n}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

/// One 100 % bar of the parts and a legend in two columns.
fn shares(n: usize, title: &str, desc: &str, parts: &[Bar], empty: &str, o: &mut String) {
    const W: f64 = 640.0;
    let legend_rows = parts.len().div_ceil(2);
    open(n, W, 60.0 + legend_rows as f64 * 24.0, title, desc, o);
    let colour = bloc_colour;
    let total: f64 = parts.iter().map(|b| b.share).sum();
    if total <= 0.0 {
        let _ = writeln!(
            o,
            r##"<rect x="0" y="8" width="{W}" height="40" fill="#e5e7eb"/><text x="{}" y="33" text-anchor="middle" font-size="14" fill="#374151">{}</text>"##,
            W / 2.0,
            esc(empty)
        );
    }
    let mut x = 0.0;
    for (i, b) in parts.iter().enumerate() {
        if total <= 0.0 || b.share <= 0.0 {
            continue;
        }
        let w = b.share / total * W;
        let _ = write!(
            o,
            r#"<rect x="{x:.1}" y="8" width="{w:.1}" height="40" fill="{}"><title>{} {}</title></rect>"#,
            colour(i),
            esc(&b.label),
            esc(&b.value)
        );
        if w >= 52.0 {
            let _ = write!(
                o,
                r##"<text x="{:.1}" y="33" text-anchor="middle" font-size="13" font-weight="600" fill="#ffffff">{}</text>"##,
                x + w / 2.0,
                esc(&b.value)
            );
        }
        x += w;
        o.push('\n');
    }
    for (i, b) in parts.iter().enumerate() {
        let lx = (i / legend_rows) as f64 * (W / 2.0);
        let ly = 64.0 + (i % legend_rows) as f64 * 24.0;
        let _ = writeln!(
            o,
            r##"<rect x="{lx:.1}" y="{:.1}" width="14" height="14" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="13" fill="#1f2937">{}: {}</text>"##,
            ly,
            colour(i),
            lx + 20.0,
            ly + 12.0,
            esc(&b.label),
            esc(&b.value)
        );
    }
}

/// One bar per row, scaled to the largest; labels cut to fit, in full as
/// a tooltip.
fn bars(n: usize, title: &str, desc: &str, rows: &[Bar], mark: &str, o: &mut String) {
    const W: f64 = 720.0;
    const LABEL: f64 = 260.0;
    const ROW: f64 = 26.0;
    let max = rows.iter().map(|r| r.share).fold(0.0, f64::max).max(0.01);
    let bar_w = W - LABEL - 150.0;
    open(n, W, rows.len() as f64 * ROW + 8.0, title, desc, o);
    for (i, b) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let w = (b.share / max * bar_w).max(1.0);
        let colour = if b.marked { WARNING } else { INDEX };
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="13" fill="#1f2937"><title>{}</title>{}</text><rect x="{LABEL}" y="{y:.1}" width="{w:.1}" height="18" rx="2" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="13" fill="#1f2937">{}{}</text>"##,
            LABEL - 8.0,
            y + 14.0,
            esc(&b.label),
            esc(&short(&b.label, 32)),
            LABEL + w + 6.0,
            y + 14.0,
            esc(&b.value),
            if b.marked { esc(mark) } else { String::new() }
        );
    }
}

/// Stacked bars of counts per level, with a legend of the levels above.
fn levels(n: usize, title: &str, desc: &str, rows: &[LevelBar], legend: &[String], o: &mut String) {
    let name = |i: usize| legend.get(i).map_or("", String::as_str);
    const W: f64 = 720.0;
    const LABEL: f64 = 220.0;
    const ROW: f64 = 24.0;
    let total = |b: &LevelBar| b.counts.iter().sum::<usize>();
    let max = rows.iter().map(total).max().unwrap_or(0).max(1) as f64;
    let bar_w = W - LABEL - 50.0;
    open(n, W, 30.0 + rows.len() as f64 * ROW + 4.0, title, desc, o);
    let mut lx = LABEL;
    for (i, l) in Level::WORST_FIRST.into_iter().enumerate() {
        let _ = write!(
            o,
            r##"<rect x="{lx:.1}" y="4" width="14" height="14" fill="{}"/><text x="{:.1}" y="16" font-size="13" fill="#1f2937">{}</text>"##,
            level_colour(l),
            lx + 19.0,
            esc(name(i))
        );
        lx += 90.0;
    }
    o.push('\n');
    for (i, b) in rows.iter().enumerate() {
        let y = 30.0 + i as f64 * ROW;
        let _ = write!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="13" fill="#1f2937"><title>{}</title>{}</text>"##,
            LABEL - 8.0,
            y + 13.0,
            esc(&b.label),
            esc(&short(&b.label, 30))
        );
        let mut x = LABEL;
        for (i, (l, count)) in Level::WORST_FIRST.iter().zip(b.counts).enumerate() {
            if count == 0 {
                continue;
            }
            let w = count as f64 / max * bar_w;
            let _ = write!(
                o,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="18" fill="{}" stroke="#ffffff" stroke-width="1"><title>{}: {count} {}</title></rect>"##,
                level_colour(*l),
                esc(&b.label),
                esc(name(i))
            );
            if w >= 16.0 {
                let _ = write!(
                    o,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" font-weight="600" fill="#ffffff">{count}</text>"##,
                    x + w / 2.0,
                    y + 13.5
                );
            }
            x += w;
        }
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#4b5563">{}</text>"##,
            x + 6.0,
            y + 13.5,
            total(b)
        );
    }
}

/// The timeline chart as an open `<svg>` (the caller closes it): years on
/// the x axis, the open-source share (by role weight) and the index (on
/// the same 0..100 scale) now and after each phase, the target as a dashed
/// line, a mark per phase. Numbers and this module's words only: nothing
/// from an image is drawn.
pub fn timeline_svg(p: &Plan, o: &mut String) {
    let (w, hgt, left, top, bottom) = (640.0, 280.0, 48.0, 16.0, 40.0);
    // "now" stands one step before the first year of the plan.
    let (first, last) = palette::timeline_years(p);
    let span = f64::from((last - first).max(1));
    let x = |year: u16| left + (w - left - 16.0) * f64::from(year - first) / span;
    let y = |v: f64| top + (hgt - top - bottom) * (1.0 - v / 100.0);
    let points = timeline_points(p);
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {hgt}\" role=\"img\" aria-labelledby=\"tl-title\"><title id=\"tl-title\">Open-source share and index per year against the target</title>"
    );
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            o,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e5e7eb\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{v}</text>",
            w - 16.0,
            left - 6.0,
            y(v) + 4.0,
            yy = y(v)
        );
    }
    for year in first..=last {
        let label = if year == first {
            "now".to_owned()
        } else {
            year.to_string()
        };
        let _ = write!(
            o,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            x(year),
            hgt - bottom + 16.0
        );
    }
    let ty = y(100.0 * p.target_share);
    let _ = write!(
        o,
        "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" stroke=\"#b91c1c\" stroke-dasharray=\"6 4\"/><line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#b91c1c\" stroke-dasharray=\"2 4\"/>",
        w - 16.0,
        hgt - bottom,
        tx = x(p.target_year)
    );
    for (series, colour) in [(1usize, OPEN_SOURCE), (2, INDEX)] {
        let path: Vec<String> = points
            .iter()
            .map(|pt| {
                let v = if series == 1 { pt.1 } else { pt.2 };
                format!("{:.1},{:.1}", x(pt.0), y(v))
            })
            .collect();
        let _ = write!(
            o,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" points=\"{}\"/>",
            path.join(" ")
        );
        for pt in &points {
            let v = if series == 1 { pt.1 } else { pt.2 };
            let _ = write!(
                o,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>",
                x(pt.0),
                y(v)
            );
        }
    }
    let _ = writeln!(
        o,
        "<text x=\"{left}\" y=\"{}\" font-size=\"12\" fill=\"#166534\">■ open-source share (role weight, %)</text><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1d4ed8\">■ index</text><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#b91c1c\">- - target</text>",
        hgt - 6.0,
        left + 260.0,
        hgt - 6.0,
        left + 340.0,
        hgt - 6.0
    );
}
