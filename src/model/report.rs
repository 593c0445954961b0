//! The report: what one run of `sovscan scan` found and judged, written as
//! JSON (`docs/json.md`) and read back by `report`, `summary`, `explain`,
//! `diff` and `--baseline`.

use super::aggregates::{Aggregates, Share};
use super::binary::{
    Binary, CargoAudit, ElfInfo, Flag, Format, GoBuildInfo, MachoInfo, PeInfo, Signature,
};
use super::inventory::{Evidence, Family, Kind, Properties, Source, Supplier};
use super::risk::{Bloc, Confidence, ModelParams, Risk};
use super::verdict::Verdict;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

pub const SCHEMA_VERSION: &str = "1.7";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub tool: Tool,
    pub rules: RulesInfo,
    /// The assessment model as configured for this scan.
    pub model: ModelInfo,
    /// Timing: the only fields that differ between two scans of the same image.
    pub scan: ScanInfo,
    pub images: Vec<ImageReport>,
    /// The products installed, folded from `components` (schema 1.3): the
    /// unit the aggregates, views and the gate count.
    #[serde(default)]
    pub products: Vec<Product>,
    /// The raw inventory: every package, registry entry, bundle and group.
    pub components: Vec<Component>,
    pub binaries: Vec<BinaryReport>,
    pub skipped: Vec<Located>,
    pub errors: Vec<ImageProblem>,
    pub warnings: Vec<ImageProblem>,
    pub summary: Summary,
    /// The CI gate's verdict, when a policy, `--fail-on` or `--baseline`
    /// was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Verdict>,
}

impl Report {
    /// An empty report of this build of sovscan, for a scan to fill.
    pub fn new(rules: RulesInfo, model: ModelInfo) -> Self {
        Report {
            schema_version: SCHEMA_VERSION.to_owned(),
            tool: Tool {
                name: env!("CARGO_PKG_NAME").to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            rules,
            model,
            scan: ScanInfo {
                date: String::new(),
                duration_ms: 0,
            },
            images: Vec::new(),
            products: Vec::new(),
            components: Vec::new(),
            binaries: Vec::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            summary: Summary::default(),
            policy: None,
        }
    }

    /// The units the views list and count: the products, each as a row
    /// ([`Product::row`]), or with `components` the raw inventory. A report
    /// without products (older than schema 1.3 and not folded again) shows
    /// its components.
    pub fn units(&self, components: bool) -> Cow<'_, [Component]> {
        if components || self.products.is_empty() {
            return Cow::Borrowed(&self.components);
        }
        let by_id: HashMap<&str, &Component> =
            self.components.iter().map(|c| (c.id.as_str(), c)).collect();
        // Sized at once: grown by doubling from a filter, the rows would
        // hold up to twice their size at the scan's peak.
        let mut out = Vec::with_capacity(self.products.len());
        let rows = self.products.iter().filter_map(|p| {
            let lead = by_id.get(p.lead.as_str())?;
            let members: Vec<&Component> = p
                .members
                .iter()
                .filter_map(|m| by_id.get(m.as_str()).copied())
                .collect();
            Some(p.row(lead, &members))
        });
        out.extend(rows);
        Cow::Owned(out)
    }

