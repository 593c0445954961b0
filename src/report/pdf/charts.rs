//! The charts and meters of the PDF report as vector drawings: the same
//! geometry as the HTML's SVG (`report/html/charts.rs`), drawn in its units
//! and scaled to the text width; colours and the timeline's points from
//! [`crate::report::palette`]. Labels from the image are cleaned of glyphs
//! the font lacks, like all text.

use super::layout::{INK, MUTED, Metrics, Op, RULE, Style, Unit};
use crate::fmt::short;
use crate::model::plan::Plan;
use crate::model::risk::Level;
use crate::report::document::{Bar, Chart, LevelBar, Meter, MeterKind};
use crate::report::palette::{
    self, INDEX, OPEN_SOURCE, WARNING, bloc_colour, level_colour, timeline_points,
};

const TRACK: &str = "#e5e7eb";
const WHITE: &str = "#ffffff";

#[derive(Clone, Copy, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// Ops in chart units, scaled by `s` and moved right by `x0`.
struct Canvas {
    s: f32,
    x0: f32,
    ops: Vec<Op>,
}

impl Canvas {
    fn new(x0: f32, width: f32, units: f32) -> Canvas {
        Canvas {
            s: (width / units).min(1.0),
            x0,
            ops: Vec::new(),
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &'static str) {
        let s = self.s;
        self.ops.push(Op::Rect {
            x: self.x0 + x as f32 * s,
            y: y as f32 * s,
            w: w as f32 * s,
            h: h as f32 * s,
            fill,
        });
    }

    fn line(
        &mut self,
        points: &[(f64, f64)],
        width: f32,
        colour: &'static str,
        dash: Option<(f32, f32)>,
    ) {
        let s = self.s;
        self.ops.push(Op::Stroke {
            points: points
                .iter()
                .map(|&(x, y)| (self.x0 + x as f32 * s, y as f32 * s))
                .collect(),
            width: width * s,
            colour,
            dash: dash.map(|(a, b)| (a * s, b * s)),
        });
    }

    /// Text with its baseline at `y`, anchored at `x`.
    fn text(
        &mut self,
        x: f64,
        y: f64,
        size: f32,
        style: (bool, &'static str),
        a: Anchor,
        text: &str,
    ) {
        let m = Metrics::get();
        let text = m.clean(text);
        let style = Style {
            size: size * self.s,
            bold: style.0,
            colour: style.1,
            bg: None,
        };
        let w = m.width(&text, style.bold, style.size);
        let dx = match a {
            Anchor::Start => 0.0,
            Anchor::Middle => w / 2.0,
            Anchor::End => w,
        };
        self.ops.push(Op::Text {
            x: self.x0 + x as f32 * self.s - dx,
            y: y as f32 * self.s,
            style,
            text,
        });
    }

    fn unit(self, h: f64) -> Unit {
        Unit {
            h: h as f32 * self.s,
            ops: self.ops,
            ..Unit::default()
        }
    }
}

/// A horizontal meter `width` wide with its top at 0 (10 pt high).
pub fn meter(m: &Meter, x0: f32, width: f32) -> Vec<Op> {
    let mut c = Canvas::new(x0, width, width);
    let colour = match m.kind {
        MeterKind::Index => INDEX,
        MeterKind::OpenSource => OPEN_SOURCE,
    };
    let w = f64::from(width);
    c.rect(0.0, 2.0, w, 7.0, TRACK);
    let v = m.value.unwrap_or(0.0).clamp(0.0, 1.0);
    c.rect(0.0, 2.0, v * w, 7.0, colour);
    if let Some(t) = m.target {
        let x = t.clamp(0.0, 1.0) * w;
        c.line(&[(x, 0.0), (x, 11.0)], 1.5, INK, None);
    }
    c.ops
}

/// The chart as one unit `width` wide at `x0`.
pub fn chart(chart: &Chart, x0: f32, width: f32) -> Unit {
    match chart {
        Chart::Shares { parts, empty, .. } => shares(parts, empty, x0, width),
        Chart::Bars { rows, mark, .. } => bars(rows, mark, x0, width),
        Chart::Levels { rows, .. } => levels(rows, x0, width),
        Chart::Timeline(plan) => timeline(plan, x0, width),
    }
}

/// One 100 % bar of the parts and a legend in two columns.
fn shares(parts: &[Bar], empty: &str, x0: f32, width: f32) -> Unit {
    const W: f64 = 640.0;
    let mut c = Canvas::new(x0, width, W as f32);
    let legend_rows = parts.len().div_ceil(2);
    let total: f64 = parts.iter().map(|b| b.share).sum();
    if total <= 0.0 {
        c.rect(0.0, 8.0, W, 40.0, TRACK);
        c.text(W / 2.0, 33.0, 14.0, (false, MUTED), Anchor::Middle, empty);
    }
    let mut x = 0.0;
    for (i, b) in parts.iter().enumerate() {
        if total <= 0.0 || b.share <= 0.0 {
            continue;
        }
        let w = b.share / total * W;
        c.rect(x, 8.0, w, 40.0, bloc_colour(i));
        if w >= 52.0 {
            c.text(
                x + w / 2.0,
                33.0,
                13.0,
                (true, WHITE),
                Anchor::Middle,
                &b.value,
            );
        }
        x += w;
    }
    for (i, b) in parts.iter().enumerate() {
        let lx = (i / legend_rows.max(1)) as f64 * (W / 2.0);
        let ly = 64.0 + (i % legend_rows.max(1)) as f64 * 24.0;
        c.rect(lx, ly, 14.0, 14.0, bloc_colour(i));
        let label = format!("{}: {}", short(&b.label, 40), b.value);
        c.text(
            lx + 20.0,
            ly + 12.0,
            13.0,
            (false, INK),
            Anchor::Start,
            &label,
        );
    }
    c.unit(60.0 + legend_rows as f64 * 24.0)
}

/// One bar per row, scaled to the largest; labels cut to fit.
fn bars(rows: &[Bar], mark: &str, x0: f32, width: f32) -> Unit {
    const W: f64 = 720.0;
    const LABEL: f64 = 260.0;
    const ROW: f64 = 26.0;
    let mut c = Canvas::new(x0, width, W as f32);
    let max = rows.iter().map(|r| r.share).fold(0.0, f64::max).max(0.01);
    let bar_w = W - LABEL - 150.0;
    for (i, b) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let w = (b.share / max * bar_w).max(1.0);
        let colour = if b.marked { WARNING } else { INDEX };
        let label = short(&b.label, 32);
        c.text(
            LABEL - 8.0,
            y + 14.0,
            13.0,
            (false, INK),
            Anchor::End,
            &label,
        );
        c.rect(LABEL, y, w, 18.0, colour);
        let value = format!("{}{}", b.value, if b.marked { mark } else { "" });
        c.text(
            LABEL + w + 6.0,
            y + 14.0,
            13.0,
            (false, INK),
            Anchor::Start,
            &value,
        );
    }
    c.unit(rows.len() as f64 * ROW + 8.0)
}

/// Stacked bars of counts per level, with a legend of the levels above.
fn levels(rows: &[LevelBar], x0: f32, width: f32) -> Unit {
    const W: f64 = 720.0;
    const LABEL: f64 = 220.0;
    const ROW: f64 = 24.0;
    let mut c = Canvas::new(x0, width, W as f32);
    let total = |b: &LevelBar| b.counts.iter().sum::<usize>();
    let max = rows.iter().map(total).max().unwrap_or(0).max(1) as f64;
    let bar_w = W - LABEL - 50.0;
    let mut lx = LABEL;
    for l in Level::WORST_FIRST {
        c.rect(lx, 4.0, 14.0, 14.0, level_colour(l));
        c.text(
            lx + 19.0,
            16.0,
            13.0,
            (false, INK),
            Anchor::Start,
            l.as_str(),
        );
        lx += 90.0;
    }
    for (i, b) in rows.iter().enumerate() {
        let y = 30.0 + i as f64 * ROW;
        let label = short(&b.label, 30);
        c.text(
            LABEL - 8.0,
            y + 13.0,
            13.0,
            (false, INK),
            Anchor::End,
            &label,
        );
        let mut x = LABEL;
        for (l, count) in Level::WORST_FIRST.iter().zip(b.counts) {
            if count == 0 {
                continue;
            }
            let w = count as f64 / max * bar_w;
            c.rect(x, y, w, 18.0, level_colour(*l));
            if w >= 16.0 {
                let n = count.to_string();
                c.text(
                    x + w / 2.0,
                    y + 13.5,
                    12.0,
                    (true, WHITE),
                    Anchor::Middle,
                    &n,
                );
            }
            x += w;
        }
        let n = total(b).to_string();
        c.text(x + 6.0, y + 13.5, 12.0, (false, MUTED), Anchor::Start, &n);
    }
    c.unit(30.0 + rows.len() as f64 * ROW + 4.0)
}

/// The plan's timeline: years across, the open-source share and the index
/// (0..100) now and after each phase, the target dashed.
fn timeline(p: &Plan, x0: f32, width: f32) -> Unit {
    let (w, hgt, left, top, bottom) = (640.0, 280.0, 48.0, 16.0, 40.0);
    let mut c = Canvas::new(x0, width, w as f32);
    let (first, last) = palette::timeline_years(p);
    let span = f64::from((last - first).max(1));
    let x = |year: u16| left + (w - left - 16.0) * f64::from(year - first) / span;
    let y = |v: f64| top + (hgt - top - bottom) * (1.0 - v / 100.0);
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        c.line(&[(left, y(v)), (w - 16.0, y(v))], 1.0, RULE, None);
        let label = format!("{v}");
        c.text(
            left - 6.0,
            y(v) + 4.0,
            11.0,
            (false, INK),
            Anchor::End,
            &label,
        );
    }
    for year in first..=last {
        let label = if year == first {
            "now".to_owned()
        } else {
            year.to_string()
        };
        c.text(
            x(year),
            hgt - bottom + 16.0,
            11.0,
            (false, INK),
            Anchor::Middle,
            &label,
        );
    }
    let ty = y(100.0 * p.target_share);
    c.line(
        &[(left, ty), (w - 16.0, ty)],
        1.0,
        WARNING,
        Some((6.0, 4.0)),
    );
    let tx = x(p.target_year);
    c.line(
        &[(tx, top), (tx, hgt - bottom)],
        1.0,
        WARNING,
        Some((2.0, 4.0)),
    );
    let points = timeline_points(p);
    for (series, colour) in [(1usize, OPEN_SOURCE), (2, INDEX)] {
        let v = |pt: &(u16, f64, f64)| if series == 1 { pt.1 } else { pt.2 };
        let path: Vec<(f64, f64)> = points.iter().map(|pt| (x(pt.0), y(v(pt)))).collect();
        c.line(&path, 2.5, colour, None);
        for (px, py) in path {
            c.rect(px - 3.5, py - 3.5, 7.0, 7.0, colour);
        }
    }
    let legend = [
        (left, "■ open-source share (role weight, %)", OPEN_SOURCE),
        (left + 260.0, "■ index", INDEX),
        (left + 340.0, "- - target", WARNING),
    ];
    for (lx, label, colour) in legend {
        c.text(lx, hgt - 6.0, 12.0, (false, colour), Anchor::Start, label);
    }
    c.unit(hgt)
}
