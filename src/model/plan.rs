//! The migration plan (`sovscan plan`, `docs/plan.md`) and the check before
//! procurement (`sovscan check`): their vocabulary and their JSON contract.
//! A plan's JSON has its own `plan_version`, documented in `docs/plan.md`
//! and `docs/json.md`; fields may be added, never renamed.

use serde::{Deserialize, Serialize};

/// The version of the plan and check JSON (`plan_version`): the minor
/// number rises when fields are added.
pub const PLAN_VERSION: &str = "1.0";

/// How much a migration away from a product takes, as a class, never as a
/// cost: `S` a setting or a package swap, `M` a rollout with training, `L`
/// a project with data migration, `XL` a programme (specialised procedures,
/// add-ins, directory or OS change). A site gives its own figures in the
/// policy (`[plan.products]`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub enum Effort {
    S,
    #[default]
    M,
    L,
    XL,
}

impl Effort {
    pub const ALL: [Effort; 4] = [Effort::S, Effort::M, Effort::L, Effort::XL];

    /// Effort points a plan's per-year capacity is counted in: each class
    /// doubles the one below (1, 2, 4, 8).
    pub fn points(self) -> u32 {
        match self {
            Effort::S => 1,
            Effort::M => 2,
            Effort::L => 4,
            Effort::XL => 8,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Effort::S => "S",
            Effort::M => "M",
            Effort::L => "L",
            Effort::XL => "XL",
        }
    }

    pub fn parse(s: &str) -> Option<Effort> {
        Effort::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// The figures after a step: the same aggregates a scan computes, in the
/// units the plan reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Open-source share of workplace products by count, 0..1.
    pub oss_share_count: Option<f64>,
    /// The same, weighted by role.
    pub oss_share_weighted: Option<f64>,
    /// Sovereignty index, 0..100.
    pub index: Option<f64>,
    /// Role-weighted share of US-controlled workplace products.
    pub us_share: f64,
    /// Role-weighted share of CN/RU-controlled workplace products.
    pub cn_ru_share: f64,
    /// Concentration (HHI, 0..10,000) among the controllers.
    pub hhi: f64,
    pub critical: usize,
    pub high: usize,
}

/// One switch: every installation of `from` replaced by `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replacement {
    /// Product id (or the row's key when no product rule named it).
    pub from: String,
    pub from_name: String,
    /// Its level before the switch.
    pub from_level: String,
    /// Why it comes in this phase: `hard gate`, `critical`, `risk per effort`.
    pub reason: String,
    pub to: String,
    pub to_name: String,
    /// Country of the alternative's ultimate controller (null: community).
    pub to_country: Option<String>,
    /// `eu`, `community`, `us`, `adequacy`, `cn-ru`, `other`.
    pub to_bloc: String,
    pub to_license: String,
    pub to_open_source: bool,
    pub to_level: String,
    pub effort: Effort,
    /// Why the effort is this class, and the source of the claim.
    pub effort_reason: String,
    pub effort_source: Option<String>,
    pub blockers: Vec<String>,
    /// A managed hosting of the alternative in the EU, when one is on record.
    pub eu_hosting: Option<String>,
    /// From the policy (`[plan.products]`).
    pub seats: Option<u64>,
    pub cost: Option<f64>,
    /// Rise of the role-weighted open-source share and of the index this
    /// switch alone gives on the figures before it.
    pub gain_oss: f64,
    pub gain_index: f64,
}

/// A product that stays, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub product: String,
    pub name: String,
    pub level: String,
    /// `open source`, `kept by policy until DATE: REASON`, `no acceptable
    /// alternative`, `capacity`...
    pub why: String,
}

/// One year of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub number: usize,
    pub year: u16,
    pub replacements: Vec<Replacement>,
    /// Effort points spent this year.
    pub effort_points: u32,
    pub figures: Figures,
    pub target_reached: bool,
    /// The candidates still in place after this phase, and why: replaced
    /// in a later phase, kept by the policy, no acceptable alternative...
    pub stays: Vec<Kept>,
}

