//! A component as the report lists it: the package as collected, what
//! the rules identified, and the judgement of its licence, role and risk.
//!
//! This is where an attached and identified unit becomes a
//! [`Component`]; the role (`category`) comes from the product rule, else
//! the OS, else the distribution's archive policy, else `unknown`. An
//! `unknown` role of a known vendor is assessed as the vendor's typical
//! role ([`typical_role`]), recorded in `risk.assumed_role`.

use super::license::{archive_policy, license_of};
use super::{Context, Subject, assess, typical_role};
use crate::attach::Attached;
use crate::identify::Identity;
use crate::model::binary::Binary;
use crate::model::inventory::{Kind, Package, prop};
use crate::model::report::{Component, JurisdictionReport, Party, ProductRef};
use crate::rules;
use std::collections::BTreeMap;

/// `IMAGE:SOURCE:KEY`, the key being the install path or
/// `name[:arch][@version]`; the scan numbers repeats (`ID#2`).
fn component_id(image: usize, pkg: &Package) -> String {
    let key = match pkg.properties.get(prop::INSTALL_PATH) {
        Some(p) => p.clone(),
        None => {
            let mut k = pkg.name.clone();
            if let Some(a) = &pkg.arch {
                k.push(':');
                k.push_str(a);
            }
            if let Some(v) = &pkg.version {
                k.push('@');
                k.push_str(v);
            }
            k
        }
    };
    format!("{image}:{}:{key}", pkg.source)
}

/// The component of an attached unit, identified as `id`: its licence,
/// role and risk judged, everything the report says of it assembled.
pub fn build(
    image: usize,
    unit: &Attached,
    id: Identity,
    binaries: &[Binary],
    cx: &Context,
) -> Component {
    let db = cx.db;
    let pkg = &unit.package;
    let archive = archive_policy(pkg, id.product, id.vendor);
    let license = license_of(pkg, id.product, id.vendor, archive, db);
    let category = if let Some(p) = id.product {
        p.category.clone()
    } else if pkg.kind == Kind::OperatingSystem {
        "os".to_owned()
    } else if let Some(a) = archive {
        a.category.clone()
    } else if pkg.source.is_language() && pkg.kind == Kind::Library {
        // A dependency from a language ecosystem no rule names is a
        // library: outside the workplace figures, like its shipping app's
        // other parts.
        "library".to_owned()
    } else {
        "unknown".to_owned()
    };
    // A known vendor's component of unknown role: its vendor's typical
    // role, or `unknown` itself when the vendor has no products on record.
    let role_assumed = category == "unknown" && !id.chain.is_empty();
    let role = match role_assumed {
        true => typical_role(db, &id.chain).or_else(|| db.category(&category)),
        false => db.category(&category),
    };
    let risk = assess(
        &Subject {
            chain: &id.chain,
            channel: id.channel,
            product: id.product,
            open_source: license.open_source,
            license: license.spdx.as_deref().or(license.stated.as_deref()),
            category: role,
            role_assumed,
        },
        cx,
    );
    let party = |v: &rules::Vendor| Party {
        id: v.id.clone(),
        name: v.name.clone(),
        country: v.country.clone(),
    };
    let product_ref = |p: &rules::Product| ProductRef {
        id: p.id.clone(),
        name: p.name.clone(),
    };
    Component {
        id: component_id(image, pkg),
        key: pkg.key(),
        image,
        name: pkg.name.clone(),
        version: pkg.version.clone(),
        arch: pkg.arch.clone(),
        source: pkg.source,
        kind: pkg.kind,
        category,
        product: id.product.map(product_ref),
        vendor: id.vendor.map(party),
        controller: id.controller.map(party),
        controller_chain: id.chain.iter().map(|&v| db.vendors[v].id.clone()).collect(),
        jurisdiction: id.jurisdiction.map(|j| JurisdictionReport {
            country: j.country.clone(),
            bloc: j.bloc,
            laws: j.laws.iter().map(|&l| db.laws[l].id.clone()).collect(),
        }),
        license,
        risk,
        matched: id.matched,
        alternatives: id
            .product
            .map(|p| {
                p.alternatives
                    .iter()
                    .map(|&a| product_ref(&db.products[a]))
                    .collect()
            })
            .unwrap_or_default(),
        supplier: pkg.supplier.clone(),
        purl: pkg.purl.clone(),
        properties: pkg.properties.clone(),
        // Collector order: the defining record first, then supporting files.
        evidence: pkg.evidence.clone(),
        files: unit.files,
        binaries: unit.binaries.len(),
        signers: signer_counts(&unit.binaries, binaries),
        flags: unit.signing.as_ref().map(|s| s.flags()).unwrap_or_default(),
        signer_shares: unit
            .signing
            .as_ref()
            .map(|s| s.shares())
            .unwrap_or_default(),
    }
}

