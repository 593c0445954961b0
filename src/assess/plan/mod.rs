//! The migration plan (`sovscan plan`, `docs/plan.md`): which products to
//! replace by which alternatives, year by year, to reach an open-source
//! share by a target year, critical dependencies first. Pure: product rows
//! (of one or several saved scans), the rule database and the policy in, a
//! [`Plan`] out. The figures after each phase are the scan's aggregates
//! over the rows with the phase's switches applied ([`rows`]).
//!
//! Order (docs/plan.md §Ordering):
//! 1. a product that a hard gate makes critical, or that is critical, is
//!    replaced in the first phase, whatever the capacity (the plan says so
//!    when that exceeds it);
//! 2. the others by their gain per effort point: the rise of the index plus
//!    100 × the rise of the role-weighted open-source share that the switch
//!    alone gives, divided by the effort class's points; ties by product id;
//! 3. each year takes, in that order, what fits its capacity (effort points
//!    and/or migrations); a product the policy keeps waits until the year
//!    after its `until`; the plan stops in the year the target is reached.

pub mod rows;

use crate::assess::Context;
use crate::assess::policy::Policy;
use crate::date::Date;
use crate::model::plan::{Effort, Figures, Kept, PLAN_VERSION, Phase, Plan, Replacement, WhatIf};
use crate::model::report::{Component, ControlBloc};
use crate::model::risk::{Level, ModelParams};
use crate::rules::{Product, RuleDb};
use rows::{figures, product_of, switch, workplace};

pub use crate::assess::policy::{Keep, PlanSettings, SiteProduct};

/// The plan's parameters after the command line and the policy (the
/// command line wins).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub start_year: u16,
    pub target_year: u16,
    pub target_share: f64,
    pub effort_per_year: Option<u32>,
    pub migrations_per_year: Option<u32>,
}

/// A plan never runs past this many years after its target year: beyond,
/// the target counts as not reachable with the capacity given.
const HORIZON_YEARS: u16 = 30;

/// Everything the engine needs besides the rows.
pub struct Inputs<'a> {
    pub cx: &'a Context<'a>,
    pub policy: &'a Policy,
    pub goal: Goal,
    /// The saved scans, named in the plan.
    pub names: Vec<String>,
}

impl Inputs<'_> {
    fn db(&self) -> &RuleDb {
        self.cx.db
    }

    fn params(&self) -> &ModelParams {
        self.cx.params
    }

    fn figures(&self, rows: &[Component]) -> Figures {
        figures(rows, self.db(), self.params(), self.policy)
    }
}

/// A product that may be switched, with its chosen alternative.
struct Candidate {
    from: String,
    to: usize,
    level: Level,
    first: bool,
    effort: Effort,
    score: f64,
}

