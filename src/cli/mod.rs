//! The command line: argument definitions (`args.rs`), the inputs every
//! command shares (`inputs.rs`: rules, policy, saved reports, a scan of
//! roots), and one module per command.
//!
//! Errors are one [`Error`], printed as one line on stderr per problem
//! (`sovscan: error: …`). Exit codes: 0 ok; 1 the CI gate failed (`scan` or `assess`
//! with `--fail-on`, `--baseline` or a policy's `[deny]`); 2 a usage or
//! fatal error ([`Error::exit_code`]).

mod args;
mod assess;
mod check;
mod diff;
mod docs;
mod explain;
mod fleet;
mod inputs;
mod plan;
mod report;
mod rules;
mod scan;
mod summary;
mod term;

pub use args::{
    AssessArgs, CheckArgs, CheckFormat, Cli, Command, CoverageArgs, DiffArgs, DiffFormat, DocArgs,
    ExplainArgs, FleetArgs, FleetFormat, FleetPeriod, Format, ListArgs, OutputArgs, PlanArgs,
    PlanFormat, ReportArgs, RuleArgs, RulesCommand, ScanArgs, ScanOpts, SummaryArgs,
};
pub use inputs::{load_policy, load_rules, read_report, scan_roots};

use crate::diag::Diagnostic;
use crate::image::OpenError;
use crate::report::explain::ExplainError;
use crate::report::output::OutputError;
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Everything that ends a run with exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line value that can't be used (a bad `--exclude` glob).
    #[error("{0}")]
    Usage(String),
    /// Rule-file or policy-file diagnostics: the first 20, one per line.
    #[error("{}", diagnostic_lines(.0))]
    Diagnostics(Vec<Diagnostic>),
    /// A root that can't be scanned at all.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// A root whose directory can't be listed, or is empty (without
    /// `--allow-empty`): scanning it would report nothing as if all was well.
    #[error("{}: {reason}", path.display())]
    Root { path: PathBuf, reason: String },
    #[error(transparent)]
    Output(#[from] OutputError),
    /// An SBOM that can't be read or is not CycloneDX or SPDX JSON.
    #[error(transparent)]
    Sbom(#[from] crate::sbom::Error),
    #[error(transparent)]
    Explain(#[from] ExplainError),
    /// An input file that can't be read.
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A saved report that is not JSON, or not a complete report: the
    /// position of the first problem.
    #[error("{}:{line}:{column}: {what}: {message}", path.display())]
    Report {
        path: PathBuf,
        line: usize,
        column: usize,
        what: &'static str,
        message: String,
    },
    /// A JSON file of another schema.
    #[error("{}: not a sovscan report of schema 1.x (schema_version {version:?})", path.display())]
    Schema { path: PathBuf, version: String },
    #[error("cannot start the worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    #[error("cannot serialise: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
}

impl Error {
    /// Every error is a usage or fatal error: exit code 2. (Exit code 1 is
    /// not an error: a gate that failed still wrote its outputs.)
    pub fn exit_code(&self) -> u8 {
        2
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Diagnostics(vec![d])
    }
}

/// Diagnostics as the lines of one error: the first 20, then how many more.
fn diagnostic_lines(errs: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = errs.iter().take(20).map(|e| e.to_string()).collect();
    if errs.len() > 20 {
        lines.push(format!("... and {} more", errs.len() - 20));
    }
    lines.join("\nsovscan: error: ")
}

pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        if !crate::isolate::active() {
            eprintln!("sovscan: internal error: {info}");
        }
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // An error can quote the image (a component id, a name in a
            // rule file): shown, never obeyed by the terminal.
            eprintln!("sovscan: error: {}", crate::fmt::visible(e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Scan(args) => scan::run(args, cli.lang),
        Command::Assess(args) => assess::run(args, cli.lang),
        Command::Summary(args) => summary::run(args, cli.lang),
        Command::Explain(args) => explain::run(args, cli.lang),
        Command::Diff(args) => diff::run(args, cli.lang),
        Command::Report(args) => report::run(args, cli.lang),
        Command::Plan(args) => plan::run(args, cli.lang),
        Command::Fleet(args) => fleet::run(args),
        Command::Check(args) => check::run(args, cli.lang),
        Command::Rules(RulesCommand::Check {
            paths,
            no_default_rules,
            all,
        }) => rules::check(&paths, no_default_rules, all),
        Command::Rules(RulesCommand::List(args)) => rules::list(&args),
        Command::Rules(RulesCommand::Coverage(args)) => rules::coverage(&args),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man { dir } => docs::man(dir.as_deref()),
    }
}

/// Writes to stdout; a closed pipe (`sovscan … | head`) is not an error.
fn print_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Stdout(e)),
    }
}

/// Pretty JSON with a final newline, as every JSON on stdout ends.
fn json_lines<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    let mut b = serde_json::to_vec_pretty(value)?;
    b.push(b'\n');
    Ok(b)
}
