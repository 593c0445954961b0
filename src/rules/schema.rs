//! The rule-database file format, as serde reads it. Field names here *are*
//! the format: they are documented in `docs/rules.md`, and may be added to but
//! never renamed. Spans are kept wherever validation may need to point at a
//! value (`file:line:col`).
//!
//! `build.rs` compiles this file too: it parses the embedded database with
//! these types and stores each file in their compact serialized form
//! (`load.rs`), which lists fields in the order they are declared here;
//! both sides are built from this one file, so they cannot disagree.

use super::spanned::{Datetime, Spanned};
use crate::model::risk::{Bloc, Dimension, Impact, Level, Thresholds, Weights};
use serde::{Deserialize, Serialize};

/// One `rules/*.toml` file. Every table is optional, so a database can be
/// split by family (`jurisdictions.toml`, `vendors.toml`, `products/*.toml`).
#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub database: Option<Spanned<DatabaseDef>>,
    #[serde(default)]
    pub license: Vec<Spanned<LicenseDef>>,
    #[serde(default)]
    pub category: Vec<Spanned<CategoryDef>>,
    #[serde(default)]
    pub law: Vec<Spanned<LawDef>>,
    #[serde(default)]
    pub jurisdiction: Vec<Spanned<JurisdictionDef>>,
    #[serde(default)]
    pub vendor: Vec<Spanned<VendorDef>>,
    #[serde(default)]
    pub product: Vec<Spanned<ProductDef>>,
    pub model: Option<Spanned<ModelDef>>,
    #[serde(default)]
    pub rule: Vec<Spanned<ModelRuleDef>>,
    #[serde(default)]
    pub gate: Vec<Spanned<GateDef>>,
}

/// The assessment model's parameters (`rules/model.toml`); a policy file
/// may override them.
#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    /// Weights of D1..D6 in the exposure.
    pub weights: Weights,
    /// Level thresholds on exposure × impact (0..16).
    pub thresholds: Thresholds,
    /// Open-source share target (0..1) and its year.
    pub oss_target: f64,
    pub oss_target_year: u16,
    /// Exposure counted for an unresolved component in the index (0..4).
    pub unknown_exposure: f64,
    /// A controller holding this many high or very-high roles is a single
    /// point of dependency.
    pub single_point_roles: usize,
}

/// A named rule that scores one dimension when its conditions hold.
#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ModelRuleDef {
    /// `JUR-US-CONTROL`, `OPS-ONLINE-ACTIVATION`...
    pub id: Spanned<String>,
    pub dimension: Dimension,
    /// 0..=4; a dimension's score is the highest score of its fired rules.
    pub score: Spanned<u8>,
    pub when: WhenDef,
    pub rationale: String,
    #[serde(default)]
    pub refs: Vec<String>,
}

/// A gate: when its conditions hold the level is at least `level`
/// (critical unless stated: a hard gate), whatever the matrix says. A gate
/// with a lower level is a floor (`high`, `medium`).
#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GateDef {
    pub id: Spanned<String>,
    /// The least level a component gets when the gate holds; `critical`
    /// when absent.
    #[serde(default)]
    pub level: Option<GateLevel>,
    pub when: WhenDef,
    pub rationale: String,
    #[serde(default)]
    pub refs: Vec<String>,
}

/// The levels a gate can raise to: a gate to `low` would do nothing, and
/// `unknown` is not a judgement.
#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GateLevel {
    Medium,
    High,
    Critical,
}

impl From<GateLevel> for Level {
    fn from(g: GateLevel) -> Level {
        match g {
            GateLevel::Medium => Level::Medium,
            GateLevel::High => Level::High,
            GateLevel::Critical => Level::Critical,
        }
    }
}