/// Makes the plan.
pub fn plan(rows: &[Component], inp: &Inputs) -> Plan {
    let baseline = inp.figures(rows);
    let (mut queue, mut kept) = candidates(rows, inp, &baseline);
    let mut plan = Plan {
        plan_version: PLAN_VERSION.to_owned(),
        inputs: inp.names.clone(),
        start_year: inp.goal.start_year,
        target_year: inp.goal.target_year,
        target_share: inp.goal.target_share,
        capacity_points: inp.goal.effort_per_year,
        capacity_migrations: inp.goal.migrations_per_year,
        reachable: false,
        reached_year: None,
        notes: Vec::new(),
        baseline: baseline.clone(),
        phases: Vec::new(),
        kept: Vec::new(),
    };
    let mut current = rows.to_vec();
    let mut figs = baseline;
    let reached = |f: &Figures| f.oss_share_weighted.unwrap_or(0.0) + 1e-9 >= inp.goal.target_share;
    let last_year = inp.goal.target_year.max(inp.goal.start_year) + HORIZON_YEARS;
    let mut year = inp.goal.start_year;
    while !queue.is_empty() && year <= last_year {
        let done_before = reached(&figs) && !queue.iter().any(|c| c.first);
        if done_before {
            break;
        }
        let picked = pick_year(&mut queue, year, plan.phases.is_empty(), inp);
        if !picked.is_empty() {
            let (reps, points, next_rows, next_figs, unneeded) = apply(&current, picked, inp);
            queue.extend(unneeded);
            current = next_rows;
            figs = next_figs;
            plan.phases.push(Phase {
                number: plan.phases.len() + 1,
                year,
                replacements: reps,
                effort_points: points,
                figures: figs.clone(),
                target_reached: reached(&figs),
                stays: Vec::new(),
            });
            if reached(&figs) && plan.reached_year.is_none() {
                plan.reached_year = Some(year);
            }
        }
        year += 1;
    }
    if plan.reached_year.is_none() && reached(&plan.baseline) {
        plan.reached_year = Some(inp.goal.start_year);
    }
    for c in queue {
        let why = leftover_reason(&c, &plan, inp);
        kept.push(kept_row(rows, &c.from, why));
    }
    kept.sort_by(|a, b| a.product.cmp(&b.product));
    plan.kept = kept;
    stays(&mut plan);
    plan.reachable = plan.reached_year.is_some_and(|y| y <= inp.goal.target_year);
    plan.notes = notes(&plan, &figs, inp);
    plan
}

/// The products that may be switched, in plan order, and those that stay
/// with their reason.
fn candidates(rows: &[Component], inp: &Inputs, base: &Figures) -> (Vec<Candidate>, Vec<Kept>) {
    let db = inp.db();
    let mut seen: Vec<&str> = Vec::new();
    let (mut queue, mut kept) = (Vec::new(), Vec::new());
    for r in rows.iter().filter(|r| workplace(r, db)) {
        let Some(id) = product_of(r) else { continue };
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let level = worst_level(rows, id);
        let open = r.license.open_source == Some(true);
        if open && level < Level::High {
            continue;
        }
        let Some(from) = db.product(id) else {
            kept.push(kept_row(rows, id, "not in the rule database".into()));
            continue;
        };
        let Some(to) = choose(from, r, inp) else {
            let why = match &from.no_alternative_reason {
                Some(reason) => format!("no alternative: {reason}"),
                None => "no acceptable alternative (none listed, or all excluded)".into(),
            };
            kept.push(kept_row(rows, id, why));
            continue;
        };
        let effort = effort_of(from, inp.policy);
        let after = inp.figures(&switch(rows, id, to, inp.cx));
        let gain = gain(base, &after);
        queue.push(Candidate {
            from: id.to_owned(),
            to,
            level,
            first: level == Level::Critical,
            effort,
            score: gain / f64::from(effort.points()),
        });
    }
    queue.sort_by(|a, b| {
        b.first
            .cmp(&a.first)
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.from.cmp(&b.from))
    });
    (queue, kept)
}

/// The worst level of a product's rows (across images).
fn worst_level(rows: &[Component], id: &str) -> Level {
    rows.iter()
        .filter(|r| product_of(r) == Some(id))
        .map(|r| r.risk.level)
        .max_by_key(|l| l.severity())
        .unwrap_or(Level::Unknown)
}

/// Index rise plus 100 × rise of the weighted open-source share.
fn gain(before: &Figures, after: &Figures) -> f64 {
    let idx = after.index.unwrap_or(0.0) - before.index.unwrap_or(0.0);
    let oss = after.oss_share_weighted.unwrap_or(0.0) - before.oss_share_weighted.unwrap_or(0.0);
    idx + 100.0 * oss
}

/// The effort class of moving away from a product: the site's, else the
/// database's migration profile, else M.
fn effort_of(p: &Product, policy: &Policy) -> Effort {
    policy
        .plan
        .products
        .get(&p.id)
        .and_then(|s| s.effort)
        .or_else(|| p.migration.as_ref().map(|m| m.effort))
        .unwrap_or_default()
}

