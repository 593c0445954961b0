//! Licence judgement: whether a component is open source, and on what
//! basis.
//!
//! The evidence, strongest first:
//! 1. a licence the package metadata states, when the licence table can
//!    judge it (`RuleDb::license_is_open`);
//! 2. the licence of the product rule that identified the component;
//! 3. the archive policy of the distribution that supplied it (Debian's
//!    main archive holds only free software; a `non-free` section is
//!    outside it; a mixed archive says nothing), when a distribution
//!    vendor was identified by its supplier fields and no product rule says
//!    more;
//! 4. otherwise unknown, saying whether a licence was stated at all.
//!
//! Every result names its basis, so a reader can check it.

use crate::model::inventory::{Package, Source, prop};
use crate::model::report::LicenseReport;
use crate::rules::{Archive, Product, RuleDb, Vendor};

/// The archive whose policy speaks for a package: its vendor's, when a
/// distribution vendor was identified by supplier fields and no product
/// rule says more. A group of unowned binaries has no archive.
pub fn archive_policy<'db>(
    pkg: &Package,
    product: Option<&Product>,
    vendor: Option<&'db Vendor>,
) -> Option<&'db Archive> {
    match (product, vendor) {
        (None, Some(v)) if pkg.source != Source::Binary => v.archive.as_ref(),
        _ => None,
    }
}

/// The licence of a package, from the strongest evidence there is (see the
/// module doc). `archive` is [`archive_policy`]'s answer.
pub fn license_of(
    pkg: &Package,
    product: Option<&Product>,
    vendor: Option<&Vendor>,
    archive: Option<&Archive>,
    db: &RuleDb,
) -> LicenseReport {
    if let Some(stated) = pkg.license.as_deref().filter(|s| !s.trim().is_empty())
        && let Some(open) = db.license_is_open(stated)
        && !gives_way(open, pkg, product, archive, vendor)
    {
        let spdx = db.spdx_expression(stated);
        return LicenseReport {
            stated: (spdx.as_deref() != Some(stated)).then(|| stated.to_owned()),
            spdx: spdx.or_else(|| Some(stated.to_owned())),
            open_source: Some(open),
            basis: if from_copyright_file(pkg) {
                "dpkg copyright file".into()
            } else {
                format!("{} package metadata", pkg.source)
            },
        };
    }
    let stated = pkg.license.clone().filter(|s| !s.trim().is_empty());
    // The stated licence in SPDX form even where it can't be judged (a
    // name the table doesn't know is a `LicenseRef-`).
    let stated_spdx = stated.as_deref().and_then(|s| db.spdx_expression(s));
    if let Some(p) = product {
        let open = db.license_is_open(&p.license);
        return LicenseReport {
            spdx: (p.license != "proprietary").then(|| p.license.clone()),
            stated,
            open_source: open,
            basis: format!("rule product:{}", p.id),
        };
    }
    if let (Some(a), Some(v)) = (archive, vendor)
        && let Some((open, basis)) = archive_verdict(pkg, a, v)
    {
        return LicenseReport {
            spdx: stated_spdx,
            stated,
            open_source: Some(open),
            basis,
        };
    }
    LicenseReport {
        spdx: stated_spdx,
        open_source: None,
        basis: if stated.is_some() {
            "stated licence is not in the licence table".into()
        } else {
            "not stated".into()
        },
        stated,
    }
}

/// Whether the licence came from a Debian copyright file: the union of
/// the licences of every file in the package, documentation and test data
/// included, rather than a licence the packager states for the package.
fn from_copyright_file(pkg: &Package) -> bool {
    pkg.evidence.iter().any(|e| e.kind == "dep5-copyright")
}

/// Whether the stated licence is a union of the licences of a package's
/// files: from a copyright file, or an SBOM's list of them.
fn is_union(pkg: &Package) -> bool {
    from_copyright_file(pkg)
        || pkg.properties.get(prop::LICENSE_LIST).map(String::as_str) == Some("union")
}

/// Whether a licence from a copyright file judged not open gives way to
/// stronger evidence: such a union names licences outside the OSI list
/// (CC0 data, BSD-4-Clause code, CC-BY-SA artwork, GFDL manuals) beside the
/// program's own, which makes no program proprietary. A product rule
/// speaks for the program; a distribution whose archive admits only free
/// software has reviewed every licence in it. The stated licence is still
/// reported. A licence a package database states is never overruled.
fn gives_way(
    open: bool,
    pkg: &Package,
    product: Option<&Product>,
    archive: Option<&Archive>,
    vendor: Option<&Vendor>,
) -> bool {
    !open
        && is_union(pkg)
        && (product.is_some()
            || matches!(
                (archive, vendor),
                (Some(a), Some(v)) if archive_verdict(pkg, a, v).is_some_and(|(open, _)| open)
            ))
}

