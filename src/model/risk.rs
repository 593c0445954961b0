//! The assessment model's vocabulary and results: levels, dimensions, the
//! rules that fired, mitigations, and the parameters a scan ran with
//! (`docs/model.md`).
//!
//! `build.rs` compiles this file too, for the rule schema's types: it may
//! use serde and the standard library, nothing else of the crate.

use serde::{Deserialize, Serialize};

/// A component's risk level.
///
/// Levels order by severity, worst last: low < medium < unknown < high <
/// critical. Unknown sits above medium because an unidentified vendor may
/// be anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
    /// No vendor could be identified.
    Unknown,
}

impl Level {
    /// Every level, worst first (the order of "worst first" listings).
    pub const WORST_FIRST: [Level; 5] = [
        Level::Critical,
        Level::High,
        Level::Unknown,
        Level::Medium,
        Level::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
            Level::Unknown => "unknown",
        }
    }

    /// Sort key for "worst first" listings: critical 4, high 3, unknown 2,
    /// medium 1, low 0.
    pub fn severity(self) -> u8 {
        match self {
            Level::Critical => 4,
            Level::High => 3,
            Level::Unknown => 2,
            Level::Medium => 1,
            Level::Low => 0,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            "critical" => Level::Critical,
            "unknown" => Level::Unknown,
            _ => return None,
        })
    }
}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Level {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.severity().cmp(&other.severity())
    }
}

/// A model dimension scored by rules (D7 comes from the category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    D1,
    D2,
    D3,
    D4,
    D5,
    D6,
}

impl Dimension {
    /// The name the JSON report gives it (`d1`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::D1 => "d1",
            Dimension::D2 => "d2",
            Dimension::D3 => "d3",
            Dimension::D4 => "d4",
            Dimension::D5 => "d5",
            Dimension::D6 => "d6",
        }
    }

    /// The dimension's name as the model documents it.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::D1 => "D1 legal exposure",
            Dimension::D2 => "D2 control stability",
            Dimension::D3 => "D3 data flows",
            Dimension::D4 => "D4 operational autonomy",
            Dimension::D5 => "D5 openness and exit",
            Dimension::D6 => "D6 supply chain",
        }
    }
}

/// How much harm a dependency can do, by the role of the software on a
/// workstation (BSI 200-3 style impact classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Impact {
    /// The impact score of a role (D7, 1..4).
    pub fn score(self) -> u8 {
        match self {
            Impact::Low => 1,
            Impact::Medium => 2,
            Impact::High => 3,
            Impact::VeryHigh => 4,
        }
    }
}

/// The bloc a jurisdiction belongs to, from an EU point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bloc {
    /// An EU or EEA member state.
    Eu,
    /// A third country with an EU adequacy decision.
    Adequacy,
    /// Any other state.
    Other,
}

impl Bloc {
    pub fn as_str(self) -> &'static str {
        match self {
            Bloc::Eu => "eu",
            Bloc::Adequacy => "adequacy",
            Bloc::Other => "other",
        }
    }
}

/// How sure a rule match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Scores 0..4 per dimension. D7 is the impact of the role (1..4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dimensions {
    pub d1: u8,
    pub d2: u8,
    pub d3: u8,
    pub d4: u8,
    pub d5: u8,
    pub d6: u8,
    pub d7: u8,
}

impl Dimensions {
    pub fn get_mut(&mut self, d: Dimension) -> &mut u8 {
        match d {
            Dimension::D1 => &mut self.d1,
            Dimension::D2 => &mut self.d2,
            Dimension::D3 => &mut self.d3,
            Dimension::D4 => &mut self.d4,
            Dimension::D5 => &mut self.d5,
            Dimension::D6 => &mut self.d6,
        }
    }

    /// D1..D6 in order.
    pub fn scores(&self) -> [u8; 6] {
        [self.d1, self.d2, self.d3, self.d4, self.d5, self.d6]
    }
}

impl Dimension {
    /// D1..D6 in order.
    pub const ALL: [Dimension; 6] = [
        Dimension::D1,
        Dimension::D2,
        Dimension::D3,
        Dimension::D4,
        Dimension::D5,
        Dimension::D6,
    ];
}

/// A model rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredRule {
    pub id: String,
    pub dimension: Dimension,
    pub score: u8,
    pub rationale: String,
}

/// A mitigation that lowered a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedMitigation {
    /// `product:ID` or `vendor:ID`.
    pub target: String,
    pub dimension: Dimension,
    pub from: u8,
    pub to: u8,
    pub justification: String,
    pub approver: String,
    pub expires: String,
}

/// A component's assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    pub level: Level,
    /// Weighted D1..D6 (0..4); null when unknown.
    pub exposure: Option<f64>,
    /// exposure × D7 (0..16); null when unknown.
    pub score: Option<f64>,
    /// D1..D7; always present since the model scores unknown dimensions
    /// too (docs/model.md §4 "Unknown"). `None` only in reports of older
    /// versions.
    pub dimensions: Option<Dimensions>,
    /// The dimensions that could not be assessed and carry the score the
    /// model gives unknown (an unresolved vendor: D1..D6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_dimensions: Vec<Dimension>,
    /// The category whose impact (D7) was assumed because the component's
    /// own role is unknown: the typical role of its vendor's products, or
    /// `unknown` when the database holds none (docs/model.md §3, D7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed_role: Option<String>,
    /// Every rule whose conditions held, by dimension.
    pub rules: Vec<FiredRule>,
    /// Ids of the gates that held, in database order: each raises the level
    /// to at least its level (critical for the hard gates, lower for the
    /// floors).
    pub gates: Vec<String>,
    pub mitigations: Vec<AppliedMitigation>,
    /// The assessment in sentences, in order.
    pub reasons: Vec<String>,
}

/// Weights of D1..D6 in the exposure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub d1: f64,
    pub d2: f64,
    pub d3: f64,
    pub d4: f64,
    pub d5: f64,
    pub d6: f64,
}

impl Weights {
    /// D1..D6 in order.
    pub fn all(&self) -> [f64; 6] {
        [self.d1, self.d2, self.d3, self.d4, self.d5, self.d6]
    }
}

/// Level thresholds on the risk score (exposure × impact, 0..16).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub medium: f64,
    pub high: f64,
    pub critical: f64,
}

/// The assessment model's parameters as a scan used them (the database's,
/// with a policy's overrides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelParams {
    pub weights: Weights,
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

#[cfg(test)]
mod tests {
    use super::Level;

    #[test]
    fn levels_order_by_severity() {
        let mut all = Level::WORST_FIRST;
        all.sort();
        all.reverse();
        assert_eq!(all, Level::WORST_FIRST);
        for l in Level::WORST_FIRST {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
    }

    /// `as_str` is the name the JSON report writes.
    #[test]
    fn names_are_the_json_names() {
        use super::{Confidence, Dimension};
        let json = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for l in Level::WORST_FIRST {
            assert_eq!(json(serde_json::to_value(l).unwrap()), l.as_str());
        }
        for c in [Confidence::Low, Confidence::Medium, Confidence::High] {
            assert_eq!(json(serde_json::to_value(c).unwrap()), c.as_str());
        }
        for d in [
            Dimension::D1,
            Dimension::D2,
            Dimension::D3,
            Dimension::D4,
            Dimension::D5,
            Dimension::D6,
        ] {
            assert_eq!(json(serde_json::to_value(d).unwrap()), d.as_str());
        }
    }
}
