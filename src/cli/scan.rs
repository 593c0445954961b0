//! `sovscan scan`: scan roots, judge the result by the CI gate when asked,
//! and write every output.

use super::inputs::{read_report, scan_roots};
use super::{Error, OutputArgs, ScanArgs, print_stdout};
use crate::assess::gate;
use crate::assess::policy::Policy;
use crate::i18n::Lang;
use crate::model::report::Report;
use crate::model::verdict::Verdict;
use crate::report::{self, output};
use crate::rules::RuleDb;
use std::process::ExitCode;

pub fn run(args: ScanArgs, lang: Lang) -> Result<ExitCode, Error> {
    deliver(&args.out, args.opts.quiet, lang, || {
        scan_roots(&args.roots, &args.opts)
    })
}

/// The part of `scan` and `assess` after the inputs: the outputs are
/// checked before `produce` runs (a typo fails at once), then the report is
/// judged by the gate when asked and written everywhere.
pub(super) fn deliver(
    out: &OutputArgs,
    quiet: bool,
    lang: Lang,
    produce: impl FnOnce() -> Result<(RuleDb, Policy, Report), Error>,
) -> Result<ExitCode, Error> {
    let outputs = output::plan(&out.format, &out.output, quiet)?;
    output::check_stdout(&outputs, super::term::stdout_is_terminal())?;
    let baseline = match &out.baseline {
        Some(p) => Some((p.display().to_string(), read_report(p)?)),
        None => None,
    };
    let (db, pol, mut report) = produce()?;
    let gated = out.fail_on.is_some() || baseline.is_some() || pol.path.is_some();
    if gated {
        let verdict = gate::judge(
            &report,
            &pol,
            out.fail_on,
            baseline.as_ref().map(|(p, v)| (p.as_str(), v)),
        );
        print_verdict(&verdict, lang);
        report.policy = Some(verdict);
    }
    let plan = super::plan::for_report(&report, &db, &pol, out.plan)?;
    // Never freed: the process ends when this returns, and freeing the
    // rule database's tens of thousands of allocations one by one was a
    // tenth of the cpu of an empty scan (issue 15).
    let render_opts = std::mem::ManuallyDrop::new(report::RenderOptions {
        sarif_min_level: out.sarif_min_level,
        db: Some(std::sync::Arc::new(db)),
        components: out.components,
        width: super::term::width(out.wide),
        color: super::term::color(),
        plan: plan.map(std::sync::Arc::new),
        lang,
        appendix: out.doc.appendix,
        cover: super::report::cover(&out.doc, &pol),
        baseline: baseline.map(|(_, b)| std::sync::Arc::new(b)),
        policy: Some(std::sync::Arc::new(pol.clone())),
    });
    if let Some(bytes) = output::write(&outputs, &report, &render_opts)? {
        print_stdout(&bytes)?;
    }
    let table_on_stdout = outputs
        .iter()
        .any(|o| o.path.is_none() && o.format.name == "table");
    if !quiet && table_on_stdout {
        notice_problems(&report, &outputs, lang);
    }
    // The verdict is the last line of a gated run, whatever went before;
    // in GitHub Actions it is also the job summary.
    if let Some(v) = &report.policy {
        step_summary(v, &pol);
        eprintln!("{}", gate::verdict_line(v, &pol, lang));
    }
    if report.policy.as_ref().is_some_and(|v| !v.passed) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Appends the verdict to the file `GITHUB_STEP_SUMMARY` names (GitHub
/// Actions shows it on the run's page); a failure to write is a warning.
fn step_summary(verdict: &Verdict, pol: &crate::assess::policy::Policy) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let text = format!("{}\n", gate::verdict_markdown(verdict, pol));
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(crate::fmt::visible(text).as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "sovscan: warning: {}: cannot append the job summary: {e}",
            std::path::Path::new(&path).display()
        );
    }
}

/// Every violation, one line each on stderr, with its state.
fn print_verdict(verdict: &Verdict, lang: Lang) {
    for v in &verdict.violations {
        let state = match (&v.allowed_by, verdict.failing.contains(&v.key)) {
            (Some(a), _) => lang.ta("gate-state-allowed", &[("label", a.as_str().into())]),
            (None, true) => lang.t("gate-state-violation"),
            (None, false) => lang.t("gate-state-known"),
        };
        let line = format!(
            "sovscan: {}: {} [{}]: {}",
            lang.t("gate-policy"),
            v.rule,
            state,
            v.message
        );
        // The message names components, whose names come from the image.
        eprintln!("{}", crate::fmt::visible(line));
    }
}

/// Below the table: where the errors and skipped entries are listed (the
/// JSON file written, else how to get one).
fn notice_problems(report: &Report, outputs: &[output::Output], lang: Lang) {
    let s = &report.summary;
    if s.errors == 0 && s.skipped == 0 {
        return;
    }
    let json = outputs
        .iter()
        .find(|o| o.format.name == "json")
        .and_then(|o| o.path.as_ref());
    let where_ = match json {
        Some(p) => lang.ta(
            "scan-problems-listed-in",
            &[("path", p.display().to_string().into())],
        ),
        None => lang.t("scan-problems-listed-in-json"),
    };
    let line = lang.ta(
        "scan-problems",
        &[
            ("errors", s.errors.into()),
            ("skipped", s.skipped.into()),
            ("where", where_.into()),
        ],
    );
    let line = format!("sovscan: {line}");
    eprintln!("{}", crate::fmt::visible(line));
}
