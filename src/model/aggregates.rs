//! The figures a sovereignty report leads with, over the workplace
//! components of an image or of all images (`docs/model.md` §Aggregates).

use super::risk::Level;
use serde::{Deserialize, Serialize};

/// Count and share of one bucket (the share is role-weighted in
/// [`Jurisdictions`], by count in `Summary.by_bloc`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub count: usize,
    pub share: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OssShare {
    /// Open-source workplace components / all workplace components.
    pub count: Option<f64>,
    /// The same, weighted by role.
    pub weighted: Option<f64>,
    pub target: f64,
    pub target_year: u16,
}

/// Controller jurisdictions of the workplace components.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Jurisdictions {
    pub eu: Share,
    pub adequacy: Share,
    pub us: Share,
    pub cn_ru: Share,
    pub other: Share,
    /// Community projects with no controlling company.
    pub community: Share,
    pub unknown: Share,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ControllerShare {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// Share of the role weight of resolved workplace components.
    pub share: f64,
    /// Distinct high or very-high roles (categories) it holds.
    pub high_roles: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Concentration {
    /// Herfindahl-Hirschman index of the controllers' shares, 0..10,000.
    pub hhi: f64,
    /// Largest share first.
    pub controllers: Vec<ControllerShare>,
    /// Controllers holding at least `single_point_roles` high or very-high roles.
    pub single_points: Vec<String>,
}

/// The model's aggregates of an image, or of all images.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Aggregates {
    /// Sovereignty index 0..100 (100: no exposure at all); null without
    /// workplace components.
    pub index: Option<f64>,
    pub weakest_level: Option<Level>,
    pub oss_share: OssShare,
    pub jurisdictions: Jurisdictions,
    pub concentration: Concentration,
    /// Components resolved to a controller / all components.
    pub coverage: Option<f64>,
    /// How many components the weighted figures cover.
    pub workplace_components: usize,
}
