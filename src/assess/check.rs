//! The check before procurement (`sovscan check PRODUCT|NAME`): a product
//! of the rule database assessed for the role it would fill, as a scan
//! would assess it on a workstation ([`row_for`]), with its control chain,
//! the laws that reach its controller, its GDPR-relevant traits, its
//! migration profile, the policy's verdict, and every alternative assessed
//! the same way, open source and EU-controlled first.

use super::Context;
use super::gate::component_violations;
use super::plan::rows::row_for;
use super::policy::Policy;
use crate::model::plan::{ChainLink, Check, GdprTraits, LawRef, PLAN_VERSION, ProductCheck};
use crate::model::report::{Component, ControlBloc};
use crate::rules::{Law, RuleDb};

/// A query that names nothing: the message says what is nearest.
#[derive(Debug, thiserror::Error)]
#[error("no product `{query}` in the rule database{hint}")]
pub struct NotFound {
    pub query: String,
    pub hint: String,
}

/// Which products a query names, and how: a product id; a product name
/// (case and `-`/space ignored); a vendor id (all its products); names or
/// ids containing the query.
pub fn resolve(db: &RuleDb, query: &str) -> Result<(Vec<usize>, &'static str), NotFound> {
    let norm = |s: &str| s.to_lowercase().replace(['-', '_'], " ");
    let q = norm(query.trim());
    if let Some(i) = db.products.iter().position(|p| p.id == query) {
        return Ok((vec![i], "product id"));
    }
    let by_name: Vec<usize> = (0..db.products.len())
        .filter(|&i| norm(&db.products[i].name) == q)
        .collect();
    if !by_name.is_empty() {
        return Ok((by_name, "product name"));
    }
    if let Some(v) = db.vendor_index(query) {
        let of: Vec<usize> = (0..db.products.len())
            .filter(|&i| db.chain(db.products[i].vendor).contains(&v))
            .collect();
        if !of.is_empty() {
            return Ok((of, "vendor id"));
        }
    }
    let containing: Vec<usize> = (0..db.products.len())
        .filter(|&i| {
            let p = &db.products[i];
            !q.is_empty() && (norm(&p.name).contains(&q) || norm(&p.id).contains(&q))
        })
        .collect();
    if !containing.is_empty() {
        return Ok((containing, "name contains"));
    }
    let names: Vec<&str> = db
        .products
        .iter()
        .flat_map(|p| [p.id.as_str(), p.name.as_str()])
        .collect();
    Err(NotFound {
        query: query.to_owned(),
        hint: crate::diag::did_you_mean(query, names),
    })
}

/// Checks the products a query names.
pub fn check(query: &str, cx: &Context, policy: &Policy) -> Result<Check, NotFound> {
    let (found, how) = resolve(cx.db, query)?;
    let products: Vec<ProductCheck> = found
        .iter()
        .map(|&i| {
            let mut c = product_check(i, cx, policy);
            let mut alts: Vec<(u8, ProductCheck)> = cx.db.products[i]
                .alternatives
                .iter()
                .map(|&a| {
                    let alt = product_check(a, cx, policy);
                    (rank(&alt), alt)
                })
                .collect();
            alts.sort_by_key(|(r, _)| *r);
            c.alternatives = alts.into_iter().map(|(_, a)| a).collect();
            c
        })
        .collect();
    Ok(Check {
        plan_version: PLAN_VERSION.to_owned(),
        query: query.to_owned(),
        matched_by: how.to_owned(),
        denied: products.iter().any(|p| !p.violations.is_empty()),
        products,
    })
}

/// Open source and EU or community first, then open source, then EU, then
/// the rest (a stable sort keeps the database's order within a rank).
fn rank(p: &ProductCheck) -> u8 {
    let open = p.open_source == Some(true);
    let eu = p.bloc == "eu" || p.bloc == "community";
    match (open, eu) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    }
}

fn law_ref(l: &Law) -> LawRef {
    LawRef {
        id: l.id.clone(),
        name: l.name.clone(),
        kind: format!("{:?}", l.kind).to_lowercase(),
        effect: l.effect.clone(),
        citation: l.citation.clone(),
    }
}

/// One product assessed as a scan would assess it (without alternatives).
fn product_check(i: usize, cx: &Context, policy: &Policy) -> ProductCheck {
    let db = cx.db;
    let p = &db.products[i];
    let row = row_for(i, 0, None, cx);
    let chain: Vec<ChainLink> = db
        .chain(p.vendor)
        .iter()
        .map(|&v| {
            let v = &db.vendors[v];
            ChainLink {
                id: v.id.clone(),
                name: v.name.clone(),
                country: v.country.clone(),
                controlled_since: v.parent.and(v.parent_since.clone()),
                source: v.source.clone(),
                as_of: v.as_of.clone(),
            }
        })
        .collect();
    let laws: Vec<&Law> = row
        .jurisdiction
        .iter()
        .flat_map(|j| &j.laws)
        .filter_map(|id| db.laws.iter().find(|l| &l.id == id))
        .collect();
    let mut out = Vec::new();
    component_violations(&row, policy, None, &mut out);
    ProductCheck {
        id: p.id.clone(),
        name: p.name.clone(),
        category: p.category.clone(),
        role: db
            .category(&p.category)
            .map_or_else(|| p.category.clone(), |c| c.name.clone()),
        license: p.license.clone(),
        open_source: row.license.open_source,
        chain,
        controller_country: row.controller.as_ref().and_then(|c| c.country.clone()),
        bloc: row.bloc_key().to_owned(),
        laws: laws.iter().map(|l| law_ref(l)).collect(),
        warnings: warnings(db, i),
        level: row.risk.level.as_str().to_owned(),
        exposure: row.risk.exposure,
        score: row.risk.score,
        dimensions: row.risk.dimensions,
        rules: row.risk.rules.iter().map(|r| r.id.clone()).collect(),
        gates: row.risk.gates.clone(),
        reasons: row.risk.reasons.clone(),
        gdpr: gdpr(&row, &laws, &p.traits),
        migration: p.migration.clone(),
        no_alternative_reason: p.no_alternative_reason.clone(),
        violations: out.into_iter().map(|v| v.message).collect(),
        product_source: p.source.clone(),
        product_as_of: p.as_of.clone(),
        alternatives: Vec::new(),
    }
}

/// Warnings and bans naming the product, its vendor or a controller.
fn warnings(db: &RuleDb, i: usize) -> Vec<LawRef> {
    let p = &db.products[i];
    let mut ids: Vec<usize> = p.warnings.clone();
    for v in db.chain(p.vendor) {
        ids.extend(&db.vendors[v].warnings);
    }
    ids.sort_unstable();
    ids.dedup();
    ids.iter().map(|&l| law_ref(&db.laws[l])).collect()
}

fn gdpr(row: &Component, laws: &[&Law], traits: &[String]) -> GdprTraits {
    let has = |t: &str| traits.iter().any(|x| x == t);
    let outside = !matches!(row.control_bloc(), ControlBloc::Eu);
    GdprTraits {
        processing_outside_eu: outside && has("cloud-processing"),
        cloud_dependency: [
            "cloud-processing",
            "account-required",
            "online-activation",
            "remote-cutoff",
        ]
        .into_iter()
        .filter(|t| has(t))
        .map(str::to_owned)
        .collect(),
        telemetry: has("telemetry"),
        us_cloud_act_fisa702: laws
            .iter()
            .any(|l| l.id == "us.cloud_act" || l.id == "us.fisa702"),
        prc_intelligence_law: laws.iter().any(|l| l.id == "cn.nil7"),
    }
}
