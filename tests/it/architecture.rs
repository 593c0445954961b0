//! The house rules, checked on the source: the folders under `src/` are the
//! pipeline's stages, and imports only run downward (`docs/architecture.md`).
//!
//! Every `use crate::…` and every path starting with `crate::`, `super::`
//! or `self::` in `src/` is resolved to the top-level module it names; a
//! module may import only the modules listed for it in [`LAYERS`]. A new
//! top-level module fails this test until it is given its place. Functions
//! outside `#[cfg(test)]` stay within [`MAX_FN_LINES`] lines.
//!
//! Parsed with `syn`, so comments, strings and doc links don't count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Each top-level module of the crate, bottom first, with the modules it
/// may import. The order of this list is the order of the pipeline.
const LAYERS: &[(&str, &[&str])] = &[
    // The data that flows, and small utilities every stage may use.
    ("model", &[]),
    ("paths", &[]),
    ("bounded", &[]),
    ("date", &[]),
    ("isolate", &[]),
    ("diag", &[]),
    ("fmt", &[]),
    // The languages of the human-readable outputs (words, decimal mark, dates).
    ("i18n", &["model", "date", "fmt"]),
    // Leaf parsers and the rule database: they know no image.
    ("formats", &["model"]),
    (
        "rules",
        &["model", "formats", "diag", "paths", "date", "bounded"],
    ),
    // Stage 0: an image root, confined, and its OS.
    (
        "image",
        &["model", "formats", "paths", "isolate", "bounded"],
    ),
    // Stage 1: inventory sources and the walk; stage 2: fingerprints.
    (
        "collect",
        &[
            "model", "formats", "image", "paths", "isolate", "date", "bounded",
        ],
    ),
    ("walk", &["model", "image", "paths", "isolate"]),
    (
        "fingerprint",
        &["model", "formats", "image", "walk", "paths", "isolate"],
    ),
    ("progress", &["walk"]),
    // Stage 3: binaries to their owners; stage 4: facts to rules.
    ("attach", &["model", "image", "paths"]),
    ("identify", &["model", "rules", "image", "attach", "paths"]),
    // Stage 5: judgement (model, licence, the component, aggregates,
    // policy, gate), from what attach and identify found.
    (
        "assess",
        &[
            "model", "rules", "attach", "identify", "diag", "date", "fmt", "i18n", "paths",
            "bounded",
        ],
    ),
    // The orchestration of one scan.
    (
        "scan",
        &[
            "model",
            "image",
            "collect",
            "walk",
            "fingerprint",
            "progress",
            "attach",
            "identify",
            "assess",
            "rules",
            "paths",
            "isolate",
            "date",
        ],
    ),
    // An SBOM through the same identification and judgement.
    (
        "sbom",
        &[
            "model", "formats", "image", "attach", "identify", "assess", "rules", "scan",
        ],
    ),
    // Stage 6: renderers and views of a report.
    (
        "report",
        &["model", "rules", "assess", "fmt", "i18n", "paths", "date"],
    ),
    // The command line: everything.
    (
        "cli",
        &[
            "model",
            "paths",
            "bounded",
            "date",
            "isolate",
            "diag",
            "fmt",
            "i18n",
            "formats",
            "rules",
            "image",
            "collect",
            "walk",
            "fingerprint",
            "progress",
            "attach",
            "identify",
            "assess",
            "scan",
            "sbom",
            "report",
        ],
    ),
];

const MAX_FN_LINES: usize = 120;

/// `src/a/b/c.rs` → `["a", "b", "c"]`; `mod.rs` and `lib.rs` name their folder.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Whether an item carries `#[cfg(test)]`.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

/// Collects the crate modules a file refers to, and its long functions.
struct Scan<'a> {
    /// The file's own module path.
    here: &'a [String],
    /// Top-level modules referred to, with a line where.
    imports: BTreeMap<String, usize>,
    long_fns: Vec<(String, usize, usize)>,
}

