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
use crate::diag::{Code, Diagnostic};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rule files built into the binary.
pub fn embedded_sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|(name, text)| Source {
            name: (*name).to_owned(),
            text: Cow::Borrowed(text),
        })
        .collect()
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
            let text =
                std::fs::read_to_string(&f).map_err(|e| unreadable(&f, "cannot read rules", e))?;
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

/// Loads layers of rule files (the first is usually the embedded database),
/// validates references across all of them, and compiles the matcher.
pub fn load(layers: Vec<Vec<Source>>) -> Result<RuleDb, Vec<Diagnostic>> {
    let mut ctx = Ctx::default();
    let mut tables = Tables::default();
    for layer in layers {
        tables.begin_layer();
        for src in layer {
            let file = ctx.files.len();
            ctx.files.push(src);
            let src = &ctx.files[file];
            match toml::from_str::<RuleFile>(&src.text) {
                Ok(rf) => tables.add_file(&mut ctx, file, rf),
                Err(e) => {
                    let d = Diagnostic::toml(&src.name, &src.text, &e, Code::RuleSyntax);
                    ctx.errors.push(d);
                }
            }
        }
    }
    let db = validate::validate(&mut ctx, tables);
    if !ctx.errors.is_empty() {
        return Err(ctx.errors);
    }
    db.ok_or_else(Vec::new)
}
