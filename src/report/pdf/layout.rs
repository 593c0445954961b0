//! The page layout of the PDF report, written by hand because it is small:
//! A4 pages with margins, text measured with the embedded font's glyph
//! advances (no shaping: DejaVu Sans has no ligatures in Latin text, and
//! kerning only makes a line a little narrower than measured, never wider),
//! greedy line wrapping, and units that stack down the page.
//!
//! Everything is laid out first as [`Op`]s (text, rectangles, lines) in
//! [`Unit`]s, each with its height; [`Pager`] then puts the units on pages,
//! breaking between units (and inside a unit taller than a page, between
//! its lines), keeping headings with what follows and repeating a table's
//! header row on every page the table continues on. `write.rs` turns the
//! pages into PDF.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::OnceLock;

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 56.0;
/// The text area's top and bottom (the footer is below it).
pub const TOP: f32 = 50.0;
pub const BOTTOM: f32 = PAGE_H - 62.0;
/// The width of the text area.
pub const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

pub const INK: &str = "#1f2937";
pub const MUTED: &str = "#4b5563";
pub const RULE: &str = "#d1d5db";
pub const SOFT: &str = "#f3f4f6";

/// The embedded fonts (assets/fonts/README.md says where they come from).
pub static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The glyph advances of the two fonts.
pub struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    /// The metrics of the embedded fonts, parsed once.
    pub fn get() -> &'static Metrics {
        static METRICS: OnceLock<Metrics> = OnceLock::new();
        METRICS.get_or_init(|| Metrics {
            regular: ttf_parser::Face::parse(REGULAR, 0).expect("the embedded regular font"),
            bold: ttf_parser::Face::parse(BOLD, 0).expect("the embedded bold font"),
        })
    }

    /// The width of `text` in points.
    pub fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(face.units_per_em())
    }

    /// `text` with every character the fonts have no glyph for replaced by
    /// `?`, and control characters by spaces: PDF/A forbids drawing a
    /// missing glyph, and a name from the image can be in any script.
    pub fn clean(&self, text: &str) -> String {
        text.chars()
            .map(|c| match c {
                c if c.is_control() => ' ',
                c if self.regular.glyph_index(c).is_some()
                    && self.bold.glyph_index(c).is_some() =>
                {
                    c
                }
                _ => '?',
            })
            .collect()
    }
}

/// How a piece of text looks. Colours are `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub colour: &'static str,
    /// A background (a level's badge).
    pub bg: Option<&'static str>,
}

impl Style {
    pub const fn plain(size: f32) -> Style {
        Style {
            size,
            bold: false,
            colour: INK,
            bg: None,
        }
    }

    pub const fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    pub const fn colour(self, colour: &'static str) -> Style {
        Style { colour, ..self }
    }

    /// The height of a line of this size.
    pub fn line(self) -> f32 {
        self.size * 1.32
    }
}

/// What is drawn. `y` grows down the page, as in SVG.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text on its baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: &'static str,
    },
    /// A polyline; `dash`: (on, off) lengths.
    Stroke {
        points: Vec<(f32, f32)>,
        width: f32,
        colour: &'static str,
        dash: Option<(f32, f32)>,
    },
}

impl Op {
    /// The top and bottom of what the op draws.
    fn span(&self) -> (f32, f32) {
        match self {
            Op::Text { y, style, .. } => (y - style.size * 1.02, y + style.size * 0.3),
            Op::Rect { y, h, .. } => (*y, y + h),
            Op::Stroke { points, .. } => points
                .iter()
                .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.1), b.max(p.1))),
        }
    }

    pub fn shift(&mut self, dy: f32) {
        match self {
            Op::Text { y, .. } | Op::Rect { y, .. } => *y += dy,
            Op::Stroke { points, .. } => points.iter_mut().for_each(|p| p.1 += dy),
        }
    }
}

/// A piece of the page: ops with `y` from the unit's top (0), and its
/// height.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    pub h: f32,
    pub ops: Vec<Op>,
    /// Keep on the page of the unit after it (a heading).
    pub keep: bool,
    /// White space: dropped at the top of a page.
    pub gap: bool,
    /// Put on top of every page this unit starts (a table's header row).
    pub head: Option<Rc<Unit>>,
    /// An entry of the document outline, pointing at this unit.
    pub outline: Option<String>,
}

impl Unit {
    pub fn gap(h: f32) -> Unit {
        Unit {
            h,
            gap: true,
            ..Unit::default()
        }
    }