    /// The image with id `id`, if the report has it.
    pub fn image(&self, id: usize) -> Option<&ImageReport> {
        self.images.iter().find(|i| i.id == id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RulesInfo {
    pub version: String,
    pub date: String,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelInfo {
    #[serde(flatten)]
    pub params: ModelParams,
    /// The policy file whose overrides and mitigations applied, if any.
    pub policy: Option<String>,
    /// Mitigations in force.
    pub mitigations: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanInfo {
    /// The UTC day of the scan, `YYYY-MM-DD`: `SOURCE_DATE_EPOCH` when set,
    /// else the clock. Absent from reports before schema 1.2.
    #[serde(default)]
    pub date: String,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageReport {
    pub id: usize,
    pub root: String,
    pub os: OsReport,
    pub stats: Stats,
    /// The model's aggregates for this image alone.
    pub summary: Aggregates,
    /// Set when the "image" is an SBOM (`sovscan assess`): what it is and
    /// who wrote it. `root` is then the SBOM's path, `stats` are zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<SbomReport>,
    /// Set when the root is a partition of a disk image file (schema 1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<DiskReport>,
}

/// Where a root inside a disk image file came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskReport {
    /// The image file as given on the command line.
    pub file: String,
    /// `raw`, `qcow2`, `vhdx`, `vmdk (stream-optimised)`...
    pub container: String,
    /// The partition table: `gpt`, `mbr`, or `none` (a file system
    /// written to the whole disk).
    pub table: String,
    /// 1-based, as in `#p3`.
    pub partition: u32,
    /// `Microsoft basic data`, `EFI system`, `MBR type 0x83 (Linux)`...
    pub partition_type: String,
    /// The GPT partition name, if any.
    pub label: Option<String>,
    /// `NTFS`, `ext4`, `FAT32`...
    pub filesystem: String,
}

/// An assessed SBOM, as it describes itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbomReport {
    /// `CycloneDX 1.6`, `SPDX SPDX-2.3`.
    pub format: String,
    /// The tools that wrote it, as the document names them.
    pub tools: Vec<String>,
    /// What it describes (CycloneDX `metadata.component`, SPDX `name`).
    pub subject: Option<String>,
    /// Components read (nested ones included).
    pub components: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OsReport {
    pub family: Family,
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub evidence: Option<String>,
}

/// Totals of a finished walk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub bytes: u64,
    /// Regular files opened to read their first bytes (binaries are found
    /// by content). Absent from reports before schema 1.5.
    #[serde(default)]
    pub sniffed: u64,
    /// Files whose first bytes say binary, handed to the parsers.
    pub candidates: u64,
    /// Files read and parsed as binaries: once per file, however many
    /// names (hard links) it has. Absent from reports before schema 1.2.
    #[serde(default)]
    pub binaries_parsed: u64,
    /// Candidates whose headers said they are no binary after all: an
    /// `MZ` file with no PE header (a DOS program, data). Counted, not an
    /// error. Absent from reports before schema 1.6.
    #[serde(default)]
    pub not_binaries: u64,
    /// Names of hard-linked candidates whose reading and parsing was saved
    /// (the file was read under another name); each name of a binary still
    /// has its own `binaries[]` record.
    pub hardlinks_deduplicated: u64,
    pub skipped: u64,
    pub errors: u64,
}

/// A vendor or controller as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JurisdictionReport {
    pub country: String,
    pub bloc: Bloc,
    /// Ids of the laws with extraterritorial reach.
    pub laws: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseReport {
    /// SPDX id or expression, when known.
    pub spdx: Option<String>,
    /// The licence text as the package states it, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<String>,
    /// OSI-approved as shipped; null when not known.
    pub open_source: Option<bool>,
    /// Where the licence facts came from.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchEvidence {
    /// `product:ID` or `vendor:ID`.
    pub rule: String,
    pub field: String,
    pub value: String,
    pub pattern: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchReport {
    /// Confidence of the deciding hit.
    pub confidence: Confidence,
    /// Every hit, the deciding one first.
    pub evidence: Vec<MatchEvidence>,
}

/// Who controls a component, as the summary counts it: the bloc of its
/// controller's jurisdiction, split further where the model's aggregates
/// name a state (`us`, `cn_ru`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlBloc {
    Eu,
    Adequacy,
    Us,
    CnRu,
    Other,
    /// A controller but no jurisdiction: no controlling company.
    Community,
    /// No controller identified.
    Unknown,
}

impl ControlBloc {
    /// Every bloc, in the order the summary lists them.
    pub const ALL: [ControlBloc; 7] = [
        ControlBloc::Eu,
        ControlBloc::Adequacy,
        ControlBloc::Us,
        ControlBloc::CnRu,
        ControlBloc::Other,
        ControlBloc::Community,
        ControlBloc::Unknown,
    ];

    /// The bloc's name in every output: the keys of the model's
    /// `jurisdictions`.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlBloc::Eu => "eu",
            ControlBloc::Adequacy => "adequacy",
            ControlBloc::Us => "us",
            ControlBloc::CnRu => "cn_ru",
            ControlBloc::Other => "other",
            ControlBloc::Community => "community",
            ControlBloc::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Component {
    pub id: String,
    /// The same across scans, versions and root order (`Package::key`);
    /// unique within its image. Absent from reports before schema 1.2.
    #[serde(default)]
    pub key: String,
    pub image: usize,
    pub name: String,
    pub version: Option<String>,
    pub arch: Option<String>,
    pub source: Source,
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
    pub properties: Properties,
    pub evidence: Vec<Evidence>,
    /// Files the component owns (package manifest) or groups (binaries).
    pub files: usize,
    /// Binaries attached to it.
    pub binaries: usize,
    /// Claimed code signer (certificate O, else CN) → attached binaries
    /// signed by it; absent when none is signed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signers: BTreeMap<String, usize>,
    /// Facts worth a glance (`mixed-signers`); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<ComponentFlag>,
    /// A binary group whose install directory is signed by several
    /// parties: verified signer → files and share of the directory's
    /// binaries (nested payloads split off included); absent otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signer_shares: BTreeMap<String, Share>,
}

/// A fact about a component worth a glance (`components[].flags`). The
/// names are stable codes: consumers key on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentFlag {
    /// A binary group whose files carry verified signatures of more than
    /// one party: its vendor is the one that signed most of them, and the
    /// others' files are members with their own vendor or, nested in a
    /// sub-directory of their own, components of their own.
    MixedSigners,
}

impl Component {
    /// The component's identity across scans: its image and [`key`](Self::key)
    /// (no version, so an update is the same component). A component of a
    /// report older than schema 1.2 has no key: it is worked out again from
    /// the fields the key is made of, so an old baseline still joins.
    pub fn identity(&self) -> String {
        if self.key.is_empty() {
            let key = super::inventory::key_of(
                self.source,
                &self.name,
                self.version.as_deref(),
                self.arch.as_deref(),
                &self.properties,
            );
            return format!("{}:{key}", self.image);
        }
        format!("{}:{}", self.image, self.key)
    }

    /// Who controls the component, by bloc.
    pub fn control_bloc(&self) -> ControlBloc {
        match (&self.controller, &self.jurisdiction) {
            (None, _) => ControlBloc::Unknown,
            (Some(_), None) => ControlBloc::Community,
            (Some(p), Some(j)) => match (p.country.as_deref(), j.bloc) {
                (_, Bloc::Eu) => ControlBloc::Eu,
                (Some("US"), _) => ControlBloc::Us,
                (Some("CN" | "RU"), _) => ControlBloc::CnRu,
                (_, Bloc::Adequacy) => ControlBloc::Adequacy,
                (_, Bloc::Other) => ControlBloc::Other,
            },
        }
    }

    /// The bloc's one name, the same in every format (`Summary.by_bloc`,
    /// the model's `jurisdictions`, CSV, CycloneDX, SARIF, `explain`):
    /// `eu`, `adequacy`, `us`, `cn_ru`, `other`, `community`, `unknown`
    /// (schema 1.4; before, US and CN/RU were `other` here).
    pub fn bloc_key(&self) -> &'static str {
        self.control_bloc().as_str()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    pub flags: Vec<Flag>,
    pub elf: Option<ElfInfo>,
    /// VERSIONINFO strings, .NET (PE files only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe: Option<PeInfo>,
    /// The code signature's claimed signer and digest check (PE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// Mach-O files only: slices, load commands, code signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub macho: Option<MachoInfo>,
    /// Go build information (Go 1.18 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<GoBuildInfo>,
    /// The crates a `cargo auditable` build embedded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo: Option<CargoAudit>,
    /// Where Windows recorded the file was downloaded from (schema 1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<super::binary::Download>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

impl BinaryReport {
    /// A fingerprinted binary as the report lists it.
    pub fn new(image: usize, b: Binary, component: Option<String>, vendor: Option<String>) -> Self {
        BinaryReport {
            image,
            component,
            vendor,
            path: b.path,
            format: b.format,
            arch: b.arch,
            size: b.size,
            flags: b.flags,
            elf: b.elf,
            pe: b.pe,
            signature: b.signature,
            macho: b.macho,
            go: b.go,
            cargo: b.cargo,
            download: b.download,
            links: b.links,
        }
    }
}

/// An entry the walk deliberately did not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Located {
    pub image: usize,
    pub path: String,
    pub reason: String,
}

/// A problem with one file of an image.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ImageProblem {
    pub image: usize,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OpenSourceSummary {
    pub open: usize,
    pub proprietary: usize,
    pub unknown: usize,
    /// open / (open + proprietary); null when neither is known.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub components: usize,
    /// Products (schema 1.3). Every count below — resolved, unknown, by
    /// bloc, country, level and licence — counts products; in a report
    /// older than 1.3 they count components.
    #[serde(default)]
    pub products: usize,
    /// Products whose vendor was identified.
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

// Products: the unit a planner counts. One entry per product installed on
// an image, folded from the raw inventory (`components[]`): LibreOffice's
// thirteen split packages, an app with its installer receipt and its
// Homebrew cask, a registry entry with the folder of binaries it installed
// are each one product. The folding itself is `assess::product`; these are
// the data and the JSON contract (`docs/json.md` § products).

/// How a product was delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A product rule of the database claims its members.
    Rule,
    /// No product rule claims it: one component, or the packages built
    /// from one source package.
    Unidentified,
}

/// One product installed on one image.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Product {
    /// Unique in the report: `IMAGE:KEY`.
    pub id: String,
    /// The same across scans, versions and root order: `product:ID` for a
    /// product of the database, `unidentified:…` otherwise.
    pub key: String,
    pub image: usize,
    pub name: String,
    pub basis: Basis,
    /// The lead member's version; `versions` has them all.
    pub version: Option<String>,
    /// Every distinct version among the members, sorted.
    pub versions: Vec<String>,
    pub kind: Kind,
    pub category: String,
    /// The product rule, when one claims it.
    pub product: Option<ProductRef>,
    pub vendor: Option<Party>,
    pub controller: Option<Party>,
    pub controller_chain: Vec<String>,
    pub jurisdiction: Option<JurisdictionReport>,
    pub license: LicenseReport,
    /// The product's assessment: its lead member's (`lead`).
    pub risk: Risk,
    #[serde(rename = "match")]
    pub matched: Option<MatchReport>,
    pub alternatives: Vec<ProductRef>,
    /// The member whose identification and assessment the product carries:
    /// the most confident match, then an application over a library, then
    /// the higher risk.
    pub lead: String,
    /// Component ids of every member, in the order of `components[]`.
    pub members: Vec<String>,
    /// Where and how the product is installed: one entry per channel
    /// (the system package manager, a flatpak, an app with its receipt and
    /// cask, a registry entry with its folder, an unpackaged folder).
    pub installations: Vec<Installation>,
    /// Files and binaries over all members.
    pub files: usize,
    pub binaries: usize,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signers: BTreeMap<String, usize>,
    /// Every flag of a member (`mixed-signers`), once; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<ComponentFlag>,
}

/// One installation of a product: the members that arrived through one
/// channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    /// `system` (dpkg, rpm, apk, pacman), `flatpak`, `snap`, `appx`,
    /// `windows` (registry entry, its MSI, its folder), `macos` (app,
    /// receipt, cask), `homebrew`, `chocolatey`, `scoop`, `directory`
    /// (binaries no package owns), `os`.
    pub channel: String,
    /// The folder it lives in, when one is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub versions: Vec<String>,
    /// Component ids.
    pub members: Vec<String>,
}

impl Product {
    /// The product as a row of the views that list units (table, CSV,
    /// NDJSON, SARIF, the reports, the gate): its lead component with the
    /// product's identity, name, version and totals.
    pub fn row(&self, lead: &Component, members: &[&Component]) -> Component {
        let mut c = lead.clone();
        c.id = self.id.clone();
        c.key = self.key.clone();
        c.name = self.name.clone();
        c.version = self.version.clone();
        c.files = self.files;
        c.binaries = self.binaries;
        c.signers = self.signers.clone();
        c.flags = self.flags.clone();
        if members.len() > 1 {
            c.arch = None;
            let mut evidence: Vec<Evidence> =
                members.iter().flat_map(|m| m.evidence.clone()).collect();
            evidence.sort();
            evidence.dedup();
            c.evidence = evidence;
        }
        c
    }
}
