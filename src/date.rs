//! Calendar dates for the assessment model: control-change ages and
//! mitigation expiry. Written by hand because it needs only parsing,
//! comparison, whole-year steps and today's date (Hinnant's days-to-civil
//! conversion, 10 lines); a date crate would add far more than it saves.

use std::fmt;

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (the form TOML dates print as).
    pub fn parse(s: &str) -> Option<Self> {
        let mut it = s.trim().splitn(3, '-');
        let year = it.next()?.parse().ok()?;
        let month: u8 = it.next()?.parse().ok()?;
        let day: u8 = it.next()?.get(..2)?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Self { year, month, day })
    }

    /// Today, from the system clock (UTC).
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days((secs / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant, "chrono-compatible
    /// low-level date algorithms", civil_from_days).
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// The same day `years` later (29 February stays 29 February; only the
    /// ordering matters here).
    pub fn plus_years(self, years: u32) -> Self {
        Self {
            year: self.year + years as i32,
            ..self
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_compares_and_converts() {
        let d = Date::parse("2022-09-30").unwrap();
        assert_eq!(d.to_string(), "2022-09-30");
        assert!(d.plus_years(3) < Date::parse("2026-11-22").unwrap());
        assert!(
            Date::parse("2024-07-01").unwrap().plus_years(3) > Date::parse("2026-11-22").unwrap()
        );
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_414).to_string(), "2025-11-22");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("yesterday"), None);
    }
}
