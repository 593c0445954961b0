//! The assessment model: a standardised, explainable procedure that scores
//! each component on seven dimensions and derives a level. `docs/model.md`
//! is the procedure for auditors; this module implements it.
//!
//! 1. Unresolved vendor → `unknown`; D1..D6 take the score of unknown
//!    (`unknown_exposure`, rounded up), D7 the role's impact.
//! 2. D1..D6: each dimension's score is the highest score of the named
//!    rules (`rules/model.toml`) whose conditions hold; 0 if none does.
//! 3. Mitigations in force may lower D3 and D4 (never D1).
//! 4. Exposure = Σ wᵢ·Dᵢ / Σ wᵢ over D1..D6 (0..4); D7 = impact of the role
//!    (1..4); risk = exposure × D7 (0..16); the level follows the thresholds.
//! 5. A gate whose conditions hold raises the level to its level: critical
//!    for a hard gate, `high` or `medium` for a floor.
//!
//! A known vendor's component whose role is unknown (no product rule, OS
//! record or archive policy) takes its vendor's typical role for D7
//! ([`typical_role`]); the floors keep such a component of a foreign
//! controller from being low.
//!
//! Every step is recorded (fired rules, mitigations, gates, sentences), so
//! any level can be traced back to its evidence.

pub mod aggregate;
pub mod check;
pub mod component;
pub mod fleet;
pub mod gate;
pub mod license;
pub mod plan;
pub mod policy;
pub mod product;

use crate::date::Date;
use crate::model::risk::{
    AppliedMitigation, Bloc, Dimension, Dimensions, FiredRule, Impact, Level, ModelParams, Risk,
    Thresholds, Weights,
};
use crate::rules::{Category, Condition, LawKind, Product, RuleDb, Vendor, VendorKind};
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
    /// `category` is assumed (the vendor's typical role), not identified.
    pub role_assumed: bool,
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
    networked: bool,
    role_assumed: bool,
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
            && c.networked.is_none_or(|want| want == self.networked)
            && c.role_assumed.is_none_or(|want| want == self.role_assumed)
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
/// platforms. Never `-0.0`: an empty `f64` sum is `-0.0` and a tiny
/// negative rounds to it, and a report must not say `-0.0`.
pub fn round(decimals: usize, x: f64) -> f64 {
    let scale = [1.0, 10.0, 100.0, 1_000.0, 10_000.0][decimals];
    (x * scale).round() / scale + 0.0
}

/// Assesses one component. Deterministic: the same subject and context
/// always give the same result, reasons included.
pub fn assess(s: &Subject, cx: &Context) -> Risk {
    let Some(facts) = Facts::of(s, cx.db) else {
        return unresolved(s, cx);
    };
    let mut reasons = vec![chain_reason(s.chain, cx.db)];
    let (mut dims, fired) = score(&facts, cx, &mut reasons);
    let applied = mitigate(s, cx, &mut dims, &mut reasons);
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
    let (gates, least) = gates(&facts, cx, &mut reasons);
    level = level.max(least);
    Risk {
        level,
        exposure: Some(round(2, exposure)),
        score: Some(round(2, score)),
        dimensions: Some(dims),
        unknown_dimensions: Vec::new(),
        assumed_role: s
            .role_assumed
            .then(|| s.category.map(|c| c.id.clone()))
            .flatten(),
        rules: fired,
        gates,
        mitigations: applied,
        reasons,
    }
}

/// Step 1: without a controller the level is unknown, never low. D1..D6
/// can't be assessed: each takes the score of unknown, `unknown_exposure`
/// rounded up (4 by default), so that they give the exposure the index
/// counts; D7 is the impact of the role as far as it is known. Exposure
/// and score stay null: no level is derived from them.
fn unresolved(s: &Subject, cx: &Context) -> Risk {
    let unknown = cx.params.unknown_exposure.clamp(0.0, 4.0).ceil() as u8;
    let impact = s.category.map_or(Impact::Medium, |c| c.impact).score();
    let dims = Dimensions {
        d1: unknown,
        d2: unknown,
        d3: unknown,
        d4: unknown,
        d5: unknown,
        d6: unknown,
        d7: impact,
    };
    let reason = match s.channel {
        Some(c) => format!(
            "published through {}, a channel for other publishers' software; the publisher is not identified",
            c.name
        ),
        None => "vendor not identified: no rule matched the component's name, supplier or binaries"
            .into(),
    };
    Risk {
        level: Level::Unknown,
        exposure: None,
        score: None,
        dimensions: Some(dims),
        unknown_dimensions: Dimension::ALL.to_vec(),
        assumed_role: None,
        rules: vec![FiredRule {
            id: "VENDOR-UNRESOLVED".into(),
            dimension: Dimension::D1,
            score: 4,
            rationale: "An unresolved vendor is never low risk: its level stays unknown.".into(),
        }],
        gates: Vec::new(),
        mitigations: Vec::new(),
        reasons: vec![
            reason,
            format!("D1..D6 unknown, each scored {unknown}; D7 {impact}: the level stays unknown"),
        ],
    }
}

