//! `sovscan diff OLD.json NEW.json`: drift between two scans. Products (or,
//! with `--components`, components) are matched by image and `key`
//! (`product:ID`, `Package::key`: no version, so an update is a change, not
//! a removal and an addition).

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

fn d(x: &Delta) -> String {
    match (x.old, x.new, x.delta) {
        (Some(a), Some(b), Some(c)) => format!("{a} → {b} ({c:+})"),
        _ => "n/a".into(),
    }
}

/// Plain text, or Markdown when `markdown`.
pub fn render_text(x: &Diff, markdown: bool) -> String {
    let mut s = String::new();
    let (h, li) = if markdown { ("## ", "- ") } else { ("", "  ") };
    let _ = writeln!(s, "{h}Added ({})", x.added.len());
    for e in &x.added {
        let _ = writeln!(
            s,
            "{li}+ {} {} (vendor {}, level {})",
            e.name,
            o(&e.version),
            o(&e.vendor),
            o(&e.level)
        );
    }
    let _ = writeln!(s, "{h}Removed ({})", x.removed.len());
    for e in &x.removed {
        let _ = writeln!(
            s,
            "{li}- {} {} (vendor {}, level {})",
            e.name,
            o(&e.version),
            o(&e.vendor),
            o(&e.level)
        );
    }
    let _ = writeln!(s, "{h}Changed ({})", x.changed.len());
    for c in &x.changed {
        let f: Vec<String> = c
            .fields
            .iter()
            .map(|(f, a, b)| format!("{f} {} → {}", o(a), o(b)))
            .collect();
        let _ = writeln!(s, "{li}~ {}: {}", c.name, f.join(", "));
    }
    let _ = writeln!(s, "{h}Aggregates");
    let _ = writeln!(s, "{li}index: {}", d(&x.index));
    let _ = writeln!(s, "{li}open-source share (count): {}", d(&x.oss_share));
    let _ = writeln!(s, "{li}coverage: {}", d(&x.coverage));
    crate::fmt::visible(s)
}
