//! The sovereignty report in Markdown (CommonMark with GitHub tables): the
//! Markdown back-end of [`super::document`], which holds the content and
//! the words. Charts, cards and the page frame are HTML's; Markdown shows
//! the tables beside the charts.
//!
//! Every string from the report is escaped: names come from the image and
//! may contain Markdown or HTML (`<script>` in a package name).

use super::document::{self, Backend, Block, Document, Entry, Field, Inline, List, Table};
use super::{RenderError, RenderOptions, Report};
use std::fmt::Write;

/// Escapes text for inline Markdown: every ASCII punctuation character that
/// starts markup in CommonMark or GitHub tables (emphasis, code, links,
/// HTML, entities, table cells, headings, strike-through) gets a backslash
/// (CommonMark allows one before any ASCII punctuation), so a name renders
/// as the text it is and never as markup or HTML; line breaks become spaces.
/// `(`, `)` and `!` need none once `[` and `]` are escaped.
/// Written by hand: it is one pass over the characters, and the Markdown
/// crates escape for their own renderers, not for generated documents.
pub fn esc(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' | '\r' | '\t' => o.push(' '),
            c if c.is_control() => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    Ok(markdown(&document::build(report, opts)).into_bytes())
}

/// The document in Markdown, ending in one newline.
pub fn markdown(d: &Document) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", esc(&d.title));
    blocks(&d.lead, &mut o);
    for s in &d.sections {
        let _ = writeln!(o, "## {}\n", esc(&s.title));
        blocks(&s.blocks, &mut o);
    }
    while o.ends_with("\n\n") {
        o.pop();
    }
    // `esc` already replaces control characters in what it escapes; this
    // is the guard for the text renderers' common rule.
    crate::fmt::visible(o)
}

fn blocks(bs: &[Block], o: &mut String) {
    for b in bs {
        block(b, o);
    }
}

/// A block at the top level of a section: each ends with a blank line.
fn block(b: &Block, o: &mut String) {
    match b {
        Block::Para(x) => {
            inlines(x, o);
            o.push_str("\n\n");
        }
        Block::Heading(x) | Block::AnchoredHeading(_, x) => {
            o.push_str("### ");
            inlines(x, o);
            o.push_str("\n\n");
        }
        Block::List(l) => {
            for item in &l.items {
                o.push_str("- ");
                inlines(item, o);
                o.push('\n');
            }
            o.push('\n');
        }
        Block::Table(t) => table(t, o),
        Block::Fields(fields) => {
            for Field { label, value, .. } in fields
                .iter()
                .filter(|f| document::shows(f.only, Backend::Markdown))
            {
                let _ = write!(o, "- {}: ", esc(label));
                inlines(value, o);
                o.push('\n');
            }
            o.push('\n');
        }
        Block::Columns(x) => blocks(x, o),
        Block::Article(a) => {
            let _ = writeln!(
                o,
                "### {}. {} — {}\n",
                a.number,
                esc(&a.title),
                esc(&a.level_name)
            );
            for e in a
                .entries
                .iter()
                .filter(|e| document::shows(e.only, Backend::Markdown))
            {
                entry(e, o);
            }
            o.push('\n');
        }
        Block::Only(Backend::Markdown, x) => blocks(x, o),
        // Charts and cards are HTML's and PDF's (the tables carry their data).
        Block::Cards(_) | Block::Figure(_) | Block::Only(Backend::Html | Backend::Pdf, _) => {}
    }
}

fn table(t: &Table, o: &mut String) {
    o.push('|');
    for c in &t.columns {
        o.push(' ');
        inlines(&c.head, o);
        o.push_str(" |");
    }
    o.push_str("\n|");
    for c in &t.columns {
        o.push_str(if c.numeric { "---:|" } else { "---|" });
    }
    o.push('\n');
    for row in &t.rows {
        o.push('|');
        for cell in row {
            o.push(' ');
            in_cell(cell, o);
            o.push_str(" |");
        }
        o.push('\n');
    }
    o.push('\n');
}

/// A table cell is one line: list items are separated by line breaks.
fn in_cell(bs: &[Block], o: &mut String) {
    for b in bs {
        match b {
            Block::Para(x) => inlines(x, o),
            Block::List(l) => join(l, "<br>", o),
            Block::Only(Backend::Markdown, x) => in_cell(x, o),
            _ => {}
        }
    }
}

fn join(l: &List, sep: &str, o: &mut String) {
    for (i, item) in l.items.iter().enumerate() {
        if i > 0 {
            o.push_str(sep);
        }
        inlines(item, o);
    }
}

/// `- **Label:** text`, run-in lists after the text, other lists nested.
fn entry(e: &Entry, o: &mut String) {
    let _ = write!(o, "- **{}:**", esc(&e.label));
    let mut nested = String::new();
    for b in document::visible(&e.body, Backend::Markdown) {
        match b {
            Block::Para(x) => {
                o.push(' ');
                inlines(x, o);
            }
            Block::List(l) if l.run_in => {
                o.push(' ');
                join(l, ", ", o);
            }
            Block::List(l) => {
                for item in &l.items {
                    nested.push_str("  - ");
                    inlines(item, &mut nested);
                    nested.push('\n');
                }
            }
            // A table in a list item has no Markdown form; the document
            // gives Markdown a list instead.
            _ => {}
        }
    }
    o.push('\n');
    o.push_str(&nested);
}

fn inlines(xs: &[Inline], o: &mut String) {
    for x in xs {
        match x {
            Inline::Text(t) | Inline::RuleId(t) | Inline::Path(t) | Inline::Id(t) => {
                o.push_str(&esc(t))
            }
            Inline::Strong(x) => {
                o.push_str("**");
                inlines(x, o);
                o.push_str("**");
            }
            // A code span cannot hold a backtick or escape anything.
            Inline::Code(t) if t.contains('`') || t.chars().any(char::is_control) => {
                o.push_str(&esc(t))
            }
            Inline::Code(t) => {
                let _ = write!(o, "`{t}`");
            }
            Inline::Muted(x) | Inline::Link(_, x) | Inline::Only(Backend::Markdown, x) => {
                inlines(x, o)
            }
            Inline::Cite(t) => {
                let _ = write!(o, "\\[{}\\]", esc(t));
            }
            Inline::Badge(_, name) => o.push_str(&esc(name)),
            Inline::Break => o.push_str("<br>"),
            Inline::Swatch(_) | Inline::Only(Backend::Html | Backend::Pdf, _) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>a|b</script>"),
            "\\<script\\>a\\|b\\</script\\>"
        );
        assert_eq!(esc("a*b_c\nd"), "a\\*b\\_c d");
        assert_eq!(esc("Zoom Workplace (64-bit)"), "Zoom Workplace (64-bit)");
        assert_eq!(
            esc("[x](javascript:y) &lt;"),
            "\\[x\\](javascript:y) \\&lt;"
        );
    }
}
