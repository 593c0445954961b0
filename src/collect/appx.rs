//! Windows: AppX/MSIX packages (Store apps, MSIX-packaged desktop apps such
//! as the new Teams, Windows Terminal, Microsoft 365 Copilot).
//!
//! Every MSIX is deployed machine-wide into `Program Files/WindowsApps/
//! <PackageFullName>/`, also when only one user installed it (per-user
//! registration lives in the state repository, a database sovscan doesn't
//! read; `Users/*/AppData/Local/Packages` holds the apps' data, not their
//! manifests). Inbox system apps sit in `Windows/SystemApps/*/`. Each
//! package folder has an `AppxManifest.xml` (the `Package` schema of the
//! Windows SDK, namespaces `.../appx/manifest/foundation/windows10` and the
//! Windows 8 `.../appx/2010/manifest`): `Identity` `Name`, `Version`,
//! `Publisher` (an X.500 distinguished name, `CN=..., O=..., C=US`) and
//! `ProcessorArchitecture`; `Properties` `DisplayName` and
//! `PublisherDisplayName`, often `ms-resource:` references into the
//! package's resources.pri, which is not read: the Identity name stands in.
//!
//! Resource and bundle split packages of an app (same Identity name and
//! version, a `ResourceId`) fold into the main package. The package folder
//! is the package's directory, so its binaries attach to it.

use super::{Collector, ManifestError, parse_manifest};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source};
use crate::model::purl::generic;
use std::collections::BTreeMap;

pub struct Appx;

const LOCATIONS: &[(&str, &str)] = &[
    ("Program Files/WindowsApps", "windows-apps"),
    ("Windows/SystemApps", "system-apps"),
];

impl Collector for Appx {
    fn name(&self) -> &'static str {
        "appx"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Windows]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mut by_identity: BTreeMap<(String, String), usize> = BTreeMap::new();
        let mut packages: Vec<Package> = Vec::new();
        for (loc, location) in LOCATIONS {
            let Ok(real) = image.fs.resolve(loc) else {
                continue;
            };
            let base = crate::paths::display(&real).0;
            let dirs = match super::list_dir(image, &base) {
                Ok(d) => d,
                Err(e) => {
                    out.error(&base, e);
                    continue;
                }
            };
            for d in dirs {
                let folder = super::join(&base, &d);
                let manifest = match image.fs.resolve(super::join(&folder, "AppxManifest.xml")) {
                    Ok(p) => crate::paths::display(&p).0,
                    Err(_) => continue,
                };
                let text = match super::read_text(image, &manifest) {
                    Ok(Some(t)) => t,
                    Ok(None) => continue,
                    Err(e) => {
                        out.error(&manifest, e);
                        continue;
                    }
                };
                let m = match parse(&text) {
                    Ok(m) => m,
                    Err(e) => {
                        out.error(&manifest, e);
                        continue;
                    }
                };
                let identity = (m.name.to_lowercase(), m.version.clone());
                if let Some(&i) = by_identity.get(&identity) {
                    // A resource or split package of an app already listed.
                    packages[i].evidence.push(Evidence::new(
                        &manifest,
                        "appx-manifest",
                        "Identity",
                    ));
                    packages[i].dirs.push(folder);
                    continue;
                }
                by_identity.insert(identity, packages.len());
                packages.push(package(m, &manifest, folder, location));
            }
        }
        out.packages.extend(packages);
    }
}

/// What a manifest states.
#[derive(Debug, PartialEq, Eq)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub publisher_dn: Option<String>,
    pub arch: Option<String>,
    pub resource_id: Option<String>,
    pub display_name: Option<String>,
    pub publisher_display_name: Option<String>,
    pub framework: bool,
}

/// Parses an `AppxManifest.xml`.
pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let doc = parse_manifest(text, "Package", "an AppX manifest")?;
    let root = doc.root_element();
    let missing = |within, what| ManifestError::Missing { within, what };
    let id = child(root, "Identity").ok_or(missing("AppX manifest", "<Identity>"))?;
    let name = attr(id, "Name").ok_or(missing("AppX <Identity>", "Name"))?;
    let version = attr(id, "Version").ok_or(missing("AppX <Identity>", "Version"))?;
    let props = child(root, "Properties");
    let text_of = |name: &str| {
        props
            .and_then(|p| child(p, name))
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    Ok(Manifest {
        name,
        version,
        publisher_dn: attr(id, "Publisher"),
        arch: attr(id, "ProcessorArchitecture"),
        resource_id: attr(id, "ResourceId"),
        display_name: text_of("DisplayName"),
        publisher_display_name: text_of("PublisherDisplayName"),
        framework: text_of("Framework").is_some_and(|t| t.eq_ignore_ascii_case("true")),
    })
}

