//! What the page formats (HTML and PDF) draw alike, kept in one place so the
//! two look the same: the colours of levels, jurisdiction buckets, meters
//! and chart marks, and the points of the plan's timeline. Colours are
//! `#rrggbb` strings (CSS and SVG take them as they are; the PDF back-end
//! reads them with [`rgb`]).

use crate::model::plan::Plan;
use crate::model::risk::Level;

/// Colour of a level (white text on it has at least 4.5:1 contrast).
pub fn level_colour(l: Level) -> &'static str {
    match l {
        Level::Critical => "#7f1d1d",
        Level::High => "#b93c0a",
        Level::Unknown => "#4b5563",
        Level::Medium => "#8a5a06",
        Level::Low => "#166534",
    }
}

/// Colours of the jurisdiction buckets (`Inline::Swatch` and the parts of
/// a shares chart), in the report's order.
pub const BLOC_COLOURS: [&str; 7] = [
    "#1d4ed8", "#0e7490", "#b91c1c", "#581c87", "#a16207", "#166534", "#6b7280",
];

/// The colour of the i-th jurisdiction bucket.
pub fn bloc_colour(i: usize) -> &'static str {
    BLOC_COLOURS[i % BLOC_COLOURS.len()]
}

/// The index: its meter, its line in the timeline, an unmarked bar.
pub const INDEX: &str = "#1d4ed8";
/// The open-source share: its meter and its line in the timeline.
pub const OPEN_SOURCE: &str = "#166534";
/// Marked bars and the target line.
pub const WARNING: &str = "#b91c1c";

/// The red, green and blue of a `#rrggbb` colour of this module.
pub fn rgb(hex: &str) -> (u8, u8, u8) {
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    (byte(1), byte(3), byte(5))
}

/// (year, open-source share by role weight in %, index) now and after
/// each phase.
pub fn timeline_points(p: &Plan) -> Vec<(u16, f64, f64)> {
    let now = (
        p.start_year - 1,
        100.0 * p.baseline.oss_share_weighted.unwrap_or(0.0),
        p.baseline.index.unwrap_or(0.0),
    );
    std::iter::once(now)
        .chain(p.phases.iter().map(|ph| {
            let f = &ph.figures;
            (
                ph.year,
                100.0 * f.oss_share_weighted.unwrap_or(0.0),
                f.index.unwrap_or(0.0),
            )
        }))
        .collect()
}

/// The timeline's years: "now" one step before the plan's first year, and
/// the last of its phases and its target year.
pub fn timeline_years(p: &Plan) -> (u16, u16) {
    let first = p.start_year - 1;
    let last = p
        .phases
        .last()
        .map_or(p.target_year, |ph| ph.year)
        .max(p.target_year);
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_colour() {
        assert_eq!(rgb("#b93c0a"), (0xb9, 0x3c, 0x0a));
        for l in Level::WORST_FIRST {
            assert_ne!(rgb(level_colour(l)), (0, 0, 0));
        }
        assert_eq!(bloc_colour(7), BLOC_COLOURS[0]);
    }
}
