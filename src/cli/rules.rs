//! `sovscan rules check`, `sovscan rules list` and `sovscan rules
//! coverage`: the rule database.

use super::inputs::{load_rules, read_report};
use super::{CoverageArgs, Error, Format, ListArgs, RuleArgs, json_lines, print_stdout};
use crate::fmt::count;
use crate::report;
use crate::rules::{self, RuleDb};
use std::path::PathBuf;
use std::process::ExitCode;

/// Validates rule files layered on the embedded database (or alone). With
/// PATH, only the warnings about PATH's files are shown, unless `all`.
pub fn check(paths: &[PathBuf], no_default: bool, all: bool) -> Result<ExitCode, Error> {
    let db = if paths.is_empty() && !no_default {
        // Checked whole, as `--rules` files are (every glob parsed, every
        // set compiled); a scan compiles the embedded sets on first use.
        rules::load(vec![rules::embedded_sources()]).map_err(Error::Diagnostics)?
    } else {
        load_rules(&RuleArgs {
            rules: paths.to_vec(),
            no_default_rules: no_default,
        })?
    };
    let embedded: Vec<String> = rules::embedded_sources()
        .into_iter()
        .map(|s| s.name)
        .collect();
    let own = |w: &str| {
        all || paths.is_empty() || !embedded.iter().any(|e| w.starts_with(&format!("{e}:")))
    };
    // R038 is enforced here: a product no plan could replace.
    if !db.alternative_gaps.is_empty() {
        return Err(Error::Diagnostics(db.alternative_gaps.clone()));
    }
    // Doubts that are not errors go to stderr; the exit code stays 0.
    let lints = db.lint();
    let mut hidden = 0;
    for w in &lints {
        if own(w) {
            eprintln!("sovscan: warning: {w}");
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        eprintln!(
            "sovscan: {} about the embedded database not shown (--all shows them)",
            count(hidden, "warning", "warnings")
        );
    }
    println!(
        "ok: rule database {} ({}): {} jurisdictions, {} laws, {} vendors, {} products, {} licences, {} categories, {} model rules, {} gates from {}",
        db.meta.version,
        db.meta.date,
        db.jurisdictions.len(),
        db.laws.len(),
        db.vendors.len(),
        db.products.len(),
        db.licenses.len(),
        db.categories.len(),
        db.model.rules.len(),
        db.model.gates.len(),
        count(db.meta.files.len(), "file", "files")
    );
    Ok(ExitCode::SUCCESS)
}

/// Vendors and products as tables or JSON; both unless one is asked for;
/// filtered by `--search` and `--category`.
pub fn list(args: &ListArgs) -> Result<ExitCode, Error> {
    let db = load_rules(&args.rules)?;
    let products = args.products || args.category.is_some();
    let (show_vendors, show_products) = (!products || args.vendors, !args.vendors || products);
    if let Some(c) = &args.category
        && !db.categories.iter().any(|k| &k.id == c)
    {
        let known = db.categories.iter().map(|k| k.id.as_str());
        return Err(Error::Usage(format!(
            "--category: unknown category `{c}`{}",
            rules::did_you_mean(c, known)
        )));
    }
    let filter = report::table::RuleFilter {
        search: args.search.clone(),
        category: args.category.clone(),
    };
    let bytes = match args.format {
        Format::Table => {
            report::table::rule_database(&db, show_vendors, show_products, &filter).into_bytes()
        }
        Format::Json => json_lines(&listing(&db, show_vendors, show_products, &filter))?,
    };
    print_stdout(&bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// The listing as JSON: `{vendors: [...], products: [...]}`, each entry
/// with the fields the table shows.
fn listing(
    db: &RuleDb,
    vendors: bool,
    products: bool,
    f: &report::table::RuleFilter,
) -> serde_json::Value {
    use serde_json::json;
    let mut out = serde_json::Map::new();
    if vendors {
        let v: Vec<serde_json::Value> = report::table::listed_vendors(db, f)
            .into_iter()
            .map(|i| {
                let ven = &db.vendors[i];
                let c = &db.vendors[db.controller(i)];
                json!({
                    "id": ven.id, "name": ven.name, "country": ven.country,
                    "controller": c.id, "controller_country": c.country, "as_of": ven.as_of,
                })
            })
            .collect();
        out.insert("vendors".into(), v.into());
    }
    if products {
        let p: Vec<serde_json::Value> = report::table::listed_products(db, f)
            .into_iter()
            .map(|p| {
                let alts: Vec<&str> = p
                    .alternatives
                    .iter()
                    .map(|&a| db.products[a].id.as_str())
                    .collect();
                json!({
                    "id": p.id, "name": p.name, "vendor": db.vendors[p.vendor].id,
                    "category": p.category, "license": p.license, "alternatives": alts,
                })
            })
            .collect();
        out.insert("products".into(), p.into());
    }
    serde_json::Value::Object(out)
}

/// The signers of a saved scan the rules (with `--rules`) don't resolve to
/// a vendor. Exit 0, or 1 with `--fail-on-unknown` when there is one.
pub fn coverage(args: &CoverageArgs) -> Result<ExitCode, Error> {
    let db = load_rules(&args.rules)?;
    let saved = read_report(&args.report)?;
    let c = report::coverage::coverage(&saved, &db);
    let bytes = match args.format {
        Format::Table => report::coverage::table(&c).into_bytes(),
        Format::Json => json_lines(&c)?,
    };
    print_stdout(&bytes)?;
    Ok(if args.fail_on_unknown && !c.unknown.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
