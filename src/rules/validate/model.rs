//! The assessment model: `[model]` parameters, `[[rule]]`s, `[[gate]]`s,
//! and the traits the rules test.

use super::{country_code, params};
use crate::diag::Code;
use crate::model::risk::{Level, ModelParams};
use crate::rules::layers::{At, Ctx, Table, Tables};
use crate::rules::schema::{GateDef, JurisdictionDef, ModelDef, ModelRuleDef, WhenDef};
use crate::rules::spanned::Spanned;
use crate::rules::{Condition, Gate, Model, ModelRule};
use std::collections::{HashMap, HashSet};

/// The whole model; `None` without a `[model]` table.
pub(super) fn model(ctx: &mut Ctx, t: &Tables) -> Option<Model> {
    let Some(at) = &t.model.at else {
        let last = ctx.files.len().saturating_sub(1);
        let msg = "no [model] table (weights, thresholds, targets) in the rule set";
        ctx.err(last, 0..0, Code::NoModel, msg);
        return None;
    };
    let params = parameters(ctx, at);
    let mut conditions = Conditions::new(&t.jurisdictions);
    let rules = rules(ctx, &mut conditions, &t.rules);
    let gates = gates(ctx, &mut conditions, &t.gates);
    untested_traits(ctx, &conditions, t);
    Some(Model {
        params,
        rules,
        gates,
    })
}

/// `[model]`: the checks a policy's override shares (`params.rs`), and the
/// exposure counted for unresolved components. Each problem points at the
/// table.
fn parameters(ctx: &mut Ctx, at: &At<ModelDef>) -> ModelParams {
    let m = at.def.get_ref();
    let span = at.def.span();
    if let Err(why) = params::weights(&m.weights) {
        ctx.err(
            at.file,
            span.clone(),
            Code::RuleWeights,
            format!("model {why}"),
        );
    }
    if let Err(why) = params::thresholds(&m.thresholds) {
        ctx.err(
            at.file,
            span.clone(),
            Code::RuleThresholds,
            format!("model {why}"),
        );
    }
    if let Err(why) = params::oss_target(m.oss_target) {
        ctx.err(at.file, span.clone(), Code::RuleOssTarget, why);
    }
    if !(0.0..=4.0).contains(&m.unknown_exposure) {
        let msg = "unknown_exposure is between 0 and 4";
        ctx.err(at.file, span, Code::UnknownExposure, msg);
    }
    ModelParams {
        weights: m.weights,
        thresholds: m.thresholds,
        oss_target: m.oss_target,
        oss_target_year: m.oss_target_year,
        unknown_exposure: m.unknown_exposure,
        single_point_roles: m.single_point_roles,
    }
}

/// Converts the conditions of rules and gates, checking their countries and
/// collecting the traits they test.
struct Conditions<'a> {
    jurisdictions: &'a HashMap<String, usize>,
    product_traits: HashSet<String>,
    vendor_traits: HashSet<String>,
}

impl<'a> Conditions<'a> {
    fn new(jurisdictions: &'a Table<JurisdictionDef>) -> Self {
        Self {
            jurisdictions: &jurisdictions.index,
            product_traits: HashSet::new(),
            vendor_traits: HashSet::new(),
        }
    }

    fn convert(&mut self, ctx: &mut Ctx, file: usize, w: &WhenDef) -> Condition {
        for c in w
            .controller_countries
            .iter()
            .chain(&w.not_controller_countries)
        {
            country_code(ctx, file, c, self.jurisdictions);
        }
        self.product_traits.extend(strings(&w.product_traits));
        self.vendor_traits.extend(strings(&w.vendor_traits));
        Condition {
            controller_blocs: w.controller_blocs.clone(),
            controller_countries: strings(&w.controller_countries),
            not_controller_countries: strings(&w.not_controller_countries),
            controller_law_kinds: w.controller_law_kinds.clone(),
            not_controller_law_kinds: w.not_controller_law_kinds.clone(),
            vendor_blocs: w.vendor_blocs.clone(),
            community: w.community,
            warnings: w.warnings.clone(),
            control_change_within_years: w.control_change_within_years,
            vendor_traits: strings(&w.vendor_traits),
            product_traits: strings(&w.product_traits),
            open_source: w.open_source,
            license_known: w.license_known,
            has_alternative: w.has_alternative,
            impacts: w.impacts.clone(),
            networked: w.networked,
            role_assumed: w.role_assumed,
        }
    }
}

fn strings(v: &[Spanned<String>]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().clone()).collect()
}

/// `[[rule]]`: a score of 0..=4 (a higher one counts as 4), conditions.
fn rules(ctx: &mut Ctx, conditions: &mut Conditions, t: &Table<ModelRuleDef>) -> Vec<ModelRule> {
    let mut out = Vec::new();
    for a in &t.items {
        let d = a.def.get_ref();
        let score = *d.score.get_ref();
        if score > 4 {
            ctx.err(
                a.file,
                d.score.span(),
                Code::RuleScore,
                "a rule's score is 0..=4",
            );
        }
        let when = conditions.convert(ctx, a.file, &d.when);
        out.push(ModelRule {
            id: d.id.get_ref().clone(),
            dimension: d.dimension,
            score: score.min(4),
            when,
            rationale: d.rationale.clone(),
            refs: d.refs.clone(),
        });
    }
    out
}

/// `[[gate]]`: at least one condition, since a gate raises every
/// component it holds for (to critical unless it states a lower level).
fn gates(ctx: &mut Ctx, conditions: &mut Conditions, t: &Table<GateDef>) -> Vec<Gate> {
    let mut out = Vec::new();
    for a in &t.items {
        let d = a.def.get_ref();
        let when = conditions.convert(ctx, a.file, &d.when);
        if when == Condition::default() {
            let msg = format!(
                "gate `{}` has no conditions: it would make everything {}",
                d.id.get_ref(),
                d.level.map_or(Level::Critical, Level::from).as_str()
            );
            ctx.err(a.file, d.id.span(), Code::EmptyGate, msg);
        }
        out.push(Gate {
            id: d.id.get_ref().clone(),
            level: d.level.map_or(Level::Critical, Level::from),
            when,
            rationale: d.rationale.clone(),
            refs: d.refs.clone(),
        });
    }
    out
}

/// Every trait a product or vendor carries must be tested by some rule: a
/// misspelt trait would otherwise silently score nothing.
fn untested_traits(ctx: &mut Ctx, conditions: &Conditions, t: &Tables) {
    for a in &t.products.items {
        let traits = &a.def.get_ref().traits;
        untested(
            ctx,
            a.file,
            traits,
            &conditions.product_traits,
            "product_traits",
        );
    }
    for a in &t.vendors.items {
        let traits = &a.def.get_ref().traits;
        untested(
            ctx,
            a.file,
            traits,
            &conditions.vendor_traits,
            "vendor_traits",
        );
    }
}

fn untested(
    ctx: &mut Ctx,
    file: usize,
    traits: &[Spanned<String>],
    tested: &HashSet<String>,
    field: &str,
) {
    for tr in traits.iter().filter(|tr| !tested.contains(tr.get_ref())) {
        let msg = format!(
            "trait `{}` is tested by no model rule ({field} in rules/model.toml)",
            tr.get_ref()
        );
        ctx.err(file, tr.span(), Code::UntestedTrait, msg);
    }
}
