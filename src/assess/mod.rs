//! The assessment model: a standardised, explainable procedure that scores
//! each component on seven dimensions and derives a level. `docs/model.md`
//! is the procedure for auditors; this module implements it.
//!
//! 1. Unresolved vendor → `unknown`, nothing else computed.
//! 2. D1..D6: each dimension's score is the highest score of the named
//!    rules (`rules/model.toml`) whose conditions hold; 0 if none does.
//! 3. Mitigations in force may lower D3 and D4 (never D1).
//! 4. Exposure = Σ wᵢ·Dᵢ / Σ wᵢ over D1..D6 (0..4); D7 = impact of the role
//!    (1..4); risk = exposure × D7 (0..16); the level follows the thresholds.
//! 5. A hard gate whose conditions hold makes the level critical.
//!
//! Every step is recorded (fired rules, mitigations, gates, sentences), so
//! any level can be traced back to its evidence.

pub mod aggregate;
pub mod policy;

use crate::date::Date;
use crate::model::risk::{
    AppliedMitigation, Bloc, Dimension, Dimensions, FiredRule, Impact, Level, ModelParams, Risk,
    Thresholds, Weights,
};
use crate::rules::{Category, Condition, Law, LawKind, Product, RuleDb, Vendor, VendorKind};
use policy::{Mitigation, Target};
use std::collections::HashSet;

/// What the assessment looks at for one component.
pub struct Subject<'a> {
    /// Vendor indices from the publishing vendor to the ultimate
    /// controller; empty when no vendor was identified.
    pub chain: &'a [usize],
    /// The distribution channel, when that is all that was identified.
    pub channel: Option<&'a Vendor>,
    pub product: Option<&'a Product>,
    pub open_source: Option<bool>,
    pub license: Option<&'a str>,
    pub category: Option<&'a Category>,
}

/// The model as configured for one scan.
pub struct Context<'a> {
    pub db: &'a RuleDb,
    pub params: &'a ModelParams,
    /// Mitigations in force.
    pub mitigations: &'a [Mitigation],
    /// The rule database's date: control-change ages are measured to it.
    pub db_date: Date,
}

/// Facts the rule conditions test, derived once per component.
struct Facts<'a> {
    controller: &'a Vendor,
    controller_bloc: Option<Bloc>,
    law_kinds: HashSet<LawKind>,
    vendor_bloc: Option<Bloc>,
    warnings: HashSet<LawKind>,
    newest_edge: Option<Date>,
    vendor_traits: HashSet<&'a str>,
    product_traits: HashSet<&'a str>,
    open_source: Option<bool>,
    has_alternative: bool,
    impact: Impact,
}

impl Facts<'_> {
    fn holds(&self, c: &Condition, db_date: Date) -> bool {
        let any_bloc = |list: &[Bloc], b: Option<Bloc>| {
            list.is_empty() || b.is_some_and(|b| list.contains(&b))
        };
        any_bloc(&c.controller_blocs, self.controller_bloc)
            && (c.controller_countries.is_empty()
                || self
                    .controller
                    .country
                    .as_ref()
                    .is_some_and(|k| c.controller_countries.contains(k)))
            && !self
                .controller
                .country
                .as_ref()
                .is_some_and(|k| c.not_controller_countries.contains(k))
            && (c.controller_law_kinds.is_empty()
                || c.controller_law_kinds
                    .iter()
                    .any(|k| self.law_kinds.contains(k)))
            && !c
                .not_controller_law_kinds
                .iter()
                .any(|k| self.law_kinds.contains(k))
            && any_bloc(&c.vendor_blocs, self.vendor_bloc)
            && c.community
                .is_none_or(|want| want == (self.controller.kind == VendorKind::Community))
            && (c.warnings.is_empty() || c.warnings.iter().any(|k| self.warnings.contains(k)))
            && c.control_change_within_years
                .is_none_or(|n| self.newest_edge.is_some_and(|d| d.plus_years(n) > db_date))
            && (c.vendor_traits.is_empty()
                || c.vendor_traits
                    .iter()
                    .any(|t| self.vendor_traits.contains(t.as_str())))
            && (c.product_traits.is_empty()
                || c.product_traits
                    .iter()
                    .any(|t| self.product_traits.contains(t.as_str())))
            && c.open_source
                .is_none_or(|want| self.open_source == Some(want))
            && c.license_known
                .is_none_or(|want| want == self.open_source.is_some())
            && c.has_alternative
                .is_none_or(|want| want == self.has_alternative)
            && (c.impacts.is_empty() || c.impacts.contains(&self.impact))
    }
}

