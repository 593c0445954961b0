//! The command line as clap reads it: every command, option and help text,
//! apart from what runs them (one module per command beside this one).

use crate::fingerprint;
use crate::i18n::Lang;
use crate::model::inventory::Family;
use crate::model::risk::Level;
use crate::report;
use crate::report::Appendix;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "sovscan", version, about = "How dependent is this workstation image on foreign-controlled software vendors?", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Language of the human-readable outputs (table, summary, explain, check, plan, md, html, pdf): en or de. The machine formats (json, csv, cyclonedx, sarif, ndjson) are the same in every language.
    #[arg(long, global = true, value_enum, value_name = "LANG", default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan one or more image roots (mounted or extracted file systems).
    #[command(after_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// Assess SBOMs (CycloneDX 1.4–1.6, SPDX 2.2/2.3 JSON) like a scan: vendors, controllers, risk, every output and the gate.
    #[command(after_help = ASSESS_EXAMPLES)]
    Assess(AssessArgs),
    /// The image aggregates (index, open-source share, jurisdictions, concentration) of roots or a saved scan.json.
    #[command(after_help = SUMMARY_EXAMPLES)]
    Summary(SummaryArgs),
    /// The whole assessment trace of one component: evidence, controller chain, laws, rules, dimensions, level.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Drift between two saved scans: components added, removed and changed; index and share deltas.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, or write a page per command to a directory.
    #[command(after_help = MAN_EXAMPLES)]
    Man {
        /// Write sovscan.1 and a page per subcommand (sovscan-scan.1...) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Check or browse the rule database.
    #[command(subcommand, after_help = RULES_EXAMPLES)]
    Rules(RulesCommand),
    /// A phased plan to an open-source share by a target year, from saved scans: which products to replace by which alternatives, year by year, critical first.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// The check before procurement: a product's control chain, laws, level for its role, GDPR-relevant traits and alternatives, without an image.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// An administration's figures over many images weighted by seats, per department, with the trend per year or quarter (a fleet manifest or a directory of saved scans).
    #[command(after_help = FLEET_EXAMPLES)]
    Fleet(FleetArgs),
    /// Re-render a saved scan (sovscan scan -f json) without rescanning, in any format scan writes (default: the HTML sovereignty report).
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
}

/// The examples under `--help`, and the man pages' EXAMPLES (the first
/// line is the heading `--help` shows).
const SCAN_EXAMPLES: &str = "Examples:
  sovscan scan /mnt/golden
      A table that fits the terminal: one row per product, worst risk first.
  sovscan scan /mnt/golden -o json=scan.json -o sarif=scan.sarif -o html=report.html
      The table, plus the JSON report, SARIF for code scanning and the HTML report.
  sovscan scan /mnt/golden --fail-on critical --policy sovscan-policy.toml
      A CI gate: exit 1 on a violation; the last line is the verdict.
  sovscan scan /mnt/golden --baseline accepted-scan.json --fail-on high
      Fail only on violations the accepted scan did not have.";
const ASSESS_EXAMPLES: &str = "Examples:
  sovscan assess bom.cdx.json
      A table of the SBOM's products, worst risk first.
  syft scan dir:/mnt/golden -o cyclonedx-json | sovscan assess - -o json=assessed.json
      Assess Syft's SBOM from stdin; write the JSON report.
  sovscan assess vendor.spdx.json --fail-on high --policy sovscan-policy.toml
      Gate a supplier's SBOM before procurement.";
const SUMMARY_EXAMPLES: &str = "Examples:
  sovscan summary /mnt/golden
  sovscan summary scan.json -f json";
const EXPLAIN_EXAMPLES: &str = "Examples:
  sovscan explain google-chrome-stable scan.json
      Why Chrome is rated as it is: evidence, controller chain, laws, rules, level.
  sovscan explain 0:product:zoom /mnt/golden";
const DIFF_EXAMPLES: &str = "Examples:
  sovscan diff accepted-scan.json scan.json
  sovscan diff accepted-scan.json scan.json -f md > drift.md";
const REPORT_EXAMPLES: &str = "Examples:
  sovscan report scan.json -o report.html
  sovscan report scan.json -f table --wide";
const PLAN_EXAMPLES: &str = "Examples:
  sovscan plan scan.json --target 0.7 --by 2032
      Phases from this year to 2032 that reach 70 % open-source share by role weight.
  sovscan plan scan.json --policy policy.toml -f html -o plan.html
      With the policy's [plan] (capacity, products kept, preferences); a timeline chart.
  sovscan plan scan.json --replace microsoft-teams=element-desktop
      What-if: the figures with that switch applied, without a plan.";
