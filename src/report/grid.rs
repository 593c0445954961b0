//! Plain-text tables that fit a width: the terminal table and the views
//! that print rows. Columns have a comfortable and a minimum width and a
//! place in the order in which they are given up; [`fit`] keeps every
//! column at its natural width when the table fits, otherwise shrinks the
//! widest ones to their comfortable width, then drops the columns that
//! matter least one by one, then shrinks to the minimum. Cut text ends in
//! an ellipsis. Widths are display columns (a CJK character takes two).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// One column of a [`fit`] table.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub header: &'a str,
    /// Shrunk to this before any column is dropped.
    pub soft: usize,
    /// Never narrower than this.
    pub min: usize,
    /// 0: always shown; otherwise dropped when the table does not fit,
    /// the highest first.
    pub drop: u8,
}

/// The columns between two cells.
pub const GAP: &str = "  ";

/// The display width of `text`.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The width of each column, `None` for a dropped column, so that the
/// table of `rows` is at most `max` columns wide (`None`: no limit, every
/// column at its natural width). At widths below the sum of the minimums
/// the table is as narrow as it can be.
pub fn fit(cols: &[Column<'_>], rows: &[Vec<String>], max: Option<usize>) -> Vec<Option<usize>> {
    let natural: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| width(&r[i]))
                .chain([width(c.header)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut w: Vec<Option<usize>> = natural.iter().copied().map(Some).collect();
    let Some(max) = max else { return w };
    shrink(&mut w, |i| cols[i].soft, max);
    while total(&w) > max {
        let next = (0..cols.len())
            .filter(|&i| w[i].is_some() && cols[i].drop > 0)
            .max_by_key(|&i| cols[i].drop);
        let Some(i) = next else { break };
        w[i] = None;
        for (j, n) in natural.iter().enumerate() {
            if w[j].is_some() {
                w[j] = Some(*n);
            }
        }
        shrink(&mut w, |i| cols[i].soft, max);
    }
    shrink(&mut w, |i| cols[i].min, max);
    w
}

/// The width of a table with these columns.
pub fn total(w: &[Option<usize>]) -> usize {
    let shown: Vec<usize> = w.iter().flatten().copied().collect();
    shown.iter().sum::<usize>() + GAP.len() * shown.len().saturating_sub(1)
}

/// Narrows the widest column above its floor, one column at a time, until
/// the table fits or every column is at its floor.
fn shrink(w: &mut [Option<usize>], floor: impl Fn(usize) -> usize, max: usize) {
    while total(w) > max {
        let widest = (0..w.len())
            .filter(|&i| w[i].is_some_and(|x| x > floor(i)))
            .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
        let Some(i) = widest else { return };
        w[i] = w[i].map(|x| x - 1);
    }
}

/// `text` cut to `w` display columns (an ellipsis last when cut), then
/// padded with spaces to `w`.
pub fn cell(text: &str, w: usize) -> String {
    let mut out = cut(text, w);
    let pad = w.saturating_sub(width(&out));
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// `text` cut to at most `w` display columns, the last one an ellipsis
/// when anything was cut.
pub fn cut(text: &str, w: usize) -> String {
    if width(text) <= w {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    if w > 0 {
        out.push('…');
    }
    out
}

/// `line` broken at spaces into lines of at most `max` display columns,
/// the following lines indented by two spaces; a word longer than a line
/// is cut. Without `max`, the line as it is.
pub fn wrap(line: &str, max: Option<usize>) -> Vec<String> {
    let Some(max) = max.filter(|&m| width(line) > m) else {
        return vec![line.to_owned()];
    };
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in line.split(' ') {
        let indent = if lines.is_empty() { "" } else { "  " };
        let sep = if cur.is_empty() { indent } else { " " };
        // Runs of spaces are kept inside a line, never carried over a break.
        if word.is_empty() && (cur.trim().is_empty() || width(&cur) + 1 > max) {
            continue;
        }
        if !cur.is_empty() && width(&cur) + sep.len() + width(word) > max {
            lines.push(std::mem::take(&mut cur));
            cur.push_str("  ");
            cur.push_str(word);
        } else {
            cur.push_str(sep);
            cur.push_str(word);
        }
    }
    lines.push(cur);
    lines.into_iter().map(|l| cut(l.trim_end(), max)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 3] = [
        Column {
            header: "name",
            soft: 10,
            min: 6,
            drop: 0,
        },
        Column {
            header: "extra",
            soft: 8,
            min: 5,
            drop: 1,
        },
        Column {
            header: "level",
            soft: 8,
            min: 8,
            drop: 0,
        },
    ];

    fn rows() -> Vec<Vec<String>> {
        vec![vec![
            "a rather long product name".into(),
            "some extra text".into(),
            "critical".into(),
        ]]
    }

    #[test]
    fn a_table_that_fits_keeps_its_natural_widths() {
        assert_eq!(
            fit(&COLS, &rows(), Some(200)),
            [Some(26), Some(15), Some(8)]
        );
        assert_eq!(fit(&COLS, &rows(), None), [Some(26), Some(15), Some(8)]);
    }

    #[test]
    fn columns_shrink_then_the_least_important_is_dropped() {
        // Soft widths fit: 10 + 8 + 8 + 4 = 30.
        assert_eq!(fit(&COLS, &rows(), Some(30)), [Some(10), Some(8), Some(8)]);
        // Below that the extra column goes and the name gets the room.
        assert_eq!(fit(&COLS, &rows(), Some(25)), [Some(15), None, Some(8)]);
        // Then the name shrinks to its minimum, and no further.
        assert_eq!(fit(&COLS, &rows(), Some(16)), [Some(6), None, Some(8)]);
        assert_eq!(fit(&COLS, &rows(), Some(5)), [Some(6), None, Some(8)]);
    }

    #[test]
    fn cells_are_cut_with_an_ellipsis_and_padded() {
        assert_eq!(cell("Firefox", 10), "Firefox   ");
        assert_eq!(cell("Mozilla Firefox", 10), "Mozilla F…");
        assert_eq!(width(&cell("日本語のソフト", 7)), 7);
    }

    #[test]
    fn long_lines_wrap_at_spaces_with_an_indent() {
        let l = wrap("one two three four five six", Some(10));
        assert_eq!(l, ["one two", "  three", "  four", "  five six"]);
        assert!(l.iter().all(|x| width(x) <= 10));
        assert_eq!(wrap("short", Some(10)), ["short"]);
        assert_eq!(
            wrap("one   two   three", Some(10)),
            ["one   two", "  three"]
        );
        assert_eq!(
            wrap("x".repeat(30).as_str(), Some(10))[0].chars().count(),
            10
        );
    }
}
