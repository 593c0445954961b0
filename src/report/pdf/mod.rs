//! The sovereignty report as a PDF/A-2b file, made in-process: the PDF
//! back-end of [`super::document`], which holds the content and the words.
//! It shows what the HTML report shows (the HTML variants of the document,
//! its charts and cards), laid out on A4 pages with page numbers.
//!
//! - `layout`: fonts, line wrapping, units and pages;
//! - `charts`: the charts and meters as vector drawings;
//! - `write`: the pages as PDF, written by the `krilla` crate (fonts
//!   embedded and subsetted, PDF/A-2b validated).
//!
//! Text from the image is never markup here, but a glyph the font lacks
//! is replaced (`Metrics::clean`), since PDF/A forbids drawing one.

mod charts;
mod layout;
mod write;

use super::document::{self, Article, Backend, Block, Card, Column, Document, Inline, Table};
use super::palette::{bloc_colour, level_colour};
use super::{RenderError, RenderOptions, Report};
use layout::{
    Line, MARGIN, MUTED, Metrics, Op, OutlineEntry, PAGE_W, Pager, RULE, Run, SOFT, Style, Unit,
    WIDTH, line_units, wrap,
};
use std::rc::Rc;

const BODY: Style = Style::plain(9.5);
const CELL: Style = Style::plain(8.0);
const H1: Style = Style::plain(20.0).bold();
const H2: Style = Style::plain(14.0).bold();
const H3: Style = Style::plain(11.0).bold();
/// Padding inside a table cell.
const PAD: f32 = 3.0;

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    // The scan's day (a report before schema 1.2 has none: the rules').
    let date = [&report.scan.date, &report.rules.date]
        .into_iter()
        .find_map(|d| parse_day(d))
        .unwrap_or((1970, 1, 1));
    pdf(&document::build(report, opts), date).map_err(RenderError::Pdf)
}

/// `YYYY-MM-DD` as numbers.
fn parse_day(s: &str) -> Option<(u16, u8, u8)> {
    let mut parts = s.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Some((year, month, day))
}

/// The document as PDF bytes, dated `date` (year, month, day): the same
/// document on the same day gives the same bytes.
pub fn pdf(d: &Document, date: (u16, u8, u8)) -> Result<Vec<u8>, String> {
    let (pages, outline) = pages(d);
    let title = format!("{}: {}", d.title, d.subject);
    write::pdf(
        &pages,
        &outline,
        write::Info {
            title: Metrics::get().clean(&title),
            language: "en",
            date,
        },
    )
}

/// The laid-out pages, with footers, and the outline.
fn pages(d: &Document) -> (Vec<Vec<Op>>, Vec<OutlineEntry>) {
    let mut units = Vec::new();
    let title = line_units(&wrap(&[run(&d.title, H1)], WIDTH), MARGIN);
    units.extend(title);
    units.push(Unit::gap(6.0));
    blocks(&d.lead, MARGIN, WIDTH, &mut units);
    for s in &d.sections {
        units.push(Unit::gap(10.0));
        let mut head = line_units(&wrap(&[run(&s.title, H2)], WIDTH), MARGIN);
        if let Some(first) = head.first_mut() {
            first.outline = Some(s.nav.to_owned());
        }
        for u in &mut head {
            u.keep = true;
        }
        units.extend(head);
        units.push(Unit {
            h: 6.0,
            ops: vec![rule(MARGIN, WIDTH, 2.0)],
            keep: true,
            ..Unit::default()
        });
        blocks(&s.blocks, MARGIN, WIDTH, &mut units);
    }
    units.push(Unit::gap(12.0));
    let mut footer = Vec::new();
    inlines(&d.footer, BODY.colour(MUTED), &mut footer);
    units.extend(line_units(&wrap(&footer, WIDTH), MARGIN));
    let mut pager = Pager::new();
    pager.place(units);
    let n = pager.pages.len();
    let subject = format!("{}: {}", d.title, d.subject);
    for (i, page) in pager.pages.iter_mut().enumerate() {
        footer_ops(&subject, i + 1, n, page);
    }
    (pager.pages, pager.outline)
}

/// The page's footer: what the report is about, and "page i of n".
fn footer_ops(subject: &str, i: usize, n: usize, out: &mut Vec<Op>) {
    let m = Metrics::get();
    let style = Style::plain(7.5).colour(MUTED);
    let y = layout::PAGE_H - 34.0;
    out.push(rule(MARGIN, WIDTH, y - 10.0));
    let number = format!("{i} / {n}");
    let nw = m.width(&number, false, style.size);
    let subject = crate::fmt::short(&m.clean(subject), 90);
    out.push(Op::Text {
        x: MARGIN,
        y,
        style,
        text: subject,
    });
    out.push(Op::Text {
        x: PAGE_W - MARGIN - nw,
        y,
        style,
        text: number,
    });
}

