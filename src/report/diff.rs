//! `sovscan diff OLD.json NEW.json`: drift between two scans. Products (or,
//! with `--components`, components) are matched by image and `key`
//! (`product:ID`, `Package::key`: no version, so an update is a change, not
//! a removal and an addition).

use super::table::level_name;
use crate::i18n::Lang;
use crate::model::report::{Component, Report};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub key: String,
    pub name: String,
    pub version: Option<String>,
    pub vendor: Option<String>,
    pub level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub key: String,
    pub name: String,
    /// (field, old, new) for `version`, `vendor`, `level`.
    pub fields: Vec<(String, Option<String>, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    pub old: Option<f64>,
    pub new: Option<f64>,
    pub delta: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
    pub changed: Vec<Change>,
    pub index: Delta,
    pub oss_share: Delta,
    pub coverage: Delta,
}

fn entry(c: &Component) -> Entry {
    Entry {
        key: c.identity(),
        name: c.name.clone(),
        version: c.version.clone(),
        vendor: c.vendor.as_ref().map(|v| v.id.clone()),
        level: Some(c.risk.level.as_str().to_owned()),
    }
}

fn delta(o: Option<f64>, n: Option<f64>) -> Delta {
    Delta {
        old: o,
        new: n,
        delta: o.zip(n).map(|(o, n)| crate::assess::round(4, n - o)),
    }
}

pub fn diff(old: &Report, new: &Report, components: bool) -> Diff {
    let index = |r: &Report| -> BTreeMap<String, Entry> {
        r.units(components)
            .iter()
            .map(|c| (c.identity(), entry(c)))
            .collect()
    };
    let (a, b) = (index(old), index(new));
    let mut changed = Vec::new();
    for (k, o) in &a {
        if let Some(n) = b.get(k) {
            let fields: Vec<_> = [
                ("version", &o.version, &n.version),
                ("vendor", &o.vendor, &n.vendor),
                ("level", &o.level, &n.level),
            ]
            .into_iter()
            .filter(|(_, x, y)| x != y)
            .map(|(f, x, y)| (f.to_owned(), x.clone(), y.clone()))
            .collect();
            if !fields.is_empty() {
                changed.push(Change {
                    key: k.clone(),
                    name: o.name.clone(),
                    fields,
                });
            }
        }
    }
    Diff {
        added: b
            .iter()
            .filter(|(k, _)| !a.contains_key(*k))
            .map(|(_, e)| e.clone())
            .collect(),
        removed: a
            .iter()
            .filter(|(k, _)| !b.contains_key(*k))
            .map(|(_, e)| e.clone())
            .collect(),
        changed,
        index: delta(old.summary.model.index, new.summary.model.index),
        oss_share: delta(
            old.summary.model.oss_share.count,
            new.summary.model.oss_share.count,
        ),
        coverage: delta(old.summary.model.coverage, new.summary.model.coverage),
    }
}

fn o(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

fn d(x: &Delta, lang: Lang) -> String {
    match (x.old, x.new, x.delta) {
        (Some(a), Some(b), Some(c)) => lang.decimal(&format!("{a} → {b} ({c:+})")),
        _ => lang.t("not-available"),
    }
}

/// A level as recorded, or `-`, named in `lang`.
fn lv(v: &Option<String>, lang: Lang) -> String {
    v.as_deref()
        .map_or_else(|| "-".to_owned(), |l| level_name(l, lang))
}

/// An entry added or removed: `id` names the message.
fn entry_line(s: &mut String, li: &str, id: &str, e: &Entry, lang: Lang) {
    let line = lang.ta(
        id,
        &[
            ("name", e.name.as_str().into()),
            ("version", o(&e.version).into()),
            ("vendor", o(&e.vendor).into()),
            ("level", lv(&e.level, lang).into()),
        ],
    );
    let _ = writeln!(s, "{li}{line}");
}

/// Plain text, or Markdown when `markdown`, in `lang`.
pub fn render_text(x: &Diff, markdown: bool, lang: Lang) -> String {
    let mut s = String::new();
    let (h, li) = if markdown { ("## ", "- ") } else { ("", "  ") };
    let head = |id: &str, n: usize| lang.ta(id, &[("count", n.into())]);
    let _ = writeln!(s, "{h}{}", head("diff-added", x.added.len()));
    for e in &x.added {
        entry_line(&mut s, li, "diff-added-entry", e, lang);
    }
    let _ = writeln!(s, "{h}{}", head("diff-removed", x.removed.len()));
    for e in &x.removed {
        entry_line(&mut s, li, "diff-removed-entry", e, lang);
    }
    let _ = writeln!(s, "{h}{}", head("diff-changed", x.changed.len()));
    for c in &x.changed {
        let f: Vec<String> = c
            .fields
            .iter()
            .map(|(f, a, b)| {
                let (a, b) = if f == "level" {
                    (lv(a, lang), lv(b, lang))
                } else {
                    (o(a).to_owned(), o(b).to_owned())
                };
                let name = format!("diff-field-{f}");
                let name = if lang.has(&name) {
                    lang.t(&name)
                } else {
                    f.to_string()
                };
                format!("{name} {a} → {b}")
            })
            .collect();
        let _ = writeln!(s, "{li}~ {}: {}", c.name, f.join(", "));
    }
    let _ = writeln!(s, "{h}{}", lang.t("diff-aggregates"));
    for (id, delta) in [
        ("diff-index", &x.index),
        ("diff-oss-share", &x.oss_share),
        ("diff-coverage", &x.coverage),
    ] {
        let line = lang.ta(id, &[("delta", d(delta, lang).into())]);
        let _ = writeln!(s, "{li}{line}");
    }
    crate::fmt::visible(s)
}
