//! The command line. Errors are one line on stderr; exit codes are
//! 0 (ok) and 2 (usage or fatal error). The CI-gate code 1 arrives with
//! policies.

use crate::assess::gate;
use crate::assess::policy::Policy;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::model::report::Report;
use crate::model::risk::Level;
use crate::progress::Progress;
use crate::report;
use crate::rules::{self, RuleDb};
use crate::{fingerprint, scan, walk};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "sovscan", version, about = "How dependent is this workstation image on foreign-controlled software vendors?", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan one or more image roots (mounted or extracted file systems).
    Scan(ScanArgs),
    /// The image aggregates (index, open-source share, jurisdictions, concentration) of roots or a saved scan.json.
    Summary(SummaryArgs),
    /// The whole assessment trace of one component: evidence, controller chain, laws, rules, dimensions, level.
    Explain(ExplainArgs),
    /// Drift between two saved scans: components added, removed and changed; index and share deltas.
    Diff(DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: `sovscan man > sovscan.1`.
    Man,
    /// Check or browse the rule database.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Re-render a saved scan (sovscan scan -f json) without rescanning, in any format scan writes (default: the HTML sovereignty report).
    Report(ReportArgs),
}

#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Extra rule file or directory; adds to or overrides the embedded database. Repeatable.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Don't load the embedded database (use only --rules).
    #[arg(long)]
    pub no_default_rules: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Image roots: a Linux, Windows or macOS root file system, or any directory.
    #[arg(required = true, value_name = "ROOT")]
    pub roots: Vec<PathBuf>,
    /// Format on stdout, and of a plain `-o FILE`.
    #[arg(short, long, value_name = "FORMAT", default_value = "table",
          value_parser = clap::builder::PossibleValuesParser::new(report::FORMATS.iter().map(|f| f.name)))]
    pub format: String,
    /// Write FORMAT to FILE, atomically: `-o json=scan.json -o cyclonedx=bom.json -o sarif=scan.sarif`. Repeatable. A plain FILE gets the -f format, and then stdout gets nothing.
    #[arg(short, long, value_name = "[FORMAT=]FILE")]
    pub output: Vec<std::ffi::OsString>,
    /// SARIF: the lowest risk level that becomes a result (critical > high > unknown > medium > low).
    #[arg(long, value_name = "LEVEL", default_value = "high",
          value_parser = ["critical", "high", "unknown", "medium", "low"])]
    pub sarif_min_level: String,
    /// Fail (exit 1) when a component is at or above LEVEL (low, medium, unknown, high, critical).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub fail_on: Option<Level>,
    /// Fail only on violations that a previous report (sovscan scan -f json) doesn't have.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub opts: ScanOpts,
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s)
        .ok_or_else(|| format!("`{s}` is not a level: low, medium, unknown, high, critical"))
}