const FLEET_EXAMPLES: &str = "Examples:
  sovscan fleet fleet.toml
      Seat-weighted index, open-source share, jurisdictions and concentration, per department and overall.
  sovscan fleet fleet.toml --period quarter -o json=fleet.json -o parquet=fleet.parquet
      The JSON report and one Parquet row per product of every scan, for DuckDB or Spark.
  sovscan fleet scans/ --plan plan.json
      Every saved scan in scans/ (one seat each), with the plan's share per year beside the trend.";
const CHECK_EXAMPLES: &str = "Examples:
  sovscan check zoom
  sovscan check \"Microsoft Teams\" -f md
  sovscan check wps-office --policy policy.toml
      Exit 1 when the product would violate the policy's [deny].";
const RULES_EXAMPLES: &str = "Examples:
  sovscan rules check site-rules/
  sovscan rules list --products
  sovscan rules coverage scan.json --rules site-rules/";
const COMPLETIONS_EXAMPLES: &str = "Examples:
  sovscan completions bash > /etc/bash_completion.d/sovscan
  sovscan completions zsh > \"${fpath[1]}/_sovscan\"
  sovscan completions fish > ~/.config/fish/completions/sovscan.fish
  sovscan completions powershell >> $PROFILE";
const MAN_EXAMPLES: &str = "Examples:
  sovscan man --dir /usr/local/share/man/man1
  sovscan man | man -l -";

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
    /// Image roots: a Linux, Windows or macOS root file system or any directory, or a disk image file (raw, qcow2, VHDX, VMDK; each partition with an NTFS, ext2/3/4 or FAT file system is a root of its own, FILE#pN).
    #[arg(required = true, value_name = "ROOT")]
    pub roots: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub opts: ScanOpts,
}

