//! The renderers: one module per output format, all behind one signature
//! taking the typed report (`crate::model::report::Report`, the JSON
//! contract), so a saved report renders in every format exactly as the
//! scan that wrote it; plus the views that read reports (`diff`,
//! `explain`, and `table::summary_view`).
//!
//! The sovereignty report is built once as a [`document`] that `md`,
//! `html` and `pdf` render; [`crate::fmt`] is the one place that shows numbers, shares and
//! shortened names to people.

pub mod check;
pub mod coverage;
pub mod csv;
pub mod cyclonedx;
pub mod diff;
pub mod document;
pub mod explain;
pub mod fleet;
pub mod grid;
pub mod html;
pub mod json;
pub mod md;
pub mod ndjson;
pub mod output;
pub mod palette;
pub mod parquet;
pub mod pdf;
pub mod plan;
pub mod sarif;
pub mod table;

use crate::model::report::Report;
use crate::model::risk::Level;

/// One output format: its name on the command line and its renderer. A new
/// format is one module under `report/` plus one entry in [`FORMATS`].
#[derive(Debug)]
pub struct OutputFormat {
    /// The name for `-f NAME` and `-o NAME=PATH`.
    pub name: &'static str,
    /// One line for `--help` and the docs.
    pub about: &'static str,
    pub render: fn(&Report, &RenderOptions) -> Result<Vec<u8>, RenderError>,
    /// Writes the same bytes as `render` to a writer as they are made, so
    /// a file output never holds the whole rendering in memory (`None`:
    /// the format is rendered whole, then written).
    pub stream: Option<StreamFn>,
    /// Bytes that are not text (PDF): never written to a terminal.
    pub binary: bool,
}

/// A format's streaming renderer: [`OutputFormat::stream`].
pub type StreamFn = fn(&Report, &RenderOptions, &mut dyn std::io::Write) -> Result<(), RenderError>;

/// Options some renderers take; the defaults are the command line's.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// SARIF: the lowest level that becomes a result (by
    /// [`Level::severity`]).
    pub sarif_min_level: Level,
    /// The rule database, for the sovereignty report (`md`, `html`): the
    /// names and texts of laws, gates, controllers and alternatives. Without
    /// it those are shown by id.
    pub db: Option<std::sync::Arc<crate::rules::RuleDb>>,
    /// List components (the raw inventory) instead of products in the
    /// table, CSV, NDJSON and SARIF (`--components`).
    pub components: bool,
    /// The table's width in columns; `None`: as wide as its rows
    /// (`--wide`). Files get 120 unless `--wide`.
    pub width: Option<usize>,
    /// Colour the table's risk levels (a terminal without `NO_COLOR`).
    pub color: bool,
    /// A migration plan for the sovereignty report's "Measures" section
    /// (`--plan`, or a policy with `[plan]`).
    pub plan: Option<std::sync::Arc<crate::model::plan::Plan>>,
    /// The language of the human-readable formats (`--lang`); the machine
    /// formats ignore it.
    pub lang: crate::i18n::Lang,
    /// How much evidence the sovereignty report appends (`--appendix`).
    pub appendix: Appendix,
    /// Who and which period the sovereignty report is for (`[report]` of
    /// the policy, `--organisation`, `--period`).
    pub cover: Cover,
    /// An earlier report of the same image(s) (`--baseline`): the
    /// management summary shows the trend against it.
    pub baseline: Option<std::sync::Arc<crate::model::report::Report>>,
    /// The policy in force, for the role weights Parquet and CSV write
    /// (without it: the database's).
    pub policy: Option<std::sync::Arc<crate::assess::policy::Policy>>,
}

/// How much of the evidence the sovereignty report appends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Appendix {
    /// No appendix.
    None,
    /// The number of products and evidence items per source, and the
    /// worst products with their evidence (the default).
    #[default]
    Summary,
    /// Every product with every piece of evidence and every rule match.
    Full,
}

/// The cover of the sovereignty report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cover {
    pub organisation: Option<String>,
    pub period: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            sarif_min_level: Level::High,
            db: None,
            components: false,
            width: Some(DEFAULT_WIDTH),
            color: false,
            plan: None,
            lang: crate::i18n::Lang::En,
            appendix: Appendix::Summary,
            cover: Cover::default(),
            baseline: None,
            policy: None,
        }
    }
}

/// The table's width when stdout is not a terminal, and in files.
pub const DEFAULT_WIDTH: usize = 120;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    #[error("cannot write Parquet: {0}")]
    Parquet(String),
}

/// Every output format, in the order `--help` lists them.
pub static FORMATS: &[OutputFormat] = &[
    OutputFormat {
        name: "table",
        about: "one row per product (--components: per component), worst risk first, then a summary (terminal)",
        render: table::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "json",
        about: "the full report: the JSON contract (docs/json.md)",
        render: json::render,
        stream: Some(json::stream),
        binary: false,
    },
    OutputFormat {
        name: "cyclonedx",
        about: "CycloneDX 1.6 JSON SBOM: one component per product, its members nested, with sovscan:* properties",
        render: cyclonedx::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "sarif",
        about: "SARIF 2.1.0: one result per product (--components: per component) at or above --sarif-min-level",
        render: sarif::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "ndjson",
        about: "one product (--components: component) per line, with image_root (for DuckDB, Spark, jq)",
        render: ndjson::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "csv",
        about: "one row per product (--components: per component) (RFC 4180), for spreadsheets",
        render: csv::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "parquet",
        about: "one row per product (--components: per component), flat columns (docs/formats.md), for DuckDB and Spark",
        render: parquet::render,
        stream: None,
        binary: true,
    },
    OutputFormat {
        name: "md",
        about: "the sovereignty report in Markdown: figures, critical and high dependencies explained, evidence",
        render: md::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "html",
        about: "the sovereignty report as one self-contained HTML file with inline SVG charts (no external requests)",
        render: html::render,
        stream: None,
        binary: false,
    },
    OutputFormat {
        name: "pdf",
        about: "the sovereignty report as PDF/A-2b (A4, embedded fonts, vector charts); binary: to a file or a pipe",
        render: pdf::render,
        stream: None,
        binary: true,
    },
];

/// The format called `name`, if there is one.
pub fn format(name: &str) -> Option<&'static OutputFormat> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The names of all formats, comma-separated, for error messages.
pub fn format_names() -> String {
    FORMATS
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders `report` in `format`.
pub fn render(
    format: &OutputFormat,
    report: &Report,
    opts: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    (format.render)(report, opts)
}

/// Writes a file atomically: a temporary file in the same directory, then a
/// rename. A failed run never leaves half a file, and never replaces a good
/// one with a broken one.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    persist(tmp, path)
}

/// A temporary file in `path`'s directory, for [`persist`] to rename onto
/// `path` (removed if dropped first).
pub fn temp_beside(path: &std::path::Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".sovscan-")
        .tempfile_in(dir)
}

/// Makes a finished temporary an ordinary file, syncs it and renames it
/// onto `path`.
///
/// A `path` that is a device or a pipe (`-o /dev/null`, `-o /dev/stdout`,
/// a FIFO) is written into instead: a rename would replace the device node
/// with a file (as root, `/dev/null` itself).
pub fn persist(tmp: tempfile::NamedTempFile, path: &std::path::Path) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut from = tmp.reopen()?;
        let mut to = std::fs::OpenOptions::new().write(true).open(path)?;
        std::io::copy(&mut from, &mut to)?;
        return Ok(());
    }
    // tempfile creates 0600; a report is an ordinary file.
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
