//! `sovscan assess`: SBOMs (CycloneDX, SPDX) through the same identification
//! and judgement as a scan.
//!
//! Each SBOM becomes one "image" of the report: its components become
//! packages (source `sbom`) with the facts the document states (name,
//! version, purl, supplier, publisher, authors, licences, the source
//! package), matched by the rules exactly as a collector's packages are, and
//! assessed by the model. There are no files, so there are no binaries and
//! no signatures: an SBOM's vendor can only be as good as its suppliers and
//! names. Its operating-system component, where it has one, stands for the
//! image's OS.

use crate::assess::Context;
use crate::assess::component;
use crate::attach::Attached;
use crate::formats::sbom::{self, SbomComponent, SbomInfo};
use crate::identify;
use crate::image::OsInfo;
use crate::model::inventory::{Evidence, Family, Kind, Package, Source, prop};
use crate::model::report::*;
use crate::rules::RuleDb;
use crate::scan::{self, Options};
use std::io::Read;
use std::time::Instant;

/// Why an SBOM can't be assessed: it can't be read, or it is not a
/// CycloneDX or SPDX JSON document (with the position of the problem).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON SBOM: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Assesses each SBOM (`path` names it in the report and in errors; `r`
/// is its content, read as a stream).
pub fn assess<R: Read>(
    sboms: Vec<(String, R)>,
    db: &RuleDb,
    opts: &Options,
) -> Result<Report, Error> {
    let started = Instant::now();
    let params = opts.policy.params(db);
    let cx = scan::context(db, &params, &opts.policy);
    let mut report = scan::new_report(db, &params, &opts.policy);
    for (idx, (path, r)) in sboms.into_iter().enumerate() {
        let mut found = Vec::new();
        let info = sbom::read(r, &mut |c| found.push(c)).map_err(|e| located(&path, e))?;
        add_sbom(idx, &path, info, found, &cx, &mut report);
    }
    scan::finish(&mut report, db, opts, started);
    Ok(report)
}