/// The alternative for a product: the policy's preference, else the best
/// of the database's alternatives that the policy doesn't exclude or deny
/// and that is no worse than the product: open source and EU- or
/// community-controlled first, then open source, then EU-controlled; then
/// the lower exposure; then the database's order.
fn choose(from: &Product, row: &Component, inp: &Inputs) -> Option<usize> {
    let db = inp.db();
    let settings = &inp.policy.plan;
    if let Some(to) = settings.prefer.get(&from.id) {
        return db.products.iter().position(|p| &p.id == to);
    }
    let from_level = row.risk.level;
    let mut best: Option<(u8, f64, usize, usize)> = None;
    for (order, &a) in from.alternatives.iter().enumerate() {
        let alt = &db.products[a];
        if settings.exclude.contains(&alt.id) {
            continue;
        }
        let r = rows::row_for(a, row.image, Some(row), inp.cx);
        if denied(&r, inp.policy) || r.risk.level.severity() > from_level.severity() {
            continue;
        }
        let open = r.license.open_source == Some(true);
        let bloc = r.control_bloc();
        let eu = bloc == ControlBloc::Eu;
        let class = match (open, eu || bloc == ControlBloc::Community) {
            (true, true) => 0,
            (true, false) => 1,
            (false, _) if eu => 2,
            _ => continue,
        };
        let key = (class, r.risk.exposure.unwrap_or(4.0), order, a);
        if best.is_none_or(|b| (key.0, key.1, key.2) < (b.0, b.1, b.2)) {
            best = Some(key);
        }
    }
    best.map(|b| b.3)
}

/// Whether the policy's `[deny]` refuses a row (vendor chain, controller
/// country, category); allow entries don't make an alternative acceptable.
pub fn denied(r: &Component, policy: &Policy) -> bool {
    let d = &policy.deny;
    r.controller_chain.iter().any(|v| d.vendors.contains(v))
        || r.controller
            .as_ref()
            .and_then(|p| p.country.as_ref())
            .is_some_and(|k| d.jurisdictions.contains(k))
        || d.categories.contains(&r.category)
}

/// Takes from the queue what year `year` can do: the critical ones in the
/// first phase whatever the capacity, then in order what fits.
fn pick_year(queue: &mut Vec<Candidate>, year: u16, first: bool, inp: &Inputs) -> Vec<Candidate> {
    let (mut points, mut count) = (0u32, 0u32);
    let cap_points = inp.goal.effort_per_year;
    let cap_count = inp.goal.migrations_per_year;
    let mut picked = Vec::new();
    let mut rest = Vec::new();
    for c in queue.drain(..) {
        let waiting = kept_until(&c.from, inp.policy).is_some_and(|d| i32::from(year) <= d.year());
        let p = c.effort.points();
        let fits = cap_points.is_none_or(|cap| points + p <= cap)
            && cap_count.is_none_or(|cap| count < cap);
        if !waiting && ((first && c.first) || fits) {
            points += p;
            count += 1;
            picked.push(c);
        } else {
            rest.push(c);
        }
    }
    *queue = rest;
    picked
}

/// The date until which the policy keeps a product.
fn kept_until(product: &str, policy: &Policy) -> Option<Date> {
    policy
        .plan
        .keep
        .iter()
        .filter(|k| k.product == product)
        .map(|k| k.until)
        .max()
}

