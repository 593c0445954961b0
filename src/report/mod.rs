//! The report: the JSON contract (`docs/json.md`) and the renderers, one
//! module per output format.
//!
//! Field names here are an interface that migration tools build on: add new
//! ones, never rename or remove. Bump [`SCHEMA_VERSION`]'s minor number when
//! adding, its major number never without a migration note.

pub mod csv;
pub mod cyclonedx;
pub mod diff;
pub mod explain;
pub mod html;
pub mod json;
pub mod md;
pub mod ndjson;
pub mod output;
pub mod sarif;
pub mod sovereignty;
pub mod table;

use crate::assess::Risk;
use crate::assess::aggregate::Aggregates;
use crate::fingerprint::{Format, cms::Signature, elf::ElfInfo, pe::PeInfo};
use crate::inventory::{Evidence, Kind, Supplier};
use crate::rules::{Bloc, Confidence};
use crate::walk::Stats;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: &str = "1.1";

/// One output format: its name on the command line and its renderer. A new
/// format is one module under `report/` plus one entry in [`FORMATS`].
#[derive(Debug)]
pub struct OutputFormat {
    /// The name for `-f NAME` and `-o NAME=PATH`.
    pub name: &'static str,
    /// One line for `--help` and the docs.
    pub about: &'static str,
    pub render: fn(&Report, &RenderOptions) -> Result<Vec<u8>, RenderError>,
}

/// Options some renderers take; the defaults are the command line's.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// SARIF: the lowest level that becomes a result (by
    /// [`crate::assess::Level::severity`]).
    pub sarif_min_level: crate::assess::Level,
    /// The rule database, for the sovereignty report (`md`, `html`): the
    /// names and texts of laws, gates, controllers and alternatives. Without
    /// it those are shown by id.
    pub db: Option<std::sync::Arc<crate::rules::RuleDb>>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            sarif_min_level: crate::assess::Level::High,
            db: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
}

