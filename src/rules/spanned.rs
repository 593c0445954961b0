//! A value with the byte range of the rule file it was read from, and a
//! TOML date, as the rule schema (`schema.rs`) holds them.
//!
//! Read from TOML (a human-readable format) both are what `toml` gives:
//! [`toml::Spanned`] and [`toml::value::Datetime`]. In a compact binary
//! form (postcard, not human-readable) a span is written as its two
//! offsets before the value and a date as its text, so the embedded
//! database that `build.rs` parsed at build time comes back with the very
//! spans the TOML parse gives, and diagnostics and `at` lines stay the
//! same. This file is also compiled into `build.rs`, so it names nothing
//! of the crate.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Range;

/// A value and where it was written (byte offsets into its file).
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    span: Range<usize>,
    value: T,
}

impl<T> Spanned<T> {
    pub fn new(span: Range<usize>, value: T) -> Self {
        Self { span, value }
    }

    /// Byte offsets of the value in its file.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    pub fn get_ref(&self) -> &T {
        &self.value
    }

    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    pub fn into_inner(self) -> T {
        self.value
    }
}

/// Equal values are equal wherever they were written, as with
/// [`toml::Spanned`].
impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = toml::Spanned::<T>::deserialize(d)?;
            Ok(Self::new(s.span(), s.into_inner()))
        } else {
            let (start, end, value) = <(usize, usize, T)>::deserialize(d)?;
            Ok(Self::new(start..end, value))
        }
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.value.serialize(s)
        } else {
            (self.span.start, self.span.end, &self.value).serialize(s)
        }
    }
}

/// A TOML date, time or date-time as written (`2026-11-22`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datetime(pub toml::value::Datetime);

impl std::ops::Deref for Datetime {
    type Target = toml::value::Datetime;

    fn deref(&self) -> &toml::value::Datetime {
        &self.0
    }
}

impl fmt::Display for Datetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Datetime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            toml::value::Datetime::deserialize(d).map(Self)
        } else {
            let text = String::deserialize(d)?;
            text.parse().map(Self).map_err(serde::de::Error::custom)
        }
    }
}

impl Serialize for Datetime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.0.serialize(s)
        } else {
            s.collect_str(&self.0)
        }
    }
}
