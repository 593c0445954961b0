//! `sovscan rules check` and `sovscan rules list`: the rule database.

use super::inputs::load_rules;
use super::{Error, RuleArgs, print_stdout};
use crate::report;
use std::path::PathBuf;
use std::process::ExitCode;

/// Validates rule files layered on the embedded database (or alone).
pub fn check(paths: &[PathBuf], no_default: bool) -> Result<ExitCode, Error> {
    let db = load_rules(&RuleArgs {
        rules: paths.to_vec(),
        no_default_rules: no_default,
    })?;
    // Doubts that are not errors go to stderr; the exit code stays 0.
    for w in db.lint() {
        eprintln!("sovscan: warning: {w}");
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
        crate::fmt::count(db.meta.files.len(), "file", "files")
    );
    Ok(ExitCode::SUCCESS)
}

/// Vendors and products as tables; both unless one is asked for.
pub fn list(rules: &RuleArgs, vendors: bool, products: bool) -> Result<ExitCode, Error> {
    let db = load_rules(rules)?;
    let text = report::table::rule_database(&db, !products || vendors, !vendors || products);
    print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
