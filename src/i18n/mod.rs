//! The languages of the human-readable outputs (`--lang en|de`): one
//! Fluent message file per area and language under `src/i18n/<lang>/`,
//! compiled into the binary, and the few things a language changes beyond
//! words: the decimal separator and how dates are written.
//!
//! Why Fluent (`fluent-bundle`): it is Mozilla's maintained localisation
//! system, its files are plain text a translator can edit without reading
//! Rust, and plurals and arguments are part of the message, not of the code.
//! Numbers are formatted here, not by Fluent's `NUMBER()`: the crate has no
//! locale data for grouping and decimal marks, and the reports need exactly
//! one decimal mark per language (`68.1 %`, `68,1 %`).
//!
//! The machine formats (JSON, CSV, CycloneDX, SARIF, NDJSON, Parquet) never
//! come here: their keys and numbers are the same in every language.
//!
//! Use: `lang.t("report-title")`, `lang.ta("files", &[("count", n.into())])`,
//! `lang.pct(share)`, `lang.date(d)`. A message id that is not in the
//! English files is a bug the tests catch (`every_literal_id_exists`); every
//! id in one language must be in the other (`languages_have_the_same_messages`).

use crate::date::Date;
use crate::model::risk::Level;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::OnceLock;

pub use fluent_bundle::FluentValue;

/// A language of the human-readable outputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// German: the terms a German administration uses, `68,1 %`, `06.12.2026`.
    De,
}

/// The message files, per language in the same order: `(area, text)`.
/// A new area is one file in each language folder and one line in each list.
const EN: &[(&str, &str)] = &[
    ("common", include_str!("en/common.ftl")),
    ("table", include_str!("en/table.ftl")),
    ("explain", include_str!("en/explain.ftl")),
    ("check", include_str!("en/check.ftl")),
    ("plan", include_str!("en/plan.ftl")),
    ("diff", include_str!("en/diff.ftl")),
    ("gate", include_str!("en/gate.ftl")),
    ("report", include_str!("en/report.ftl")),
];
const DE: &[(&str, &str)] = &[
    ("common", include_str!("de/common.ftl")),
    ("table", include_str!("de/table.ftl")),
    ("explain", include_str!("de/explain.ftl")),
    ("check", include_str!("de/check.ftl")),
    ("plan", include_str!("de/plan.ftl")),
    ("diff", include_str!("de/diff.ftl")),
    ("gate", include_str!("de/gate.ftl")),
    ("report", include_str!("de/report.ftl")),
];

impl Lang {
    /// Every language, for tests and `--help`.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The BCP 47 tag: `en`, `de` (HTML `lang`, PDF metadata).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    fn files(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => EN,
            Lang::De => DE,
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; 2] =
            [OnceLock::new(), OnceLock::new()];
        BUNDLES[self as usize].get_or_init(|| build(self))
    }

    /// The message `id` without arguments. An unknown id shows as itself
    /// (and fails the tests), never as an empty string.
    pub fn t(self, id: &str) -> String {
        self.ta(id, &[])
    }

    /// The message `id` with named arguments (`{ $count }` in the file).
    pub fn ta(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            debug_assert!(false, "no message `{id}` in {}", self.tag());
            return id.to_owned();
        };
        let mut fa = FluentArgs::with_capacity(args.len());
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fa), &mut errors);
        debug_assert!(
            errors.is_empty(),
            "message `{id}` ({}): {errors:?}",
            self.tag()
        );
        text.into_owned()
    }

    /// Whether the language has a message `id` (for ids built at run time,
    /// such as a level's or a category's name, with a fallback).
    pub fn has(self, id: &str) -> bool {
        self.bundle().has_message(id)
    }

    /// A risk level's name: `critical`, `sehr hoch` (docs/model.md).
    pub fn level(self, level: Level) -> String {
        self.t(&format!("level-{}", level.as_str()))
    }

    /// A decimal number as text (`12.3`) in this language's notation (`12,3`).
    pub fn decimal(self, text: &str) -> String {
        match self {
            Lang::En => text.to_owned(),
            Lang::De => text.replace('.', ","),
        }
    }

    /// A share (0..1) as the reports print it: `12.3 %`, `12,3 %`.
    pub fn pct(self, share: f64) -> String {
        self.decimal(&crate::fmt::pct(share))
    }

    /// [`Lang::pct`], or `n/a` / `k. A.` when the share is not defined.
    pub fn opt_pct(self, share: Option<f64>) -> String {
        share.map_or_else(|| self.t("not-available"), |s| self.pct(s))
    }

    /// The sovereignty index with one decimal, or `n/a` / `k. A.`.
    pub fn index(self, x: Option<f64>) -> String {
        x.map_or_else(
            || self.t("not-available"),
            |i| self.decimal(&format!("{i:.1}")),
        )
    }

    /// A model figure (weight, score, HHI), as [`crate::fmt::num`].
    pub fn num(self, x: f64) -> String {
        self.decimal(&crate::fmt::num(x))
    }

    /// A date: `2026-12-06` in English (ISO 8601, as the JSON writes it),
    /// `06.12.2026` in German (DIN 5008).
    pub fn date(self, d: Date) -> String {
        let iso = d.to_string();
        match self {
            Lang::En => iso,
            Lang::De => {
                let mut parts = iso.splitn(3, '-');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(y), Some(m), Some(d)) => format!("{d}.{m}.{y}"),
                    _ => iso,
                }
            }
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// One language's bundle from its files. The files are part of the binary
/// and tested, so a syntax error here is a build defect: it panics in
/// tests and debug builds; a release build keeps the messages it could read.
fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around arguments would end up in the table,
    // in Markdown and in PDF text; the outputs are left-to-right only.
    bundle.set_use_isolating(false);
    for (area, text) in lang.files() {
        let resource = FluentResource::try_new((*text).to_owned()).unwrap_or_else(|(r, e)| {
            debug_assert!(false, "{}/{area}.ftl: {e:?}", lang.tag());
            r
        });
        if let Err(e) = bundle.add_resource(resource) {
            debug_assert!(false, "{}/{area}.ftl: {e:?}", lang.tag());
        }
    }
    bundle
}

#[cfg(test)]
mod tests;
