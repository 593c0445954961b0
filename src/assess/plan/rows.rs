//! The product rows a plan works on, and what a switch does to them.
//!
//! A switch of product P to alternative A removes every row of P from an
//! image and, unless the image already has A, adds a row for A assessed as
//! a scan would assess it: the alternative's product rule decides its role,
//! licence, vendor chain and risk ([`assess`]), with the model parameters
//! and mitigations in force. The figures are then the scan's own
//! aggregates ([`aggregate`]) over the rows, so a plan's figures are those a
//! scan of the image after the switch gives (`tests/it/plan.rs` builds such
//! images and compares).

use crate::assess::aggregate::{aggregate, is_workplace};
use crate::assess::license::license_of;
use crate::assess::policy::Policy;
use crate::assess::{Context, Subject, assess};
use crate::model::inventory::{Evidence, Kind, Package, Source};
use crate::model::plan::Figures;
use crate::model::report::{Component, JurisdictionReport, Party, ProductRef};
use crate::model::risk::{Level, ModelParams};
use crate::rules::RuleDb;

/// The product id of a row, when a product rule named it.
pub fn product_of(c: &Component) -> Option<&str> {
    c.product.as_ref().map(|p| p.id.as_str())
}

/// The row a scan would give product `idx` in `image`: `like` lends what
/// a product rule doesn't decide (the kind: an OS replaces an OS).
pub fn row_for(idx: usize, image: usize, like: Option<&Component>, cx: &Context) -> Component {
    let db = cx.db;
    let p = &db.products[idx];
    let chain = db.chain(p.vendor);
    let kind = like.map_or(Kind::Application, |c| c.kind);
    // No package licence: the product rule's licence decides, as in a scan
    // of a package that states none.
    let pkg = Package::new(Source::Os, &p.name, Evidence::new("", "plan", ""));
    let license = license_of(&pkg, Some(p), Some(&db.vendors[p.vendor]), None, db);
    let category = db.category(&p.category);
    let risk = assess(
        &Subject {
            chain: &chain,
            channel: None,
            product: Some(p),
            open_source: license.open_source,
            license: license.spdx.as_deref(),
            category,
            role_assumed: false,
        },
        cx,
    );
    let party = |v: usize| Party {
        id: db.vendors[v].id.clone(),
        name: db.vendors[v].name.clone(),
        country: db.vendors[v].country.clone(),
    };
    let controller = *chain.last().expect("a chain holds the vendor");
    let jurisdiction = db.vendors[controller]
        .country
        .as_deref()
        .and_then(|k| db.jurisdiction(k))
        .map(|j| JurisdictionReport {
            country: j.country.clone(),
            bloc: j.bloc,
            laws: j.laws.iter().map(|&l| db.laws[l].id.clone()).collect(),
        });
    let product = |i: usize| ProductRef {
        id: db.products[i].id.clone(),
        name: db.products[i].name.clone(),
    };
    Component {
        id: format!("{image}:plan:{}", p.id),
        key: format!("product:{}", p.id),
        image,
        name: p.name.clone(),
        version: None,
        arch: None,
        source: like.map_or(Source::Os, |c| c.source),
        kind,
        category: p.category.clone(),
        product: Some(product(idx)),
        vendor: Some(party(p.vendor)),
        controller: Some(party(controller)),
        controller_chain: chain.iter().map(|&v| db.vendors[v].id.clone()).collect(),
        jurisdiction,
        license,
        risk,
        matched: None,
        alternatives: p.alternatives.iter().map(|&a| product(a)).collect(),
        supplier: Default::default(),
        purl: None,
        properties: Default::default(),
        evidence: Vec::new(),
        files: 0,
        binaries: 0,
        signers: Default::default(),
        flags: Vec::new(),
        signer_shares: Default::default(),
    }
}

/// The rows after switching product `from` to product `to` in every image
/// that has `from`.
pub fn switch(rows: &[Component], from: &str, to: usize, cx: &Context) -> Vec<Component> {
    let to_id = cx.db.products[to].id.as_str();
    let mut out: Vec<Component> = Vec::with_capacity(rows.len() + 1);
    let mut images: Vec<(usize, &Component)> = Vec::new();
    for r in rows {
        if product_of(r) == Some(from) {
            if !images.iter().any(|(i, _)| *i == r.image) {
                images.push((r.image, r));
            }
        } else {
            out.push(r.clone());
        }
    }
    for (image, like) in images {
        let has = out
            .iter()
            .any(|r| r.image == image && product_of(r) == Some(to_id));
        if !has {
            out.push(row_for(to, image, Some(like), cx));
        }
    }
    out
}

/// The figures of a set of rows: the scan's aggregates, and the counts of
/// critical and high products.
pub fn figures(rows: &[Component], db: &RuleDb, params: &ModelParams, policy: &Policy) -> Figures {
    let refs: Vec<&Component> = rows.iter().collect();
    let a = aggregate(&refs, db, params, policy);
    let level = |l: Level| rows.iter().filter(|r| r.risk.level == l).count();
    Figures {
        oss_share_count: a.oss_share.count,
        oss_share_weighted: a.oss_share.weighted,
        index: a.index,
        us_share: a.jurisdictions.us.share,
        cn_ru_share: a.jurisdictions.cn_ru.share,
        hhi: a.concentration.hhi,
        critical: level(Level::Critical),
        high: level(Level::High),
    }
}

/// Whether a row counts in the workplace figures.
pub fn workplace(c: &Component, db: &RuleDb) -> bool {
    is_workplace(c, db)
}