impl<'a> Facts<'a> {
    /// The facts of a subject with a controller; `None` without one.
    fn of(s: &Subject<'a>, db: &'a RuleDb) -> Option<Self> {
        let controller = &db.vendors[*s.chain.last()?];
        let vendor = &db.vendors[s.chain[0]];
        let jurisdiction = controller
            .country
            .as_deref()
            .and_then(|c| db.jurisdiction(c));
        let chain: Vec<&Vendor> = s.chain.iter().map(|&i| &db.vendors[i]).collect();
        let mut warnings: HashSet<LawKind> = chain
            .iter()
            .flat_map(|v| v.warnings.iter().map(|&l| db.laws[l].kind))
            .collect();
        if let Some(p) = s.product {
            warnings.extend(p.warnings.iter().map(|&l| db.laws[l].kind));
        }
        Some(Facts {
            controller,
            controller_bloc: jurisdiction.map(|j| j.bloc),
            law_kinds: jurisdiction
                .map(|j| j.laws.iter().map(|&i| db.laws[i].kind).collect())
                .unwrap_or_default(),
            vendor_bloc: vendor
                .country
                .as_deref()
                .and_then(|c| db.jurisdiction(c))
                .map(|j| j.bloc),
            warnings,
            newest_edge: chain
                .iter()
                .filter_map(|v| v.parent_since.as_deref().and_then(Date::parse))
                .max(),
            vendor_traits: chain
                .iter()
                .flat_map(|v| v.traits.iter().map(String::as_str))
                .collect(),
            product_traits: s
                .product
                .map(|p| p.traits.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            open_source: s.open_source,
            has_alternative: s.product.is_some_and(|p| !p.alternatives.is_empty()),
            impact: s.category.map_or(Impact::Medium, |c| c.impact),
            // A role the database doesn't know is assumed networked.
            networked: s.category.is_none_or(|c| c.networked),
            role_assumed: s.role_assumed,
        })
    }
}

/// The controller chain in one sentence, each link with its country and
/// since when the next one controls it.
fn chain_reason(chain: &[usize], db: &RuleDb) -> String {
    let links: Vec<String> = chain
        .iter()
        .map(|&i| {
            let v = &db.vendors[i];
            match (&v.country, &v.parent_since) {
                (Some(c), Some(since)) => {
                    format!("{} ({c}, controlled by the next since {since})", v.name)
                }
                (Some(c), None) => format!("{} ({c})", v.name),
                (None, _) => v.name.clone(),
            }
        })
        .collect();
    format!("controller chain: {}", links.join(" → "))
}

/// Step 2: each dimension's score is the highest of the rules that hold
/// (D7 is the role's impact). Fired rules are listed by dimension, highest
/// score first, then by id; those scoring above 0 become reasons.
fn score(facts: &Facts, cx: &Context, reasons: &mut Vec<String>) -> (Dimensions, Vec<FiredRule>) {
    let mut dims = Dimensions {
        d7: facts.impact.score(),
        ..Default::default()
    };
    let mut fired = Vec::new();
    for r in &cx.db.model.rules {
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
    (dims, fired)
}

/// Step 3: the mitigations in force for the product or anyone in its
/// controller chain lower D3 and D4 to their value, never raise them, and
/// never touch another dimension.
fn mitigate(
    s: &Subject,
    cx: &Context,
    dims: &mut Dimensions,
    reasons: &mut Vec<String>,
) -> Vec<AppliedMitigation> {
    let mut applied = Vec::new();
    for m in cx.mitigations {
        let applies = match m.target {
            Target::Product(p) => s
                .product
                .is_some_and(|x| std::ptr::eq(x, &cx.db.products[p])),
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
    applied
}

/// Step 5: the ids of the gates whose conditions hold, in database order,
/// and the least level they leave (low when none holds): a hard gate makes
/// the level critical, a floor raises it to its level.
fn gates(facts: &Facts, cx: &Context, reasons: &mut Vec<String>) -> (Vec<String>, Level) {
    let mut gates = Vec::new();
    let mut least = Level::Low;
    for g in &cx.db.model.gates {
        if facts.holds(&g.when, cx.db_date) {
            gates.push(g.id.clone());
            least = least.max(g.level);
            reasons.push(format!("{}: {} → {}", g.id, g.rationale, g.level.as_str()));
        }
    }
    (gates, least)
}

/// The role a known vendor's component takes when nothing identifies its
/// own: the category most of the vendor's products in the database have
/// (ties: the higher impact, then the category id). A vendor without
/// products of its own takes those of every vendor under the same ultimate
/// controller; `None` when there are none either (the caller falls back to
/// `unknown`, a networked role of medium impact).
pub fn typical_role<'a>(db: &'a RuleDb, chain: &[usize]) -> Option<&'a Category> {
    let (&vendor, &controller) = (chain.first()?, chain.last()?);
    let mut own: Vec<&str> = products_of(db, |v| v == vendor);
    if own.is_empty() {
        own = products_of(db, |v| db.controller(v) == controller);
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in own {
        *counts.entry(c).or_default() += 1;
    }
    counts
        .into_iter()
        .filter_map(|(id, n)| db.category(id).map(|c| (n, c)))
        .max_by(|(n1, c1), (n2, c2)| {
            n1.cmp(n2)
                .then(c1.impact.cmp(&c2.impact))
                .then(c2.id.cmp(&c1.id))
        })
        .map(|(_, c)| c)
}

/// The categories of the products whose vendor satisfies `pick`.
fn products_of(db: &RuleDb, pick: impl Fn(usize) -> bool) -> Vec<&str> {
    db.products
        .iter()
        .filter(|p| pick(p.vendor))
        .map(|p| p.category.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Context, Subject, assess, exposure, level_for, round, typical_role};
    use crate::assess::policy::{Mitigation, Target};
    use crate::date::Date;
    use crate::model::risk::{Dimension, Dimensions, Level, Risk, Thresholds, Weights};
    use crate::rules::{Condition, Gate, ModelRule, RuleDb};

    fn db() -> RuleDb {
        RuleDb::embedded().unwrap()
    }

    /// Assesses product `id` as the scan does when a rule names it, with
    /// `mitigations` in force.
    fn assess_product(db: &RuleDb, id: &str, mitigations: &[Mitigation]) -> Risk {
        let p = db.product(id).unwrap();
        let chain = db.chain(p.vendor);
        let cx = Context {
            db,
            params: &db.model.params,
            mitigations,
            db_date: Date::parse(&db.meta.date).unwrap(),
        };
        assess(
            &Subject {
                chain: &chain,
                channel: None,
                product: Some(p),
                open_source: db.license_is_open(&p.license),
                license: Some(&p.license),
                category: db.category(&p.category),
                role_assumed: false,
            },
            &cx,
        )
    }

    fn dims(d: [u8; 6]) -> Dimensions {
        let [d1, d2, d3, d4, d5, d6] = d;
        Dimensions {
            d1,
            d2,
            d3,
            d4,
            d5,
            d6,
            d7: 1,
        }
    }

    #[test]
    fn round_never_gives_negative_zero() {
        // An empty f64 sum is -0.0 (the open-source share by weight of an
        // image with no open-source workplace component came out as -0.0).
        let empty = std::iter::empty::<f64>().sum::<f64>() / 3.0;
        for x in [empty, -0.0, -0.00001, -0.4e-4] {
            let r = round(4, x);
            assert!(r == 0.0 && r.is_sign_positive(), "round(4, {x}) = {r:?}");
        }
        assert_eq!(round(4, -0.00006), -0.0001);
        assert_eq!(round(2, 0.125), 0.13);
    }

    #[test]
    fn exposure_is_the_weighted_mean_of_d1_to_d6() {
        let w = db().model.params.weights;
        assert_eq!(w.all(), [10.0, 15.0, 10.0, 15.0, 15.0, 20.0]);
        assert_eq!(exposure(&dims([0; 6]), &w), 0.0);
        assert_eq!(exposure(&dims([4; 6]), &w), 4.0);
        assert_eq!(exposure(&dims([0, 0, 0, 0, 0, 4]), &w), 4.0 * 20.0 / 85.0);
        assert_eq!(exposure(&dims([4, 0, 0, 0, 0, 0]), &w), 4.0 * 10.0 / 85.0);
        // Weights are relative: scaling them all changes nothing.
        let w2 = Weights {
            d1: 2.0,
            d2: 3.0,
            d3: 2.0,
            d4: 3.0,
            d5: 3.0,
            d6: 4.0,
        };
        let d = dims([1, 2, 3, 4, 0, 2]);
        assert!((exposure(&d, &w) - exposure(&d, &w2)).abs() < 1e-12);
    }

    #[test]
    fn levels_change_exactly_at_the_thresholds() {
        let t = Thresholds {
            medium: 2.0,
            high: 4.0,
            critical: 8.0,
        };
        let cases = [
            (0.0, Level::Low),
            (1.999, Level::Low),
            (2.0, Level::Medium),
            (3.999, Level::Medium),
            (4.0, Level::High),
            (7.999, Level::High),
            (8.0, Level::Critical),
            (16.0, Level::Critical),
        ];
        for (score, want) in cases {
            assert_eq!(level_for(score, &t), want, "score {score}");
        }
    }

    #[test]
    fn an_unresolved_vendor_is_unknown_never_low() {
        let db = db();
        let cx = Context {
            db: &db,
            params: &db.model.params,
            mitigations: &[],
            db_date: Date::parse(&db.meta.date).unwrap(),
        };
        // Even open source in a low-impact role stays unknown.
        let low_role = db.categories.iter().min_by_key(|c| c.impact).unwrap();
        let mut s = Subject {
            chain: &[],
            channel: None,
            product: None,
            open_source: Some(true),
            license: Some("MIT"),
            category: Some(low_role),
            role_assumed: false,
        };
        let r = assess(&s, &cx);
        assert_eq!(r.level, Level::Unknown);
        assert_eq!((r.exposure, r.score), (None, None));
        // Every dimension is there: D1..D6 scored as unknown (4), D7 the
        // role's impact.
        let d = r.dimensions.unwrap();
        assert_eq!((d.scores(), d.d7), ([4; 6], low_role.impact.score()));
        assert_eq!(r.unknown_dimensions, Dimension::ALL);
        let mut lower = db.model.params.clone();
        lower.unknown_exposure = 2.5;
        let r = assess(
            &s,
            &Context {
                params: &lower,
                ..cx
            },
        );
        assert_eq!(r.dimensions.unwrap().scores(), [3; 6]);
        assert_eq!(r.rules.len(), 1);
        assert_eq!(
            (
                r.rules[0].id.as_str(),
                r.rules[0].dimension,
                r.rules[0].score
            ),
            ("VENDOR-UNRESOLVED", Dimension::D1, 4)
        );
        assert!(r.reasons[0].starts_with("vendor not identified"));
        s.channel = db.vendor("flathub");
        let r = assess(&s, &cx);
        assert_eq!(r.level, Level::Unknown);
        assert!(
            r.reasons[0].starts_with("published through Flathub"),
            "{:?}",
            r.reasons
        );
    }

    #[test]
    fn a_hard_gate_makes_the_level_critical() {
        let mut db = db();
        let before = assess_product(&db, "libreoffice", &[]);
        assert_eq!(before.level, Level::Low);
        assert!(before.gates.is_empty());
        db.model.gates.push(Gate {
            id: "GATE-TEST".into(),
            level: Level::Critical,
            when: Condition::default(),
            rationale: "always holds".into(),
            refs: Vec::new(),
        });
        let after = assess_product(&db, "libreoffice", &[]);
        assert_eq!(after.level, Level::Critical);
        assert_eq!(after.gates, ["GATE-TEST"]);
        // The scores stand; the gate overrides only the level, last.
        assert_eq!(
            (after.exposure, after.score),
            (before.exposure, before.score)
        );
        assert_eq!(
            after.reasons.last().unwrap(),
            "GATE-TEST: always holds → critical"
        );
        assert!(after.reasons[after.reasons.len() - 2].ends_with("→ low"));
        // In the database as shipped: an official warning.
        let kas = assess_product(&RuleDb::embedded().unwrap(), "kaspersky-endpoint", &[]);
        assert_eq!(kas.level, Level::Critical);
        assert!(
            kas.gates.iter().any(|g| g == "GATE-OFFICIAL-WARNING"),
            "{:?}",
            kas.gates
        );
    }

    #[test]
    fn a_floor_raises_to_its_level_and_never_lowers() {
        let mut db = db();
        db.model.gates.push(Gate {
            id: "FLOOR-TEST".into(),
            level: Level::High,
            when: Condition::default(),
            rationale: "always holds".into(),
            refs: Vec::new(),
        });
        let lo = assess_product(&db, "libreoffice", &[]);
        assert_eq!(lo.level, Level::High);
        assert_eq!(
            lo.reasons.last().unwrap(),
            "FLOOR-TEST: always holds → high"
        );
        // Kaspersky stays critical: its hard gates hold too, and a floor
        // never lowers.
        let kas = assess_product(&db, "kaspersky-endpoint", &[]);
        assert_eq!(kas.level, Level::Critical);
        assert!(kas.gates.iter().any(|g| g == "FLOOR-TEST"));
    }

    /// The floors as shipped: a CN/RU controller in a networked role is at
    /// least high; an unidentified product of a foreign controller at
    /// least medium; neither touches an EU product.
    #[test]
    fn the_shipped_floors() {
        let db = db();
        let wechat = assess_product(&db, "wechat", &[]);
        assert_eq!(wechat.level, Level::High, "{:?}", wechat.reasons);
        assert!(
            wechat
                .gates
                .contains(&"FLOOR-HOSTILE-STATE-NETWORKED-ROLE".to_owned())
        );
        let voov = assess_product(&db, "tencent-meeting", &[]);
        assert_eq!(voov.level, Level::High, "{:?}", voov.reasons);
        let lo = assess_product(&db, "libreoffice", &[]);
        assert!(lo.gates.is_empty());

        let cx = Context {
            db: &db,
            params: &db.model.params,
            mitigations: &[],
            db_date: Date::parse(&db.meta.date).unwrap(),
        };
        let unidentified = |vendor: &str| {
            let chain = db.chain(db.vendor_index(vendor).unwrap());
            let role = typical_role(&db, &chain).or_else(|| db.category("unknown"));
            assess(
                &Subject {
                    chain: &chain,
                    channel: None,
                    product: None,
                    open_source: None,
                    license: None,
                    category: role,
                    role_assumed: true,
                },
                &cx,
            )
        };
        // Grammarly (US): its only product is productivity (impact 2):
        // 0.71 × 2 = 1.41 would be low; the floor makes it medium.
        let g = unidentified("grammarly");
        assert_eq!((g.score, g.level), (Some(1.41), Level::Medium));
        assert_eq!(g.gates, ["FLOOR-UNIDENTIFIED-FOREIGN-PRODUCT"]);
        // Huawei (CN) has no products: the unknown role, networked.
        let h = unidentified("huawei");
        assert_eq!(h.assumed_role.as_deref(), Some("unknown"));
        assert_eq!(h.level, Level::High);
        // DeepL (DE): an EU controller's unidentified product is not
        // floored.
        let d = unidentified("deepl");
        assert!(d.gates.is_empty() && d.level == Level::Low, "{d:?}");
    }

    #[test]
    fn the_typical_role_is_the_most_common_then_the_highest_impact() {
        let db = db();
        let role = |vendor: &str| {
            typical_role(&db, &db.chain(db.vendor_index(vendor).unwrap())).map(|c| c.id.as_str())
        };
        // Seven office products, five development, two identity...
        assert_eq!(role("microsoft"), Some("office"));
        assert_eq!(role("adobe"), Some("graphics"));
        // Tencent: one collaboration, one messaging; both high impact, so
        // the id decides.
        assert_eq!(role("tencent"), Some("collaboration"));
        // Kaspersky: security and management, both very high.
        assert_eq!(role("kaspersky"), Some("management"));
        // No products of its own: those under the same controller.
        assert_eq!(role("bytedance-ltd"), Some("collaboration"));
        assert_eq!(role("huawei"), None);
    }

    fn mitigation(target: Target, d3: Option<u8>, d4: Option<u8>) -> Mitigation {
        Mitigation {
            target,
            label: "product:microsoft-365".into(),
            d3,
            d4,
            justification: "EU data boundary".into(),
            approver: "CISO".into(),
            expires: Date::parse("2099-12-31").unwrap(),
        }
    }

    #[test]
    fn mitigations_lower_d3_and_d4_and_never_raise() {
        let db = db();
        let m365 = db
            .products
            .iter()
            .position(|p| p.id == "microsoft-365")
            .unwrap();
        let plain = assess_product(&db, "microsoft-365", &[]);
        let d = plain.dimensions.unwrap();
        assert!(d.d3 > 2 && d.d4 == 4, "{d:?}");
        let microsoft = db.vendors.iter().position(|v| v.id == "microsoft").unwrap();

        // D3 lowered to 1 by the first; the second would raise D3 back to 2
        // and leave D4 at its 4: neither happens.
        let ms = [
            mitigation(Target::Product(m365), Some(1), None),
            mitigation(Target::Vendor(microsoft), Some(2), Some(4)),
        ];
        let r = assess_product(&db, "microsoft-365", &ms);
        assert_eq!(r.dimensions.unwrap(), Dimensions { d3: 1, ..d });
        assert_eq!(r.mitigations.len(), 1);
        let a = &r.mitigations[0];
        assert_eq!((a.dimension, a.from, a.to), (Dimension::D3, d.d3, 1));
        assert_eq!(a.expires, "2099-12-31");
        assert!(r.exposure < plain.exposure);
        assert!(r.reasons.iter().any(|s| s.starts_with(
            &format!("mitigation (EU data boundary; approved by CISO until 2099-12-31) lowers D3 data flows from {} to 1", d.d3)
        )));

        // A vendor's mitigation covers what it controls: Alphabet's
        // applies to Chrome, published by Google.
        let alphabet = db.vendors.iter().position(|v| v.id == "alphabet").unwrap();
        let chrome = assess_product(&db, "google-chrome", &[])
            .dimensions
            .unwrap();
        assert!(chrome.d4 > 0, "{chrome:?}");
        let m = mitigation(Target::Vendor(alphabet), None, Some(0));
        let r = assess_product(&db, "google-chrome", &[m]);
        assert_eq!(r.dimensions.unwrap(), Dimensions { d4: 0, ..chrome });

        // Another product's mitigation does nothing here.
        let firefox = db.products.iter().position(|p| p.id == "firefox").unwrap();
        let m = mitigation(Target::Product(firefox), Some(0), Some(0));
        assert_eq!(assess_product(&db, "microsoft-365", &[m]), plain);
    }

    #[test]
    fn fired_rules_are_ordered_by_dimension_then_score_then_id() {
        let mut db = db();
        let rule = |id: &str, dimension, score| ModelRule {
            id: id.into(),
            dimension,
            score,
            when: Condition::default(),
            rationale: format!("{id} holds"),
            refs: Vec::new(),
        };
        db.model.rules = vec![
            rule("B", Dimension::D2, 1),
            rule("Z", Dimension::D1, 2),
            rule("A", Dimension::D2, 3),
            rule("A", Dimension::D1, 2),
            rule("C", Dimension::D1, 0),
        ];
        let r = assess_product(&db, "firefox", &[]);
        let order: Vec<(Dimension, u8, &str)> = r
            .rules
            .iter()
            .map(|f| (f.dimension, f.score, f.id.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (Dimension::D1, 2, "A"),
                (Dimension::D1, 2, "Z"),
                (Dimension::D1, 0, "C"),
                (Dimension::D2, 3, "A"),
                (Dimension::D2, 1, "B"),
            ]
        );
        // Each dimension takes its highest score; a 0 fires but says nothing.
        let d = r.dimensions.unwrap();
        assert_eq!((d.d1, d.d2, d.d3), (2, 3, 0));
        let said: Vec<&str> = r
            .reasons
            .iter()
            .filter(|s| s.contains(" holds"))
            .map(String::as_str)
            .collect();
        assert_eq!(
            said,
            [
                "A D1 legal exposure = 2: A holds",
                "Z D1 legal exposure = 2: Z holds",
                "A D2 control stability = 3: A holds",
                "B D2 control stability = 1: B holds",
            ]
        );
    }

    #[test]
    fn the_same_subject_gives_the_same_risk() {
        let db = db();
        for p in &db.products {
            let a = assess_product(&db, &p.id, &[]);
            let b = assess_product(&db, &p.id, &[]);
            assert_eq!(a, b, "{}", p.id);
            assert!(
                a.reasons[0].starts_with("controller chain: "),
                "{:?}",
                a.reasons
            );
        }
    }
}