fn child<'a, 'i>(parent: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    parent
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

fn attr(n: roxmltree::Node<'_, '_>, a: &str) -> Option<String> {
    n.attribute(a)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn package(m: Manifest, manifest: &str, folder: String, location: &str) -> Package {
    let readable = |s: &Option<String>| s.clone().filter(|s| !s.starts_with("ms-resource:"));
    let display = readable(&m.display_name);
    let mut p = Package::new(
        Source::Appx,
        display.clone().unwrap_or_else(|| m.name.clone()),
        Evidence::new(manifest, "appx-manifest", "Identity, Properties"),
    );
    p.version = Some(m.version);
    p.arch = m.arch.filter(|a| a != "neutral");
    let dn = m.publisher_dn.as_deref().map(parse_dn).unwrap_or_default();
    let get = |k: &str| dn.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    p.supplier.publisher = get("O").or_else(|| get("CN"));
    p.supplier.vendor = readable(&m.publisher_display_name);
    p.properties.insert("identity_name", m.name.clone());
    if let Some(dn) = m.publisher_dn {
        p.properties.insert("publisher_dn", dn);
    }
    if let Some(c) = get("C") {
        p.properties.insert("publisher_country", c);
    }
    if m.framework {
        p.properties.insert("framework", "true".into());
    }
    if let Some(r) = m.resource_id {
        p.properties.insert("resource_id", r);
    }
    p.properties.insert("location", location.into());
    p.properties.insert("package_folder", folder.clone());
    p.dirs.push(folder);
    // The vendor: the certificate's organisation, else the display name
    // (Store apps are signed as `CN=<GUID>`), else the common name.
    // The name is the identity name, not the display name: it is what the
    // Store and `Get-AppxPackage` know the package by.
    let vendor = get("O")
        .or_else(|| p.supplier.vendor.clone())
        .or_else(|| get("CN"));
    p.purl = generic(
        vendor.as_deref(),
        &m.name,
        p.version.as_deref(),
        &[("arch", p.arch.as_deref())],
    );
    p
}

/// Splits an X.500 distinguished name (`CN=Zoom, O="Zoom Video
/// Communications, Inc.", C=US`) into attribute/value pairs. Values may be
/// quoted (commas inside) or escape characters with `\`.
pub fn parse_dn(dn: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = dn.chars().peekable();
    loop {
        let mut key = String::new();
        for c in chars.by_ref() {
            if c == '=' {
                break;
            }
            key.push(c);
        }
        let key = key.trim().to_uppercase();
        if key.is_empty() {
            break;
        }
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let mut val = String::new();
        let mut quoted = false;
        if chars.peek() == Some(&'"') {
            quoted = true;
            chars.next();
        }
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        val.push(n);
                    }
                }
                '"' if quoted => {
                    quoted = false;
                }
                ',' | ';' if !quoted => break,
                c => val.push(c),
            }
        }
        out.push((key, val.trim().to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguished_names_with_quotes_and_escapes() {
        assert_eq!(
            parse_dn("CN=Zoom, O=\"Zoom Video Communications, Inc.\", L=San Jose, C=US"),
            vec![
                ("CN".into(), "Zoom".into()),
                ("O".into(), "Zoom Video Communications, Inc.".into()),
                ("L".into(), "San Jose".into()),
                ("C".into(), "US".into()),
            ]
        );
        assert_eq!(
            parse_dn("CN=A\\, B, O=X"),
            vec![("CN".into(), "A, B".into()), ("O".into(), "X".into())]
        );
        assert!(parse_dn("").is_empty());
    }

    #[test]
    fn manifests_with_resource_names_fall_back_to_the_identity() {
        let m = parse(
            r#"<?xml version="1.0" encoding="utf-8"?>
<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10">
  <Identity Name="Microsoft.WindowsTerminal" Publisher="CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US" Version="1.21.2361.0" ProcessorArchitecture="x64"/>
  <Properties><DisplayName>ms-resource:AppName</DisplayName><PublisherDisplayName>Microsoft Corporation</PublisherDisplayName></Properties>
</Package>"#,
        )
        .unwrap();
        let p = package(m, "x/AppxManifest.xml", "x".into(), "windows-apps");
        assert_eq!(p.name, "Microsoft.WindowsTerminal");
        assert_eq!(
            p.supplier.publisher.as_deref(),
            Some("Microsoft Corporation")
        );
        assert_eq!(p.arch.as_deref(), Some("x64"));
        assert_eq!(p.properties["publisher_country"], "US");
        let e = parse("<Types/>").unwrap_err();
        assert_eq!(e.to_string(), "not an AppX manifest (root element <Types>)");
        let e = parse("<Package><Identity/></Package>").unwrap_err();
        assert_eq!(e.to_string(), "AppX <Identity> without Name");
        let e = parse("<Package").unwrap_err();
        assert!(matches!(e, ManifestError::Xml(_)), "{e:?}");
        assert!(e.to_string().starts_with("not valid XML: "), "{e}");
    }
}
