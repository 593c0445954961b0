//! `R038`: every workplace product that is not open source names at least
//! one alternative that is open source or EU-controlled, or says why not
//! (`no_alternative_reason`). A plan (`docs/plan.md`) is made of these
//! alternatives, so a gap here is a product no plan can replace.
//!
//! The check runs on the merged database; its findings are kept apart
//! ([`crate::rules::RuleDb::alternative_gaps`]): `sovscan rules check` fails
//! on them (exit 2), while a scan loading a site's rule layer only warns, so
//! that an inventory rule added in a hurry never stops a scan.

use crate::diag::{Code, Diagnostic};
use crate::model::risk::Bloc;
use crate::rules::layers::{Ctx, Tables};
use crate::rules::{Category, Jurisdiction, License, Product, Vendor, VendorKind};
use std::collections::HashMap;

/// What the check looks up, once built.
pub(super) struct Lookup<'a> {
    pub vendors: &'a [Vendor],
    pub products: &'a [Product],
    pub licenses: &'a [License],
    pub license_index: &'a HashMap<String, usize>,
    pub categories: &'a [Category],
    pub jurisdictions: &'a [Jurisdiction],
}

impl Lookup<'_> {
    fn open_source(&self, p: &Product) -> bool {
        self.license_index
            .get(&p.license.to_ascii_lowercase())
            .is_some_and(|&i| self.licenses[i].osi)
    }

    /// The ultimate controller's bloc: `None` for a community.
    fn eu_controlled(&self, p: &Product) -> bool {
        let mut v = p.vendor;
        while let Some(parent) = self.vendors[v].parent {
            v = parent;
        }
        let c = &self.vendors[v];
        c.kind != VendorKind::Community
            && c.country.as_deref().is_some_and(|k| {
                self.jurisdictions
                    .iter()
                    .any(|j| j.country == k && j.bloc == Bloc::Eu)
            })
    }

    fn workplace(&self, p: &Product) -> bool {
        self.categories
            .iter()
            .find(|c| c.id == p.category)
            .is_none_or(|c| c.workplace)
    }
}

/// One diagnostic per workplace product that isn't open source and has
/// neither an open-source or EU-controlled alternative nor a reason.
pub(super) fn gaps(ctx: &Ctx, t: &Tables, l: &Lookup) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (a, p) in t.products.items.iter().zip(l.products) {
        let d = a.def.get_ref();
        if !l.workplace(p) || l.open_source(p) || d.no_alternative_reason.is_some() {
            continue;
        }
        let good = p.alternatives.iter().any(|&i| {
            let alt = &l.products[i];
            l.open_source(alt) || l.eu_controlled(alt)
        });
        if good {
            continue;
        }
        let src = &ctx.files[a.file];
        let msg = format!(
            "workplace product `{}` is not open source and names no open-source or EU-controlled alternative: add one to `alternatives`, or say why in `no_alternative_reason`",
            p.id
        );
        out.push(Diagnostic::at(
            &src.name,
            &src.text,
            d.id.span().start,
            Code::NoAlternative,
            msg,
        ));
    }
    out
}
