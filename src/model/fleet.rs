//! The fleet report (`sovscan fleet`, `docs/fleet.md`): an administration's
//! figures over many images, weighted by their seats, per department and
//! overall, with the trend per year or quarter. A document of its own with
//! its own `fleet_version`: fields may be added, never renamed.

pub use super::aggregates::{Concentration, ControllerShare};
use super::risk::Level;
use serde::{Deserialize, Serialize};

/// The version of the fleet JSON (`fleet_version`): the minor number rises
/// when fields are added.
pub const FLEET_VERSION: &str = "1.0";

/// How the trend groups scan dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    #[default]
    Year,
    Quarter,
}

impl Period {
    /// The period a `YYYY-MM-DD` date falls in: `2026` or `2026-Q4`.
    /// `None` for a date that is not of that form.
    pub fn of(self, date: &str) -> Option<String> {
        let b = date.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        if b.len() < 10 || !digits(0..4) || b[4] != b'-' || !digits(5..7) {
            return None;
        }
        let month: u32 = date[5..7].parse().ok()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        Some(match self {
            Period::Year => date[..4].to_owned(),
            Period::Quarter => format!("{}-Q{}", &date[..4], (month - 1) / 3 + 1),
        })
    }
}

/// A whole fleet report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FleetReport {
    pub fleet_version: String,
    pub tool: super::report::Tool,
    /// The rule database the scans were judged with again.
    pub rules: FleetRules,
    /// The manifest (or directory of scans) read.
    pub source: String,
    /// The organisation, from the manifest (`[fleet] name`).
    pub name: Option<String>,
    pub period: Period,
    /// Target open-source share by role weight and its year (policy, else
    /// the model).
    pub target: Target,
    pub images: Vec<FleetImage>,
    /// Every image's latest scan.
    pub overall: Figures,
    /// The same figures per department, by name.
    pub departments: Vec<Department>,
    /// One entry per period that has a scan, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Per image, what changed between consecutive scans, by stable key.
    pub changes: Vec<ImageChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetRules {
    pub version: String,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub share: f64,
    pub year: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetImage {
    pub name: String,
    pub department: String,
    pub seats: u64,
    pub tags: Vec<String>,
    /// Its scans, oldest first.
    pub scans: Vec<ScanRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanRef {
    pub path: String,
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub name: String,
    pub figures: Figures,
}

/// The seat-weighted figures of a set of images (docs/fleet.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub images: u64,
    pub seats: u64,
    /// Sovereignty index 0..100; null without workplace products.
    pub index: Option<f64>,
    pub oss_share: OssShare,
    /// Role- and seat-weighted shares of the controllers' blocs, keys as
    /// the scan's `jurisdictions`.
    pub jurisdictions: Blocs,
    /// As the scan's: each controller's share of the seat- and
    /// role-weighted workplace products, the HHI, and the controllers
    /// holding `single_point_roles` high roles on some seat.
    pub concentration: Concentration,
    pub weakest_level: Option<Level>,
    /// Products at level critical, most seats first.
    pub critical: Vec<Affected>,
    /// Products at level high, most seats first.
    pub high: Vec<Affected>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OssShare {
    /// Seat-weighted count share: Σ seats·#open / Σ seats·#workplace.
    pub count: Option<f64>,
    /// Seat- and role-weighted: Σ seats·w·[open] / Σ seats·w.
    pub weighted: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Blocs {
    pub eu: f64,
    pub adequacy: f64,
    pub us: f64,
    pub cn_ru: f64,
    pub other: f64,
    pub community: f64,
    pub unknown: f64,
}

/// A product and the seats it reaches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    pub key: String,
    pub name: String,
    pub controller: Option<String>,
    /// Seats of the images where it has this level.
    pub seats: u64,
    pub images: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// `2026` or `2026-Q4`.
    pub period: String,
    /// Each image's latest scan up to the period's end.
    pub figures: Figures,
    /// Products present (on some seat) now and not in the period before,
    /// and the reverse; empty for the first period.
    pub added: Vec<Seats>,
    pub removed: Vec<Seats>,
    /// The target line's open-source share (by role weight) for this
    /// period: straight from the first period's share to the target in
    /// the target year; null when the first period is already past it.
    pub target_line: Option<f64>,
    /// The saved plan's share by role weight after its phase of this
    /// period's year (`--plan`), null without a plan.
    pub plan: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seats {
    pub key: String,
    pub name: String,
    pub seats: u64,
}

/// What one image's scan added and removed against its scan before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageChange {
    pub image: String,
    pub from: String,
    pub to: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}
