//! The sovereignty report as one self-contained HTML file: the HTML
//! back-end of [`super::document`], which holds the content and the words.
//! Inline CSS, inline SVG charts, no script, and no external request of any
//! kind (no fonts, images, styles or scripts from anywhere; a
//! Content-Security-Policy forbids them too, so even a mistake can't load
//! anything). Semantic headings and tables, `<figure>`s with captions and a
//! data table beside every chart, contrast of at least 4.5:1 for text, a
//! print stylesheet.
//!
//! Every string from the report goes through [`esc`]: names come from the
//! image and can be hostile.

pub(crate) mod charts;

use super::document::{
    self, Article, Backend, Block, Card, Column, Document, Figure, Inline, Section, Table,
};
use super::palette::{bloc_colour, level_colour};
use super::{RenderError, RenderOptions, Report};
use crate::model::risk::Level;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
/// Written by hand: five replacements (the OWASP set) don't need a
/// dependency; control characters other than whitespace, which HTML
/// forbids, become U+FFFD.
pub fn esc(text: &str) -> String {
    let mut o = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' | '\t' => o.push(ch),
            c if c.is_control() => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
:root{--ink:#1f2937;--muted:#4b5563;--line:#d1d5db;--soft:#f3f4f6;--accent:#1d4ed8}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif;color:var(--ink);background:#fff;line-height:1.45}
body{margin:0}
header.top{background:#0f2a5c;color:#fff;padding:1.6rem 2rem 1.2rem}
header.top h1{margin:0 0 .3rem;font-size:1.9rem}
header.top p{margin:.15rem 0;color:#e5e7eb}
nav.toc{padding:.6rem 2rem;background:var(--soft);border-bottom:1px solid var(--line);font-size:.92rem}
nav.toc a{color:#1e3a8a;margin-right:1rem;white-space:nowrap}
main{max-width:72rem;margin:0 auto;padding:0 2rem 2rem}
h2{font-size:1.4rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
h3{font-size:1.12rem;margin:0 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.appendix{table-layout:fixed}
table.appendix td{overflow-wrap:anywhere}
td ul{margin:0;padding-left:1rem}
code.rid{white-space:nowrap;overflow-wrap:normal}
code,.path{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem}
.card{border:1px solid var(--line);border-radius:.5rem;padding:.9rem 1rem}
.card h3{font-size:.95rem;color:var(--muted);font-weight:600}
.card .big{font-size:2rem;font-weight:700;margin:.1rem 0}
.card p{margin:.2rem 0;font-size:.9rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.8rem;color:#fff;font-size:.8rem;font-weight:600;vertical-align:middle;text-transform:uppercase;letter-spacing:.02em}
figure{margin:1rem 0;padding:0}
figcaption{font-size:.9rem;color:var(--muted);margin-top:.3rem}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:inherit}
article.dep{border:1px solid var(--line);border-left-width:6px;border-radius:.4rem;padding:.9rem 1.1rem;margin:0 0 1.1rem}
article.dep dl{display:grid;grid-template-columns:11rem minmax(0,1fr);gap:.35rem 1rem;margin:.6rem 0 0}
article.dep dt{font-weight:600;color:var(--muted)}
article.dep dd{margin:0}
article.dep ul{margin:.1rem 0;padding-left:1.1rem}
.score{font-weight:600;margin:.2rem 0}
.muted{color:var(--muted)}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;align-items:start}
footer{max-width:72rem;margin:0 auto;padding:1rem 2rem 2rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
@media (max-width:52rem){.cols{grid-template-columns:1fr}article.dep dl{grid-template-columns:1fr}}
@media print{
 @page{margin:15mm}
 html{font-size:10pt}
 header.top{background:none;color:#000;padding:0 0 .5rem;border-bottom:2px solid #000}
 header.top p{color:#000}
 nav.toc{display:none}
 main{max-width:none;padding:0}
 h2{break-after:avoid}
 figure,article.dep,.card,tr{break-inside:avoid}
 .badge,svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
}
"#;

fn badge(l: Level, name: &str) -> String {
    format!(
        r#"<span class="badge" style="background:{}">{}</span>"#,
        level_colour(l),
        esc(name)
    )
}

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    Ok(page(&document::build(report, opts)).into_bytes())
}

/// The document as one HTML page.
pub fn page(d: &Document) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        d.lang.tag()
    ));
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may load from anywhere: styles are inline, images are inline SVG.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(o, "<title>{}: {}</title>", esc(&d.title), esc(&d.subject));
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(o, "<header class=\"top\">\n<h1>{}</h1>", esc(&d.title));
    blocks(&d.lead, &mut o);
    let _ = write!(
        o,
        "</header>\n<nav class=\"toc\" aria-label=\"{}\">",
        esc(&d.contents)
    );
    for s in &d.sections {
        let _ = write!(o, "<a href=\"#{}\">{}</a>", s.id, esc(&s.nav));
    }
    o.push_str("</nav>\n<main>\n");
    for s in &d.sections {
        section(s, &mut o);
    }
    o.push_str("</main>\n<footer>");
    inlines(&d.footer, &mut o);
    o.push_str("</footer>\n</body>\n</html>\n");
    o
}

fn section(s: &Section, o: &mut String) {
    let _ = writeln!(
        o,
        "<section id=\"{}\" aria-labelledby=\"{}\">\n<h2 id=\"{}\">{}</h2>",
        s.id,
        s.heading_id,
        s.heading_id,
        esc(&s.title)
    );
    blocks(&s.blocks, o);
    o.push_str("</section>\n");
}

fn blocks(bs: &[Block], o: &mut String) {
    for b in bs {
        block(b, o);
    }
}

/// A block at the top level of a section, on lines of its own.
fn block(b: &Block, o: &mut String) {
    match b {
        Block::Para(x) => {
            o.push_str("<p>");
            inlines(x, o);
            o.push_str("</p>\n");
        }
        Block::Heading(x) => {
            o.push_str("<h3>");
            inlines(x, o);
            o.push_str("</h3>\n");
        }
        Block::AnchoredHeading(id, x) => {
            let _ = write!(o, "<h3 id=\"{}\">", esc(id));
            inlines(x, o);
            o.push_str("</h3>\n");
        }
        Block::List(_) => {
            flow(std::slice::from_ref(b), o);
            o.push('\n');
        }
        Block::Table(t) => table(t, false, o),
        Block::Fields(fields) => {
            o.push_str("<table>\n<tbody>\n");
            for f in fields
                .iter()
                .filter(|f| document::shows(f.only, Backend::Html))
            {
                let _ = write!(o, "<tr><th scope=\"row\">{}</th><td>", esc(&f.label));
                inlines(&f.value, o);
                o.push_str("</td></tr>\n");
            }
            o.push_str("</tbody>\n</table>\n");
        }
        Block::Cards(cards) => {
            o.push_str("<div class=\"cards\">\n");
            for c in cards {
                card(c, o);
            }
            o.push_str("</div>\n");
        }
        Block::Figure(f) => figure(f, o),
        Block::Columns(x) => {
            o.push_str("<div class=\"cols\">\n");
            blocks(x, o);
            o.push_str("</div>\n");
        }
        Block::Article(a) => article(a, o),
        Block::Only(Backend::Html, x) => blocks(x, o),
        Block::Only(Backend::Markdown | Backend::Pdf, _) => {}
    }
}

/// Blocks inside a cell or a definition: no lines of their own.
fn flow(bs: &[Block], o: &mut String) {
    for b in document::visible(bs, Backend::Html) {
        match b {
            Block::Para(x) => inlines(x, o),
            Block::List(l) => {
                o.push_str("<ul>");
                for item in &l.items {
                    o.push_str("<li>");
                    inlines(item, o);
                    o.push_str("</li>");
                }
                o.push_str("</ul>");
            }
            Block::Table(t) => table(t, true, o),
            other => block(other, o),
        }
    }
}

/// A table on lines of its own, or `compact` on none (in a definition or
/// a cell, where it also has no caption or column widths).
fn table(t: &Table, compact: bool, o: &mut String) {
    let nl = if compact { "" } else { "\n" };
    // Fixed column widths are for long texts that may break anywhere.
    let fixed = !compact && !t.widths.is_empty();
    o.push_str(if fixed {
        "<table class=\"appendix\">"
    } else {
        "<table>"
    });
    o.push_str(nl);
    if let Some(c) = t.caption.as_deref().filter(|_| !compact) {
        let _ = writeln!(o, "<caption>{}</caption>", esc(c));
    }
    if fixed {
        o.push_str("<colgroup>");
        for w in &t.widths {
            let _ = write!(o, "<col style=\"width:{w}%\">");
        }
        o.push_str("</colgroup>\n");
    }
    o.push_str("<thead>");
    head(&t.columns, o);
    let _ = write!(o, "</thead>{nl}<tbody>{nl}");
    for row in &t.rows {
        cells(&t.columns, row, o);
        o.push_str(nl);
    }
    let _ = write!(o, "</tbody>{nl}</table>{nl}");
}

fn head(columns: &[Column], o: &mut String) {
    o.push_str("<tr>");
    for c in columns {
        o.push_str("<th scope=\"col\"");
        if c.numeric {
            o.push_str(" class=\"n\"");
        }
        if let Some(t) = &c.title {
            let _ = write!(o, " title=\"{}\"", esc(t));
        }
        o.push('>');
        inlines(&c.head, o);
        o.push_str("</th>");
    }
    o.push_str("</tr>");
}

fn cells(columns: &[Column], row: &[Vec<Block>], o: &mut String) {
    o.push_str("<tr>");
    for (c, cell) in columns.iter().zip(row) {
        o.push_str(match (c.numeric, c.path) {
            (true, _) => "<td class=\"n\">",
            (false, true) => "<td class=\"path\">",
            (false, false) => "<td>",
        });
        flow(cell, o);
        o.push_str("</td>");
    }
    o.push_str("</tr>");
}

fn card(c: &Card, o: &mut String) {
    let _ = write!(
        o,
        "<div class=\"card\"><h3>{}</h3><p class=\"big\">",
        esc(&c.title)
    );
    inlines(&c.figure, o);
    if let Some(u) = &c.unit {
        let _ = write!(
            o,
            " <span class=\"muted\" style=\"font-size:1rem\">{}</span>",
            esc(u)
        );
    }
    o.push_str("</p>");
    if let Some(m) = &c.meter {
        charts::meter(m, o);
    }
    o.push_str("<p>");
    inlines(&c.text, o);
    o.push_str("</p></div>\n");
}

fn figure(f: &Figure, o: &mut String) {
    o.push_str("<figure>\n");
    charts::chart(f.number, &f.chart, o);
    // The caption starts with its number in the document's language
    // (`Figure 1.`, `Abbildung 1.`).
    let _ = writeln!(o, "<figcaption>{}</figcaption>\n</figure>", esc(&f.caption));
}

fn article(a: &Article, o: &mut String) {
    let _ = writeln!(
        o,
        "<article class=\"dep\" id=\"dep-{n}\" style=\"border-left-color:{}\">\n<h3>{n}. {} {}</h3>\n<p class=\"score\">{}</p>\n<dl>",
        level_colour(a.level),
        esc(&a.title),
        badge(a.level, &a.level_name),
        esc(&a.verdict),
        n = a.number,
    );
    for e in a
        .entries
        .iter()
        .filter(|e| document::shows(e.only, Backend::Html))
    {
        let _ = write!(o, "<dt>{}</dt><dd>", esc(&e.label));
        flow(&e.body, o);
        o.push_str("</dd>\n");
    }
    o.push_str("</dl>\n</article>\n");
}

fn inlines(xs: &[Inline], o: &mut String) {
    for x in xs {
        match x {
            Inline::Text(t) => o.push_str(&esc(t)),
            Inline::Strong(x) => wrap("<strong>", x, "</strong>", o),
            Inline::Code(t) => {
                let _ = write!(o, "<code>{}</code>", esc(t));
            }
            Inline::RuleId(t) => {
                let _ = write!(o, "<code class=\"rid\">{}</code>", esc(t));
            }
            Inline::Path(t) => {
                let _ = write!(o, "<span class=\"path\">{}</span>", esc(t));
            }
            Inline::Id(t) => {
                let _ = write!(o, "<span class=\"muted path\">{}</span>", esc(t));
            }
            Inline::Muted(x) => wrap("<span class=\"muted\">", x, "</span>", o),
            Inline::Cite(t) => {
                let _ = write!(o, "<cite>{}</cite>", esc(t));
            }
            Inline::Badge(l, name) => o.push_str(&badge(*l, name)),
            Inline::Swatch(i) => {
                let _ = write!(
                    o,
                    "<span aria-hidden=\"true\" style=\"color:{}\">■</span> ",
                    bloc_colour(*i)
                );
            }
            Inline::Link(anchor, x) => {
                let _ = write!(o, "<a href=\"#{}\">", esc(anchor));
                inlines(x, o);
                o.push_str("</a>");
            }
            Inline::Break => o.push_str("<br>"),
            Inline::Only(Backend::Html, x) => inlines(x, o),
            Inline::Only(Backend::Markdown | Backend::Pdf, _) => {}
        }
    }
}

fn wrap(open: &str, x: &[Inline], close: &str, o: &mut String) {
    o.push_str(open);
    inlines(x, o);
    o.push_str(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
    }
}