/// A thin horizontal line at `y`.
fn rule(x: f32, w: f32, y: f32) -> Op {
    Op::Stroke {
        points: vec![(x, y), (x + w, y)],
        width: 0.6,
        colour: RULE,
        dash: None,
    }
}

fn run(text: &str, style: Style) -> Run {
    Run {
        text: Metrics::get().clean(text),
        style,
    }
}

/// The runs of inlines, in `base` style.
fn inlines(xs: &[Inline], base: Style, out: &mut Vec<Run>) {
    for x in xs {
        match x {
            Inline::Text(t) => out.push(run(t, base)),
            Inline::Strong(x) => inlines(x, base.bold(), out),
            Inline::Code(t) | Inline::RuleId(t) | Inline::Path(t) => {
                out.push(run(t, base.colour("#374151")))
            }
            Inline::Id(t) => out.push(run(t, Style::plain(base.size * 0.85).colour(MUTED))),
            Inline::Muted(x) => inlines(x, base.colour(MUTED), out),
            // A reference inside the document: its text (a PDF reader
            // finds the law by the bookmarks).
            Inline::Link(_, x) => inlines(x, base, out),
            Inline::Cite(t) => out.push(run(&format!("[{t}]"), base.colour(MUTED))),
            Inline::Badge(l, name) => out.push(run(
                name,
                Style {
                    bg: Some(level_colour(*l)),
                    ..base.bold().colour("#ffffff")
                },
            )),
            Inline::Swatch(i) => {
                out.push(run("■", base.colour(bloc_colour(*i))));
                out.push(run(" ", base));
            }
            Inline::Break => out.push(Run {
                text: "\n".into(),
                style: base,
            }),
            Inline::Only(b, x) if Backend::Pdf.sees(*b) => inlines(x, base, out),
            Inline::Only(..) => {}
        }
    }
}

/// The units of blocks in a column `w` wide at `x`.
fn blocks(bs: &[Block], x: f32, w: f32, out: &mut Vec<Unit>) {
    for b in document::visible(bs, Backend::Pdf) {
        block(b, x, w, out);
    }
}

fn block(b: &Block, x: f32, w: f32, out: &mut Vec<Unit>) {
    match b {
        Block::Para(xs) => {
            let mut runs = Vec::new();
            inlines(xs, BODY, &mut runs);
            out.extend(line_units(&wrap(&runs, w), x));
            out.push(Unit::gap(5.0));
        }
        Block::Heading(xs) | Block::AnchoredHeading(_, xs) => {
            out.push(Unit::gap(4.0));
            let mut runs = Vec::new();
            inlines(xs, H3, &mut runs);
            let mut lines = line_units(&wrap(&runs, w), x);
            lines.iter_mut().for_each(|u| u.keep = true);
            out.extend(lines);
            out.push(Unit::gap(3.0));
        }
        Block::List(l) => {
            for item in &l.items {
                list_item(item, BODY, x, w, out);
            }
            out.push(Unit::gap(5.0));
        }
        Block::Table(t) => table(t, x, w, out),
        Block::Fields(fields) => {
            let rows = fields
                .iter()
                .filter(|f| document::shows(f.only, Backend::Pdf))
                .map(|f| {
                    vec![
                        Cell::new(vec![run(&f.label, CELL.bold())]),
                        Cell::new({
                            let mut r = Vec::new();
                            inlines(&f.value, CELL, &mut r);
                            r
                        }),
                    ]
                })
                .collect();
            grid(None, rows, &[0.32 * w, 0.68 * w], &[false, false], x, out);
            out.push(Unit::gap(6.0));
        }
        Block::Cards(cards) => {
            for row in cards.chunks(3) {
                out.push(card_row(row, x, w));
                out.push(Unit::gap(8.0));
            }
        }
        Block::Figure(f) => {
            let mut chart = charts::chart(&f.chart, x, w);
            chart.keep = true;
            out.push(chart);
            let caption = format!("Figure {}. {}", f.number, f.caption);
            let lines = wrap(&[run(&caption, CELL.colour(MUTED))], w);
            out.extend(line_units(&lines, x));
            out.push(Unit::gap(8.0));
        }
        Block::Columns(bs) => blocks(bs, x, w, out),
        Block::Article(a) => article(a, x, w, out),
        Block::Only(..) => blocks(std::slice::from_ref(b), x, w, out),
    }
}