/// Claimed signer name → how many of the binaries carry its signature.
fn signer_counts(bins: &[usize], binaries: &[Binary]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for &b in bins {
        if let Some(name) = binaries[b]
            .signature
            .as_ref()
            .and_then(|s| s.subject.as_ref())
            .and_then(|s| s.name())
        {
            *out.entry(name.to_owned()).or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::build;
    use crate::attach::Attached;
    use crate::identify::{identify, supplier_facts};
    use crate::model::inventory::{Evidence, Kind, Package, Source};
    use crate::model::risk::Level;
    use crate::rules::{Facts, RuleDb};

    /// A component as the scan builds it from a package's name and supplier
    /// (no binaries).
    fn component(pkg: &Package) -> crate::model::report::Component {
        let db = RuleDb::embedded().unwrap();
        let mut facts = Facts::default();
        facts.names.push(("package name", pkg.name.as_str()));
        supplier_facts(&pkg.supplier, &mut facts);
        let params = db.model.params.clone();
        let cx = crate::assess::Context {
            db: &db,
            params: &params,
            mitigations: &[],
            db_date: crate::date::Date::parse(&db.meta.date).unwrap(),
        };
        let unit = Attached {
            package: pkg.clone(),
            binaries: Vec::new(),
            files: 0,
            install_dir: None,
            signing: None,
        };
        let hits = db.matcher.matches(&facts);
        build(0, &unit, identify(&hits, &db), &[], &cx)
    }

    fn package(source: Source, name: &str) -> Package {
        Package::new(source, name, Evidence::new("x", "test", "line 1"))
    }

    #[test]
    fn a_channel_alone_leaves_the_publisher_unknown() {
        let mut p = package(Source::Flatpak, "org.example.Unheard");
        p.supplier.publisher = Some("flathub".into());
        let c = component(&p);
        assert_eq!(c.vendor.as_ref().map(|v| v.id.as_str()), Some("flathub"));
        assert!(c.controller.is_none() && c.controller_chain.is_empty());
        assert_eq!(c.risk.level, Level::Unknown);
        assert!(
            c.risk.reasons[0].contains("published through Flathub"),
            "{:?}",
            c.risk.reasons
        );
    }

    #[test]
    fn the_role_comes_from_the_product_the_os_or_the_archive() {
        let mut p = package(Source::Pacman, "libexample");
        p.supplier.maintainer = Some("Some Packager <packager@archlinux.org>".into());
        p.license = Some("custom".into());
        let c = component(&p);
        assert_eq!(c.vendor.as_ref().map(|v| v.id.as_str()), Some("archlinux"));
        assert_eq!(c.category, "system");
        assert_eq!(c.license.open_source, None);
        assert_eq!(c.id, "0:pacman:libexample");

        let mut p = package(Source::Flatpak, "com.google.Chrome");
        p.version = Some("128.0".into());
        let c = component(&p);
        assert_eq!(c.category, "browser");
        assert_eq!(c.id, "0:flatpak:com.google.Chrome@128.0");
        let alternatives: Vec<&str> = c.alternatives.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(alternatives, ["firefox", "librewolf"]);
        assert_eq!(
            c.controller_chain.last().map(String::as_str),
            Some("alphabet")
        );

        let mut os = package(Source::Os, "zz-unheard-os");
        os.kind = Kind::OperatingSystem;
        assert_eq!(component(&os).category, "os");
        assert_eq!(
            component(&package(Source::Dpkg, "zz-unheard")).category,
            "unknown"
        );
    }
}