impl Scan<'_> {
    /// Resolves a path's leading segments (`crate`, `super`, `self`) to
    /// the top-level module it reaches.
    fn reach(&mut self, segments: &[String], line: usize) {
        let mut at: Vec<String> = self.here.to_vec();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                at.clear();
                rest = &rest[1..];
            }
            Some("super") | Some("self") => {
                while let Some(s) = rest.first().map(String::as_str) {
                    match s {
                        "super" => {
                            at.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => return,
        }
        let top = at.first().or(rest.first());
        if let Some(top) = top {
            self.imports.entry(top.clone()).or_insert(line);
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, t: &syn::UseTree, line: usize) {
        match t {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, line);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.reach(prefix, line);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.reach(prefix, line);
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.reach(prefix, line),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line);
                }
            }
        }
    }

    fn function(&mut self, name: &syn::Ident, span: proc_macro2::Span) {
        let lines = span.end().line - span.start().line + 1;
        if lines > MAX_FN_LINES {
            self.long_fns
                .push((name.to_string(), span.start().line, lines));
        }
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if is_test(&f.attrs) {
            return;
        }
        self.function(&f.sig.ident, f.span());
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if is_test(&f.attrs) {
            return;
        }
        self.function(&f.sig.ident, f.span());
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let line = u.span().start().line;
        self.use_tree(&mut Vec::new(), &u.tree, line);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.reach(&segments, p.span().start().line);
        syn::visit::visit_path(self, p);
    }
}

struct House {
    /// file → (top-level module, the modules it imports with a line).
    files: Vec<(PathBuf, String, BTreeMap<String, usize>)>,
    long_fns: Vec<String>,
}

fn read_house() -> House {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut house = House {
        files: Vec::new(),
        long_fns: Vec::new(),
    };
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let here = module_path(&src, &file);
        let mut scan = Scan {
            here: &here,
            imports: BTreeMap::new(),
            long_fns: Vec::new(),
        };
        scan.visit_file(&ast);
        let rel = file.strip_prefix(&src).unwrap().to_path_buf();
        for (name, line, n) in scan.long_fns {
            house
                .long_fns
                .push(format!("src/{}:{line} fn {name}: {n} lines", rel.display()));
        }
        let Some(top) = here.first().cloned() else {
            continue; // lib.rs and main.rs declare the modules and call cli.
        };
        let mut imports = scan.imports;
        imports.remove(&top);
        house.files.push((rel, top, imports));
    }
    house
}

#[test]
fn imports_only_run_down_the_pipeline() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = LAYERS
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect();
    // The list itself runs downward: every allowed import is listed earlier.
    for (i, (m, deps)) in LAYERS.iter().enumerate() {
        for d in *deps {
            let j = LAYERS.iter().position(|(x, _)| x == d);
            assert!(
                j.is_some_and(|j| j < i),
                "{m} may import {d}, which is not below it in LAYERS"
            );
        }
    }
    let mut broken = Vec::new();
    for (file, top, imports) in read_house().files {
        let Some(ok) = allowed.get(top.as_str()) else {
            broken.push(format!(
                "src/{}: module `{top}` has no place in LAYERS",
                file.display()
            ));
            continue;
        };
        for (m, line) in imports {
            if !ok.contains(m.as_str()) {
                broken.push(format!(
                    "src/{}:{line}: `{top}` imports `{m}`",
                    file.display()
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the house rules:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let long = read_house().long_fns;
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The check can fail: a made-up file that imports upward is caught.
#[test]
fn an_upward_import_is_caught() {
    let ast = syn::parse_file("use crate::report::FORMATS; fn f() { super::super::cli::main(); }")
        .unwrap();
    let here = vec!["model".to_owned(), "x".to_owned()];
    let mut scan = Scan {
        here: &here,
        imports: BTreeMap::new(),
        long_fns: Vec::new(),
    };
    scan.visit_file(&ast);
    let got: Vec<&str> = scan.imports.keys().map(String::as_str).collect();
    assert_eq!(got, ["cli", "report"]);
    let long = format!(
        "fn long() {{\n{}}}\n",
        "    let _x = 1;\n".repeat(MAX_FN_LINES)
    );
    let mut scan = Scan {
        here: &here,
        imports: BTreeMap::new(),
        long_fns: Vec::new(),
    };
    scan.visit_file(&syn::parse_file(&long).unwrap());
    assert_eq!(scan.long_fns.len(), 1);
}