/// A list item: a bullet and the item's lines indented.
fn list_item(item: &[Inline], style: Style, x: f32, w: f32, out: &mut Vec<Unit>) {
    let mut runs = Vec::new();
    inlines(item, style, &mut runs);
    let mut lines = line_units(&wrap(&runs, w - 12.0), x + 12.0);
    if let Some(first) = lines.first_mut() {
        first.ops.push(Op::Text {
            x: x + 3.0,
            y: style.size * 1.05,
            style,
            text: "•".into(),
        });
    }
    out.extend(lines);
}

/// An explained dependency: its heading with the level, the verdict, and
/// each entry's label over its body; a bar in the level's colour on the
/// left of all of it.
fn article(a: &Article, x: f32, w: f32, out: &mut Vec<Unit>) {
    let inner = x + 10.0;
    let iw = w - 10.0;
    let mut units = Vec::new();
    let mut head = vec![run(&format!("{}. {} ", a.number, a.title), H3)];
    inlines(
        &[Inline::Badge(a.level, a.level_name.clone())],
        H3.colour("#ffffff"),
        &mut head,
    );
    let mut lines = line_units(&wrap(&head, iw), inner);
    lines.iter_mut().for_each(|u| u.keep = true);
    units.extend(lines);
    let mut verdict = line_units(&wrap(&[run(&a.verdict, BODY.colour(MUTED))], iw), inner);
    verdict.iter_mut().for_each(|u| u.keep = true);
    units.extend(verdict);
    for e in a
        .entries
        .iter()
        .filter(|e| document::shows(e.only, Backend::Pdf))
    {
        let mut label = line_units(&wrap(&[run(&e.label, BODY.bold())], iw), inner);
        label.iter_mut().for_each(|u| u.keep = true);
        units.extend(label);
        flow(&e.body, inner + 10.0, iw - 10.0, &mut units);
    }
    let colour = level_colour(a.level);
    for u in &mut units {
        if !u.gap {
            u.ops.push(Op::Rect {
                x,
                y: 0.0,
                w: 3.0,
                h: u.h,
                fill: colour,
            });
        }
    }
    out.push(Unit::gap(6.0));
    out.extend(units);
    out.push(Unit::gap(8.0));
}

/// Blocks inside an entry: paragraphs, lists, tables.
fn flow(bs: &[Block], x: f32, w: f32, out: &mut Vec<Unit>) {
    for b in document::visible(bs, Backend::Pdf) {
        match b {
            Block::Para(xs) => {
                let mut runs = Vec::new();
                inlines(xs, BODY, &mut runs);
                out.extend(line_units(&wrap(&runs, w), x));
            }
            Block::List(l) => {
                for item in &l.items {
                    list_item(item, BODY, x, w, out);
                }
            }
            Block::Table(t) => table(t, x, w, out),
            other => block(other, x, w, out),
        }
    }
    out.push(Unit::gap(3.0));
}

/// Three cards side by side (fewer in the last row), as tall as the
/// tallest.
fn card_row(cards: &[Card], x: f32, w: f32) -> Unit {
    const GAP: f32 = 8.0;
    let cw = (w - 2.0 * GAP) / 3.0;
    let mut ops = Vec::new();
    let mut h: f32 = 0.0;
    let mut boxes = Vec::new();
    for (i, c) in cards.iter().enumerate() {
        let cx = x + i as f32 * (cw + GAP);
        let (card_ops, ch) = card(c, cx + 8.0, cw - 16.0);
        ops.extend(card_ops);
        boxes.push(cx);
        h = h.max(ch);
    }
    for cx in boxes {
        let (l, r, b) = (cx, cx + cw, h + 6.0);
        ops.push(Op::Stroke {
            points: vec![(l, 0.0), (r, 0.0), (r, b), (l, b), (l, 0.0)],
            width: 0.8,
            colour: RULE,
            dash: None,
        });
    }
    Unit {
        h: h + 6.0,
        ops,
        ..Unit::default()
    }
}

