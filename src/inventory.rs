//! What collectors and fingerprinters find, before any rule is applied.
//!
//! Collectors turn package databases into [`Package`]s, each with the file
//! and field it came from. Everything here is a fact read from the image;
//! judgements (vendor, jurisdiction, risk) are added later by `rules` and
//! `assess`.

use serde::Serialize;

/// Where a fact came from: a file in the image, and the field or key in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    /// Image-relative path of the file.
    pub path: String,
    /// What kind of record it is (`dpkg-status`, `rpmdb`, `elf-note`, `rule`...).
    pub kind: String,
    /// The field, key or line that holds the fact.
    pub detail: String,
}

impl Evidence {
    pub fn new(
        path: impl Into<String>,
        kind: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            kind: kind.into(),
            detail: detail.into(),
        }
    }
}

/// Supplier facts as the package database states them, unjudged. Rules match
/// on these strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Supplier {
    /// dpkg `Maintainer`, apk `m:`, pacman `%PACKAGER%`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintainer: Option<String>,
    /// rpm `Vendor`, ELF package-note `vendor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// snap and flatpak publisher or remote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// dpkg `Origin`, the distribution a package was built for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
}

impl Supplier {
    /// The free-text supplier strings, labelled by field, for matching.
    pub fn strings(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("maintainer", &self.maintainer),
            ("vendor", &self.vendor),
            ("publisher", &self.publisher),
            ("origin", &self.origin),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }

    pub fn is_empty(&self) -> bool {
        self.strings().next().is_none() && self.homepage.is_none()
    }
}

/// The kind of component, in CycloneDX terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OperatingSystem,
    Application,
    Library,
}

/// One installed package as a collector read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// The collector's name (`dpkg`, `rpm`...): the component `source`.
    pub source: &'static str,
    pub name: String,
    pub version: Option<String>,
    pub arch: Option<String>,
    pub kind: Kind,
    pub supplier: Supplier,
    /// The licence as stated (an SPDX expression, or free text).
    pub license: Option<String>,
    /// Package URL, where the format has an established type.
    pub purl: Option<String>,
    /// Format-specific facts worth keeping (dpkg `Section`, rpm `Release`...).
    pub properties: std::collections::BTreeMap<&'static str, String>,
    pub evidence: Vec<Evidence>,
    /// Files the package owns, as the manifest names them (`/usr/bin/x`).
    #[serde(skip)]
    pub files: Vec<String>,
    /// Directories the package owns with everything below them, for formats
    /// that deploy into a tree of their own (flatpak, snap): image paths.
    #[serde(skip)]
    pub dirs: Vec<String>,
}

impl Package {
    pub fn new(source: &'static str, name: impl Into<String>, evidence: Evidence) -> Self {
        Self {
            source,
            name: name.into(),
            version: None,
            arch: None,
            kind: Kind::Application,
            supplier: Supplier::default(),
            license: None,
            purl: None,
            properties: Default::default(),
            evidence: vec![evidence],
            files: Vec::new(),
            dirs: Vec::new(),
        }
    }
}

/// A problem that stopped one file or record from being read. The scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self {
            path: path.into(),
            message: message.to_string(),
        }
    }
}

/// What one collector found in one image.
#[derive(Debug, Default)]
pub struct Inventory {
    pub packages: Vec<Package>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl Inventory {
    pub fn error(&mut self, path: impl Into<String>, message: impl std::fmt::Display) {
        self.errors.push(Problem::new(path, message));
    }

    pub fn warn(&mut self, path: impl Into<String>, message: impl std::fmt::Display) {
        self.warnings.push(Problem::new(path, message));
    }

    pub fn extend(&mut self, other: Inventory) {
        self.packages.extend(other.packages);
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }
}

/// Builds a package URL (`pkg:TYPE/NAMESPACE/NAME@VERSION?qualifiers`),
/// percent-encoding the parts as the purl specification asks.
pub fn purl(
    ty: &str,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, Option<&str>)],
) -> String {
    let mut out = format!("pkg:{ty}/");
    if let Some(ns) = namespace {
        out.push_str(&purl_encode(&ns.to_ascii_lowercase()));
        out.push('/');
    }
    out.push_str(&purl_encode(name));
    if let Some(v) = version {
        out.push('@');
        out.push_str(&purl_encode(v));
    }
    let mut sep = '?';
    for (k, v) in qualifiers {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push(sep);
            out.push_str(k);
            out.push('=');
            out.push_str(&purl_encode(v));
            sep = '&';
        }
    }
    out
}

fn purl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b".-_~+".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn purl_encodes_epoch_and_qualifiers() {
        assert_eq!(
            super::purl(
                "deb",
                Some("Debian"),
                "libc6",
                Some("1:2.36-9"),
                &[("arch", Some("amd64")), ("distro", None)]
            ),
            "pkg:deb/debian/libc6@1%3A2.36-9?arch=amd64"
        );
    }
}
