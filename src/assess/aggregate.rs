//! Image aggregates: the figures a sovereignty report leads with. Formulas
//! are in `docs/model.md` §Aggregates; every one is computed over the
//! *workplace* components (categories marked `workplace`, plus the OS, so
//! that 400 distribution libraries don't drown the applications people
//! use), weighted by the role weight of their category.

use super::Level;
use crate::inventory::Kind;
use crate::policy::Policy;
use crate::report::Component;
use crate::rules::{Bloc, Impact, ModelParams, RuleDb};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Count and role-weighted share of one bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
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
    pub eu: Bucket,
    pub adequacy: Bucket,
    pub us: Bucket,
    pub cn_ru: Bucket,
    pub other: Bucket,
    /// Community projects with no controlling company.
    pub community: Bucket,
    pub unknown: Bucket,
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

/// The model's image aggregates.
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

fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Whether a component counts in the workplace figures.
pub fn is_workplace(c: &Component, db: &RuleDb) -> bool {
    c.kind == Kind::OperatingSystem || db.category(&c.category).is_none_or(|cat| cat.workplace)
}

/// Sovereignty index of (role weight, exposure) pairs:
/// 100 × (1 − Σ w·e / (4 · Σ w)), one decimal; null when the weights sum to 0.
pub fn index(items: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut we, mut w) = (0.0, 0.0);
    for (weight, exposure) in items {
        we += weight * exposure;
        w += weight;
    }
    (w > 0.0).then(|| ((100.0 * (1.0 - we / (4.0 * w))) * 10.0).round() / 10.0)
}

pub fn aggregate(
    components: &[&Component],
    db: &RuleDb,
    params: &ModelParams,
    policy: &Policy,
) -> Aggregates {
    let mut a = Aggregates {
        oss_share: OssShare {
            target: params.oss_target,
            target_year: params.oss_target_year,
            ..Default::default()
        },
        ..Default::default()
    };
    if !components.is_empty() {
        let resolved = components.iter().filter(|c| c.controller.is_some()).count();
        a.coverage = Some(r4(resolved as f64 / components.len() as f64));
    }
    a.weakest_level = components
        .iter()
        .map(|c| c.risk.level)
        .max_by_key(|l| l.severity());

    let work: Vec<(&Component, f64)> = components
        .iter()
        .filter(|c| is_workplace(c, db))
        .map(|c| (*c, policy.role_weight(db, &c.category)))
        .collect();
    a.workplace_components = work.len();
    let total_w: f64 = work.iter().map(|(_, w)| w).sum();
    if work.is_empty() || total_w <= 0.0 {
        return a;
    }

    a.index = index(
        work.iter()
            .map(|(c, w)| (*w, c.risk.exposure.unwrap_or(params.unknown_exposure))),
    );

    let open: Vec<&(&Component, f64)> = work
        .iter()
        .filter(|(c, _)| c.license.open_source == Some(true))
        .collect();
    a.oss_share.count = Some(r4(open.len() as f64 / work.len() as f64));
    a.oss_share.weighted = Some(r4(open.iter().map(|(_, w)| w).sum::<f64>() / total_w));

    let j = &mut a.jurisdictions;
    for (c, w) in &work {
        let bucket = match (&c.controller, &c.jurisdiction) {
            (None, _) => &mut j.unknown,
            (Some(_), None) => &mut j.community,
            (Some(p), Some(jur)) => match (p.country.as_deref(), jur.bloc) {
                (_, Bloc::Eu) => &mut j.eu,
                (Some("US"), _) => &mut j.us,
                (Some("CN" | "RU"), _) => &mut j.cn_ru,
                (_, Bloc::Adequacy) => &mut j.adequacy,
                (_, Bloc::Other) => &mut j.other,
            },
        };
        bucket.count += 1;
        bucket.share += w / total_w;
    }
    for b in [
        &mut j.eu,
        &mut j.adequacy,
        &mut j.us,
        &mut j.cn_ru,
        &mut j.other,
        &mut j.community,
        &mut j.unknown,
    ] {
        b.share = r4(b.share);
    }

    // Concentration among resolved workplace components.
    let mut by_controller: BTreeMap<&str, (f64, BTreeSet<&str>, &Component)> = BTreeMap::new();
    for (c, w) in &work {
        let Some(p) = &c.controller else { continue };
        let e = by_controller
            .entry(p.id.as_str())
            .or_insert((0.0, BTreeSet::new(), c));
        e.0 += w;
        if db
            .category(&c.category)
            .is_some_and(|cat| cat.impact >= Impact::High)
        {
            e.1.insert(c.category.as_str());
        }
    }
    let resolved_w: f64 = by_controller.values().map(|v| v.0).sum();
    if resolved_w > 0.0 {
        let mut shares: Vec<ControllerShare> = by_controller
            .iter()
            .map(|(id, (w, roles, c))| {
                let p = c.controller.as_ref().expect("resolved");
                ControllerShare {
                    id: (*id).to_owned(),
                    name: p.name.clone(),
                    country: p.country.clone(),
                    share: r4(w / resolved_w),
                    high_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                }
            })
            .collect();
        shares.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.id.cmp(&b.id)));
        a.concentration.hhi = (by_controller
            .values()
            .map(|v| (100.0 * v.0 / resolved_w).powi(2))
            .sum::<f64>()
            * 10.0)
            .round()
            / 10.0;
        a.concentration.single_points = shares
            .iter()
            .filter(|s| s.high_roles.len() >= params.single_point_roles)
            .map(|s| s.id.clone())
            .collect();
        a.concentration.controllers = shares;
    }
    a
}