/// One card's ops from its top, and its height.
fn card(c: &Card, x: f32, w: f32) -> (Vec<Op>, f32) {
    let mut ops = Vec::new();
    let mut y = 6.0;
    let put = |lines: &[Line], y: &mut f32, ops: &mut Vec<Op>| {
        for l in lines {
            l.ops(x, *y, ops);
            *y += l.h;
        }
    };
    put(
        &wrap(&[run(&c.title, CELL.bold().colour(MUTED))], w),
        &mut y,
        &mut ops,
    );
    let mut big = Vec::new();
    inlines(&c.figure, Style::plain(18.0).bold(), &mut big);
    if let Some(u) = &c.unit {
        big.push(run(&format!(" {u}"), Style::plain(10.0).colour(MUTED)));
    }
    put(&wrap(&big, w), &mut y, &mut ops);
    if let Some(m) = &c.meter {
        ops.extend(charts::meter(m, x, w).into_iter().map(|mut op| {
            op.shift(y);
            op
        }));
        y += 14.0;
    }
    let mut text = Vec::new();
    inlines(&c.text, CELL, &mut text);
    put(&wrap(&text, w), &mut y, &mut ops);
    (ops, y)
}

/// A cell: its paragraphs as runs (a list's items are paragraphs).
struct Cell {
    paras: Vec<Vec<Run>>,
}

impl Cell {
    fn new(runs: Vec<Run>) -> Cell {
        Cell { paras: vec![runs] }
    }

    fn of(bs: &[Block], style: Style) -> Cell {
        let mut paras = Vec::new();
        for b in document::visible(bs, Backend::Pdf) {
            match b {
                Block::Para(xs) => {
                    let mut r = Vec::new();
                    inlines(xs, style, &mut r);
                    paras.push(r);
                }
                Block::List(l) => {
                    for item in &l.items {
                        let mut r = Vec::new();
                        if l.items.len() > 1 {
                            r.push(run("• ", style));
                        }
                        inlines(item, style, &mut r);
                        paras.push(r);
                    }
                }
                _ => {}
            }
        }
        Cell { paras }
    }

    /// The widths of its longest unbreakable piece and of its longest
    /// paragraph on one line.
    fn widths(&self) -> (f32, f32) {
        let m = Metrics::get();
        let (mut min, mut max) = (0.0f32, 0.0f32);
        for p in &self.paras {
            let mut line = 0.0;
            for r in p {
                let w = m.width(&r.text, r.style.bold, r.style.size);
                line += w;
                for word in r.text.split([' ', '/', ',', ';']) {
                    min = min.max(m.width(word, r.style.bold, r.style.size));
                }
            }
            max = max.max(line);
        }
        (min, max)
    }

    fn lines(&self, w: f32) -> Vec<Line> {
        self.paras.iter().flat_map(|p| wrap(p, w)).collect()
    }
}

/// A table: the header row repeated on every page it continues on.
fn table(t: &Table, x: f32, w: f32, out: &mut Vec<Unit>) {
    if let Some(c) = &t.caption {
        let mut cap = line_units(&wrap(&[run(c, BODY.bold())], w), x);
        cap.iter_mut().for_each(|u| u.keep = true);
        out.extend(cap);
    }
    let head: Vec<Cell> = t
        .columns
        .iter()
        .map(|c: &Column| {
            let mut r = Vec::new();
            inlines(&c.head, CELL.bold(), &mut r);
            Cell::new(r)
        })
        .collect();
    let rows: Vec<Vec<Cell>> = t
        .rows
        .iter()
        .map(|row| row.iter().map(|c| Cell::of(c, CELL)).collect())
        .collect();
    let widths = column_widths(t, &head, &rows, w);
    let numeric: Vec<bool> = t.columns.iter().map(|c| c.numeric).collect();
    grid(Some(head), rows, &widths, &numeric, x, out);
    out.push(Unit::gap(8.0));
}

/// Column widths: the document's percentages, or each column's natural
/// width where the table fits, else its longest word plus a share of the
/// rest by how much longer its text is.
fn column_widths(t: &Table, head: &[Cell], rows: &[Vec<Cell>], w: f32) -> Vec<f32> {
    let n = t.columns.len().max(1);
    if t.widths.len() == n {
        let total: f32 = t.widths.iter().map(|&p| f32::from(p)).sum::<f32>().max(1.0);
        return t.widths.iter().map(|&p| f32::from(p) / total * w).collect();
    }
    let mut min = vec![0.0f32; n];
    let mut max = vec![0.0f32; n];
    for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
        for (i, c) in row.iter().enumerate().take(n) {
            let (a, b) = c.widths();
            min[i] = min[i].max(a.min(w * 0.4) + 2.0 * PAD);
            max[i] = max[i].max(b + 2.0 * PAD);
        }
    }
    let sum_max: f32 = max.iter().sum();
    if sum_max <= w {
        let extra = (w - sum_max) / n as f32;
        return max.iter().map(|m| m + extra).collect();
    }
    let sum_min: f32 = min.iter().sum();
    if sum_min >= w {
        return min.iter().map(|m| m / sum_min * w).collect();
    }
    let slack: f32 = max
        .iter()
        .zip(&min)
        .map(|(a, b)| a - b)
        .sum::<f32>()
        .max(0.01);
    min.iter()
        .zip(&max)
        .map(|(lo, hi)| lo + (hi - lo) / slack * (w - sum_min))
        .collect()
}

