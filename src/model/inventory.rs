//! What collectors find, before any rule is applied.
//!
//! Collectors turn package databases into [`Package`]s, each with the file
//! and field it came from. Everything here is a fact read from the image;
//! judgements (vendor, jurisdiction, risk) are added later by `identify`
//! and `assess`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of system an image root holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Linux,
    Windows,
    Macos,
    /// Not an operating-system root: binaries only.
    Directory,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Linux => "linux",
            Family::Windows => "windows",
            Family::Macos => "macos",
            Family::Directory => "directory",
        }
    }
}

/// The inventory source a component comes from: the collector that read it,
/// or `binary` for binaries no package database owns. The report's
/// `components[].source` (`docs/json.md`).
///
/// Variants are declared in the alphabetical order of their names, so the
/// derived order is the order of the names (components sort by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Alpine's `lib/apk/db/installed`.
    Apk,
    /// A macOS application bundle (`*.app`).
    App,
    /// A Windows AppX/MSIX package.
    Appx,
    /// An install directory of binaries no package owns.
    Binary,
    /// A crate a `cargo auditable` binary lists (`.dep-v0`).
    Cargo,
    Chocolatey,
    /// A conda package (`conda-meta/*.json`).
    Conda,
    Dpkg,
    Flatpak,
    /// A Go module a Go binary's build information lists.
    Go,
    Homebrew,
    /// A Java archive (JAR/WAR/EAR) with its manifest or Maven coordinates.
    Maven,
    /// A cached Windows Installer package.
    Msi,
    /// A JavaScript package (`node_modules`, a lock file, an Electron app).
    Npm,
    /// A NuGet package (`*.deps.json`, a `*.nuspec` in a package folder).
    Nuget,
    /// The operating system itself.
    Os,
    Pacman,
    /// A macOS installer receipt.
    Pkg,
    /// A Python distribution (`*.dist-info`, `*.egg-info`).
    Pypi,
    /// A Windows registry uninstall entry.
    Registry,
    Rpm,
    /// A component of an SBOM (`sovscan assess`).
    Sbom,
    Scoop,
    Snap,
}

impl Source {
    pub const ALL: [Source; 24] = [
        Source::Apk,
        Source::App,
        Source::Appx,
        Source::Binary,
        Source::Cargo,
        Source::Chocolatey,
        Source::Conda,
        Source::Dpkg,
        Source::Flatpak,
        Source::Go,
        Source::Homebrew,
        Source::Maven,
        Source::Msi,
        Source::Npm,
        Source::Nuget,
        Source::Os,
        Source::Pacman,
        Source::Pkg,
        Source::Pypi,
        Source::Registry,
        Source::Rpm,
        Source::Sbom,
        Source::Scoop,
        Source::Snap,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Apk => "apk",
            Source::App => "app",
            Source::Appx => "appx",
            Source::Binary => "binary",
            Source::Cargo => "cargo",
            Source::Chocolatey => "chocolatey",
            Source::Conda => "conda",
            Source::Dpkg => "dpkg",
            Source::Flatpak => "flatpak",
            Source::Go => "go",
            Source::Homebrew => "homebrew",
            Source::Maven => "maven",
            Source::Msi => "msi",
            Source::Npm => "npm",
            Source::Nuget => "nuget",
            Source::Os => "os",
            Source::Pacman => "pacman",
            Source::Pkg => "pkg",
            Source::Pypi => "pypi",
            Source::Registry => "registry",
            Source::Rpm => "rpm",
            Source::Sbom => "sbom",
            Source::Scoop => "scoop",
            Source::Snap => "snap",
        }
    }
}