/// Every output format, in the order `--help` lists them.
pub static FORMATS: &[OutputFormat] = &[
    OutputFormat {
        name: "table",
        about: "one row per component, worst risk first, then a summary (terminal)",
        render: |r, _| Ok(table::render(r)?.into_bytes()),
    },
    OutputFormat {
        name: "json",
        about: "the full report: the JSON contract (docs/json.md)",
        render: |r, _| Ok(json::render(r)?),
    },
    OutputFormat {
        name: "cyclonedx",
        about: "CycloneDX 1.6 JSON SBOM with sovscan:* properties",
        render: |r, _| cyclonedx::render(r),
    },
    OutputFormat {
        name: "sarif",
        about: "SARIF 2.1.0: one result per component at or above --sarif-min-level",
        render: sarif::render,
    },
    OutputFormat {
        name: "ndjson",
        about: "one component per line, with image_root (for DuckDB, Spark, jq)",
        render: |r, _| ndjson::render(r),
    },
    OutputFormat {
        name: "csv",
        about: "one row per component (RFC 4180), for spreadsheets",
        render: |r, _| csv::render(r),
    },
    OutputFormat {
        name: "md",
        about: "the sovereignty report in Markdown: figures, critical and high dependencies explained, evidence",
        render: |r, o| Ok(md::render(&serde_json::to_value(r)?, o.db.as_deref())?.into_bytes()),
    },
    OutputFormat {
        name: "html",
        about: "the sovereignty report as one self-contained HTML file with inline SVG charts (no external requests)",
        render: |r, o| Ok(html::render(&serde_json::to_value(r)?, o.db.as_deref())?.into_bytes()),
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

/// The bloc of a component's controller as the summary counts it: `eu`,
/// `adequacy`, `other`, `community` (a controller but no jurisdiction: no
/// controlling company) or `unknown` (no controller).
pub fn bloc_key(c: &Component) -> &'static str {
    match (&c.controller, &c.jurisdiction) {
        (None, _) => "unknown",
        (Some(_), None) => "community",
        (Some(_), Some(j)) => match j.bloc {
            Bloc::Eu => "eu",
            Bloc::Adequacy => "adequacy",
            Bloc::Other => "other",
        },
    }
}

/// Writes a file atomically: a temporary file in the same directory, then a
/// rename. A failed run never leaves half a file, and never replaces a good
/// one with a broken one.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".sovscan-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // tempfile creates 0600; a report is an ordinary file.
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub rules: RulesInfo,
    /// The assessment model as configured for this scan.
    pub model: ModelInfo,
    /// Timing: the only fields that differ between two scans of the same image.
    pub scan: ScanInfo,
    pub images: Vec<ImageReport>,
    pub components: Vec<Component>,
    pub binaries: Vec<BinaryReport>,
    pub skipped: Vec<Located>,
    pub errors: Vec<ImageProblem>,
    pub warnings: Vec<ImageProblem>,
    pub summary: Summary,
    /// The CI gate's verdict, when a policy, `--fail-on` or `--baseline`
    /// was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::gate::Verdict>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RulesInfo {
    pub version: String,
    pub date: String,
    pub files: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ModelInfo {
    #[serde(flatten)]
    pub params: crate::rules::ModelParams,
    /// The policy file whose overrides and mitigations applied, if any.
    pub policy: Option<String>,
    /// Mitigations in force.
    pub mitigations: usize,
}

#[derive(Debug, Serialize)]
pub struct ScanInfo {
    pub duration_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ImageReport {
    pub id: usize,
    pub root: String,
    pub os: OsReport,
    pub stats: Stats,
    /// The model's aggregates for this image alone.
    pub summary: Aggregates,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OsReport {
    pub family: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub evidence: Option<String>,
}

/// A vendor or controller as the report names it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProductRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct JurisdictionReport {
    pub country: String,
    pub bloc: Bloc,
    /// Ids of the laws with extraterritorial reach.
    pub laws: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LicenseReport {
    /// SPDX id or expression, when known.
    pub spdx: Option<String>,
    /// The licence text as the package states it, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated: Option<String>,
    /// OSI-approved as shipped; null when not known.
    pub open_source: Option<bool>,
    /// Where the licence facts came from.
    pub basis: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MatchEvidence {
    /// `product:ID` or `vendor:ID`.
    pub rule: String,
    pub field: String,
    pub value: String,
    pub pattern: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MatchReport {
    /// Confidence of the deciding hit.
    pub confidence: Confidence,
    /// Every hit, the deciding one first.
    pub evidence: Vec<MatchEvidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Component {
    pub id: String,
    pub image: usize,
    pub name: String,
    pub version: Option<String>,
    pub arch: Option<String>,
    pub source: &'static str,
    pub kind: Kind,
    pub category: String,
    pub product: Option<ProductRef>,
    pub vendor: Option<Party>,
    pub controller: Option<Party>,
    /// Vendor ids from the vendor to its ultimate controller.
    pub controller_chain: Vec<String>,
    pub jurisdiction: Option<JurisdictionReport>,
    pub license: LicenseReport,
    pub risk: Risk,
    #[serde(rename = "match")]
    pub matched: Option<MatchReport>,
    pub alternatives: Vec<ProductRef>,
    pub supplier: Supplier,
    pub purl: Option<String>,
    pub properties: BTreeMap<&'static str, String>,
    pub evidence: Vec<Evidence>,
    /// Files the component owns (package manifest) or groups (binaries).
    pub files: usize,
    /// Binaries attached to it.
    pub binaries: usize,
    /// Claimed code signer (certificate O, else CN) → attached binaries
    /// signed by it; absent when none is signed.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub signers: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BinaryReport {
    pub image: usize,
    pub path: String,
    pub format: Format,
    pub arch: Option<String>,
    pub size: u64,
    /// Id of the owning component.
    pub component: Option<String>,
    /// The vendor the binary's own metadata resolves to.
    pub vendor: Option<String>,
    pub flags: Vec<&'static str>,
    pub elf: Option<ElfInfo>,
    /// VERSIONINFO strings, .NET (PE files only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pe: Option<PeInfo>,
    /// The code signature's claimed signer and digest check (PE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// Mach-O files only: slices, load commands, code signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub macho: Option<crate::fingerprint::macho::MachoInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Located {
    pub image: usize,
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImageProblem {
    pub image: usize,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Default, Deserialize)]
pub struct Share {
    pub count: usize,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Default, Deserialize)]
pub struct OpenSourceSummary {
    pub open: usize,
    pub proprietary: usize,
    pub unknown: usize,
    /// open / (open + proprietary); null when neither is known.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Default, Deserialize)]
pub struct Summary {
    pub components: usize,
    /// Components whose vendor was identified.
    pub resolved: usize,
    pub unknown: usize,
    /// Count and share of components by the bloc of the ultimate
    /// controller: `eu`, `adequacy`, `other`, `community` (no controlling
    /// company), `unknown`. Shares sum to 1.
    pub by_bloc: BTreeMap<String, Share>,
    /// Count by controller country (`none` for communities, `unknown`).
    pub by_country: BTreeMap<String, usize>,
    pub by_level: BTreeMap<String, usize>,
    pub open_source: OpenSourceSummary,
    /// The model's aggregates over all images: `index`, `weakest_level`,
    /// `oss_share`, `jurisdictions`, `concentration`, `coverage`.
    #[serde(flatten)]
    pub model: Aggregates,
    pub binaries: usize,
    /// Binaries no package database owns (grouped by install directory).
    pub binaries_unowned: usize,
    pub errors: usize,
    pub warnings: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn compute(
        components: &[Component],
        binaries: &[BinaryReport],
        errors: usize,
        warnings: usize,
        skipped: usize,
        model: Aggregates,
    ) -> Self {
        let mut s = Summary {
            model,
            components: components.len(),
            binaries: binaries.len(),
            binaries_unowned: {
                let grouped: std::collections::HashSet<&str> = components
                    .iter()
                    .filter(|c| c.source == "binary")
                    .map(|c| c.id.as_str())
                    .collect();
                binaries
                    .iter()
                    .filter(|b| b.component.as_deref().is_none_or(|id| grouped.contains(id)))
                    .count()
            },
            errors,
            warnings,
            skipped,
            ..Default::default()
        };
        for key in ["eu", "adequacy", "other", "community", "unknown"] {
            s.by_bloc.insert(key.to_owned(), Share::default());
        }
        for c in components {
            let bloc = bloc_key(c);
            if c.controller.is_some() {
                s.resolved += 1;
            } else {
                s.unknown += 1;
            }
            s.by_bloc.entry(bloc.to_owned()).or_default().count += 1;
            let country = match &c.controller {
                None => "unknown".to_owned(),
                Some(p) => p.country.clone().unwrap_or_else(|| "none".to_owned()),
            };
            *s.by_country.entry(country).or_default() += 1;
            *s.by_level
                .entry(c.risk.level.as_str().to_owned())
                .or_default() += 1;
            match c.license.open_source {
                Some(true) => s.open_source.open += 1,
                Some(false) => s.open_source.proprietary += 1,
                None => s.open_source.unknown += 1,
            }
        }
        let n = components.len().max(1) as f64;
        for v in s.by_bloc.values_mut() {
            v.share = round4(v.count as f64 / n);
        }
        let known = s.open_source.open + s.open_source.proprietary;
        s.open_source.share = (known > 0).then(|| round4(s.open_source.open as f64 / known as f64));
        s
    }
}

/// Four decimals: stable across platforms and enough for a percentage with
/// two decimals.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