/// Rows of cells in columns of `widths`; the head (if any) on a grey
/// ground, repeated on each page.
fn grid(
    head: Option<Vec<Cell>>,
    rows: Vec<Vec<Cell>>,
    widths: &[f32],
    numeric: &[bool],
    x: f32,
    out: &mut Vec<Unit>,
) {
    let head = head.map(|h| {
        let mut u = row_unit(&h, widths, numeric, x);
        let total: f32 = widths.iter().sum();
        u.ops.insert(
            0,
            Op::Rect {
                x,
                y: 0.0,
                w: total,
                h: u.h,
                fill: SOFT,
            },
        );
        Rc::new(u)
    });
    if let Some(h) = &head {
        out.push(Unit {
            keep: true,
            ..(**h).clone()
        });
    }
    for row in rows {
        out.push(Unit {
            head: head.clone(),
            ..row_unit(&row, widths, numeric, x)
        });
    }
}

fn row_unit(cells: &[Cell], widths: &[f32], numeric: &[bool], x: f32) -> Unit {
    let mut ops = Vec::new();
    let mut h: f32 = 0.0;
    let mut cx = x;
    for (i, (cell, cw)) in cells.iter().zip(widths).enumerate() {
        let inner = cw - 2.0 * PAD;
        let mut y = PAD;
        for l in cell.lines(inner) {
            let dx = if numeric.get(i).copied().unwrap_or(false) {
                inner - l.width
            } else {
                0.0
            };
            l.ops(cx + PAD + dx, y, &mut ops);
            y += l.h;
        }
        h = h.max(y + PAD);
        cx += cw;
    }
    ops.push(rule(x, cx - x, h));
    Unit {
        h,
        ops,
        ..Unit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{Section, Table};

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            lang: crate::i18n::Lang::De,
            title: "Souveränitätsbericht".into(),
            subject: "/mnt/bild".into(),
            contents: "Inhalt".into(),
            lead: Vec::new(),
            sections: vec![Section {
                id: "x",
                heading_id: "h-x",
                nav: "X".into(),
                title: "Größte Abhängigkeiten".into(),
                blocks,
            }],
            footer: vec![Inline::Text("Ende".into())],
        }
    }

    fn texts(pages: &[Vec<Op>]) -> Vec<String> {
        pages
            .iter()
            .map(|p| {
                p.iter()
                    .filter_map(|op| match op {
                        Op::Text { text, .. } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// A long table continues over pages with its header row on each, and
    /// every page has its number.
    #[test]
    fn a_long_table_repeats_its_header() {
        let col = |h: &str, numeric| Column {
            head: vec![Inline::Text(h.into())],
            numeric,
            path: false,
            title: None,
        };
        let rows = (0..200)
            .map(|i| {
                vec![
                    vec![Block::Para(vec![Inline::Text(format!(
                        "Paket {i} für Ämter"
                    ))])],
                    vec![Block::Para(vec![Inline::Text(i.to_string())])],
                ]
            })
            .collect();
        let t = Table {
            caption: None,
            widths: Vec::new(),
            columns: vec![col("Produkt", false), col("Anzahl", true)],
            rows,
        };
        let (pages, outline) = pages(&doc(vec![Block::Table(t)]));
        assert!(pages.len() >= 3, "{}", pages.len());
        let texts = texts(&pages);
        for (i, t) in texts.iter().enumerate() {
            assert!(t.contains(&format!("{} / {}", i + 1, pages.len())), "{t}");
            if i > 0 {
                assert!(t.starts_with("Produkt Anzahl"), "{t}");
            }
        }
        assert!(texts[0].contains("Paket 0 für Ämter"));
        assert!(texts.last().unwrap().contains("Paket 199 für Ämter"));
        assert_eq!(outline, [("X".to_owned(), 0, outline[0].2)]);
        // Every op stays inside the page's width.
        for op in pages.iter().flatten() {
            if let Op::Text { x, text, style, .. } = op {
                let right = x + Metrics::get().width(text, style.bold, style.size);
                assert!(right <= PAGE_W - MARGIN + 0.5, "{text}: {right}");
            }
        }
    }
}
