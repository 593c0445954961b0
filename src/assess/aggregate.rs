//! Image aggregates: the figures a sovereignty report leads with. Formulas
//! are in `docs/model.md` §Aggregates; every one is computed over the
//! *workplace* components (categories marked `workplace`, plus the OS, so
//! that 400 distribution libraries don't drown the applications people
//! use), weighted by the role weight of their category.

use super::round;
use crate::assess::policy::Policy;
use crate::model::aggregates::{Aggregates, ControllerShare, OssShare, Share};
use crate::model::inventory::Kind;
use crate::model::inventory::Source;
use crate::model::report::{BinaryReport, Component, ControlBloc, OpenSourceSummary, Summary};
use crate::model::risk::{Impact, ModelParams};
use crate::rules::RuleDb;
use std::collections::{BTreeMap, BTreeSet};

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
    (w > 0.0).then(|| round(1, 100.0 * (1.0 - we / (4.0 * w))))
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
        a.coverage = Some(round(4, resolved as f64 / components.len() as f64));
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
    a.oss_share.count = Some(round(4, open.len() as f64 / work.len() as f64));
    a.oss_share.weighted = Some(round(4, open.iter().map(|(_, w)| w).sum::<f64>() / total_w));

    let j = &mut a.jurisdictions;
    for (c, w) in &work {
        let bucket: &mut Share = match c.control_bloc() {
            ControlBloc::Eu => &mut j.eu,
            ControlBloc::Us => &mut j.us,
            ControlBloc::CnRu => &mut j.cn_ru,
            ControlBloc::Adequacy => &mut j.adequacy,
            ControlBloc::Other => &mut j.other,
            ControlBloc::Community => &mut j.community,
            ControlBloc::Unknown => &mut j.unknown,
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
        b.share = round(4, b.share);
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
                    share: round(4, w / resolved_w),
                    high_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                }
            })
            .collect();
        shares.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.id.cmp(&b.id)));
        a.concentration.hhi = round(
            1,
            by_controller
                .values()
                .map(|v| (100.0 * v.0 / resolved_w).powi(2))
                .sum::<f64>(),
        );
        a.concentration.single_points = shares
            .iter()
            .filter(|s| s.high_roles.len() >= params.single_point_roles)
            .map(|s| s.id.clone())
            .collect();
        a.concentration.controllers = shares;
    }
    a
}

/// The report's summary: counts over all components and binaries, by bloc,
/// country, level and licence, with the model's aggregates over all images.
/// `units` are what the counts by bloc, country, level and licence count:
/// the products (or the components of a report without products).
pub fn summary(
    components: &[Component],
    units: &[Component],
    binaries: &[BinaryReport],
    problems: (usize, usize, usize),
    model: Aggregates,
) -> Summary {
    let (errors, warnings, skipped) = problems;
    let grouped: std::collections::HashSet<&str> = components
        .iter()
        .filter(|c| c.source == Source::Binary)
        .map(|c| c.id.as_str())
        .collect();
    let mut s = Summary {
        model,
        components: components.len(),
        products: units.len(),
        binaries: binaries.len(),
        binaries_unowned: binaries
            .iter()
            .filter(|b| b.component.as_deref().is_none_or(|id| grouped.contains(id)))
            .count(),
        errors,
        warnings,
        skipped,
        ..Default::default()
    };
    for b in ControlBloc::ALL {
        s.by_bloc.insert(b.as_str().to_owned(), Share::default());
    }
    for c in units {
        if c.controller.is_some() {
            s.resolved += 1;
        } else {
            s.unknown += 1;
        }
        s.by_bloc.entry(c.bloc_key().to_owned()).or_default().count += 1;
        let country = match &c.controller {
            None => "unknown".to_owned(),
            Some(p) => p.country.clone().unwrap_or_else(|| "none".to_owned()),
        };
        *s.by_country.entry(country).or_default() += 1;
        *s.by_level
            .entry(c.risk.level.as_str().to_owned())
            .or_default() += 1;
        let os: &mut OpenSourceSummary = &mut s.open_source;
        match c.license.open_source {
            Some(true) => os.open += 1,
            Some(false) => os.proprietary += 1,
            None => os.unknown += 1,
        }
    }
    let n = units.len().max(1) as f64;
    for v in s.by_bloc.values_mut() {
        v.share = round(4, v.count as f64 / n);
    }
    let known = s.open_source.open + s.open_source.proprietary;
    s.open_source.share = (known > 0).then(|| round(4, s.open_source.open as f64 / known as f64));
    s
}
