//! Validating the merged rule tables (`layers.rs`) and building the
//! [`RuleDb`]: one function per table, called in the order the tables
//! reference each other (licences and categories; laws and jurisdictions;
//! vendors and products with their patterns; the model with its rules and
//! gates). Messages come out in that order, entry by entry, and `tests/`
//! pin several of them: keep the order when adding a check.
//!
//! - `reference.rs`: licences, categories, laws, jurisdictions;
//! - `parties.rs`: vendors and their control chains, products, patterns;
//! - `model.rs`: the model's parameters, rules, gates, and traits;
//! - `params.rs`: the parameter checks a policy shares;
//! - `alternatives.rs`: every workplace product has an open-source or
//!   EU-controlled alternative, or a reason why not (`R038`).

mod alternatives;
mod model;
pub mod params;
mod parties;
mod reference;

use super::layers::{Ctx, Table, Tables};
use super::schema::{LawDef, LawKind};
use super::{Meta, RuleDb};
use crate::diag::{Code, Diagnostic};
use crate::rules::spanned::Datetime;
use crate::rules::spanned::Spanned;
use std::collections::HashMap;

/// Checks every table and, when the database, the patterns and the model
/// are there at all, builds the database. The caller decides by the
/// diagnostics in `ctx` whether it may be used. `compile`: whether the
/// patterns are compiled now ([`parties::patterns`]).
pub(super) fn validate(ctx: &mut Ctx, mut t: Tables, compile: bool) -> Option<RuleDb> {
    let meta = database(ctx, &t)?;
    let (licenses, license_index) = reference::licenses(&t.licenses);
    let categories = reference::categories(&t.categories);
    let laws = reference::laws(ctx, &t);
    let jurisdictions = reference::jurisdictions(ctx, &t);
    let mut vendors = parties::vendors(ctx, &t);
    parties::control_chains(ctx, &t.vendors, &mut vendors);
    let products = parties::products(ctx, &t, &license_index);
    let matcher = parties::patterns(ctx, &mut t, compile)?;
    let model = model::model(ctx, &t)?;
    let alternative_gaps = alternatives::gaps(
        ctx,
        &t,
        &alternatives::Lookup {
            vendors: &vendors,
            products: &products,
            licenses: &licenses,
            license_index: &license_index,
            categories: &categories,
            jurisdictions: &jurisdictions,
        },
    );
    Some(RuleDb {
        meta,
        model,
        licenses,
        categories,
        laws,
        jurisdictions,
        vendors,
        products,
        matcher,
        alternative_gaps,
        license_index,
        category_index: t.categories.index,
        jurisdiction_index: t.jurisdictions.index,
        vendor_index: t.vendors.index,
        product_index: t.products.index,
    })
}

/// `[database]`: without it nothing else is checked, since a report could
/// not say which database judged it.
fn database(ctx: &mut Ctx, t: &Tables) -> Option<Meta> {
    let Some(at) = &t.database.at else {
        match ctx.files.len().checked_sub(1) {
            None => {
                let d = Diagnostic::whole_file("(rules)", Code::RuleSetEmpty, "no rule files");
                ctx.errors.push(d);
            }
            Some(last) => {
                let msg = "no [database] table (version and date) in the rule set";
                ctx.err(last, 0..0, Code::NoDatabase, msg);
            }
        }
        return None;
    };
    let d = at.def.get_ref();
    Some(Meta {
        version: d.version.clone(),
        date: date(ctx, at.file, &d.date, "database date"),
        files: ctx.files.iter().map(|f| f.name.clone()).collect(),
    })
}

/// A date without a time, as text; `what` names the field in the message.
fn date(ctx: &mut Ctx, file: usize, d: &Spanned<Datetime>, what: &str) -> String {
    let v = d.get_ref();
    if v.date.is_none() || v.time.is_some() {
        let msg = format!("{what} must be a date like 2026-11-22");
        ctx.err(file, d.span(), Code::NotADate, msg);
    }
    v.to_string()
}

/// A country code that some `[[jurisdiction]]` defines.
fn country_code(ctx: &mut Ctx, file: usize, c: &Spanned<String>, known: &HashMap<String, usize>) {
    let v = c.get_ref();
    if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
        let msg = format!("`{v}` is not an ISO 3166-1 alpha-2 country code (two capital letters)");
        ctx.err(file, c.span(), Code::NotACountryCode, msg);
    } else if !known.contains_key(v) {
        let msg = format!("unknown country `{v}`: no [[jurisdiction]] defines it");
        ctx.err(file, c.span(), Code::UnknownCountry, msg);
    }
}

/// Law indices of `warnings = [...]`: ids of laws of kind `warning` or `ban`.
fn warning_laws(
    ctx: &mut Ctx,
    file: usize,
    ids: &[Spanned<String>],
    laws: &Table<LawDef>,
) -> Vec<usize> {
    let mut out = Vec::new();
    for w in ids {
        match laws.index.get(w.get_ref()) {
            Some(&i) => match laws.items[i].def.get_ref().kind {
                LawKind::Warning | LawKind::Ban => out.push(i),
                _ => {
                    let msg = format!("law `{}` is not of kind `warning` or `ban`", w.get_ref());
                    ctx.err(file, w.span(), Code::NotAWarningLaw, msg);
                }
            },
            None => {
                let msg = format!("unknown law id `{}`", w.get_ref());
                ctx.err(file, w.span(), Code::UnknownLaw, msg);
            }
        }
    }
    out
}
