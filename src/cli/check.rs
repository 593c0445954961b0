//! `sovscan check`: the check before procurement, without an image. Exit 1
//! when a checked product would violate the policy's `[deny]`.

use super::inputs::{load_policy, load_rules, scan_date};
use super::{CheckArgs, CheckFormat, Error, json_lines, print_stdout};
use crate::assess::Context;
use crate::assess::check;
use crate::date::Date;
use crate::i18n::Lang;
use crate::report::check as render;
use std::process::ExitCode;

pub fn run(args: CheckArgs, lang: Lang) -> Result<ExitCode, Error> {
    let db = load_rules(&args.rules)?;
    let policy = load_policy(args.policy.as_deref(), &db, false)?;
    let params = policy.params(&db);
    let cx = Context {
        db: &db,
        params: &params,
        mitigations: &policy.mitigations,
        db_date: Date::parse(&db.meta.date).unwrap_or(scan_date()?),
    };
    let result =
        check::check(&args.query, &cx, &policy).map_err(|e| Error::Usage(e.to_string()))?;
    let bytes = match args.format {
        CheckFormat::Json => json_lines(&result)?,
        CheckFormat::Table => render::table(&result, lang).into_bytes(),
        CheckFormat::Md => render::markdown(&result, lang).into_bytes(),
    };
    print_stdout(&bytes)?;
    for p in result.products.iter() {
        for v in &p.violations {
            eprintln!("sovscan: policy: violation: {v}");
        }
    }
    Ok(if result.denied {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