    /// The unit cut at `at` or above, between its ops: the part above the
    /// cut and the rest (moved up); the unit as it is if no op ends above
    /// `at`.
    fn split(mut self, at: f32) -> Result<(Unit, Unit), Unit> {
        let spans: Vec<(f32, f32)> = self.ops.iter().map(Op::span).collect();
        let fits = |c: f32| spans.iter().all(|&(t, b)| b <= c + 0.01 || t >= c - 0.01);
        let mut cuts: Vec<f32> = spans.iter().map(|s| s.1).filter(|&b| b <= at).collect();
        cuts.sort_by(|a, b| b.total_cmp(a));
        let Some(cut) = cuts.iter().copied().find(|&c| c > 0.0 && fits(c)) else {
            return Err(self);
        };
        let (mut above, mut below) = (Vec::new(), Vec::new());
        for (op, (top, _)) in self.ops.drain(..).zip(spans) {
            if top < cut - 0.01 {
                above.push(op);
            } else {
                below.push(op);
            }
        }
        below.iter_mut().for_each(|op| op.shift(-cut));
        let rest = Unit {
            h: self.h - cut,
            ops: below,
            head: self.head.clone(),
            ..Unit::default()
        };
        Ok((
            Unit {
                h: cut,
                ops: above,
                ..self
            },
            rest,
        ))
    }
}

/// A run of text in one style; `"\n"` alone is a forced line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub style: Style,
}

/// A laid-out line: pieces at x offsets from the line's start.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub pieces: Vec<(f32, Run)>,
    pub width: f32,
    pub h: f32,
}

impl Line {
    /// The line's ops with its top at `y` and its start at `x`.
    pub fn ops(&self, x: f32, y: f32, out: &mut Vec<Op>) {
        let m = Metrics::get();
        let size = self
            .pieces
            .iter()
            .map(|p| p.1.style.size)
            .fold(0.0, f32::max);
        let base = y + size * 1.05;
        for (dx, run) in &self.pieces {
            let text = run.text.trim_end();
            if text.is_empty() {
                continue;
            }
            if let Some(bg) = run.style.bg {
                let w = m.width(text, run.style.bold, run.style.size);
                out.push(Op::Rect {
                    x: x + dx - 2.0,
                    y: base - run.style.size * 0.95,
                    w: w + 4.0,
                    h: run.style.size * 1.2,
                    fill: bg,
                });
            }
            out.push(Op::Text {
                x: x + dx,
                y: base,
                style: run.style,
                text: text.to_owned(),
            });
        }
    }
}

