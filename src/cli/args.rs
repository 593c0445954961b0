//! The command line as clap reads it: every command, option and help text,
//! apart from what runs them (one module per command beside this one).

use crate::fingerprint;
use crate::model::inventory::Family;
use crate::model::risk::Level;
use crate::report;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = level_parser())]
    pub sarif_min_level: Level,
    /// List components (the raw inventory: every package, registry entry, bundle, folder of binaries) instead of products in the table, CSV, NDJSON and SARIF.
    #[arg(long)]
    pub components: bool,
    /// Fail (exit 1) when a component is at or above LEVEL (low, medium, unknown, high, critical).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub fail_on: Option<Level>,
    /// Fail only on violations that a previous report (sovscan scan -f json) doesn't have.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub opts: ScanOpts,
}

/// A level by name, offering the names in `--help` and completions.
fn level_parser() -> impl clap::builder::TypedValueParser<Value = Level> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Level::WORST_FIRST.map(Level::as_str))
        .map(|s| Level::parse(&s).expect("a possible value is a level"))
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
    /// Descend into other file systems and bind mounts below a root.
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
    /// Scan every root as this OS, whatever its marker files say: linux, windows, macos, dir.
    #[arg(long, value_name = "OS", value_parser = parse_family)]
    pub os: Option<Family>,
    /// Accept a root that is an empty directory (by default exit 2: an
    /// empty root is usually a mount that did not happen).
    #[arg(long)]
    pub allow_empty: bool,
}

fn parse_family(s: &str) -> Result<Family, String> {
    match s {
        "linux" => Ok(Family::Linux),
        "windows" => Ok(Family::Windows),
        "macos" => Ok(Family::Macos),
        "dir" | "directory" => Ok(Family::Directory),
        _ => Err(format!("`{s}` is not an OS: linux, windows, macos, dir")),
    }
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
    /// Compare components (the raw inventory) instead of products.
    #[arg(long)]
    pub components: bool,
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
    #[arg(long, value_name = "LEVEL", default_value = "high", value_parser = level_parser())]
    pub sarif_min_level: Level,
    /// List components (the raw inventory: every package, registry entry, bundle, folder of binaries) instead of products in the table, CSV, NDJSON and SARIF.
    #[arg(long)]
    pub components: bool,
    /// The rule database that names laws, gates and alternatives (as for the scan).
    #[command(flatten)]
    pub rules: RuleArgs,
}