impl Source {
    /// A language ecosystem's package (pypi, npm, nuget, maven, conda):
    /// found by the walk anywhere in the tree, and a member of the product
    /// that ships it (see [`prop::SHIPPED_IN`]).
    pub fn is_language(self) -> bool {
        matches!(
            self,
            Source::Pypi | Source::Npm | Source::Nuget | Source::Maven | Source::Conda
        )
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a fact came from: a file in the image, and the field or key in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    /// dpkg `Maintainer`, apk `m:`, pacman `%PACKAGER%`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainer: Option<String>,
    /// rpm `Vendor`, ELF package-note `vendor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// snap and flatpak publisher or remote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// dpkg `Origin`, the distribution a package was built for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OperatingSystem,
    Application,
    Library,
}

/// Property keys that later stages read. Collectors set many more keys of
/// their own format (dpkg `section`, rpm `release`...), which only travel
/// into the report; these few carry meaning between stages.
pub mod prop {
    /// The source package a binary package was built from (dpkg `Source`,
    /// apk `o:`, rpm `SOURCERPM`): matched as a product name.
    pub const SOURCE_PACKAGE: &str = "source_package";
    /// A bundle identifier (app bundles, pkg receipts): matched against
    /// `bundle_ids` patterns.
    pub const BUNDLE_ID: &str = "bundle_id";
    /// The directory a component is installed in (app bundles, Homebrew
    /// kegs, binary groups): it is also the component's identity.
    pub const INSTALL_PATH: &str = "install_path";
    /// For a payload split off a binary group (a bundled runtime signed by
    /// another party): the install directory it was found in.
    pub const NESTED_IN: &str = "nested_in";
    /// The archive section (dpkg `Section`): `non-free/...` is outside a
    /// distribution's free archive.
    pub const SECTION: &str = "section";
    /// `union` when the stated licence joins every licence a scanner found
    /// in a package's files (an SBOM that lists several, as Syft and Trivy
    /// write what a copyright file names), rather than one the package is
    /// offered under: judged as a copyright file's union is.
    pub const LICENSE_LIST: &str = "license_list";
    /// For a module or crate a binary embeds (sources `go`, `cargo`): the
    /// binary's image path.
    pub const EMBEDDED_IN: &str = "embedded_in";
    /// For a module or crate a binary embeds: the key of the component
    /// that ships the binary, whose product it is a member of. For a
    /// language package whose manifest a system package lists (a JAR or a
    /// `.dist-info` a dpkg package installed): that package's key.
    pub const MEMBER_OF: &str = "member_of";
    /// For a language package: the folder of the project, application or
    /// environment that ships it (an npm project, an Electron app, a
    /// Python `site-packages`, a .NET application folder, the folder of a
    /// JAR). The package is a member of the product whose component
    /// occupies that folder (`assess::product`).
    pub const SHIPPED_IN: &str = "shipped_in";
    /// For a language package: `installed` (its own manifest is in the
    /// tree) or `declared` (only a lock file or a dependency list names
    /// it).
    pub const PRESENCE: &str = "presence";
}

/// A file the walk found by its name that a language-ecosystem collector
/// reads after the walk (`collect::lang`): the walk keeps only these
/// names, so memory grows with manifests found, not with files walked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManifestFile {
    pub kind: ManifestKind,
    /// Image-relative path.
    pub rel: String,
    pub size: u64,
}

/// Which language-ecosystem manifest a [`ManifestFile`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ManifestKind {
    /// `*.dist-info/METADATA`
    DistInfo,
    /// `*.egg-info/PKG-INFO`, or an `*.egg-info` file (old distutils).
    EggInfo,
    /// `conda-meta/*.json`
    CondaMeta,
    /// `node_modules/NAME/package.json`, `node_modules/@SCOPE/NAME/package.json`
    NodeModule,
    /// Any other `package.json` (a project, `resources/app/package.json`):
    /// read only when it stands beside `node_modules` or a lock file, or
    /// in an Electron app's `resources/app`.
    PackageJson,
    /// `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`
    LockFile,
    /// `resources/app.asar`
    Asar,
    /// `*.deps.json`
    DepsJson,
    /// `*.nuspec`
    Nuspec,
    /// `*.jar`, `*.war`, `*.ear`
    Jar,
}

/// Format-specific facts of a package, by key, in key order. The keys of
/// [`prop`] are read by later stages; the rest only reach the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Properties(BTreeMap<String, String>);

