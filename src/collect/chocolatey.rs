//! Windows: Chocolatey packages, `ProgramData/chocolatey/lib/<id>/<id>.nuspec`.
//!
//! A nuspec is NuGet's package manifest (`<package><metadata>` in one of
//! the `schemas.microsoft.com/packaging/20xx/xx/nuspec.xsd` namespaces, or
//! none): `id`, `version`, `title`, `authors` (the software's authors),
//! `owners` (who maintains the Chocolatey package), `projectUrl`,
//! `licenseUrl` and, newer, `license type="expression"`. Many Chocolatey
//! packages only wrap a vendor installer (which also registers itself in
//! the registry); portable ones unpack into the package folder, which is
//! the package's directory here.

use super::{Collector, ManifestError, parse_manifest};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source};
use crate::model::purl::purl;

pub struct Chocolatey;

const LIB: &str = "ProgramData/chocolatey/lib";

impl Collector for Chocolatey {
    fn name(&self) -> &'static str {
        "chocolatey"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Windows]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let Ok(real) = image.fs.resolve(LIB) else {
            return;
        };
        let lib = crate::paths::display(&real).0;
        let dirs = match super::list_dir(image, &lib) {
            Ok(d) => d,
            Err(e) => {
                out.error(&lib, e);
                return;
            }
        };
        for d in dirs {
            let folder = super::join(&lib, &d);
            let files = super::list_dir(image, &folder).unwrap_or_default();
            let Some(nuspec) = files
                .iter()
                .find(|f| f.to_lowercase().ends_with(".nuspec"))
                .map(|f| super::join(&folder, f))
            else {
                continue;
            };
            let text = match super::read_text(image, &nuspec) {
                Ok(Some(t)) => t,
                Ok(None) => continue,
                Err(e) => {
                    out.error(&nuspec, e);
                    continue;
                }
            };
            match parse(&text) {
                Ok(mut p) => {
                    p.evidence = vec![Evidence::new(&nuspec, "nuspec", "package/metadata")];
                    p.properties.insert("package_folder", folder.clone());
                    p.dirs.push(folder);
                    out.packages.push(p);
                }
                Err(e) => out.error(&nuspec, e),
            }
        }
    }
}

/// Parses a nuspec into a package (evidence and directory added by the caller).
pub fn parse(text: &str) -> Result<Package, ManifestError> {
    let doc = parse_manifest(text, "package", "a nuspec")?;
    let missing = |what| ManifestError::Missing {
        within: "nuspec",
        what,
    };
    let meta = doc
        .root_element()
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "metadata")
        .ok_or(missing("<metadata>"))?;
    let field = |name: &str| {
        meta.children()
            .find(|n| n.is_element() && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let id = field("id").ok_or(missing("<id>"))?;
    let mut p = Package::new(Source::Chocolatey, id.clone(), Evidence::new("", "", ""));
    p.version = field("version");
    p.supplier.vendor = field("authors");
    p.supplier.maintainer = field("owners");
    p.supplier.homepage = field("projectUrl");
    let license = meta
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "license");
    if let Some(l) = license
        && l.attribute("type") == Some("expression")
    {
        p.license = l.text().map(|t| t.trim().to_owned());
    }
    for (tag, prop) in [
        ("title", "title"),
        ("licenseUrl", "license_url"),
        ("packageSourceUrl", "package_source_url"),
    ] {
        if let Some(v) = field(tag) {
            p.properties.insert(prop, v);
        }
    }
    p.purl = purl(
        "chocolatey",
        None,
        &id.to_lowercase(),
        p.version.as_deref(),
        &[],
    );
    Ok(p)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_a_namespaced_nuspec() {
        let p = super::parse(
            r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2015/06/nuspec.xsd">
  <metadata>
    <id>7zip.install</id><version>24.9.0</version><title>7-Zip (Install)</title>
    <authors>Igor Pavlov</authors><owners>chocolatey-community</owners>
    <projectUrl>https://www.7-zip.org/</projectUrl>
    <licenseUrl>https://www.7-zip.org/license.txt</licenseUrl>
  </metadata>
</package>"#,
        )
        .unwrap();
        assert_eq!(p.name, "7zip.install");
        assert_eq!(p.version.as_deref(), Some("24.9.0"));
        assert_eq!(p.supplier.vendor.as_deref(), Some("Igor Pavlov"));
        assert_eq!(
            p.supplier.homepage.as_deref(),
            Some("https://www.7-zip.org/")
        );
        assert_eq!(
            p.purl.as_deref(),
            Some("pkg:chocolatey/7zip.install@24.9.0")
        );
        let e = super::parse("<package><metadata/></package>").unwrap_err();
        assert_eq!(e.to_string(), "nuspec without <id>");
        let e = super::parse("<nope/>").unwrap_err();
        assert_eq!(e.to_string(), "not a nuspec (root element <nope>)");
    }
}