/// What a distribution's archive policy says of one of its packages, by the
/// package's archive section: open or not, and why. A mixed archive says
/// nothing.
fn archive_verdict(pkg: &Package, a: &Archive, v: &Vendor) -> Option<(bool, String)> {
    let section = pkg
        .properties
        .get(prop::SECTION)
        .map(String::as_str)
        .unwrap_or("");
    let excepted = a
        .except_sections
        .iter()
        .any(|s| section == s || section.starts_with(&format!("{s}/")));
    match (excepted, a.open_source) {
        (true, _) => Some((
            false,
            format!(
                "archive policy of {}: section `{section}` is outside its free archive",
                v.name
            ),
        )),
        (false, Some(true)) => Some((
            true,
            format!(
                "archive policy of {}: only free software in its main archive",
                v.name
            ),
        )),
        (false, Some(false)) => Some((
            false,
            format!("archive policy of {}: non-free archive", v.name),
        )),
        (false, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{archive_policy, license_of};
    use crate::model::inventory::{Evidence, Package, Source};
    use crate::model::report::LicenseReport;
    use crate::rules::{Archive, RuleDb};

    fn package(
        source: Source,
        name: &str,
        license: Option<&str>,
        section: Option<&str>,
    ) -> Package {
        let mut p = Package::new(source, name, Evidence::new("x", "test", "line 1"));
        p.license = license.map(str::to_owned);
        if let Some(s) = section {
            p.properties.insert("section", s.to_owned());
        }
        p
    }

    fn debian_v(db: &RuleDb) -> &crate::rules::Vendor {
        db.vendor("debian").unwrap()
    }

    /// The licence of a package supplied by `vendor`, no product identified.
    fn by_vendor(db: &RuleDb, pkg: &Package, vendor: &str) -> LicenseReport {
        let v = db.vendor(vendor).unwrap();
        license_of(pkg, None, Some(v), archive_policy(pkg, None, Some(v)), db)
    }

    #[test]
    fn debian_non_free_sections_are_not_open_source() {
        let db = RuleDb::embedded().unwrap();
        let nonfree = package(
            Source::Dpkg,
            "firmware-misc-nonfree",
            None,
            Some("non-free-firmware/kernel"),
        );
        let l = by_vendor(&db, &nonfree, "debian");
        assert_eq!(l.open_source, Some(false));
        assert!(l.basis.contains("outside its free archive"), "{}", l.basis);
        // `non-free` is a section of its own, not a prefix of every name.
        let bash = package(Source::Dpkg, "bash", None, Some("shells"));
        let l = by_vendor(&db, &bash, "debian");
        assert_eq!(l.open_source, Some(true));
        assert_eq!(
            l.basis,
            "archive policy of Debian Project: only free software in its main archive"
        );
        let odd = package(Source::Dpkg, "x", None, Some("non-freedom"));
        assert_eq!(by_vendor(&db, &odd, "debian").open_source, Some(true));
    }

    #[test]
    fn a_mixed_archive_gives_a_category_but_no_licence_claim() {
        let db = RuleDb::embedded().unwrap();
        let p = package(Source::Pacman, "libexample", Some("custom"), None);
        let arch = db.vendor("archlinux").unwrap();
        let archive = archive_policy(&p, None, Some(arch)).expect("Arch Linux has an archive");
        assert_eq!(
            (archive.open_source, archive.category.as_str()),
            (None, "system")
        );
        let l = by_vendor(&db, &p, "archlinux");
        assert_eq!(l.open_source, None);
        assert_eq!(l.stated.as_deref(), Some("custom"));
        assert_eq!(l.basis, "stated licence is not in the licence table");
    }

    #[test]
    fn a_non_free_archive_says_no() {
        let db = RuleDb::embedded().unwrap();
        let p = package(Source::Rpm, "driver", None, None);
        let v = db.vendor("debian").unwrap();
        let archive = Archive {
            open_source: Some(false),
            except_sections: Vec::new(),
            category: "system".into(),
        };
        let l = license_of(&p, None, Some(v), Some(&archive), &db);
        assert_eq!(l.open_source, Some(false));
        assert_eq!(
            l.basis,
            "archive policy of Debian Project: non-free archive"
        );
    }

    #[test]
    fn stated_licence_then_product_rule_then_archive() {
        let db = RuleDb::embedded().unwrap();
        let debian = db.vendor("debian").unwrap();
        let firefox = db.product("firefox").unwrap();
        // A stated licence the table knows wins, under its SPDX id.
        let p = package(Source::Dpkg, "x", Some("GPLv2+"), Some("non-free"));
        let l = license_of(
            &p,
            Some(firefox),
            Some(debian),
            debian.archive.as_ref(),
            &db,
        );
        assert_eq!(l.open_source, Some(true));
        assert_eq!(
            (l.spdx.as_deref(), l.stated.as_deref()),
            (Some("GPL-2.0-or-later"), Some("GPLv2+"))
        );
        assert_eq!(l.basis, "dpkg package metadata");
        // An unknown stated licence gives way to the product rule, kept as stated.
        let p = package(Source::Dpkg, "x", Some("Firefox EULA"), None);
        let l = license_of(&p, Some(firefox), Some(debian), None, &db);
        assert_eq!(l.basis, "rule product:firefox");
        assert_eq!(l.spdx.as_deref(), Some(firefox.license.as_str()));
        assert_eq!(l.stated.as_deref(), Some("Firefox EULA"));
        // A proprietary product has no SPDX id.
        let teams = db.product("microsoft-teams").unwrap();
        assert_eq!(teams.license, "proprietary");
        let l = license_of(&p, Some(teams), None, None, &db);
        assert_eq!((l.spdx, l.open_source), (None, Some(false)));
        // Nothing at all.
        let p = package(Source::Dpkg, "x", Some("  "), None);
        let l = license_of(&p, None, None, None, &db);
        assert_eq!(
            (l.stated, l.open_source, l.basis.as_str()),
            (None, None, "not stated")
        );
    }

    #[test]
    fn a_free_archive_outweighs_licences_outside_the_osi_list() {
        let db = RuleDb::embedded().unwrap();
        // What a DEP-5 copyright file of Debian main gives: the program's
        // licence and a BSD-4-Clause file and a name the table doesn't know.
        let stated = "GPL-2+ and BSD-4-clause and (public-domain)";
        let mut p = package(Source::Dpkg, "bsdutils", Some(stated), Some("utils"));
        let dep5 = Evidence::new(
            "usr/share/doc/bsdutils/copyright",
            "dep5-copyright",
            "line 5",
        );
        p.evidence.push(dep5.clone());
        let l = by_vendor(&db, &p, "debian");
        assert_eq!(l.open_source, Some(true));
        assert_eq!(
            l.spdx.as_deref(),
            Some("GPL-2.0-or-later AND BSD-4-Clause AND LicenseRef-public-domain")
        );
        assert_eq!(l.stated.as_deref(), Some(stated));
        assert!(
            l.basis.starts_with("archive policy of Debian"),
            "{}",
            l.basis
        );
        // A product rule speaks for the program.
        let libreoffice = db.product("libreoffice").unwrap();
        let l = license_of(&p, Some(libreoffice), Some(debian_v(&db)), None, &db);
        assert_eq!(l.basis, "rule product:libreoffice");
        assert_eq!(l.open_source, Some(true));
        // Outside the free archive the copyright file judges alone.
        let mut p = package(
            Source::Dpkg,
            "x",
            Some("BSD-4-clause"),
            Some("non-free/utils"),
        );
        p.evidence.push(dep5);
        let l = by_vendor(&db, &p, "debian");
        assert_eq!(
            (l.open_source, l.basis.as_str()),
            (Some(false), "dpkg copyright file")
        );
        // A licence the package database states is never overruled.
        let p = package(Source::Rpm, "x", Some("BSD-4-clause"), None);
        let l = license_of(
            &p,
            None,
            Some(debian_v(&db)),
            debian_v(&db).archive.as_ref(),
            &db,
        );
        assert_eq!(
            (l.open_source, l.basis.as_str()),
            (Some(false), "rpm package metadata")
        );
        assert_eq!(l.spdx.as_deref(), Some("BSD-4-Clause"));
    }

    #[test]
    fn the_archive_speaks_only_without_a_product_and_for_collected_packages() {
        let db = RuleDb::embedded().unwrap();
        let debian = db.vendor("debian").unwrap();
        let firefox = db.product("firefox").unwrap();
        let p = package(Source::Dpkg, "x", None, None);
        assert!(archive_policy(&p, None, Some(debian)).is_some());
        assert!(archive_policy(&p, Some(firefox), Some(debian)).is_none());
        assert!(archive_policy(&p, None, None).is_none());
        let group = package(Source::Binary, "opt/x", None, None);
        assert!(archive_policy(&group, None, Some(debian)).is_none());
        // A vendor without an archive policy.
        assert!(archive_policy(&p, None, db.vendor("microsoft")).is_none());
    }
}
