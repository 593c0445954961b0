//! Who publishes and controls: vendors and their control chains, products,
//! and the patterns that recognise both in an image.

use super::{country_code, date, warning_laws};
use crate::diag::Code;
use crate::model::plan::Effort;
use crate::rules::layers::{At, Ctx, Table, Tables};
use crate::rules::matcher::{Matcher, Rule};
use crate::rules::schema::{ArchiveDef, MigrationDef, ProductDef, VendorDef, VendorKind};
use crate::rules::spanned::Spanned;
use crate::rules::{Archive, Migration, Product, Target, Vendor};
use std::collections::HashMap;
use std::ops::Range;

/// `[[vendor]]`: a country unless a community or channel, a known parent,
/// dates, the archive's category, a source, warnings.
pub(super) fn vendors(ctx: &mut Ctx, t: &Tables) -> Vec<Vendor> {
    t.vendors.items.iter().map(|a| vendor(ctx, t, a)).collect()
}

fn vendor(ctx: &mut Ctx, t: &Tables, a: &At<VendorDef>) -> Vendor {
    let d = a.def.get_ref();
    let id = d.id.get_ref();
    match (&d.country, d.kind) {
        (Some(c), _) => country_code(ctx, a.file, c, &t.jurisdictions.index),
        (None, VendorKind::Community | VendorKind::Channel) => {}
        (None, _) => {
            let msg = format!("vendor `{id}` needs a country (only communities may omit it)");
            ctx.err(a.file, d.id.span(), Code::VendorWithoutCountry, msg);
        }
    }
    let parent = d.parent.as_ref().and_then(|p| {
        let i = t.vendors.index.get(p.get_ref()).copied();
        if i.is_none() {
            let msg = format!(
                "unknown vendor id `{}` as parent{}",
                p.get_ref(),
                crate::diag::did_you_mean(p.get_ref(), t.vendors.index.keys().map(String::as_str))
            );
            ctx.err(a.file, p.span(), Code::UnknownVendor, msg);
        }
        i
    });
    let parent_since = d
        .parent_since
        .as_ref()
        .map(|s| date(ctx, a.file, s, "parent_since"));
    let as_of = date(ctx, a.file, &d.as_of, "as_of");
    let archive = d
        .archive
        .as_ref()
        .map(|ar| archive(ctx, a.file, ar, &t.categories.index));
    if d.source.trim().is_empty() {
        let msg = format!("vendor `{id}` has an empty source");
        ctx.err(a.file, d.id.span(), Code::EmptySource, msg);
    }
    Vendor {
        id: id.clone(),
        name: d.name.clone(),
        legal_names: d.legal_names.clone(),
        kind: d.kind,
        country: d.country.as_ref().map(|c| c.get_ref().clone()),
        parent,
        parent_since,
        homepage: d.homepage.clone(),
        warnings: warning_laws(ctx, a.file, &d.warnings, &t.laws),
        traits: d.traits.iter().map(|t| t.get_ref().clone()).collect(),
        at: ctx.at(a.file, d.id.span()),
        note: d.note.clone(),
        source: d.source.clone(),
        as_of,
        archive,
    }
}

/// A distribution's archive policy; its category defaults to `system`.
fn archive(
    ctx: &mut Ctx,
    file: usize,
    ar: &ArchiveDef,
    categories: &HashMap<String, usize>,
) -> Archive {
    let category = match &ar.category {
        Some(c) => {
            known_category(ctx, file, c.get_ref(), c.span(), categories);
            c.get_ref().clone()
        }
        None => "system".to_owned(),
    };
    Archive {
        open_source: ar.open_source,
        except_sections: ar.except_sections.clone(),
        category,
    }
}

fn known_category(
    ctx: &mut Ctx,
    file: usize,
    id: &str,
    span: Range<usize>,
    categories: &HashMap<String, usize>,
) {
    if !categories.contains_key(id) {
        ctx.err(
            file,
            span,
            Code::UnknownCategory,
            format!(
                "unknown category `{id}`{}",
                crate::diag::did_you_mean(id, categories.keys().map(String::as_str))
            ),
        );
    }
}

/// Control chains must end: a vendor that reaches itself through its
/// parents is an error, and loses its parent so that later stages never
/// loop.
pub(super) fn control_chains(ctx: &mut Ctx, t: &Table<VendorDef>, out: &mut [Vendor]) {
    for (i, a) in t.items.iter().enumerate() {
        let mut cur = i;
        let mut steps = 0;
        while let Some(p) = out[cur].parent {
            steps += 1;
            if p == i || steps > out.len() {
                let d = a.def.get_ref();
                let span = d.parent.as_ref().map_or(d.id.span(), |p| p.span());
                let msg = format!(
                    "vendor `{}` controls itself through its parent chain",
                    d.id.get_ref()
                );
                ctx.err(a.file, span, Code::ControlCycle, msg);
                out[i].parent = None;
                break;
            }
            cur = p;
        }
    }
}

/// `[[product]]`: a known vendor, category and licence, known alternatives
/// other than itself, a date, warnings.
pub(super) fn products(
    ctx: &mut Ctx,
    t: &Tables,
    license_index: &HashMap<String, usize>,
) -> Vec<Product> {
    t.products
        .items
        .iter()
        .map(|a| product(ctx, t, license_index, a))
        .collect()
}