/// Exposure: Σ wᵢ·Dᵢ / Σ wᵢ over D1..D6, in 0..=4.
pub fn exposure(dims: &Dimensions, w: &Weights) -> f64 {
    let weights = w.all();
    let total: f64 = weights.iter().sum();
    weights
        .iter()
        .zip(dims.scores())
        .map(|(w, d)| w * f64::from(d))
        .sum::<f64>()
        / total
}

/// The level of a risk score (exposure × impact) by the thresholds.
pub fn level_for(score: f64, t: &Thresholds) -> Level {
    if score >= t.critical {
        Level::Critical
    } else if score >= t.high {
        Level::High
    } else if score >= t.medium {
        Level::Medium
    } else {
        Level::Low
    }
}

/// `x` rounded to `decimals` (at most 4) decimal places: the one rounding
/// of every figure in the report, so that figures are stable across
/// platforms.
pub fn round(decimals: usize, x: f64) -> f64 {
    let scale = [1.0, 10.0, 100.0, 1_000.0, 10_000.0][decimals];
    (x * scale).round() / scale
}

/// Assesses one component. Deterministic: the same subject and context
/// always give the same result, reasons included.
pub fn assess(s: &Subject, cx: &Context) -> Risk {
    let db = cx.db;
    let Some(&controller_ix) = s.chain.last() else {
        let reason = match s.channel {
            Some(c) => format!(
                "published through {}, a channel for other publishers' software; the publisher is not identified",
                c.name
            ),
            None => {
                "vendor not identified: no rule matched the component's name, supplier or binaries"
                    .into()
            }
        };
        return Risk {
            level: Level::Unknown,
            exposure: None,
            score: None,
            dimensions: None,
            rules: vec![FiredRule {
                id: "VENDOR-UNRESOLVED".into(),
                dimension: Dimension::D1,
                score: 4,
                rationale: "An unresolved vendor is never low risk: its level stays unknown."
                    .into(),
            }],
            gates: Vec::new(),
            mitigations: Vec::new(),
            reasons: vec![reason],
        };
    };
    let controller = &db.vendors[controller_ix];
    let vendor = &db.vendors[s.chain[0]];
    let jurisdiction = controller
        .country
        .as_deref()
        .and_then(|c| db.jurisdiction(c));
    let laws: Vec<&Law> = jurisdiction
        .map(|j| j.laws.iter().map(|&i| &db.laws[i]).collect())
        .unwrap_or_default();
    let chain_vendors: Vec<&Vendor> = s.chain.iter().map(|&i| &db.vendors[i]).collect();
    let mut warnings: HashSet<LawKind> = chain_vendors
        .iter()
        .flat_map(|v| v.warnings.iter().map(|&l| db.laws[l].kind))
        .collect();
    if let Some(p) = s.product {
        warnings.extend(p.warnings.iter().map(|&l| db.laws[l].kind));
    }
    let impact = s.category.map_or(Impact::Medium, |c| c.impact);
    let facts = Facts {
        controller,
        controller_bloc: jurisdiction.map(|j| j.bloc),
        law_kinds: laws.iter().map(|l| l.kind).collect(),
        vendor_bloc: vendor
            .country
            .as_deref()
            .and_then(|c| db.jurisdiction(c))
            .map(|j| j.bloc),
        warnings,
        newest_edge: chain_vendors
            .iter()
            .filter_map(|v| v.parent_since.as_deref().and_then(Date::parse))
            .max(),
        vendor_traits: chain_vendors
            .iter()
            .flat_map(|v| v.traits.iter().map(String::as_str))
            .collect(),
        product_traits: s
            .product
            .map(|p| p.traits.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        open_source: s.open_source,
        has_alternative: s.product.is_some_and(|p| !p.alternatives.is_empty()),
        impact,
    };

    let mut reasons = Vec::new();
    let chain_text: Vec<String> = chain_vendors
        .iter()
        .map(|v| match (&v.country, &v.parent_since) {
            (Some(c), Some(since)) => {
                format!("{} ({c}, controlled by the next since {since})", v.name)
            }
            (Some(c), None) => format!("{} ({c})", v.name),
            (None, _) => v.name.clone(),
        })
        .collect();
    reasons.push(format!("controller chain: {}", chain_text.join(" → ")));

    let mut dims = Dimensions {
        d7: impact.score(),
        ..Default::default()
    };
    let mut fired = Vec::new();
    for r in &db.model.rules {
        if facts.holds(&r.when, cx.db_date) {
            let slot = dims.get_mut(r.dimension);
            *slot = (*slot).max(r.score);
            fired.push(FiredRule {
                id: r.id.clone(),
                dimension: r.dimension,
                score: r.score,
                rationale: r.rationale.clone(),
            });
        }
    }
    fired.sort_by(|a, b| {
        a.dimension
            .cmp(&b.dimension)
            .then(b.score.cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    for f in fired.iter().filter(|f| f.score > 0) {
        reasons.push(format!(
            "{} {} = {}: {}",
            f.id,
            f.dimension.label(),
            f.score,
            f.rationale
        ));
    }

    let mut applied = Vec::new();
    for m in cx.mitigations {
        let applies = match m.target {
            Target::Product(p) => s.product.is_some_and(|x| std::ptr::eq(x, &db.products[p])),
            Target::Vendor(v) => s.chain.contains(&v),
        };
        if !applies {
            continue;
        }
        for (dim, value) in [(Dimension::D3, m.d3), (Dimension::D4, m.d4)] {
            let (Some(to), slot) = (value, dims.get_mut(dim)) else {
                continue;
            };
            if to < *slot {
                applied.push(AppliedMitigation {
                    target: m.label.clone(),
                    dimension: dim,
                    from: *slot,
                    to,
                    justification: m.justification.clone(),
                    approver: m.approver.clone(),
                    expires: m.expires.to_string(),
                });
                reasons.push(format!(
                    "mitigation ({}; approved by {} until {}) lowers {} from {} to {to}",
                    m.justification,
                    m.approver,
                    m.expires,
                    dim.label(),
                    *slot
                ));
                *slot = to;
            }
        }
    }

    let exposure = exposure(&dims, &cx.params.weights);
    let score = exposure * f64::from(dims.d7);
    let mut level = level_for(score, &cx.params.thresholds);
    reasons.push(format!(
        "exposure {:.2} × impact {} ({}) = {:.2} → {}",
        exposure,
        dims.d7,
        s.category.map_or("unknown role", |c| c.name.as_str()),
        score,
        level.as_str()
    ));
    let mut gates = Vec::new();
    for g in &db.model.gates {
        if facts.holds(&g.when, cx.db_date) {
            gates.push(g.id.clone());
            reasons.push(format!("{}: {} → critical", g.id, g.rationale));
            level = Level::Critical;
        }
    }
    Risk {
        level,
        exposure: Some(round(2, exposure)),
        score: Some(round(2, score)),
        dimensions: Some(dims),
        rules: fired,
        gates,
        mitigations: applied,
        reasons,
    }
}
