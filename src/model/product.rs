//! Products: the unit a planner counts. One entry per product installed on
//! an image, folded from the raw inventory (`components[]`): LibreOffice's
//! thirteen split packages, an app with its installer receipt and its
//! Homebrew cask, a registry entry with the folder of binaries it installed
//! are each one product. The folding itself is `assess::product`; this is
//! the data and the JSON contract (`docs/json.md` § products).

use super::inventory::{Evidence, Kind};
use super::report::{Component, JurisdictionReport, LicenseReport, MatchReport, Party, ProductRef};
use super::risk::Risk;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