/// Conditions, all of which must hold (an empty table always holds). Lists
/// mean "any of".
#[derive(Debug, Deserialize, Serialize, Clone, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WhenDef {
    /// Bloc of the ultimate controller's country.
    #[serde(default)]
    pub controller_blocs: Vec<Bloc>,
    /// The ultimate controller's country.
    #[serde(default)]
    pub controller_countries: Vec<Spanned<String>>,
    /// The ultimate controller's country is none of these.
    #[serde(default)]
    pub not_controller_countries: Vec<Spanned<String>>,
    /// A law of the controller's jurisdiction has one of these kinds.
    #[serde(default)]
    pub controller_law_kinds: Vec<LawKind>,
    /// No law of the controller's jurisdiction has any of these kinds.
    #[serde(default)]
    pub not_controller_law_kinds: Vec<LawKind>,
    /// Bloc of the vendor itself (the publishing entity).
    #[serde(default)]
    pub vendor_blocs: Vec<Bloc>,
    /// The controller is a community project with no controlling company.
    pub community: Option<bool>,
    /// An official warning or ban of one of these kinds names the vendor,
    /// a controller in its chain, or the product.
    #[serde(default)]
    pub warnings: Vec<LawKind>,
    /// A control edge in the chain is younger than this many years (at the
    /// rule database's date).
    pub control_change_within_years: Option<u32>,
    /// A vendor in the chain has one of these traits.
    #[serde(default)]
    pub vendor_traits: Vec<Spanned<String>>,
    /// The product has one of these traits.
    #[serde(default)]
    pub product_traits: Vec<Spanned<String>>,
    /// The binary as shipped is open source (true), known proprietary
    /// (false).
    pub open_source: Option<bool>,
    /// Whether the licence is known at all.
    pub license_known: Option<bool>,
    /// Whether the rule database lists an alternative for the product.
    pub has_alternative: Option<bool>,
    /// The role's impact.
    #[serde(default)]
    pub impacts: Vec<Impact>,
    /// The role is networked (its category has `networked = true`).
    pub networked: Option<bool>,
    /// The role is assumed, not identified: a known vendor's component
    /// that no product rule, OS record or archive policy gives a role
    /// takes the vendor's typical role (docs/model.md §3, D7).
    pub role_assumed: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct DatabaseDef {
    pub version: String,
    pub date: Spanned<Datetime>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LicenseDef {
    /// SPDX identifier.
    pub id: Spanned<String>,
    pub name: String,
    /// On the OSI list of approved licences.
    pub osi: bool,
    /// Other spellings found in package metadata (`GPLv2+`, `GPL-2+`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// `browser`, `remote-access`...
    pub id: Spanned<String>,
    pub name: String,
    pub impact: Impact,
    /// Counted as workplace software in the open-source share and the
    /// sovereignty index.
    #[serde(default = "yes")]
    pub workplace: bool,
    /// Role weight in the image aggregates (index, shares, concentration).
    #[serde(default = "one")]
    pub weight: f64,
    /// Software in this role talks to servers as part of what it does
    /// (mail, chat, sync, updates of signatures, remote sessions); model
    /// conditions test it (`networked`).
    #[serde(default)]
    pub networked: bool,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// How a law reaches data or operations abroad. Model rules test the kind:
/// a general duty to cooperate with intelligence services weighs more than
/// a compelled-disclosure power.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LawKind {
    /// Compels a provider to disclose data it holds, wherever stored.
    Disclosure,
    /// Programme-level collection on foreigners.
    Surveillance,
    /// A general legal duty to support intelligence work or hand over keys.
    Cooperation,
    /// Service can be cut off by sanctions.
    Sanctions,
    /// Data must stay in the country, or may not leave without approval.
    Localisation,
    /// An official warning by an authority.
    Warning,
    /// A ban, e.g. of an app on managed devices.
    Ban,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LawDef {
    /// `us.cloud_act`: country code, a dot, a short name.
    pub id: Spanned<String>,
    pub country: Spanned<String>,
    pub name: String,
    pub kind: LawKind,
    /// One line: what the law lets the state do.
    pub effect: String,
    pub citation: String,
    pub source: String,
    pub as_of: Spanned<Datetime>,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionDef {
    /// ISO 3166-1 alpha-2.
    pub country: Spanned<String>,
    pub name: String,
    pub bloc: Bloc,
    /// Laws with extraterritorial reach, by id.
    #[serde(default)]
    pub laws: Vec<Spanned<String>>,
    pub source: String,
    pub as_of: Spanned<Datetime>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VendorKind {
    Company,
    Foundation,
    /// A volunteer project with no controlling company (Debian, Arch Linux).
    Community,
    PublicBody,
    /// A distribution channel that publishes other people's software
    /// (Flathub): identifying it says nothing about who controls the
    /// software, so a component known only by its channel stays unknown.
    Channel,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct VendorDef {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub legal_names: Vec<String>,
    pub kind: VendorKind,
    /// Country of incorporation or seat. Required except for communities.
    pub country: Option<Spanned<String>>,
    /// The vendor that controls this one (controller chain).
    pub parent: Option<Spanned<String>>,
    /// Since when `parent` controls it (`valid_from` is accepted too).
    #[serde(alias = "valid_from")]
    pub parent_since: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub homepage: Option<String>,
    /// Official warnings or bans that name this vendor: law ids of kind
    /// `warning` or `ban` (`de.bsi7`).
    #[serde(default)]
    pub warnings: Vec<Spanned<String>>,
    /// Facts the assessment model's rules test (`private-equity`).
    #[serde(default)]
    pub traits: Vec<Spanned<String>>,

    #[serde(default)]
    pub note: Option<String>,
    pub source: String,
    pub as_of: Spanned<Datetime>,
    /// For distributions: what a package resolved to this vendor by its
    /// supplier fields, with no product rule, is.
    #[serde(default)]
    pub archive: Option<ArchiveDef>,
    #[serde(default, rename = "match")]
    pub patterns: PatternsDef,
}

#[derive(Debug, Deserialize, Serialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ArchiveDef {
    /// `true`: the archive's policy admits only free software; `false`: only
    /// non-free; absent: it mixes both, so nothing follows for the licence.
    #[serde(default)]
    pub open_source: Option<bool>,

    /// Sections (dpkg `Section` prefixes) outside that policy.
    #[serde(default)]
    pub except_sections: Vec<String>,
    /// Category for its packages (default `system`).
    #[serde(default)]
    pub category: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ProductDef {
    pub id: Spanned<String>,
    pub name: String,
    pub vendor: Spanned<String>,
    pub category: Spanned<String>,
    /// An SPDX id from the licence table, or `proprietary`.
    pub license: Spanned<String>,
    /// Product ids of open-source or European alternatives.
    #[serde(default)]
    pub alternatives: Vec<Spanned<String>>,
    /// Facts the assessment model's rules test (`cloud-processing`,
    /// `online-activation`, `bundles-chromium`...; see `rules/model.toml`).
    #[serde(default)]
    pub traits: Vec<Spanned<String>>,
    /// Official warnings or bans naming this product: law ids.
    #[serde(default)]
    pub warnings: Vec<Spanned<String>>,
    /// Why no open-source or EU-controlled alternative is listed, for a
    /// workplace product that isn't open source itself (`R038`).
    #[serde(default)]
    pub no_alternative_reason: Option<Spanned<String>>,
    /// What moving away from this product takes (`docs/plan.md`).
    #[serde(default)]
    pub migration: Option<Spanned<MigrationDef>>,

    #[serde(default)]
    pub note: Option<String>,
    pub source: String,
    pub as_of: Spanned<Datetime>,
    #[serde(default, rename = "match")]
    pub patterns: PatternsDef,
}

/// A product's migration profile: what moving away from it takes, as an
/// effort class with its reason, never as a cost.
#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct MigrationDef {
    /// `S`, `M`, `L` or `XL`.
    pub effort: Spanned<String>,
    /// Why the effort is this class (one line, `R039` when empty).
    pub reason: Spanned<String>,
    /// Known blockers: Office add-ins of specialised procedures, macros,
    /// proprietary formats, single sign-on...
    #[serde(default)]
    pub blockers: Vec<String>,
    /// How its data moves out (formats, protocols, import tools).
    #[serde(default)]
    pub formats: Option<String>,
    /// A managed hosting of this product in the EU, when one exists (the
    /// offer, named): relevant when it is someone's alternative.
    #[serde(default)]
    pub eu_hosting: Option<String>,
    pub source: String,
    pub as_of: Spanned<Datetime>,
}

/// What identifies a product or vendor in an image.
#[derive(Debug, Deserialize, Serialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct PatternsDef {
    /// Globs over package names in every source (`google-chrome-*`,
    /// `org.mozilla.firefox`).
    #[serde(default)]
    pub packages: Vec<Spanned<String>>,
    /// Case-insensitive globs over supplier strings: maintainer, vendor,
    /// publisher, origin (`*Mozilla*`).
    #[serde(default)]
    pub suppliers: Vec<Spanned<String>>,
    /// E-mail and homepage domains; subdomains match too (`mozilla.org`).
    #[serde(default)]
    pub domains: Vec<Spanned<String>>,
    /// Globs over binary file names (`zoom`, `libcef.so`).
    #[serde(default)]
    pub binaries: Vec<Spanned<String>>,
    /// Case-insensitive globs over code-signing subject names: the
    /// Authenticode signer's O= or CN=, the Apple signing certificate's CN
    /// (`Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3)`).
    /// Legal names match here too, exactly.
    #[serde(default)]
    pub signers: Vec<Spanned<String>>,
    /// Apple Developer Team IDs (ten capitals and digits), exact. The key
    /// for macOS: legal names drift, Team IDs don't.
    #[serde(default)]
    pub team_ids: Vec<Spanned<String>>,
    /// Globs over bundle identifiers (`com.microsoft.*`).
    #[serde(default)]
    pub bundle_ids: Vec<Spanned<String>>,
    /// Globs over `source:key=value` metadata strings

    /// (`os-release:ID=ubuntu`, `elf-note:osCpe=cpe:/o:fedoraproject:*`).
    #[serde(default)]
    pub metadata: Vec<Spanned<String>>,
}