fn located(path: &str, e: serde_json::Error) -> Error {
    if e.is_io() {
        return Error::Read {
            path: path.to_owned(),
            source: e.into(),
        };
    }
    let msg = e.to_string();
    // serde_json appends the position; the error puts it first.
    let message = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m)
        .to_owned();
    Error::Invalid {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// One SBOM's components judged and appended to the report as image `idx`.
fn add_sbom(
    idx: usize,
    path: &str,
    info: SbomInfo,
    found: Vec<SbomComponent>,
    cx: &Context,
    report: &mut Report,
) {
    let flavour = info.flavour.to_string();
    let os = os_of(&found, path, &flavour);
    let mut components: Vec<Component> = found
        .iter()
        .map(|c| {
            let unit = Attached {
                package: package(c, path, &flavour),
                binaries: Vec::new(),
                files: 0,
                install_dir: None,
                signing: None,
            };
            let hits = identify::hits(&unit, &os, &[], cx.db);
            component::build(idx, &unit, identify::identify(&hits, cx.db), &[], cx)
        })
        .collect();
    scan::unique_ids(
        report.components.iter().map(|c| c.id.clone()).collect(),
        components.iter_mut().map(|c| &mut c.id),
    );
    components.sort_by(|a, b| {
        (a.kind, a.source, &a.name, &a.arch, &a.version, &a.id)
            .cmp(&(b.kind, b.source, &b.name, &b.arch, &b.version, &b.id))
    });
    scan::unique_ids(
        Default::default(),
        components.iter_mut().map(|c| &mut c.key),
    );
    report.components.extend(components);
    report.images.push(ImageReport {
        id: idx,
        root: path.to_owned(),
        os: OsReport {
            family: os.family,
            id: os.id.clone(),
            name: os.name.clone(),
            version: os.version.clone(),
            evidence: os.evidence.clone(),
        },
        stats: Stats::default(),
        summary: Default::default(),
        sbom: Some(SbomReport {
            format: flavour,
            tools: info.tools,
            subject: info.subject,
            components: info.components,
        }),
        disk: None,
    });
}

/// The SBOM's operating system: its `operating-system` component (Syft and
/// Trivy write one, named by the os-release `ID`), as os-release facts the
/// rules match; a document without one is a plain directory.
fn os_of(found: &[SbomComponent], path: &str, flavour: &str) -> OsInfo {
    let os = found
        .iter()
        .find(|c| c.kind.as_deref() == Some("operating-system"));
    let Some(c) = os else {
        return OsInfo {
            family: Family::Directory,
            id: None,
            name: None,
            version: None,
            evidence: None,
            fields: Vec::new(),
            problem: None,
            warnings: Vec::new(),
        };
    };
    let id = c.name.to_ascii_lowercase();
    let family = match id.as_str() {
        "windows" => Family::Windows,
        "macos" | "darwin" => Family::Macos,
        _ => Family::Linux,
    };
    let mut fields = vec![("ID".to_owned(), id.clone())];
    if let Some(v) = &c.version {
        fields.push(("VERSION_ID".to_owned(), v.clone()));
    }
    OsInfo {
        family,
        id: Some(id),
        name: Some(c.name.clone()),
        version: c.version.clone(),
        evidence: Some(format!("{path} ({flavour}): {}", c.pointer)),
        fields,
        problem: None,
        warnings: Vec::new(),
    }
}

/// The package an SBOM component stands for, with the facts the rules
/// match: names, the source package, supplier strings, licence and purl.
fn package(c: &SbomComponent, path: &str, flavour: &str) -> Package {
    let mut detail = c.pointer.clone();
    if let Some(r) = &c.reference {
        detail.push_str(&format!(" ({r})"));
    }
    let kind_name = match flavour.split(' ').next() {
        Some("SPDX") => "spdx",
        _ => "cyclonedx",
    };
    let mut p = Package::new(
        Source::Sbom,
        display_name(c),
        Evidence::new(path, kind_name, detail),
    );
    p.version = c.version.clone();
    p.kind = match c.kind.as_deref() {
        Some("operating-system") => Kind::OperatingSystem,
        Some("application") => Kind::Application,
        _ => Kind::Library,
    };
    if p.kind == Kind::OperatingSystem {
        p.name = c.name.to_ascii_lowercase();
    }
    p.license = (!c.licenses.is_empty()).then(|| license_expression(&c.licenses));
    if c.licenses.len() > 1 {
        p.properties.insert(prop::LICENSE_LIST, "union".to_owned());
    }
    p.purl = c.purl.clone();
    let parsed = c
        .purl
        .as_deref()
        .and_then(|u| u.parse::<packageurl::PackageUrl>().ok());
    if let Some(u) = &parsed {
        p.properties.insert("purl_type", u.ty().to_owned());
        p.arch = u.qualifiers().get("arch").map(|a| a.to_string());
    }
    if let Some(src) = source_package(c, parsed.as_ref()) {
        p.properties.insert(prop::SOURCE_PACKAGE, src);
    }
    supplier(c, &mut p);
    p
}

/// The name as the ecosystem writes it: an npm scope or a Maven group
/// before the name (`@sentry/cli`, `org.apache.commons:commons-lang3`).
fn display_name(c: &SbomComponent) -> String {
    match &c.group {
        Some(_) if c.name.starts_with('@') || c.name.contains('/') => c.name.clone(),
        Some(g) if g.starts_with('@') => format!("{g}/{}", c.name),
        Some(g) => format!("{g}:{}", c.name),
        None => c.name.clone(),
    }
}

/// The source package a binary package was built from, as each writer
/// states it: the purl's `upstream` qualifier (Syft: `glibc` or
/// `glibc@2.36-9`), Syft's `syft:metadata:source`, Trivy's
/// `aquasecurity:trivy:SrcName`.
fn source_package(c: &SbomComponent, purl: Option<&packageurl::PackageUrl>) -> Option<String> {
    let prop = |k: &str| {
        c.properties
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let upstream = purl.and_then(|u| u.qualifiers().get("upstream").map(|v| v.to_string()));
    let name = upstream
        // `glibc@2.36-9` → `glibc`; an rpm's `NAME-VERSION-RELEASE.src.rpm`
        // stays whole, as the rpm collector keeps `SOURCERPM`.
        .map(|u| u.split('@').next().unwrap_or(&u).to_owned())
        .or_else(|| prop("syft:metadata:source"))
        .or_else(|| prop("aquasecurity:trivy:SrcName"))?;
    let name = name.split_whitespace().next().unwrap_or("").to_owned();
    (!name.is_empty() && name != c.name).then_some(name)
}

/// Supplier strings, by what the document calls them. Syft writes a
/// package's maintainer (dpkg `Maintainer`, rpm `Vendor`) as `publisher`,
/// Trivy as `supplier`: both are matched as supplier strings, as a
/// collector's would be.
fn supplier(c: &SbomComponent, p: &mut Package) {
    let s = &mut p.supplier;
    s.maintainer = c.authors.first().cloned();
    s.vendor = c.supplier.clone().or_else(|| c.manufacturer.clone());
    s.publisher = c.publisher.clone();
    s.homepage = c.homepage.clone();
}

/// Several licences listed for one component: all of them apply (an SPDX
/// `AND`), as the SBOM writers mean a list; one is kept as it is.
fn license_expression(licenses: &[String]) -> String {
    crate::model::inventory::all_licences(licenses, "AND")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(name: &str) -> SbomComponent {
        SbomComponent {
            pointer: "components[0]".into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn syft_and_trivy_name_the_source_package_differently() {
        let mut syft = comp("libc6");
        syft.purl = Some("pkg:deb/debian/libc6@2.36-9?arch=amd64&upstream=glibc".into());
        let u = syft.purl.as_deref().unwrap().parse().ok();
        assert_eq!(source_package(&syft, u.as_ref()).as_deref(), Some("glibc"));
        let mut trivy = comp("libc6");
        trivy.properties = vec![("aquasecurity:trivy:SrcName".into(), "glibc".into())];
        assert_eq!(source_package(&trivy, None).as_deref(), Some("glibc"));
        // The same name is no source package worth matching twice.
        let mut same = comp("apt");
        same.properties = vec![("aquasecurity:trivy:SrcName".into(), "apt".into())];
        assert_eq!(source_package(&same, None), None);
    }

    #[test]
    fn scopes_and_groups_are_part_of_the_name() {
        let mut npm = comp("cli");
        npm.group = Some("@sentry".into());
        assert_eq!(display_name(&npm), "@sentry/cli");
        let mut maven = comp("commons-lang3");
        maven.group = Some("org.apache.commons".into());
        assert_eq!(display_name(&maven), "org.apache.commons:commons-lang3");
        let mut syft_npm = comp("@sentry/cli");
        syft_npm.group = Some("@sentry".into());
        assert_eq!(display_name(&syft_npm), "@sentry/cli");
    }

    #[test]
    fn a_list_of_licences_is_a_conjunction() {
        assert_eq!(license_expression(&["MIT".into()]), "MIT");
        assert_eq!(
            license_expression(&["MIT".into(), "GPL-2.0-only OR BSD-3-Clause".into()]),
            "MIT AND (GPL-2.0-only OR BSD-3-Clause)"
        );
    }
}