#[derive(Args, Debug)]
pub struct AssessArgs {
    /// SBOMs: CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON (Syft, Trivy, a vendor's), each assessed as one image.
    #[arg(required = true, value_name = "SBOM.json")]
    pub sboms: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Policy file (TOML): model weights and targets, mitigations, the gate. See docs/policy.md.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// No notices on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// What to write and how to judge it: shared by `scan` and `assess`.
#[derive(Args, Debug)]
pub struct OutputArgs {
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
    /// Table: every column at full width, whatever the terminal's width (by default the table fits the terminal, or 120 columns in a pipe or file).
    #[arg(long)]
    pub wide: bool,
    /// Fail (exit 1) when a component is at or above LEVEL (low, medium, unknown, high, critical).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub fail_on: Option<Level>,
    /// Fail only on violations that a previous report (sovscan scan -f json) doesn't have.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// Add a "Measures" section with a migration plan to the md and html report (also when the policy has [plan]). See docs/plan.md.
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    pub doc: DocArgs,
}

/// The cover and the appendix of the sovereignty report (md, html).
#[derive(Args, Debug, Clone, Default)]
pub struct DocArgs {
    /// The organisation named on the report's cover (overrides [report] organisation of the policy).
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,
    /// The period the report covers, as text (overrides [report] period of the policy), e.g. "2026" or "Q3 2026".
    #[arg(long, value_name = "TEXT")]
    pub period: Option<String>,
    /// How much evidence the md and html report append: none, summary (counts per source and the worst products) or full (every product).
    #[arg(long, value_name = "WHAT", value_enum, default_value_t = Appendix::Summary)]
    pub appendix: Appendix,
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
    /// Worker threads, at least 1 (default: one per core).
    #[arg(short, long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,
    /// Skip paths (relative to the image root) matching GLOB, e.g. 'home/*/.cache'. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Descend into other file systems and bind mounts below a root.
    #[arg(long)]
    pub cross_filesystems: bool,
    /// In a disk image file, scan only partition N (1-based, as in FILE#pN; default: every partition with a file system sovscan reads).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub partition: Option<u32>,
    /// The parent of a differencing VHDX, or the backing file of a qcow2 overlay (any container); read only when the image says it has one.
    #[arg(long, value_name = "FILE")]
    pub parent: Option<PathBuf>,
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
    /// Accept a root that is an empty directory, or in which the scan finds no operating system and no software (by default exit 2, also with --fail-on: such a root is usually a mount that did not happen).
    #[arg(long)]
    pub allow_empty: bool,
}

fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{s}` is not a number of threads: 1 or more (leave -j out for one per core)"
        )),
    }
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
        /// Also warn about the embedded database (by default, with PATH, only PATH's warnings are shown: a site can't fix the embedded ones).
        #[arg(long)]
        all: bool,
    },
    /// List vendors and products.
    List(ListArgs),
    /// The code signers (Authenticode, Team IDs, Developer IDs) of a saved scan that the rules don't resolve to a vendor, most files first.
    Coverage(CoverageArgs),
}

#[derive(Args, Debug)]
pub struct CoverageArgs {
    /// A JSON report written by `sovscan scan -f json`.
    #[arg(value_name = "SCAN.json")]
    pub report: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit 1 when any signer is unknown to the rules (a CI check that a site's rules know every signer of its image).
    #[arg(long)]
    pub fail_on_unknown: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only vendors.
    #[arg(long, conflicts_with = "products")]
    pub vendors: bool,
    /// Only products.
    #[arg(long)]
    pub products: bool,
    /// Only entries whose id or name contains TEXT (ignoring case).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only products of category C (browser, office, remote-access...); implies --products.
    #[arg(long, value_name = "C")]
    pub category: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub rules: RuleArgs,
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
    /// Table: every column at full width, whatever the terminal's width (by default the table fits the terminal, or 120 columns in a pipe or file).
    #[arg(long)]
    pub wide: bool,
    /// Add a "Measures" section with a migration plan to the md and html report (also when --policy has [plan]). See docs/plan.md.
    #[arg(long)]
    pub plan: bool,
    /// Policy file (TOML) whose [plan] and model settings the plan uses.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The rule database that names laws, gates and alternatives (as for the scan).
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub doc: DocArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
    Md,
    Html,
    Csv,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// Saved scans (sovscan scan -f json); several are planned as one estate.
    #[arg(required = true, value_name = "SCAN.json")]
    pub inputs: Vec<PathBuf>,
    /// Target open-source share by role weight, 0..1 (default: the policy's [plan] target_share, else the model's oss_target).
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub target: Option<f64>,
    /// Target year (default: [plan] target_year, else the model's oss_target_year).
    #[arg(long, value_name = "YEAR")]
    pub by: Option<u16>,
    /// First year of the plan (default: [plan] start_year, else this year).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<u16>,
    /// Capacity in effort points a year (S = 1, M = 2, L = 4, XL = 8; default: [plan] effort_per_year, else no limit).
    #[arg(long, value_name = "POINTS", value_parser = clap::value_parser!(u32).range(1..))]
    pub capacity: Option<u32>,
    /// At most this many migrations a year (default: [plan] migrations_per_year, else no limit).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_migrations: Option<u32>,
    /// What-if: the figures with PRODUCT replaced by ALTERNATIVE (product ids), without a plan. Repeatable.
    #[arg(long, value_name = "PRODUCT=ALTERNATIVE")]
    pub replace: Vec<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Policy file (TOML) with [plan], [deny] and model settings. See docs/plan.md.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
    Md,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// A product id (`zoom`), a product name (`"Microsoft Teams"`), a vendor id, or part of a name.
    #[arg(value_name = "PRODUCT|NAME")]
    pub query: String,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// Policy file (TOML): exit 1 when the product would violate its [deny].
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{s}` is not a share between 0 and 1 (0.7 for 70 %)"
        )),
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FleetFormat {
    Table,
    Json,
    Md,
    Parquet,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FleetPeriod {
    Year,
    Quarter,
}

#[derive(Args, Debug)]
pub struct FleetArgs {
    /// A fleet manifest (TOML, docs/fleet.md) or a directory of saved scans (sovscan scan -f json).
    #[arg(value_name = "FLEET.toml|DIR")]
    pub input: PathBuf,
    /// Output format on stdout, and of a plain -o FILE.
    #[arg(short, long, value_enum, default_value_t = FleetFormat::Table)]
    pub format: FleetFormat,
    /// Write FILE (atomically) instead of stdout; FORMAT=FILE writes another format (table, json, md, parquet). Repeatable.
    #[arg(short, long, value_name = "[FORMAT=]FILE")]
    pub output: Vec<String>,
    /// Group the trend by year or quarter (default: the manifest's period, else year).
    #[arg(long, value_enum)]
    pub period: Option<FleetPeriod>,
    /// A saved plan (sovscan plan -f json): its open-source share per year beside the trend.
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,
    /// Policy file (TOML): role weights and the open-source target.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}