impl Properties {
    pub fn insert(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    /// The value of `key`, inserted empty when missing.
    pub fn value_mut(&mut self, key: &str) -> &mut String {
        self.0.entry(key.to_owned()).or_default()
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.0.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl std::ops::Index<&str> for Properties {
    type Output = String;
    fn index(&self, key: &str) -> &String {
        &self.0[key]
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One installed package as a collector read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub source: Source,
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
    pub properties: Properties,
    pub evidence: Vec<Evidence>,
    /// Files the package owns, as the manifest names them (`/usr/bin/x`).
    pub files: Vec<String>,
    /// An image file listing (more) files the package owns, one manifest
    /// path a line ([`listed_paths`]; dpkg's `info/NAME.list`). Attaching
    /// reads it again and streams it past the binaries found, so the owned
    /// paths of every package are never held at once.
    pub file_list: Option<String>,
    /// Directories the package owns with everything below them, for formats
    /// that deploy into a tree of their own (flatpak, snap): image paths.
    pub dirs: Vec<String>,
}

impl Package {
    pub fn new(source: Source, name: impl Into<String>, evidence: Evidence) -> Self {
        Self {
            source,
            name: name.into(),
            version: None,
            arch: None,
            kind: Kind::Application,
            supplier: Supplier::default(),
            license: None,
            purl: None,
            properties: Properties::default(),
            evidence: vec![evidence],
            files: Vec::new(),
            file_list: None,
            dirs: Vec::new(),
        }
    }
}

/// The paths a [`Package::file_list`] names: its lines that start with `/`,
/// but a lone `/`. dpkg lists `/.` and every directory too; they are kept,
/// ownership lookups are by exact path so they cost nothing.
pub fn listed_paths(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| l.starts_with('/') && l.len() > 1)
}

impl Package {
    /// The component's key: the same across scans, versions and the order
    /// of the roots on the command line, so scans join on it (`diff`, the
    /// baseline, the gate's violations). One rule per source, and never the
    /// version or the image's position (`docs/json.md`, `key`):
    ///
    /// - `registry:VIEW:KEY`: the uninstall entry's view (`hklm-64`,
    ///   `hklm-32`, `user:NAME`) and key name, as Windows files it. An entry
    ///   found in several views keeps the first (the one whose key it
    ///   carries), so a second installation elsewhere doesn't change it.
    ///   Installers that put the version in the key name (Firefox:
    ///   `Mozilla Firefox 128.5.0 (x64 de)`) get their own DisplayVersion
    ///   cut out of it (`Mozilla Firefox (x64 de)`);
    /// - `appx:IDENTITY[:ARCH]`: the package identity name;
    /// - `msi:UPGRADECODE`: what a product keeps across its versions (else
    ///   `msi:NAME`);
    /// - `homebrew:formula:NAME`, `homebrew:cask:TOKEN`: the Cellar and
    ///   Caskroom paths carry the version, the name does not;
    /// - `app:PATH`, `binary:PATH`: the install directory;
    /// - `go:MODULE:BINARY`, `cargo:CRATE:BINARY`: a module or crate and the
    ///   image path of the binary that embeds it;
    /// - `os:ID`: the os-release `ID` (`debian`), `windows`, `macos`;
    /// - every other package database: `SOURCE:NAME[:ARCH]`
    ///   (`dpkg:firefox-esr:amd64`, `rpm:ICAClient:x86_64`).
    pub fn key(&self) -> String {
        key_of(
            self.source,
            &self.name,
            self.version.as_deref(),
            self.arch.as_deref(),
            &self.properties,
        )
    }
}

/// [`Package::key`]'s rule on the fields a package and a report's
/// component both have, so the key of a component saved before keys existed
/// (schema 1.1) can be worked out again from its report.
pub fn key_of(
    source: Source,
    name: &str,
    version: Option<&str>,
    arch: Option<&str>,
    properties: &Properties,
) -> String {
    let prop = |k: &str| {
        properties
            .get(k)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let with_arch = |name: &str| match arch {
        Some(a) if !a.is_empty() => format!("{source}:{name}:{a}"),
        _ => format!("{source}:{name}"),
    };
    match source {
        Source::Registry => format!(
            "registry:{}:{}",
            prop("view")
                .and_then(|v| v.split(", ").next())
                .unwrap_or(""),
            without_version(prop("key").unwrap_or(name), version)
        ),
        Source::Appx => with_arch(prop("identity_name").unwrap_or(name)),
        Source::Msi => format!("msi:{}", prop("upgrade_code").unwrap_or(name)),
        Source::Homebrew => format!("homebrew:{}:{name}", prop("kind").unwrap_or("formula")),
        Source::App | Source::Binary => {
            format!("{source}:{}", prop(prop::INSTALL_PATH).unwrap_or(name))
        }
        Source::Os => format!("os:{name}"),
        Source::Go | Source::Cargo => {
            format!("{source}:{name}:{}", prop(prop::EMBEDDED_IN).unwrap_or(""))
        }
        _ => with_arch(name),
    }
}

/// `name` without `version` where it stands as a word of its own (between
/// spaces or at an end), the spaces around it closed up; otherwise `name`.
fn without_version(name: &str, version: Option<&str>) -> String {
    let Some(v) = version.map(str::trim).filter(|v| !v.is_empty()) else {
        return name.to_owned();
    };
    let words: Vec<&str> = name.split(' ').collect();
    if !words.contains(&v) {
        return name.to_owned();
    }
    words
        .into_iter()
        .filter(|w| *w != v)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A problem that stopped one file or record from being read. The scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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

/// Several licences that all apply, joined with `and_op` (`AND` in SPDX,
/// `and` as Debian and rpm write it); a compound one is parenthesised, a
/// single one kept as it is. Debian copyright files and SBOM licence lists
/// both state such lists.
pub fn all_licences(licences: &[String], and_op: &str) -> String {
    if let [one] = licences {
        return one.clone();
    }
    licences
        .iter()
        .map(|l| {
            if l.contains(' ') {
                format!("({l})")
            } else {
                l.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(&format!(" {and_op} "))
}

#[cfg(test)]
mod tests {
    use super::{Evidence, Package, Source, prop};

    fn package(source: Source, name: &str, version: &str, props: &[(&str, &str)]) -> Package {
        let mut p = Package::new(source, name, Evidence::new("x", "test", ""));
        p.version = Some(version.to_owned());
        for (k, v) in props {
            p.properties.insert(k, (*v).to_owned());
        }
        p
    }

    #[test]
    fn keys_follow_one_rule_per_source_and_never_carry_the_version() {
        let mut dpkg = package(Source::Dpkg, "firefox-esr", "128.5.0esr-1", &[]);
        dpkg.arch = Some("amd64".into());
        assert_eq!(dpkg.key(), "dpkg:firefox-esr:amd64");
        dpkg.version = Some("128.6.0esr-1".into());
        assert_eq!(dpkg.key(), "dpkg:firefox-esr:amd64");
        // DisplayName carries the version; the uninstall key doesn't.
        let reg = package(
            Source::Registry,
            "7-Zip 24.09 (x64)",
            "24.09",
            &[("view", "hklm-64, hklm-32"), ("key", "7-Zip")],
        );
        assert_eq!(reg.key(), "registry:hklm-64:7-Zip");
        let firefox = package(
            Source::Registry,
            "Mozilla Firefox (x64 de)",
            "128.5.0",
            &[
                ("view", "hklm-64"),
                ("key", "Mozilla Firefox 128.5.0 (x64 de)"),
            ],
        );
        assert_eq!(firefox.key(), "registry:hklm-64:Mozilla Firefox (x64 de)");
        // Only a whole word: a key that merely contains the digits keeps them.
        let citrix = package(
            Source::Registry,
            "Citrix Workspace 2409",
            "24.9",
            &[("view", "hklm-32"), ("key", "Citrix 24.90")],
        );
        assert_eq!(citrix.key(), "registry:hklm-32:Citrix 24.90");
        let appx = package(
            Source::Appx,
            "WhatsApp",
            "2.2450.6.0",
            &[("identity_name", "5319275A.WhatsAppDesktop")],
        );
        assert_eq!(appx.key(), "appx:5319275A.WhatsAppDesktop");
        // The Cellar path has the version: the name stands in.
        let keg = package(
            Source::Homebrew,
            "wget",
            "1.24.5",
            &[
                ("kind", "formula"),
                (prop::INSTALL_PATH, "opt/homebrew/Cellar/wget/1.24.5"),
            ],
        );
        assert_eq!(keg.key(), "homebrew:formula:wget");
        let app = package(
            Source::App,
            "Firefox",
            "133.0",
            &[(prop::INSTALL_PATH, "Applications/Firefox.app")],
        );
        assert_eq!(app.key(), "app:Applications/Firefox.app");
        let msi = package(
            Source::Msi,
            "Add-in 1.2",
            "1.2",
            &[("upgrade_code", "{ABC}")],
        );
        assert_eq!(msi.key(), "msi:{ABC}");
        assert_eq!(package(Source::Os, "debian", "12", &[]).key(), "os:debian");
    }

    #[test]
    fn sources_order_as_their_names() {
        let mut by_name = Source::ALL;
        by_name.sort_by_key(|s| s.as_str());
        assert_eq!(by_name, Source::ALL);
        let mut by_ord = Source::ALL;
        by_ord.sort();
        assert_eq!(by_ord, Source::ALL);
        for s in Source::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
