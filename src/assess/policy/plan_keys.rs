//! `[plan]`: the settings of a migration plan (`docs/plan.md`), read and
//! checked like the rest of the policy (located errors with `P` codes).

use super::Reader;
use crate::date::Date;
use crate::diag::Code;
use crate::model::plan::Effort;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;
use toml::value::Datetime;

/// `[plan]` of the policy, checked (this module).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanSettings {
    /// Whether the policy has a `[plan]` table at all.
    pub present: bool,
    pub start_year: Option<u16>,
    pub target_share: Option<f64>,
    pub target_year: Option<u16>,
    pub effort_per_year: Option<u32>,
    pub migrations_per_year: Option<u32>,
    /// Product id → the alternative to choose for it.
    pub prefer: BTreeMap<String, String>,
    /// Alternatives never chosen.
    pub exclude: Vec<String>,
    pub keep: Vec<Keep>,
    pub products: BTreeMap<String, SiteProduct>,
}

/// A product the policy keeps until a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Keep {
    pub product: String,
    pub until: Date,
    pub reason: String,
}

/// What a site knows of one of its products.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteProduct {
    pub seats: Option<u64>,
    pub cost: Option<f64>,
    pub effort: Option<Effort>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct PlanDef {
    start_year: Option<Spanned<u16>>,
    target_share: Option<Spanned<f64>>,
    target_year: Option<Spanned<u16>>,
    /// Capacity in effort points a year (S = 1, M = 2, L = 4, XL = 8).
    effort_per_year: Option<Spanned<u32>>,
    migrations_per_year: Option<Spanned<u32>>,
    /// Product id → the alternative to choose for it.
    #[serde(default)]
    prefer: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Alternatives never to choose.
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    keep: Vec<KeepDef>,
    /// What the site knows of a product: seats, cost, its own effort class.
    #[serde(default)]
    products: BTreeMap<Spanned<String>, SiteDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeepDef {
    product: Spanned<String>,
    until: Spanned<Datetime>,
    reason: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteDef {
    seats: Option<u64>,
    cost: Option<Spanned<f64>>,
    effort: Option<Spanned<String>>,
}

impl Reader<'_> {
    /// `[plan]`: years that make sense, a share, capacities above 0, known
    /// products and alternatives, dated keep entries with reasons.
    pub(super) fn plan(&mut self, d: PlanDef) -> PlanSettings {
        let years = [&d.start_year, &d.target_year];
        for y in years.into_iter().flatten() {
            if !(2000..=2100).contains(y.get_ref()) {
                let msg = format!("year {} is outside 2000..2100", y.get_ref());
                self.err(y.span(), Code::PlanYear, msg);
            }
        }
        if let (Some(s), Some(t)) = (&d.start_year, &d.target_year)
            && t.get_ref() < s.get_ref()
        {
            let msg = "target_year is before start_year";
            self.err(t.span(), Code::PlanYear, msg);
        }
        if let Some(x) = &d.target_share
            && !(0.0..=1.0).contains(x.get_ref())
        {
            let msg = "target_share is a share between 0 and 1";
            self.err(x.span(), Code::PlanShare, msg);
        }
        for c in [&d.effort_per_year, &d.migrations_per_year]
            .into_iter()
            .flatten()
        {
            if *c.get_ref() == 0 {
                let msg = "a capacity of 0 plans nothing: leave the key out for no limit";
                self.err(c.span(), Code::PlanCapacity, msg);
            }
        }
        let mut prefer = BTreeMap::new();
        for (from, to) in &d.prefer {
            self.known_product(from);
            self.known_product(to);
            prefer.insert(from.get_ref().clone(), to.get_ref().clone());
        }
        for x in &d.exclude {
            self.known_product(x);
        }
        let keep = d.keep.iter().filter_map(|k| self.keep(k)).collect();
        let products = d
            .products
            .iter()
            .map(|(id, s)| (id.get_ref().clone(), self.site_product(id, s)))
            .collect();
        PlanSettings {
            present: true,
            start_year: d.start_year.map(Spanned::into_inner),
            target_share: d.target_share.map(Spanned::into_inner),
            target_year: d.target_year.map(Spanned::into_inner),
            effort_per_year: d.effort_per_year.map(Spanned::into_inner),
            migrations_per_year: d.migrations_per_year.map(Spanned::into_inner),
            prefer,
            exclude: d.exclude.into_iter().map(Spanned::into_inner).collect(),
            keep,
            products,
        }
    }

    fn keep(&mut self, k: &KeepDef) -> Option<Keep> {
        self.known_product(&k.product);
        if k.reason.get_ref().trim().is_empty() {
            let msg = "a keep entry needs a non-empty reason";
            self.err(k.reason.span(), Code::EmptyText, msg);
        }
        let v = k.until.get_ref();
        let until = Date::parse(&v.to_string()).filter(|_| v.time.is_none());
        if until.is_none() {
            let msg = "until must be a date like 2029-12-31";
            self.err(k.until.span(), Code::PlanDate, msg);
        }
        Some(Keep {
            product: k.product.get_ref().clone(),
            until: until?,
            reason: k.reason.get_ref().clone(),
        })
    }

    fn site_product(&mut self, id: &Spanned<String>, s: &SiteDef) -> SiteProduct {
        self.known_product(id);
        if let Some(c) = &s.cost
            && (!c.get_ref().is_finite() || *c.get_ref() < 0.0)
        {
            self.err(
                c.span(),
                Code::PlanCapacity,
                "a cost is a non-negative number",
            );
        }
        let effort = s.effort.as_ref().and_then(|e| {
            let parsed = Effort::parse(e.get_ref());
            if parsed.is_none() {
                let msg = format!("`{}` is not an effort class (S, M, L, XL)", e.get_ref());
                self.err(e.span(), Code::PlanEffort, msg);
            }
            parsed
        });
        SiteProduct {
            seats: s.seats,
            cost: s.cost.as_ref().map(|c| *c.get_ref()),
            effort,
        }
    }
}
