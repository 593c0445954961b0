//! `sovscan plan`: a migration plan, or a what-if, from saved scans.

use super::inputs::{load_policy, load_rules, read_report, scan_date};
use super::{Error, PlanArgs, PlanFormat, json_lines, print_stdout};
use crate::assess::Context;
use crate::assess::plan::{self, Goal, Inputs};
use crate::assess::policy::Policy;
use crate::date::Date;
use crate::i18n::Lang;
use crate::model::report::Component;
use crate::model::risk::ModelParams;
use crate::report::plan as render;
use crate::rules::{RuleDb, did_you_mean};
use std::process::ExitCode;

pub fn run(args: PlanArgs, lang: Lang) -> Result<ExitCode, Error> {
    let db = load_rules(&args.rules)?;
    let policy = load_policy(args.policy.as_deref(), &db, false)?;
    let (rows, names) = rows_of(&args)?;
    let today = scan_date()?;
    let params = policy.params(&db);
    let cx = Context {
        db: &db,
        params: &params,
        mitigations: &policy.mitigations,
        db_date: Date::parse(&db.meta.date).unwrap_or(today),
    };
    let inp = Inputs {
        cx: &cx,
        policy: &policy,
        goal: goal(
            &Overrides {
                from: args.from,
                by: args.by,
                target: args.target,
                capacity: args.capacity,
                max_migrations: args.max_migrations,
            },
            &policy,
            &params,
            today,
        ),
        names,
    };
    let bytes = if args.replace.is_empty() {
        let p = plan::plan(&rows, &inp);
        match args.format {
            PlanFormat::Json => json_lines(&p)?,
            PlanFormat::Table => render::table(&p, lang).into_bytes(),
            PlanFormat::Md => render::markdown(&p, lang).into_bytes(),
            PlanFormat::Html => render::html(&p).into_bytes(),
            PlanFormat::Csv => render::csv(&p).into_bytes(),
        }
    } else {
        let switches = switches(&args.replace, &rows, &db)?;
        let w = plan::what_if(&rows, &switches, &inp);
        match args.format {
            PlanFormat::Json => json_lines(&w)?,
            PlanFormat::Md | PlanFormat::Html => render::what_if_markdown(&w, lang).into_bytes(),
            PlanFormat::Table | PlanFormat::Csv => render::what_if_table(&w, lang).into_bytes(),
        }
    };
    match &args.output {
        Some(path) => crate::report::write_atomic(path, &bytes).map_err(|source| {
            Error::Output(crate::report::output::OutputError::CannotWrite {
                path: path.clone(),
                source,
            })
        })?,
        None => print_stdout(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The plan for a report's "Measures" section: when asked (`--plan`) or
/// when the policy has `[plan]`; the policy's settings, else the model's
/// target from this year, without a capacity limit.
pub fn for_report(
    report: &crate::model::report::Report,
    db: &RuleDb,
    policy: &Policy,
    asked: bool,
) -> Result<Option<crate::model::plan::Plan>, Error> {
    if !asked && !policy.plan.present {
        return Ok(None);
    }
    let today = scan_date()?;
    let params = policy.params(db);
    let cx = Context {
        db,
        params: &params,
        mitigations: &policy.mitigations,
        db_date: Date::parse(&db.meta.date).unwrap_or(today),
    };
    let inp = Inputs {
        cx: &cx,
        policy,
        goal: goal(&Overrides::default(), policy, &params, today),
        names: Vec::new(),
    };
    Ok(Some(plan::plan(&report.units(false), &inp)))
}

/// The product rows of every saved scan, images numbered apart.
fn rows_of(args: &PlanArgs) -> Result<(Vec<Component>, Vec<String>), Error> {
    let mut rows = Vec::new();
    let mut names = Vec::new();
    let mut offset = 0;
    for path in &args.inputs {
        let report = read_report(path)?;
        let images = report.images.len().max(1);
        for mut r in report.units(false).into_owned() {
            r.image += offset;
            rows.push(r);
        }
        offset += images;
        names.push(path.display().to_string());
    }
    Ok((rows, names))
}

/// What the command line sets of the goal.
#[derive(Default)]
struct Overrides {
    from: Option<u16>,
    by: Option<u16>,
    target: Option<f64>,
    capacity: Option<u32>,
    max_migrations: Option<u32>,
}

/// The command line over the policy's `[plan]` over the model; the plan
/// starts this year unless told.
fn goal(o: &Overrides, policy: &Policy, params: &ModelParams, today: Date) -> Goal {
    let s = &policy.plan;
    let this_year = u16::try_from(today.year()).unwrap_or(2026);
    Goal {
        start_year: o.from.or(s.start_year).unwrap_or(this_year),
        target_year: o.by.or(s.target_year).unwrap_or(params.oss_target_year),
        target_share: o.target.or(s.target_share).unwrap_or(params.oss_target),
        effort_per_year: o.capacity.or(s.effort_per_year),
        migrations_per_year: o.max_migrations.or(s.migrations_per_year),
    }
}

/// `--replace P=A`: P a product the scans have, A a product of the rules.
fn switches(
    specs: &[String],
    rows: &[Component],
    db: &RuleDb,
) -> Result<Vec<(String, usize)>, Error> {
    let present: Vec<&str> = rows.iter().filter_map(plan::rows::product_of).collect();
    let mut out = Vec::new();
    for spec in specs {
        let Some((from, to)) = spec.split_once('=') else {
            return Err(Error::Usage(format!(
                "--replace {spec}: write PRODUCT=ALTERNATIVE (product ids)"
            )));
        };
        if !present.contains(&from) {
            return Err(Error::Usage(format!(
                "--replace {spec}: no product `{from}` in the scans{}",
                did_you_mean(from, present.iter().copied())
            )));
        }
        let Some(i) = db.products.iter().position(|p| p.id == to) else {
            return Err(Error::Usage(format!(
                "--replace {spec}: no product `{to}` in the rule database{}",
                did_you_mean(to, db.products.iter().map(|p| p.id.as_str()))
            )));
        };
        out.push((from.to_owned(), i));
    }
    Ok(out)
}