/// A whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub plan_version: String,
    /// The saved scans it was made from.
    pub inputs: Vec<String>,
    pub start_year: u16,
    pub target_year: u16,
    /// Target open-source share by role weight, 0..1.
    pub target_share: f64,
    /// Per-year capacity: effort points and/or migrations.
    pub capacity_points: Option<u32>,
    pub capacity_migrations: Option<u32>,
    /// Whether the last phase by `target_year` reaches the target.
    pub reachable: bool,
    /// The year the target is reached (null when never, with the database's
    /// alternatives and the policy's exclusions).
    pub reached_year: Option<u16>,
    /// One line each, first in every output when the target is missed.
    pub notes: Vec<String>,
    pub baseline: Figures,
    pub phases: Vec<Phase>,
    pub kept: Vec<Kept>,
}

/// The figures with some switches applied (`sovscan plan --replace`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    pub plan_version: String,
    pub inputs: Vec<String>,
    pub baseline: Figures,
    pub replacements: Vec<Replacement>,
    pub figures: Figures,
}

/// One link of a control chain, as `sovscan check` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainLink {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// Since when its parent controls it (null for the controller).
    pub controlled_since: Option<String>,
    pub source: String,
    pub as_of: String,
}

/// A law that reaches the controller, or a warning naming the product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LawRef {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub effect: String,
    pub citation: String,
}

/// The GDPR-relevant traits of a product (facts of the database, not legal
/// advice).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GdprTraits {
    /// Content is processed in the vendor's cloud and the controller is
    /// outside the EU/EEA.
    pub processing_outside_eu: bool,
    /// Traits that tie it to the vendor's cloud (`cloud-processing`,
    /// `account-required`, `online-activation`, `remote-cutoff`).
    pub cloud_dependency: Vec<String>,
    /// Telemetry by default.
    pub telemetry: bool,
    /// The controller is subject to the US CLOUD Act or FISA §702.
    pub us_cloud_act_fisa702: bool,
    /// The controller is subject to the PRC National Intelligence Law.
    pub prc_intelligence_law: bool,
}

/// The migration profile as a check shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationProfile {
    pub effort: Effort,
    pub reason: String,
    pub blockers: Vec<String>,
    pub formats: Option<String>,
    pub eu_hosting: Option<String>,
    pub source: String,
    pub as_of: String,
}

/// One product assessed for the role it would fill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCheck {
    pub id: String,
    pub name: String,
    pub category: String,
    pub role: String,
    pub license: String,
    pub open_source: Option<bool>,
    /// From the publishing vendor to the ultimate controller.
    pub chain: Vec<ChainLink>,
    pub controller_country: Option<String>,
    /// `eu`, `adequacy`, `us`, `cn_ru`, `other`, `community`.
    pub bloc: String,
    pub laws: Vec<LawRef>,
    pub warnings: Vec<LawRef>,
    pub level: String,
    pub exposure: Option<f64>,
    pub score: Option<f64>,
    pub dimensions: Option<super::risk::Dimensions>,
    /// Ids of the model rules and gates that fired.
    pub rules: Vec<String>,
    pub gates: Vec<String>,
    pub reasons: Vec<String>,
    pub gdpr: GdprTraits,
    pub migration: Option<MigrationProfile>,
    pub no_alternative_reason: Option<String>,
    /// What the policy's `[deny]` says of it (empty: nothing).
    pub violations: Vec<String>,
    pub product_source: String,
    pub product_as_of: String,
    /// Open source and EU- or community-controlled first (empty for an
    /// alternative itself).
    pub alternatives: Vec<ProductCheck>,
}

/// `sovscan check`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub plan_version: String,
    pub query: String,
    /// How the query was resolved: `product id`, `product name`, `vendor
    /// id`, `name contains`.
    pub matched_by: String,
    pub products: Vec<ProductCheck>,
    /// Whether a checked product (not an alternative) violates the policy.
    pub denied: bool,
}
