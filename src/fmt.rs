//! Numbers and names as the human-readable outputs show them (the table,
//! `summary`, `explain`, the sovereignty report), in one place, so that a
//! share reads `12.3 %` wherever it appears. The machine formats (JSON,
//! CycloneDX, SARIF, NDJSON, CSV) write numbers as numbers and never come
//! here. Rounding of the figures themselves happens once, when they are
//! computed (`assess::round`); this is display only. It sits at the bottom
//! of the house because the gate's messages print shares too.

use serde::Serialize;

/// A share (0..1) as a percentage with one decimal and a space before the
/// sign, as the reports print it: `12.3 %`.
pub fn pct(share: f64) -> String {
    let t = format!("{:.1}", share * 100.0);
    // A share that rounds to zero from below is zero, never `-0.0`.
    if t == "-0.0" {
        "0.0 %".to_owned()
    } else {
        format!("{t} %")
    }
}

/// `one` for 1, else `many`: `plural(n, "binary", "binaries")`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A count and its noun: `1 binary`, `2 binaries`, `0 errors`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// [`pct`], or `n/a` when the share is not defined (nothing to count).
pub fn opt_pct(share: Option<f64>) -> String {
    share.map_or_else(|| "n/a".to_owned(), pct)
}

/// The distance between two shares in percentage points, one decimal:
/// `17.1` (the gap to the open-source target).
pub fn points(from: f64, to: f64) -> String {
    let t = format!("{:.1}", (to - from) * 100.0);
    if t == "-0.0" { "0.0".to_owned() } else { t }
}

/// A model figure (weight, threshold, exposure, score, HHI): up to two
/// decimals, no trailing zeros, never `-0`.
pub fn num(x: f64) -> String {
    let t = format!("{x:.2}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" { "0".into() } else { t.to_owned() }
}

/// The sovereignty index (0..100) with one decimal, or `n/a` without
/// workplace components.
pub fn index(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |i| format!("{i:.1}"))
}

/// A value as the JSON report writes it (`10.0`, `3`, `null`): `explain`
/// shows the assessment's numbers exactly as they are recorded.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// `text` cut to at most `max` characters, the last one an ellipsis when
/// anything was cut (a table column or a chart label; the full text stays
/// in the JSON or in a tooltip).
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Text for a terminal: every control character but the line break is
/// written as a visible escape (`\x1B`, `\u{9B}`), so that a file name or
/// a package field carrying an escape sequence is shown, never obeyed (a
/// colour, a cleared screen, a rewritten line). So are the bidirectional
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
/// which make a terminal show text in another order than it is ("Trojan
/// Source"); the plain direction marks stay. The bytes that are not
/// UTF-8 are already `\xNN` ([`crate::paths`]). Applied by the text
/// renderers (table, summary, explain, diff, Markdown) to what they write;
/// JSON escapes control characters itself.
pub fn visible(text: String) -> String {
    if !text.chars().any(|c| hidden(c) && c != '\n') {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push(c),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if hidden(c) => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A character a terminal acts on rather than shows.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible_and_line_breaks_kept() {
        assert_eq!(
            visible("a\x1b[31mred\x1b[0m\tb\r\nc\u{9b}2J é".to_owned()),
            "a\\x1B[31mred\\x1B[0m\\x09b\\x0D\nc\\u{9B}2J é"
        );
        assert_eq!(visible("plain\n".to_owned()), "plain\n");
        assert_eq!(
            visible("evil\u{202E}txt.exe \u{200F}".to_owned()),
            "evil\\u{202E}txt.exe \u{200F}"
        );
    }

    #[test]
    fn shares_read_with_a_space_before_the_percent_sign() {
        assert_eq!(pct(0.123), "12.3 %");
        assert_eq!(pct(1.0), "100.0 %");
        assert_eq!(pct(0.0), "0.0 %");
        assert_eq!(opt_pct(None), "n/a");
        assert_eq!(opt_pct(Some(0.7)), "70.0 %");
        assert_eq!(points(0.528, 0.7), "17.2");
    }

    #[test]
    fn no_negative_zero_and_real_plurals() {
        assert_eq!(pct(-0.00001), "0.0 %");
        assert_eq!(pct(-0.0), "0.0 %");
        assert_eq!(points(0.5, 0.5), "0.0");
        assert_eq!(count(1, "binary", "binaries"), "1 binary");
        assert_eq!(count(0, "error", "errors"), "0 errors");
        assert_eq!(count(2, "entry", "entries"), "2 entries");
    }

    #[test]
    fn figures_drop_trailing_zeros() {
        assert_eq!(num(10.0), "10");
        assert_eq!(num(2.24), "2.24");
        assert_eq!(num(899.5), "899.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(index(Some(76.25)), "76.2");
        assert_eq!(index(None), "n/a");
    }

    #[test]
    fn json_values_read_as_the_report_writes_them() {
        assert_eq!(json(&10.0_f64), "10.0");
        assert_eq!(json(&Some(6.71_f64)), "6.71");
        assert_eq!(json(&None::<f64>), "null");
        assert_eq!(json(&3_u8), "3");
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(short("LibreOffice", 32), "LibreOffice");
        assert_eq!(short("abcdef", 4), "abc…");
        assert_eq!(short("äöüäöü", 5).chars().count(), 5);
    }
}
