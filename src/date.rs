//! Calendar dates for the assessment model: control-change ages and
//! mitigation expiry. The calendar is the `time` crate's (already compiled
//! in for x509-parser and plist); this type keeps to what the model needs
//! (read a TOML date, today, whole-year steps, print `YYYY-MM-DD`), so the
//! callers don't depend on the crate's API.

use std::fmt;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// `YYYY-MM-DD`, the form TOML dates print as.
const YMD: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`, also when a time follows (a TOML date-time
    /// prints as `2027-06-30T12:00:00Z`). `None` for anything else,
    /// including days a month doesn't have.
    pub fn parse(s: &str) -> Option<Self> {
        let ymd = s.trim().get(..10)?;
        time::Date::parse(ymd, YMD).ok().map(Self)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// Today, from the system clock (UTC).
    pub fn today() -> Self {
        Self(time::OffsetDateTime::now_utc().date())
    }

    /// The UTC day of a Unix time (seconds since 1970-01-01T00:00:00Z), as
    /// `SOURCE_DATE_EPOCH` gives it; `None` outside the calendar.
    pub fn from_unix_seconds(secs: i64) -> Option<Self> {
        time::OffsetDateTime::from_unix_timestamp(secs)
            .ok()
            .map(|t| Self(t.date()))
    }

    /// Days since 1970-01-01 (negative before), Parquet's `DATE`.
    pub fn days_since_epoch(self) -> i32 {
        self.0.to_julian_day() - 2_440_588
    }

    /// The same day `years` later. 29 February becomes 1 March in a common
    /// year: "later than" comparisons (the only ones the model makes) come
    /// out as for the 29 February that year doesn't have. Past the
    /// calendar's last year (9999), its last day.
    pub fn plus_years(self, years: u32) -> Self {
        let later = i32::try_from(years)
            .ok()
            .and_then(|y| self.0.year().checked_add(y))
            .and_then(|y| {
                self.0
                    .replace_year(y)
                    .or_else(|_| time::Date::from_calendar_date(y, time::Month::March, 1))
                    .ok()
            });
        Self(later.unwrap_or(time::Date::MAX))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(YMD).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_compares_and_prints() {
        let date = d("2022-09-30");
        assert_eq!(date.to_string(), "2022-09-30");
        assert!(date.plus_years(3) < d("2026-11-22"));
        assert!(d("2024-07-01").plus_years(3) > d("2026-11-22"));
        assert_eq!(d("0987-01-05").to_string(), "0987-01-05");
        assert_eq!(d(" 2027-06-30T12:00:00Z").to_string(), "2027-06-30");
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("yesterday"), None);
        assert_eq!(Date::parse("2026-1"), None);
        assert!(Date::today() > d("2020-01-01"));
    }

    #[test]
    fn whole_years_from_a_leap_day() {
        let leap = d("2024-02-29");
        assert_eq!(leap.plus_years(4).to_string(), "2028-02-29");
        // Later than every day up to 28 February, not later than 1 March.
        let next = leap.plus_years(1);
        assert!(next > d("2025-02-28"));
        assert!(next <= d("2025-03-01"));
        assert_eq!(
            d("2020-05-17").plus_years(u32::MAX).to_string(),
            "9999-12-31"
        );
    }
}