/// Where a line may break: after spaces, and after `/`, `,`, `;` inside a
/// long word (paths).
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_some_and(|(_, n)| *n == ' ');
        if matches!(c, ' ' | '/' | ',' | ';') && !next_is_space {
            out.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Wraps runs into lines at most `width` wide (a word wider than a line is
/// broken between characters). Adjacent pieces of one style are merged.
pub fn wrap(runs: &[Run], width: f32) -> Vec<Line> {
    let m = Metrics::get();
    let mut lines = vec![Line::default()];
    for run in runs {
        if run.text == "\n" {
            let h = run.style.line();
            let line = lines.last_mut().expect("a line");
            line.h = line.h.max(h);
            lines.push(Line::default());
            continue;
        }
        for piece in pieces(&run.text) {
            let w = m.width(piece, run.style.bold, run.style.size);
            let trimmed = m.width(piece.trim_end(), run.style.bold, run.style.size);
            let line = lines.last_mut().expect("a line");
            if line.width + trimmed > width && !line.pieces.is_empty() {
                lines.push(Line::default());
            }
            if trimmed > width {
                for ch in piece.chars() {
                    let mut buf = [0; 4];
                    let s = ch.encode_utf8(&mut buf);
                    let cw = m.width(s, run.style.bold, run.style.size);
                    let line = lines.last_mut().expect("a line");
                    if line.width + cw > width && !line.pieces.is_empty() {
                        lines.push(Line::default());
                    }
                    push(lines.last_mut().expect("a line"), s, run.style, cw);
                }
                continue;
            }
            let line = lines.last_mut().expect("a line");
            if line.pieces.is_empty() && piece.trim().is_empty() {
                continue;
            }
            push(line, piece, run.style, w);
        }
    }
    if lines
        .last()
        .is_some_and(|l| l.pieces.is_empty() && l.h == 0.0)
        && lines.len() > 1
    {
        lines.pop();
    }
    for l in &mut lines {
        let h = l
            .pieces
            .iter()
            .map(|p| p.1.style.line())
            .fold(0.0, f32::max);
        l.h = l.h.max(h);
        // Trailing spaces don't count.
        if let Some((x, r)) = l.pieces.last() {
            l.width = x + m.width(r.text.trim_end(), r.style.bold, r.style.size);
        }
    }
    lines
}

fn push(line: &mut Line, text: &str, style: Style, w: f32) {
    match line.pieces.last_mut() {
        Some((_, run)) if run.style == style => run.text.push_str(text),
        _ => line.pieces.push((
            line.width,
            Run {
                text: text.to_owned(),
                style,
            },
        )),
    }
    line.width += w;
}

/// One unit per line of `lines`, at `x`.
pub fn line_units(lines: &[Line], x: f32) -> Vec<Unit> {
    lines
        .iter()
        .map(|l| {
            let mut ops = Vec::new();
            l.ops(x, 0.0, &mut ops);
            Unit {
                h: l.h,
                ops,
                ..Unit::default()
            }
        })
        .collect()
}

/// An entry of the document outline: its text, page index and y.
pub type OutlineEntry = (String, usize, f32);

/// The pages: units put one below the other.
#[derive(Debug, Default)]
pub struct Pager {
    pub pages: Vec<Vec<Op>>,
    y: f32,
    pub outline: Vec<OutlineEntry>,
}

impl Pager {
    pub fn new() -> Pager {
        Pager {
            pages: vec![Vec::new()],
            y: TOP,
            outline: Vec::new(),
        }
    }

    fn new_page(&mut self, head: Option<&Rc<Unit>>) {
        self.pages.push(Vec::new());
        self.y = TOP;
        if let Some(h) = head {
            self.put((**h).clone());
        }
    }

    fn put(&mut self, mut u: Unit) {
        let page = self.pages.len() - 1;
        if let Some(text) = u.outline.take() {
            self.outline.push((text, page, self.y));
        }
        let y = self.y;
        self.pages[page].extend(u.ops.into_iter().map(|mut op| {
            op.shift(y);
            op
        }));
        self.y += u.h;
    }

    /// Puts `units` on the pages.
    pub fn place(&mut self, units: Vec<Unit>) {
        let mut queue: VecDeque<Unit> = units.into();
        while let Some(u) = queue.pop_front() {
            if u.gap {
                if self.y > TOP {
                    self.y += u.h;
                }
                continue;
            }
            // A heading needs the units it is kept with on its page.
            let mut need = u.h;
            if u.keep {
                for next in &queue {
                    need += next.h;
                    if !next.keep && !next.gap {
                        break;
                    }
                }
            }
            let room = BOTTOM - self.y;
            if need.min(BOTTOM - TOP) > room && self.y > TOP {
                self.new_page(u.head.as_ref());
                queue.push_front(u);
                continue;
            }
            if u.h <= room {
                self.put(u);
                continue;
            }
            // Taller than the rest of the page: as much as fits, then on.
            let head = u.head.clone();
            match u.split(room) {
                Ok((a, b)) => {
                    self.put(a);
                    queue.push_front(b);
                }
                // Nothing of it fits even on an empty page: it overflows.
                Err(u) => self.put(u),
            }
            if !queue.is_empty() {
                self.new_page(head.as_ref());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Run {
        Run {
            text: text.into(),
            style: Style::plain(10.0),
        }
    }

    #[test]
    fn wraps_within_the_width_and_breaks_long_words() {
        let m = Metrics::get();
        let text =
            "Souveränität heißt: über die eigenen Abhängigkeiten „selbst“ entscheiden – 100 €.";
        let lines = wrap(&[run(text)], 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(l.width <= 120.0, "{l:?}");
        }
        let joined: String = lines
            .iter()
            .flat_map(|l| l.pieces.iter().map(|p| p.1.text.as_str()))
            .collect();
        assert_eq!(joined.trim_end(), text);
        let path = "usr/share/doc/averyveryverylongpackagenamewithoutanybreak/copyright";
        for l in wrap(&[run(path)], 80.0) {
            assert!(l.width <= 80.0);
        }
        assert!(m.width("W", false, 10.0) > m.width("i", false, 10.0));
        assert_eq!(m.clean("a\u{7}b中"), "a b?");
        // A forced break.
        let lines = wrap(&[run("a"), run("\n"), run("b")], 500.0);
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn pages_break_between_units_and_repeat_the_head() {
        let line = |h: f32| Unit {
            h,
            ops: vec![Op::Rect {
                x: 0.0,
                y: 0.0,
                w: 10.0,
                h,
                fill: INK,
            }],
            ..Unit::default()
        };
        let head = Rc::new(line(20.0));
        let rows: Vec<Unit> = (0..40)
            .map(|_| Unit {
                head: Some(head.clone()),
                ..line(50.0)
            })
            .collect();
        let mut p = Pager::new();
        p.place(rows);
        assert!(p.pages.len() >= 3);
        for page in &p.pages[1..] {
            // The head comes first on every following page.
            assert_eq!(
                page[0],
                Op::Rect {
                    x: 0.0,
                    y: TOP,
                    w: 10.0,
                    h: 20.0,
                    fill: INK
                }
            );
            for op in page {
                assert!(op.span().1 <= BOTTOM + 0.01);
            }
        }
        // A unit taller than a page is split between its ops.
        let tall = Unit {
            h: 2000.0,
            ops: (0..100)
                .map(|i| Op::Rect {
                    x: 0.0,
                    y: i as f32 * 20.0,
                    w: 1.0,
                    h: 20.0,
                    fill: INK,
                })
                .collect(),
            ..Unit::default()
        };
        let mut p = Pager::new();
        p.place(vec![tall]);
        assert_eq!(p.pages.len(), 3);
        assert_eq!(p.pages.iter().map(Vec::len).sum::<usize>(), 100);
    }
}
