//! Loading rule files: the embedded database and `--rules` paths, parsed
//! layer by layer (`layers.rs`) and then validated as a whole
//! (`validate/`).
//!
//! Every problem is reported as a located [`Diagnostic`], and all of them at
//! once, so `sovscan rules check` shows a whole file's mistakes in one run.

use super::RuleDb;
use super::layers::{Ctx, Source, Tables};
use super::schema::RuleFile;
use super::validate;
use crate::bounded;
use crate::diag::{Code, Diagnostic};
use crate::formats::nesting::{MAX_TOML_DEPTH, check_toml};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The rule files built into the binary: each one's name, text and, when
/// `build.rs` could parse it, its [`RuleFile`] in postcard form (a file it
/// could not parse is parsed here, to report its mistakes as any file's).
type Embedded = (&'static str, &'static str, Option<&'static [u8]>);

static EMBEDDED: &[Embedded] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rule files built into the binary.
pub fn embedded_sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|&(name, text, _)| source(name, text))
        .collect()
}

fn source(name: &str, text: &'static str) -> Source {
    Source {
        name: name.to_owned(),
        text: Cow::Borrowed(text),
    }
}

/// One rule file: its source, and its tables when they were parsed before.
type File = (Source, Option<RuleFile>);

/// The embedded database from the form `build.rs` stored: no TOML is
/// parsed (a test, `the_compiled_form_is_the_toml_parse`, holds the two
/// equal), and its patterns compile on first use.
pub(super) fn load_embedded() -> Result<RuleDb, Vec<Diagnostic>> {
    let files = EMBEDDED
        .iter()
        .map(|&(name, text, stored)| {
            let parsed = stored.and_then(|bytes| postcard::from_bytes(bytes).ok());
            (source(name, text), parsed)
        })
        .collect();
    load_files(vec![files], false)
}