/// Applies a year's switches in order: the replacements with the gain each
/// gave, the points spent, the rows and figures after, and the switches not
/// needed any more because the target was reached before them (critical
/// ones are always made).
fn apply(
    rows: &[Component],
    picked: Vec<Candidate>,
    inp: &Inputs,
) -> (
    Vec<Replacement>,
    u32,
    Vec<Component>,
    Figures,
    Vec<Candidate>,
) {
    let mut current = rows.to_vec();
    let mut figs = inp.figures(&current);
    let mut reps = Vec::new();
    let mut points = 0;
    let mut unneeded = Vec::new();
    for c in picked {
        let reached = figs.oss_share_weighted.unwrap_or(0.0) + 1e-9 >= inp.goal.target_share;
        if reached && !c.first {
            unneeded.push(c);
            continue;
        }
        let next = switch(&current, &c.from, c.to, inp.cx);
        let next_figs = inp.figures(&next);
        reps.push(replacement(&current, &c, &figs, &next_figs, inp));
        points += c.effort.points();
        current = next;
        figs = next_figs;
    }
    (reps, points, current, figs, unneeded)
}

/// One replacement as the plan lists it.
fn replacement(
    rows: &[Component],
    c: &Candidate,
    before: &Figures,
    after: &Figures,
    inp: &Inputs,
) -> Replacement {
    let db = inp.db();
    let from = rows.iter().find(|r| product_of(r) == Some(c.from.as_str()));
    let from_product = db.product(&c.from);
    let to = rows::row_for(c.to, from.map_or(0, |r| r.image), from, inp.cx);
    let migration = from_product.and_then(|p| p.migration.as_ref());
    let site = inp.policy.plan.products.get(&c.from);
    let reason = if c.first {
        match from.is_some_and(|r| !r.risk.gates.is_empty()) {
            true => "hard gate".to_owned(),
            false => "critical".to_owned(),
        }
    } else {
        "gain per effort".to_owned()
    };
    let effort_reason = match (site.and_then(|s| s.effort), migration) {
        (Some(_), _) => "the site's own class (policy [plan.products])".to_owned(),
        (None, Some(m)) => m.reason.clone(),
        (None, None) => "no migration profile on record: class M assumed".to_owned(),
    };
    let to_product = &db.products[c.to];
    Replacement {
        from: c.from.clone(),
        from_name: from.map_or_else(|| c.from.clone(), |r| r.name.clone()),
        from_level: c.level.as_str().to_owned(),
        reason,
        to: to_product.id.clone(),
        to_name: to_product.name.clone(),
        to_country: to.controller.as_ref().and_then(|p| p.country.clone()),
        to_bloc: to.bloc_key().to_owned(),
        to_license: to_product.license.clone(),
        to_open_source: to.license.open_source == Some(true),
        to_level: to.risk.level.as_str().to_owned(),
        effort: c.effort,
        effort_reason,
        effort_source: migration.map(|m| m.source.clone()),
        blockers: migration.map(|m| m.blockers.clone()).unwrap_or_default(),
        eu_hosting: to_product
            .migration
            .as_ref()
            .and_then(|m| m.eu_hosting.clone()),
        seats: site.and_then(|s| s.seats),
        cost: site.and_then(|s| s.cost),
        gain_oss: crate::assess::round(
            4,
            diff(after.oss_share_weighted, before.oss_share_weighted),
        ),
        gain_index: crate::assess::round(1, diff(after.index, before.index)),
    }
}

fn diff(a: Option<f64>, b: Option<f64>) -> f64 {
    a.unwrap_or(0.0) - b.unwrap_or(0.0)
}

/// A product that stays, as the plan lists it.
fn kept_row(rows: &[Component], id: &str, why: String) -> Kept {
    let r = rows.iter().find(|r| product_of(r) == Some(id));
    Kept {
        product: id.to_owned(),
        name: r.map_or_else(|| id.to_owned(), |r| r.name.clone()),
        level: worst_level(rows, id).as_str().to_owned(),
        why,
    }
}