fn product(
    ctx: &mut Ctx,
    t: &Tables,
    license_index: &HashMap<String, usize>,
    a: &At<ProductDef>,
) -> Product {
    let d = a.def.get_ref();
    let vendor = t.vendors.index.get(d.vendor.get_ref()).copied();
    if vendor.is_none() {
        let msg = format!(
            "unknown vendor id `{}`{}",
            d.vendor.get_ref(),
            crate::diag::did_you_mean(
                d.vendor.get_ref(),
                t.vendors.index.keys().map(String::as_str)
            )
        );
        ctx.err(a.file, d.vendor.span(), Code::UnknownVendor, msg);
    }
    let category = d.category.get_ref();
    known_category(
        ctx,
        a.file,
        category,
        d.category.span(),
        &t.categories.index,
    );
    let lic = d.license.get_ref();
    if lic != "proprietary" && !license_index.contains_key(&lic.to_ascii_lowercase()) {
        let msg = format!(
            "unknown license `{lic}`: use an id from a [[license]] table, or `proprietary`"
        );
        ctx.err(a.file, d.license.span(), Code::UnknownLicense, msg);
    }
    let mut alternatives = Vec::new();
    for alt in &d.alternatives {
        match t.products.index.get(alt.get_ref()) {
            Some(_) if alt.get_ref() == d.id.get_ref() => {
                let msg = "a product cannot be its own alternative";
                ctx.err(a.file, alt.span(), Code::SelfAlternative, msg);
            }
            Some(&i) => alternatives.push(i),
            None => {
                let msg = format!(
                    "unknown product id `{}` as alternative{}",
                    alt.get_ref(),
                    crate::diag::did_you_mean(
                        alt.get_ref(),
                        t.products.index.keys().map(String::as_str)
                    )
                );
                ctx.err(a.file, alt.span(), Code::UnknownProduct, msg);
            }
        }
    }
    let as_of = date(ctx, a.file, &d.as_of, "as_of");
    let migration = d.migration.as_ref().map(|m| migration(ctx, a.file, m));
    if let Some(r) = &d.no_alternative_reason
        && r.get_ref().trim().is_empty()
    {
        let msg = "no_alternative_reason is empty: say why no alternative is listed";
        ctx.err(a.file, r.span(), Code::EmptyMigrationText, msg);
    }
    Product {
        id: d.id.get_ref().clone(),
        name: d.name.clone(),
        vendor: vendor.unwrap_or(0),
        category: category.clone(),
        license: lic.clone(),
        alternatives,
        traits: d.traits.iter().map(|t| t.get_ref().clone()).collect(),
        warnings: warning_laws(ctx, a.file, &d.warnings, &t.laws),
        no_alternative_reason: d
            .no_alternative_reason
            .as_ref()
            .map(|r| r.get_ref().clone()),
        migration,
        at: ctx.at(a.file, d.id.span()),
        note: d.note.clone(),
        source: d.source.clone(),
        as_of,
    }
}

/// `[product.migration]`: a known effort class, a non-empty reason, a date.
fn migration(ctx: &mut Ctx, file: usize, m: &Spanned<MigrationDef>) -> Migration {
    let d = m.get_ref();
    let effort = Effort::parse(d.effort.get_ref());
    if effort.is_none() {
        let msg = format!(
            "`{}` is not an effort class (S, M, L, XL)",
            d.effort.get_ref()
        );
        ctx.err(file, d.effort.span(), Code::NotAnEffort, msg);
    }
    for (what, span, text) in [
        ("reason", d.reason.span(), d.reason.get_ref().as_str()),
        ("source", m.span(), d.source.as_str()),
    ] {
        if text.trim().is_empty() {
            let msg = format!("a migration profile needs a non-empty {what}");
            ctx.err(file, span, Code::EmptyMigrationText, msg);
        }
    }
    Migration {
        effort: effort.unwrap_or_default(),
        reason: d.reason.get_ref().clone(),
        blockers: d.blockers.clone(),
        formats: d.formats.clone(),
        eu_hosting: d.eu_hosting.clone(),
        source: d.source.clone(),
        as_of: date(ctx, file, &d.as_of, "as_of"),
    }
}

/// Every vendor's and product's patterns, into one matcher (taken out of
/// the tables); a bad glob, domain or Team ID is an error where it is
/// written. With `compile`, the globs are parsed and the matcher's sets
/// compiled now, and a set that cannot compile is an error; without (the
/// embedded database, which a test loads with `compile`), the patterns are
/// sorted into fields and each field's set compiled on first use.
pub(super) fn patterns(ctx: &mut Ctx, t: &mut Tables, compile: bool) -> Option<Matcher> {
    let mut rules = Vec::with_capacity(t.vendors.items.len() + t.products.items.len());
    for (i, a) in t.vendors.items.iter_mut().enumerate() {
        let d = a.def.get_mut();
        let rule = Rule {
            target: Target::Vendor(i as u32),
            patterns: std::mem::take(&mut d.patterns),
            legal_names: d.legal_names.clone(),
            // The vendor's own name as a whole supplier string ("Debian
            // Project", "Microsoft"): what an SBOM's `supplier.name` says.
            name: Some(d.name.clone()),
        };
        rules.push((a.file, rule));
    }
    for (i, a) in t.products.items.iter_mut().enumerate() {
        let rule = Rule {
            target: Target::Product(i as u32),
            patterns: std::mem::take(&mut a.def.get_mut().patterns),
            legal_names: Vec::new(),
            name: None,
        };
        rules.push((a.file, rule));
    }
    if !compile {
        return Some(Matcher::deferred(
            rules.into_iter().map(|(_, r)| r).collect(),
        ));
    }
    let mut report =
        |file: usize, span: Range<usize>, code: Code, msg: String| ctx.err(file, span, code, msg);
    let m = Matcher::gather(&mut report, &rules, true);
    if let Err(d) = m.compile() {
        ctx.errors.push(d);
        return None;
    }
    Some(m)
}