/// How to scan: shared by `scan`, `summary` and `explain`.
#[derive(Args, Debug, Clone)]
pub struct ScanOpts {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Skip paths (relative to the image root) matching GLOB, e.g. 'home/*/.cache'. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Descend into other file systems mounted below a root.
    #[arg(long)]
    pub cross_filesystems: bool,
    /// Don't parse binaries larger than this many bytes (they are still listed).
    #[arg(long, value_name = "BYTES", default_value_t = fingerprint::DEFAULT_MAX_SIZE)]
    pub max_binary_size: u64,
    /// No progress display.
    #[arg(long)]
    pub no_progress: bool,
    /// No progress and no notices on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Policy file (TOML): model weights and targets, mitigations. See docs/policy.md.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// Image roots to scan, or one JSON report written by `sovscan scan -f json`.
    #[arg(required = true, value_name = "ROOT|SCAN.json")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub opts: ScanOpts,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Component id, name, or product id.
    #[arg(value_name = "COMPONENT")]
    pub component: String,
    /// Image roots to scan, or one JSON report written by `sovscan scan -f json`.
    #[arg(required = true, value_name = "ROOT|SCAN.json")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub opts: ScanOpts,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Md,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Validate rule files (layered on the embedded database); without PATH, the embedded database.
    Check {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Check PATH alone, without the embedded database.
        #[arg(long)]
        no_default_rules: bool,
    },
    /// List vendors and products.
    List {
        /// Only vendors.
        #[arg(long, conflicts_with = "products")]
        vendors: bool,
        /// Only products.
        #[arg(long)]
        products: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

/// A failure that ends the run with exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
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
        Err(Fatal(msg)) => {
            eprintln!("sovscan: error: {msg}");
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Summary(args) => run_summary(args),
        Command::Explain(args) => run_explain(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "sovscan", &mut out);
            print_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            print_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => {
            let d = report::diff::diff(&read_report(&args.old)?, &read_report(&args.new)?);
            let bytes = match args.format {
                DiffFormat::Json => {
                    let mut b = serde_json::to_vec_pretty(&d)?;
                    b.push(b'\n');
                    b
                }
                DiffFormat::Table => report::diff::render_text(&d, false).into_bytes(),
                DiffFormat::Md => report::diff::render_text(&d, true).into_bytes(),
            };
            print_stdout(&bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(RulesCommand::Check {
            paths,
            no_default_rules,
        }) => rules_check(&paths, no_default_rules),
        Command::Rules(RulesCommand::List {
            vendors,
            products,
            rules,
        }) => {
            let db = load_rules(&rules)?;
            let text = rules_list(&db, !products || vendors, !vendors || products);
            print_stdout(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => run_report(args),
    }
}

/// Loads the embedded database and the `--rules` layers. Every error of
/// every file is collected; the first few are shown.
pub fn load_rules(args: &RuleArgs) -> Result<RuleDb, Fatal> {
    let mut layers = Vec::new();
    if !args.no_default_rules {
        layers.push(rules::embedded_sources());
    }
    layers.extend(rules::load_paths(&args.rules)?);
    rules::load(layers).map_err(|errs| Fatal(diagnostics(&errs)))
}

/// Loads the rules and policy and scans the roots.
pub fn scan_roots(roots: &[PathBuf], args: &ScanOpts) -> Result<(RuleDb, Policy, Report), Fatal> {
    let db = load_rules(&args.rules)?;
    let exclude = if args.exclude.is_empty() {
        None
    } else {
        let mut b = globset::GlobSetBuilder::new();
        for g in &args.exclude {
            let glob = globset::GlobBuilder::new(g.trim_start_matches('/'))
                .literal_separator(true)
                .build()
                .map_err(|e| Fatal(format!("--exclude {g:?}: {}", e.kind())))?;
            b.add(glob);
        }
        Some(b.build()?)
    };
    let policy = load_policy(args.policy.as_deref(), &db, args.quiet)?;
    let opts = scan::Options {
        policy: policy.clone(),
        walk: walk::Options {
            cross_filesystems: args.cross_filesystems,
            exclude,
        },
        max_binary_size: args.max_binary_size,
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("sovscan-{i}"))
        .build()?;
    let progress =
        Progress::new(!args.no_progress && !args.quiet && std::io::stderr().is_terminal());
    let result = pool.install(|| scan::scan(roots, &db, &opts, &progress));
    progress.finish();
    Ok((db, policy, result?))
}

/// Reads a saved JSON report (schema 1.x) as the typed report. A field of
/// the wrong type or a missing one is an error naming the file, line and
/// column: a reader never guesses.
pub fn read_report(path: &std::path::Path) -> Result<Report, Fatal> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
    use crate::formats::nesting::{MAX_REPORT_DEPTH, check_json};
    check_json(text.as_bytes(), MAX_REPORT_DEPTH).map_err(|e| {
        let (file, line, column) = (path.display(), e.line, e.column);
        Fatal(format!("{file}:{line}:{column}: not a sovscan report: {e}"))
    })?;
    let located = |e: serde_json::Error, what: &str| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m)
            .to_owned();
        Fatal(format!(
            "{}:{}:{}: {what}: {msg}",
            path.display(),
            e.line(),
            e.column()
        ))
    };
    #[derive(serde::Deserialize)]
    struct Head {
        schema_version: Option<String>,
    }
    let head: Head = serde_json::from_str(&text).map_err(|e| located(e, "not a JSON report"))?;
    let version = head.schema_version.unwrap_or_default();
    if !version.starts_with("1.") {
        return Err(Fatal(format!(
            "{}: not a sovscan report of schema 1.x (schema_version {version:?})",
            path.display()
        )));
    }
    serde_json::from_str(&text).map_err(|e| located(e, "not a complete sovscan report"))
}

/// A report from `inputs`: one saved JSON report, or roots to scan now.
fn obtain_report(inputs: &[PathBuf], args: &ScanOpts) -> Result<(RuleDb, Report), Fatal> {
    if let [one] = inputs
        && one.is_file()
    {
        let db = load_rules(&args.rules)?;
        return Ok((db, read_report(one)?));
    }
    let (db, _, report) = scan_roots(inputs, args)?;
    Ok((db, report))
}

fn run_summary(args: SummaryArgs) -> Result<ExitCode, Fatal> {
    let (_db, report) = obtain_report(&args.inputs, &args.opts)?;
    let bytes = match args.format {
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(&report.summary)?;
            b.push(b'\n');
            b
        }
        Format::Table => report::table::summary_view(&report).into_bytes(),
    };
    print_stdout(&bytes)?;
    Ok(ExitCode::SUCCESS)
}

fn run_explain(args: ExplainArgs) -> Result<ExitCode, Fatal> {
    let (db, report) = obtain_report(&args.inputs, &args.opts)?;
    let text = report::explain::explain(&report, &args.component, &db).map_err(Fatal)?;
    print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Loads `--policy` (or an empty policy), printing its warnings (expired
/// mitigations) to stderr unless quiet.
pub fn load_policy(
    path: Option<&std::path::Path>,
    db: &RuleDb,
    quiet: bool,
) -> Result<Policy, Fatal> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    let p = Policy::load(path, db, Date::today()).map_err(|errs| Fatal(diagnostics(&errs)))?;
    if !quiet {
        for w in &p.warnings {
            eprintln!("sovscan: warning: {w}");
        }
    }
    Ok(p)
}

/// Rule or policy diagnostics as the lines of one fatal error: the first 20,
/// then how many more.
fn diagnostics(errs: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = errs.iter().take(20).map(|e| e.to_string()).collect();
    if errs.len() > 20 {
        lines.push(format!("... and {} more", errs.len() - 20));
    }
    lines.join("\nsovscan: error: ")
}

fn run_scan(args: ScanArgs) -> Result<ExitCode, Fatal> {
    // Every output is checked before the scan: a typo fails at once.
    let outputs =
        report::output::plan(&args.format, &args.output, args.opts.quiet).map_err(Fatal)?;
    let baseline = match &args.baseline {
        Some(p) => Some((p.display().to_string(), read_report(p)?)),
        None => None,
    };
    let (db, pol, mut report) = scan_roots(&args.roots, &args.opts)?;
    if args.fail_on.is_some() || baseline.is_some() || args.opts.policy.is_some() {
        let verdict = gate::judge(
            &report,
            &pol,
            args.fail_on,
            baseline.as_ref().map(|(p, v)| (p.as_str(), v)),
        );
        for v in verdict.violations.iter() {
            let state = match (&v.allowed_by, verdict.failing.contains(&v.key)) {
                (Some(a), _) => format!("allowed by {a}"),
                (None, true) => "violation".to_owned(),
                (None, false) => "known from the baseline".to_owned(),
            };
            eprintln!("sovscan: policy: {} [{}]: {}", v.rule, state, v.message);
        }
        report.policy = Some(verdict);
    }
    let render_opts = report::RenderOptions {
        sarif_min_level: crate::model::risk::Level::parse(&args.sarif_min_level).ok_or_else(
            || {
                Fatal(format!(
                    "--sarif-min-level {}: unknown level",
                    args.sarif_min_level
                ))
            },
        )?,
        db: Some(std::sync::Arc::new(db)),
    };
    let stdout = report::output::write(&outputs, &report, &render_opts).map_err(Fatal)?;
    if let Some(bytes) = &stdout {
        print_stdout(bytes)?;
    }
    let table_on_stdout = outputs
        .iter()
        .any(|o| o.path.is_none() && o.format.name == "table");
    if !args.opts.quiet
        && (report.summary.errors > 0 || report.summary.skipped > 0)
        && table_on_stdout
    {
        eprintln!(
            "sovscan: {} error(s) and {} skipped entr(ies) are listed in the JSON report (-f json)",
            report.summary.errors, report.summary.skipped
        );
    }
    if report.policy.as_ref().is_some_and(|v| !v.passed) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_stdout(bytes: &[u8]) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // `sovscan ... | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fatal(format!("cannot write to stdout: {e}"))),
    }
}

fn rules_check(paths: &[PathBuf], no_default: bool) -> Result<ExitCode, Fatal> {
    let db = load_rules(&RuleArgs {
        rules: paths.to_vec(),
        no_default_rules: no_default,
    })?;
    // Doubts that are not errors go to stderr; the exit code stays 0.
    for w in db.lint() {
        eprintln!("sovscan: warning: {w}");
    }
    println!(
        "ok: rule database {} ({}): {} jurisdictions, {} laws, {} vendors, {} products, {} licences, {} categories, {} model rules, {} gates from {} file(s)",
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
        db.meta.files.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn rules_list(db: &RuleDb, vendors: bool, products: bool) -> String {
    use comfy_table::Table;
    let mut out = String::new();
    if vendors {
        let mut t = Table::new();
        t.load_style(crate::report::table::STYLE);
        t.set_header(vec![
            "vendor",
            "name",
            "country",
            "controller",
            "controller country",
            "as of",
        ]);
        let mut v: Vec<usize> = (0..db.vendors.len()).collect();
        v.sort_by(|&a, &b| db.vendors[a].id.cmp(&db.vendors[b].id));
        for i in v {
            let ven = &db.vendors[i];
            let c = &db.vendors[db.controller(i)];
            t.add_row(vec![
                ven.id.clone(),
                ven.name.clone(),
                ven.country.clone().unwrap_or_else(|| "-".into()),
                if c.id == ven.id {
                    "-".into()
                } else {
                    c.id.clone()
                },
                c.country.clone().unwrap_or_else(|| "-".into()),
                ven.as_of.clone(),
            ]);
        }
        out.push_str(&format!("{t}\n{} vendors\n", db.vendors.len()));
    }
    if products {
        if vendors {
            out.push('\n');
        }
        let mut t = Table::new();
        t.load_style(crate::report::table::STYLE);
        t.set_header(vec![
            "product",
            "name",
            "vendor",
            "category",
            "license",
            "alternatives",
        ]);
        let mut p: Vec<&rules::Product> = db.products.iter().collect();
        p.sort_by(|a, b| a.id.cmp(&b.id));
        for prod in p {
            let alts: Vec<&str> = prod
                .alternatives
                .iter()
                .map(|&a| db.products[a].id.as_str())
                .collect();
            t.add_row(vec![
                prod.id.clone(),
                prod.name.clone(),
                db.vendors[prod.vendor].id.clone(),
                prod.category.clone(),
                prod.license.clone(),
                alts.join(", "),
            ]);
        }
        out.push_str(&format!("{t}\n{} products\n", db.products.len()));
    }
    out
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A JSON report written by `sovscan scan -f json`.
    #[arg(value_name = "SCAN.json")]
    pub input: PathBuf,
    /// Output format: any format `scan` writes.
    #[arg(short, long, value_name = "FORMAT", default_value = "html",
          value_parser = clap::builder::PossibleValuesParser::new(report::FORMATS.iter().map(|f| f.name)))]
    pub format: String,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// SARIF: the lowest risk level that becomes a result (critical > high > unknown > medium > low).
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = parse_level)]
    pub sarif_min_level: Level,
    /// The rule database that names laws, gates and alternatives (as for the scan).
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// `sovscan report`: renders a saved report in any format, as the scan
/// that wrote it would have.
fn run_report(args: ReportArgs) -> Result<ExitCode, Fatal> {
    // The output is checked before anything is read, as for `scan -o`.
    let output = report::output::single(&args.format, args.output).map_err(Fatal)?;
    let saved = read_report(&args.input)?;
    let opts = report::RenderOptions {
        sarif_min_level: args.sarif_min_level,
        db: Some(std::sync::Arc::new(load_rules(&args.rules)?)),
    };
    if let Some(bytes) = report::output::write(&[output], &saved, &opts).map_err(Fatal)? {
        print_stdout(&bytes)?;
    }
    Ok(ExitCode::SUCCESS)
}
