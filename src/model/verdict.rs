//! The CI gate's verdict, recorded in the report under `policy`.

use super::risk::Level;
use serde::{Deserialize, Serialize};

/// The gate's rules, by their stable codes (the policy keys and the
/// command-line option that set them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GateRule {
    /// A vendor or anyone in its controller chain is denied.
    #[serde(rename = "deny.vendors")]
    DenyVendors,
    /// The controller's country is denied.
    #[serde(rename = "deny.jurisdictions")]
    DenyJurisdictions,
    /// The component's category is denied.
    #[serde(rename = "deny.categories")]
    DenyCategories,
    /// The level is above the policy's maximum.
    #[serde(rename = "deny.max_level")]
    DenyMaxLevel,
    /// The level is at or above `--fail-on`.
    #[serde(rename = "fail-on")]
    FailOn,
    /// The open-source share is below the policy's minimum.
    #[serde(rename = "deny.min_oss_share")]
    DenyMinOssShare,
    /// The sovereignty index is below the policy's minimum.
    #[serde(rename = "deny.min_index")]
    DenyMinIndex,
}

impl GateRule {
    pub fn as_str(self) -> &'static str {
        match self {
            GateRule::DenyVendors => "deny.vendors",
            GateRule::DenyJurisdictions => "deny.jurisdictions",
            GateRule::DenyCategories => "deny.categories",
            GateRule::DenyMaxLevel => "deny.max_level",
            GateRule::FailOn => "fail-on",
            GateRule::DenyMinOssShare => "deny.min_oss_share",
            GateRule::DenyMinIndex => "deny.min_index",
        }
    }
}

impl std::fmt::Display for GateRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub rule: GateRule,
    /// The component's id, for component rules.
    pub component: Option<String>,
    /// Identity across scans (no version).
    pub key: String,
    pub message: String,
    /// The allowlist entry that exempts it (`vendor:microsoft`), if any.
    pub allowed_by: Option<String>,
}

/// The gate's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub file: Option<String>,
    pub fail_on: Option<Level>,
    pub baseline: Option<String>,
    /// Every violation, allowed or not.
    pub violations: Vec<Violation>,
    /// Keys of the violations that fail the run: not allowed, and new when
    /// a baseline was given.
    pub failing: Vec<String>,
    /// Allowlist entries past their expiry (they allowed nothing).
    pub expired_allows: Vec<String>,
    pub passed: bool,
}