/// Reads `--rules` paths: a file, or a directory of `*.toml` files (sorted,
/// recursively). Each path is one layer.
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<Vec<Source>>, Diagnostic> {
    let mut layers = Vec::new();
    for p in paths {
        let mut files = Vec::new();
        let meta = std::fs::metadata(p).map_err(|e| unreadable(p, "cannot read rules", e))?;
        if meta.is_dir() {
            collect_toml(p, &mut files)
                .map_err(|e| unreadable(p, "cannot read rules directory", e))?;
            files.sort();
            if files.is_empty() {
                let msg = "no *.toml rule files in this directory";
                return Err(whole_file(p, Code::RuleDirEmpty, msg));
            }
        } else {
            files.push(p.clone());
        }
        let mut layer = Vec::new();
        for f in files {
            // A FIFO or a device named `*.toml` is refused, not waited on.
            let text = bounded::read_to_string(&f, bounded::TEXT, bounded::Links::Follow)
                .map_err(|e| unreadable(&f, "cannot read rules", e))?;
            layer.push(Source {
                name: f.display().to_string(),
                text: Cow::Owned(text),
            });
        }
        layers.push(layer);
    }
    Ok(layers)
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect_toml(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

fn unreadable(p: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    whole_file(p, Code::RuleUnreadable, format!("{what}: {e}"))
}

fn whole_file(p: &Path, code: Code, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::whole_file(p.display().to_string(), code, msg)
}

/// Parses a file people write by hand (a rule file, a policy) as `T`,
/// refusing it first when it nests deeper than [`MAX_TOML_DEPTH`], which
/// toml's parse would not survive on a small stack. `codes` are the file
/// kind's codes for syntax and for nesting.
pub fn parse_toml<T: DeserializeOwned>(
    name: &str,
    text: &str,
    (syntax, too_deep): (Code, Code),
) -> Result<T, Diagnostic> {
    if let Err(e) = check_toml(text, MAX_TOML_DEPTH) {
        let msg = format!("tables and arrays {e}");
        return Err(Diagnostic::at(name, text, e.offset, too_deep, msg));
    }
    toml::from_str(text).map_err(|e| Diagnostic::toml(name, text, &e, syntax))
}

/// Loads layers of rule files (the first is usually the embedded database),
/// validates references across all of them, and compiles the matcher.
pub fn load(layers: Vec<Vec<Source>>) -> Result<RuleDb, Vec<Diagnostic>> {
    load_as(layers, true)
}

/// [`load`]; with `compile` false the matcher's sets compile on first use
/// (the embedded database alone, whose sets a test compiles).
pub(super) fn load_as(layers: Vec<Vec<Source>>, compile: bool) -> Result<RuleDb, Vec<Diagnostic>> {
    let layers = layers
        .into_iter()
        .map(|layer| layer.into_iter().map(|src| (src, None)).collect())
        .collect();
    load_files(layers, compile)
}

/// [`load_as`] with the files whose tables are already parsed.
fn load_files(layers: Vec<Vec<File>>, compile: bool) -> Result<RuleDb, Vec<Diagnostic>> {
    let mut ctx = Ctx::default();
    let mut tables = Tables::default();
    for layer in layers {
        tables.begin_layer();
        for (src, stored) in layer {
            let file = ctx.files.len();
            ctx.files.push(src);
            let src = &ctx.files[file];
            let codes = (Code::RuleSyntax, Code::RuleTooDeep);
            // The nesting bound guards against files people write; the
            // embedded ones (`compile` false) are known to parse.
            let parsed = if let Some(rf) = stored {
                Ok(rf)
            } else if compile {
                parse_toml::<RuleFile>(&src.name, &src.text, codes)
            } else {
                toml::from_str(&src.text)
                    .map_err(|e| Diagnostic::toml(&src.name, &src.text, &e, codes.0))
            };
            match parsed {
                Ok(rf) => tables.add_file(&mut ctx, file, rf),
                Err(d) => ctx.errors.push(d),
            }
        }
    }
    let db = validate::validate(&mut ctx, tables, compile);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    db.ok_or_else(Vec::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems with one code, as the user sees them, when `text` is
    /// loaded as the only rule file, on a stack an eighth of a worker's.
    fn problems_on_a_small_stack(text: String, code: Code) -> Vec<String> {
        let errors = crate::isolate::on_small_stack(move || {
            let file = Source {
                name: "local.toml".into(),
                text: Cow::Owned(text),
            };
            load(vec![vec![file]]).err().unwrap_or_default()
        });
        errors
            .iter()
            .filter(|d| d.code == code)
            .map(ToString::to_string)
            .collect()
    }

    /// A product whose `packages` nest `arrays` deep (`[product.match]`
    /// is level 4, so the list is level 5).
    fn nested_packages(arrays: usize) -> String {
        format!(
            "[[product]]\nid = \"x\"\n\n[product.match]\npackages = {}\"x\"{}\n",
            "[".repeat(arrays),
            "]".repeat(arrays)
        )
    }

    /// What `build.rs` stored for each embedded file is what parsing its
    /// TOML gives, every span included, and the database loaded from it is
    /// the one loaded from the text: the two can never drift.
    #[test]
    fn the_compiled_form_is_the_toml_parse() {
        for &(name, text, stored) in EMBEDDED {
            let stored = stored.unwrap_or_else(|| panic!("{name}: build.rs stored no form"));
            let decoded: RuleFile = postcard::from_bytes(stored).expect(name);
            let parsed: RuleFile = toml::from_str(text).expect(name);
            assert_eq!(format!("{decoded:#?}"), format!("{parsed:#?}"), "{name}");
        }
        let stored = RuleDb::embedded().unwrap();
        let parsed = load_as(vec![embedded_sources()], false).unwrap();
        let tables = |db: &RuleDb| {
            format!(
                "{:#?}",
                (
                    &db.meta,
                    &db.licenses,
                    &db.categories,
                    &db.laws,
                    &db.jurisdictions,
                    &db.vendors,
                    &db.products,
                    &db.model,
                    &db.alternative_gaps,
                )
            )
        };
        assert_eq!(tables(&stored), tables(&parsed));
    }

    #[test]
    fn rule_files_past_the_nesting_bound_are_errors_on_a_small_stack() {
        let hostile = nested_packages(MAX_TOML_DEPTH * 100);
        // Level 25 is the 21st bracket, at column 12 + 20.
        assert_eq!(
            problems_on_a_small_stack(hostile, Code::RuleTooDeep),
            ["local.toml:5:32: tables and arrays nested deeper than 24 levels [R037]"]
        );
        // At the bound toml parses it, and the schema refuses it.
        let at_bound = nested_packages(MAX_TOML_DEPTH - 4);
        assert_eq!(
            problems_on_a_small_stack(at_bound.clone(), Code::RuleTooDeep),
            Vec::<String>::new()
        );
        let syntax = problems_on_a_small_stack(at_bound, Code::RuleSyntax);
        assert_eq!(syntax.len(), 1, "{syntax:?}");
        assert!(syntax[0].starts_with("local.toml:5:"), "{syntax:?}");
    }
}
