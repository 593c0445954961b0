//! `sovscan report`: renders a saved report in any format, as the scan
//! that wrote it would have.

use super::inputs::{load_policy, load_rules, read_report};
use super::{DocArgs, Error, ReportArgs, print_stdout};
use crate::assess::policy::Policy;
use crate::i18n::Lang;
use crate::report::{self, output};
use std::process::ExitCode;

pub fn run(args: ReportArgs, lang: Lang) -> Result<ExitCode, Error> {
    // The output is checked before anything is read, as for `scan -o`.
    let out = output::single(&args.format, args.output)?;
    output::check_stdout(
        std::slice::from_ref(&out),
        super::term::stdout_is_terminal(),
    )?;
    let saved = read_report(&args.input)?;
    let db = load_rules(&args.rules)?;
    let policy = load_policy(args.policy.as_deref(), &db, false)?;
    let plan = super::plan::for_report(&saved, &db, &policy, args.plan)?;
    let opts = report::RenderOptions {
        plan: plan.map(std::sync::Arc::new),
        sarif_min_level: args.sarif_min_level,
        db: Some(std::sync::Arc::new(db)),
        components: args.components,
        width: super::term::width(args.wide),
        color: super::term::color(),
        lang,
        appendix: args.doc.appendix,
        cover: cover(&args.doc, &policy),
        baseline: None,
        policy: Some(std::sync::Arc::new(policy)),
    };
    if let Some(bytes) = output::write(&[out], &saved, &opts)? {
        print_stdout(&bytes)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The report's cover: the flags, else the policy's `[report]`.
pub(super) fn cover(doc: &DocArgs, policy: &Policy) -> report::Cover {
    let flag = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    report::Cover {
        organisation: flag(&doc.organisation).or_else(|| policy.report.organisation.clone()),
        period: flag(&doc.period).or_else(|| policy.report.period.clone()),
    }
}
