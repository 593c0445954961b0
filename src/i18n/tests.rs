//! The message files as a contract between languages: the same ids and
//! attributes everywhere, every id the code names present, and the
//! notation of numbers and dates per language.

use super::*;
use fluent_syntax::ast;
use std::collections::BTreeSet;

/// `id` and `id.attribute` of every message and term in one file.
fn ids(lang: Lang, area: &str, text: &str) -> BTreeSet<String> {
    let resource = fluent_syntax::parser::parse(text)
        .unwrap_or_else(|(_, e)| panic!("{}/{area}.ftl does not parse: {e:?}", lang.tag()));
    let mut out = BTreeSet::new();
    for entry in resource.body {
        let (id, attributes) = match entry {
            ast::Entry::Message(m) => (m.id.name.to_owned(), m.attributes),
            ast::Entry::Term(t) => (format!("-{}", t.id.name), t.attributes),
            _ => continue,
        };
        for a in attributes {
            out.insert(format!("{id}.{}", a.id.name));
        }
        assert!(
            out.insert(id.clone()),
            "{}/{area}.ftl: `{id}` twice",
            lang.tag()
        );
    }
    out
}

#[test]
fn languages_have_the_same_messages() {
    let areas = |l: Lang| l.files().iter().map(|(a, _)| *a).collect::<Vec<_>>();
    assert_eq!(
        areas(Lang::En),
        areas(Lang::De),
        "the same files in every language"
    );
    for ((area, en), (_, de)) in EN.iter().zip(DE) {
        let (en, de) = (ids(Lang::En, area, en), ids(Lang::De, area, de));
        let only_en: Vec<_> = en.difference(&de).collect();
        let only_de: Vec<_> = de.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_de.is_empty(),
            "{area}.ftl: only in English {only_en:?}, only in German {only_de:?}"
        );
    }
}

/// One bundle holds every area, so an id may be in one file only (a
/// second one would silently shadow or be refused).
#[test]
fn an_id_lives_in_one_file() {
    for lang in Lang::ALL {
        let mut seen = std::collections::BTreeMap::new();
        for (area, text) in lang.files() {
            for id in ids(lang, area, text) {
                if let Some(first) = seen.insert(id.clone(), *area) {
                    panic!("{}: `{id}` in {first}.ftl and {area}.ftl", lang.tag());
                }
            }
        }
    }
}

#[test]
fn every_message_formats_without_errors_in_every_language() {
    for lang in Lang::ALL {
        let bundle = lang.bundle();
        for (area, text) in lang.files() {
            for id in ids(lang, area, text) {
                if id.contains('.') || id.starts_with('-') {
                    continue;
                }
                let pattern = bundle.get_message(&id).and_then(|m| m.value());
                let Some(pattern) = pattern else { continue };
                // Messages with arguments are formatted with a number for
                // every argument: the errors that matter are references to
                // messages or terms that don't exist.
                let mut errors = Vec::new();
                let mut args = FluentArgs::new();
                for name in ["count", "n", "share", "year", "name"] {
                    args.set(name, 1);
                }
                bundle.format_pattern(pattern, Some(&args), &mut errors);
                let missing: Vec<_> = errors
                    .iter()
                    .filter(|e| {
                        !matches!(
                            e,
                            fluent_bundle::FluentError::ResolverError(
                                fluent_bundle::resolver::ResolverError::Reference(
                                    fluent_bundle::resolver::errors::ReferenceKind::Variable { .. }
                                )
                            )
                        )
                    })
                    .collect();
                assert!(
                    missing.is_empty(),
                    "{}/{area}.ftl `{id}`: {missing:?}",
                    lang.tag()
                );
            }
        }
    }
}

/// Every literal id the code passes to `.t("…")` or `.ta("…", …)` is a
/// message in English (and so, by the test above, in German).
#[test]
fn every_literal_id_exists() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("src is readable");
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(entry.path()).expect("a source file");
        // Code only: a comment may show an example id.
        let text: String = source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (i, _) in text.match_indices(".t") {
            let rest = &text[i + 2..];
            let rest = rest
                .strip_prefix("a(")
                .or_else(|| rest.strip_prefix('('))
                .unwrap_or("");
            let Some(rest) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            let Some(end) = rest.find('"') else { continue };
            let id = &rest[..end];
            let is_id = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_id && !Lang::En.has(id) {
                missing.push(format!("{}: {id}", entry.path().display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message ids the code uses but en/*.ftl lacks: {missing:?}"
    );
}

#[test]
fn german_numbers_take_a_decimal_comma_and_dates_the_day_first() {
    assert_eq!(Lang::En.pct(0.681), "68.1 %");
    assert_eq!(Lang::De.pct(0.681), "68,1 %");
    assert_eq!(Lang::De.index(Some(42.25)), "42,2");
    assert_eq!(Lang::De.index(None), "k. A.");
    assert_eq!(Lang::En.opt_pct(None), "n/a");
    assert_eq!(Lang::De.num(1.5), "1,5");
    let d = Date::parse("2026-12-06").expect("a date");
    assert_eq!(Lang::En.date(d), "2026-12-06");
    assert_eq!(Lang::De.date(d), "06.12.2026");
}

#[test]
fn plurals_and_levels_follow_the_language() {
    assert_eq!(Lang::En.ta("files", &[("count", 1.into())]), "1 file");
    assert_eq!(Lang::De.ta("files", &[("count", 3.into())]), "3 Dateien");
    assert_eq!(Lang::De.level(Level::Critical), "sehr hoch");
    assert_eq!(Lang::En.level(Level::Unknown), "unknown");
}