/// Each phase's `stays`: what is not replaced by then, and why.
fn stays(plan: &mut Plan) {
    let when: Vec<(String, usize, u16, Kept)> = plan
        .phases
        .iter()
        .flat_map(|ph| {
            ph.replacements.iter().map(|r| {
                let k = Kept {
                    product: r.from.clone(),
                    name: r.from_name.clone(),
                    level: r.from_level.clone(),
                    why: format!("replaced in phase {} ({})", ph.number, ph.year),
                };
                (r.from.clone(), ph.number, ph.year, k)
            })
        })
        .collect();
    for ph in &mut plan.phases {
        let mut stays: Vec<Kept> = when
            .iter()
            .filter(|(_, n, _, _)| *n > ph.number)
            .map(|(_, _, _, k)| k.clone())
            .chain(plan.kept.iter().cloned())
            .collect();
        stays.sort_by(|a, b| a.product.cmp(&b.product));
        ph.stays = stays;
    }
}

/// Why a candidate was never scheduled.
fn leftover_reason(c: &Candidate, plan: &Plan, inp: &Inputs) -> String {
    if let Some(k) = inp.policy.plan.keep.iter().find(|k| k.product == c.from) {
        return format!("kept by policy until {}: {}", k.until, k.reason);
    }
    if let Some(cap) = inp.goal.effort_per_year
        && c.effort.points() > cap
    {
        return format!(
            "effort {} ({} points) exceeds the capacity of {cap} points a year",
            c.effort.as_str(),
            c.effort.points()
        );
    }
    match plan.reached_year {
        Some(y) => format!("not needed for the target, reached in {y}"),
        None => "capacity: not scheduled within the plan's horizon".to_owned(),
    }
}

/// The lines a plan leads with when it misses its target.
fn notes(plan: &Plan, last: &Figures, inp: &Inputs) -> Vec<String> {
    let target = crate::fmt::pct(inp.goal.target_share);
    let by = inp.goal.target_year;
    let share = crate::fmt::pct(last.oss_share_weighted.unwrap_or(0.0));
    let mut out = Vec::new();
    match plan.reached_year {
        Some(y) if y <= by => {}
        Some(y) => out.push(format!(
            "The target of {target} open-source share by {by} can't be reached with the capacity given: the earliest year is {y}."
        )),
        None => out.push(format!(
            "The target of {target} open-source share can't be reached: with every acceptable replacement the share is {share}."
        )),
    }
    if !out.is_empty() {
        let blocking: Vec<String> = plan
            .kept
            .iter()
            .filter(|k| !k.why.starts_with("not needed"))
            .map(|k| format!("{} ({})", k.product, k.why))
            .collect();
        if !blocking.is_empty() {
            out.push(format!("What stays: {}.", blocking.join("; ")));
        }
    }
    if let Some(p) = plan.phases.first()
        && let Some(cap) = inp.goal.effort_per_year
        && p.effort_points > cap
    {
        out.push(format!(
            "Phase 1 ({}) takes {} effort points, above the capacity of {cap}: critical products are replaced first whatever the capacity.",
            p.year, p.effort_points
        ));
    }
    out
}

/// The figures with the given switches applied (`--replace P=A`): product
/// ids, both checked by the caller.
pub fn what_if(rows: &[Component], switches: &[(String, usize)], inp: &Inputs) -> WhatIf {
    let baseline = inp.figures(rows);
    let mut current = rows.to_vec();
    let mut figs = baseline.clone();
    let mut reps = Vec::new();
    for (from, to) in switches {
        let level = worst_level(&current, from);
        let effort = inp
            .db()
            .product(from)
            .map_or(Effort::M, |p| effort_of(p, inp.policy));
        let c = Candidate {
            from: from.clone(),
            to: *to,
            level,
            first: false,
            effort,
            score: 0.0,
        };
        let next = switch(&current, from, *to, inp.cx);
        let next_figs = inp.figures(&next);
        let mut r = replacement(&current, &c, &figs, &next_figs, inp);
        r.reason = "what-if".to_owned();
        reps.push(r);
        current = next;
        figs = next_figs;
    }
    WhatIf {
        plan_version: PLAN_VERSION.to_owned(),
        inputs: inp.names.clone(),
        baseline,
        replacements: reps,
        figures: figs,
    }
}
