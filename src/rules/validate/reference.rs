//! The reference tables the others point into: licences, categories, laws
//! and jurisdictions.

use super::{country_code, date};
use crate::diag::Code;
use crate::rules::layers::{Ctx, Table, Tables};
use crate::rules::schema::{CategoryDef, LicenseDef};
use crate::rules::{Category, Jurisdiction, Law, License};
use std::collections::HashMap;

/// `[[license]]`, and the index by lower-case id and alias (an id wins over
/// another licence's alias).
pub(super) fn licenses(t: &Table<LicenseDef>) -> (Vec<License>, HashMap<String, usize>) {
    let out: Vec<License> = t
        .items
        .iter()
        .map(|a| {
            let d = a.def.get_ref();
            License {
                id: d.id.get_ref().clone(),
                name: d.name.clone(),
                osi: d.osi,
                aliases: d.aliases.clone(),
            }
        })
        .collect();
    let mut index = HashMap::new();
    for (i, l) in out.iter().enumerate() {
        index.insert(l.id.to_ascii_lowercase(), i);
        for a in &l.aliases {
            index.entry(a.to_ascii_lowercase()).or_insert(i);
        }
    }
    (out, index)
}

/// `[[category]]`: serde has checked everything a category holds.
pub(super) fn categories(t: &Table<CategoryDef>) -> Vec<Category> {
    t.items
        .iter()
        .map(|a| {
            let d = a.def.get_ref();
            Category {
                id: d.id.get_ref().clone(),
                name: d.name.clone(),
                impact: d.impact,
                workplace: d.workplace,
                weight: d.weight,
                networked: d.networked,
            }
        })
        .collect()
}

/// `[[law]]`: an id under its country's prefix (`us.cloud_act`), a known
/// country, a date.
pub(super) fn laws(ctx: &mut Ctx, t: &Tables) -> Vec<Law> {
    let mut out = Vec::new();
    for a in &t.laws.items {
        let d = a.def.get_ref();
        let id = d.id.get_ref();
        let prefix = format!("{}.", d.country.get_ref().to_ascii_lowercase());
        if !id.starts_with(&prefix) {
            let msg = format!("law id `{id}` must start with its country code (`{prefix}`)");
            ctx.err(a.file, d.id.span(), Code::LawIdPrefix, msg);
        }
        country_code(ctx, a.file, &d.country, &t.jurisdictions.index);
        let as_of = date(ctx, a.file, &d.as_of, "as_of");
        out.push(Law {
            id: id.clone(),
            country: d.country.get_ref().clone(),
            name: d.name.clone(),
            kind: d.kind,
            effect: d.effect.clone(),
            citation: d.citation.clone(),
            source: d.source.clone(),
            as_of,
        });
    }
    out
}

/// `[[jurisdiction]]`: a well-formed country code, known laws, a date.
pub(super) fn jurisdictions(ctx: &mut Ctx, t: &Tables) -> Vec<Jurisdiction> {
    let mut out = Vec::new();
    for a in &t.jurisdictions.items {
        let d = a.def.get_ref();
        country_code(ctx, a.file, &d.country, &t.jurisdictions.index);
        let mut laws = Vec::new();
        for l in &d.laws {
            match t.laws.index.get(l.get_ref()) {
                Some(&i) => laws.push(i),
                None => {
                    let msg = format!("unknown law id `{}`", l.get_ref());
                    ctx.err(a.file, l.span(), Code::UnknownLaw, msg);
                }
            }
        }
        let as_of = date(ctx, a.file, &d.as_of, "as_of");
        out.push(Jurisdiction {
            country: d.country.get_ref().clone(),
            name: d.name.clone(),
            bloc: d.bloc,
            laws,
            source: d.source.clone(),
            as_of,
        });
    }
    out
}
