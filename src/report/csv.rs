//! CSV (`-o csv=products.csv`): one row per product (per component with
//! `--components`) for spreadsheets,
//! RFC 4180 quoting by the `csv` crate. Columns are [`HEADER`]; empty cells
//! mean "not known"; `key` is the component's key across scans. `image` is the image root as given on the command line;
//! `vendor` and `controller` are names (the ids are in the JSON and NDJSON).
//! Values are written as read from the image: a spreadsheet that evaluates
//! cells starting with `=`, `+`, `-` or `@` should import as text.

use super::{RenderError, RenderOptions};
use crate::assess::aggregate::is_workplace;
use crate::assess::policy::Policy;
use crate::model::report::{Component, Report};

pub const HEADER: [&str; 31] = [
    "image",
    "id",
    "name",
    "version",
    "arch",
    "source",
    "category",
    "product",
    "vendor",
    "vendor_country",
    "controller",
    "controller_country",
    "jurisdiction_bloc",
    "license",
    "open_source",
    "risk_level",
    "exposure",
    "score",
    "d1",
    "d2",
    "d3",
    "d4",
    "d5",
    "d6",
    "d7",
    "confidence",
    "evidence",
    // Last, so that readers by position keep working (schema 1.2).
    "key",
    // Appended (2026-12), never moved: what a planner needs to reproduce the index
    // and the open-source share (docs/formats.md).
    "alternatives",
    "workplace",
    "role_weight",
];

pub fn render(report: &Report, opts: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADER)?;
    let default = Policy::default();
    let policy = opts.policy.as_deref().unwrap_or(&default);
    for c in report.units(opts.components).iter() {
        let root = report.images.get(c.image).map_or("", |i| i.root.as_str());
        let mut r = row(root, c);
        // `alternatives`: product ids separated by spaces; `workplace` and
        // `role_weight` need the rule database (empty without it).
        let ids: Vec<&str> = c.alternatives.iter().map(|a| a.id.as_str()).collect();
        r.push(ids.join(" "));
        match opts.db.as_deref() {
            Some(db) => {
                r.push(is_workplace(c, db).to_string());
                r.push(policy.role_weight(db, &c.category).to_string());
            }
            None => r.extend([String::new(), String::new()]),
        }
        w.write_record(r)?;
    }
    w.into_inner()
        .map_err(|e| RenderError::Csv(csv::Error::from(e.into_error())))
}

fn row(root: &str, c: &Component) -> Vec<String> {
    let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let dims: Vec<String> = match &c.risk.dimensions {
        Some(d) => [d.d1, d.d2, d.d3, d.d4, d.d5, d.d6, d.d7]
            .iter()
            .map(|v| v.to_string())
            .collect(),
        None => vec![String::new(); 7],
    };
    let mut r = vec![
        root.to_owned(),
        c.id.clone(),
        c.name.clone(),
        opt(c.version.as_ref()),
        opt(c.arch.as_ref()),
        c.source.as_str().to_owned(),
        c.category.clone(),
        opt(c.product.as_ref().map(|p| &p.id)),
        opt(c.vendor.as_ref().map(|p| &p.name)),
        opt(c.vendor.as_ref().and_then(|p| p.country.as_ref())),
        opt(c.controller.as_ref().map(|p| &p.name)),
        opt(c.controller.as_ref().and_then(|p| p.country.as_ref())),
        c.bloc_key().to_owned(),
        opt(c.license.spdx.as_ref().or(c.license.stated.as_ref())),
        c.license
            .open_source
            .map(|b| b.to_string())
            .unwrap_or_default(),
        c.risk.level.as_str().to_owned(),
        num(c.risk.exposure),
        num(c.risk.score),
    ];
    r.extend(dims);
    r.push(
        c.matched
            .as_ref()
            .map(|m| format!("{:?}", m.confidence).to_lowercase())
            .unwrap_or_default(),
    );
    r.push(opt(c.evidence.first().map(|e| &e.path)));
    r.push(c.key.clone());
    r
}
