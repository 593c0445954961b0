//! Debian and derivatives: `var/lib/dpkg/status`, the one-file-per-package
//! `var/lib/dpkg/status.d/` of distroless images, and `var/lib/dpkg/info/*.list`
//! for the files each package owns.
//!
//! Where a package came from is taken from apt's repository indexes
//! (`apt_lists.rs`), since the status file rarely says.
//!
//! The status file is deb822 (`Key: value` fields, continuation lines start
//! with a space, blank lines between stanzas), parsed by hand: it is a few
//! lines of code and the crates that do it pull a large tree for
//! round-tripping we don't need.

mod apt_lists;
mod copyright;

pub use apt_lists::{Release, parse_release};

use super::{Collector, join, list_dir, read_text};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source, listed_paths, prop};
use crate::model::purl::{Distro, purl};

pub struct Dpkg;

const ADMIN: &str = "var/lib/dpkg";

impl Collector for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let distro = Distro::new(
            image.os.id.as_deref(),
            image.os.version.as_deref(),
            "debian",
        );
        let status = join(ADMIN, "status");
        let mut found: Vec<Package> = Vec::new();
        match read_text(image, &status) {
            Ok(Some(text)) => found.extend(parse_status(&text, &status, &distro, out)),
            Ok(None) => {}
            Err(e) => out.error(&status, e),
        }
        let status_d = join(ADMIN, "status.d");
        match list_dir(image, &status_d) {
            Ok(names) => {
                for name in names.iter().filter(|n| !n.ends_with(".md5sums")) {
                    let path = join(&status_d, name);
                    match read_text(image, &path) {
                        Ok(Some(text)) => found.extend(parse_status(&text, &path, &distro, out)),
                        Ok(None) => {}
                        Err(e) => out.error(&path, e),
                    }
                }
            }
            Err(e) => out.error(&status_d, e),
        }
        let mut buf = Vec::new();
        for pkg in &mut found {
            read_file_list(image, pkg, out);
            copyright::read(image, pkg, &mut buf, out);
        }
        if !found.is_empty() {
            apt_lists::annotate(image, &mut found, out);
        }
        out.packages.extend(found);
    }
}

/// One deb822 stanza: its fields in order, and the line it starts on.
pub struct Stanza<'a> {
    pub line: usize,
    pub fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Stanza<'a> {
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    }
}

/// Splits deb822 text into stanzas. Continuation lines (multi-line
/// descriptions, conffile lists) are skipped: no field sovscan reads spans
/// lines. Malformed lines are returned as `(line number, text)`.
pub fn stanzas(text: &str) -> (Vec<Stanza<'_>>, Vec<(usize, &str)>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut cur: Option<Stanza> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            if let Some(s) = cur.take() {
                out.push(s);
            }
            continue;
        }
        if line.starts_with([' ', '\t']) || line.starts_with('#') {
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) if !k.is_empty() && !k.contains(' ') => {
                cur.get_or_insert_with(|| Stanza {
                    line: n,
                    fields: Vec::new(),
                })
                .fields
                .push((k, v.trim()));
            }
            _ => bad.push((n, line)),
        }
    }
    if let Some(s) = cur {
        out.push(s);
    }
    (out, bad)
}

fn parse_status(text: &str, path: &str, distro: &Distro, out: &mut Inventory) -> Vec<Package> {
    let (stanzas, bad) = stanzas(text);
    for (line, text) in bad.iter().take(3) {
        out.warn(
            path,
            format!("line {line}: not a `Field: value` line: {:.60}", text),
        );
    }
    let mut pkgs = Vec::new();
    for st in stanzas {
        let Some(name) = st.get("Package") else {
            out.warn(
                path,
                format!("line {}: stanza without a Package field", st.line),
            );
            continue;
        };
        let status = st.get("Status").unwrap_or("install ok installed");
        // dpkg keeps records of purged packages; `dpkg-query -W` hides them too.
        if status.ends_with("not-installed") {
            continue;
        }
        let mut pkg = Package::new(
            Source::Dpkg,
            name,
            Evidence::new(
                path,
                "dpkg-status",
                format!("line {}: Package: {name}", st.line),
            ),
        );
        pkg.version = st.get("Version").map(str::to_owned);
        pkg.arch = st.get("Architecture").map(str::to_owned);
        pkg.supplier.maintainer = st.get("Maintainer").map(str::to_owned);
        pkg.supplier.origin = st.get("Origin").map(str::to_owned);
        pkg.supplier.homepage = st.get("Homepage").map(str::to_owned);
        for (key, prop) in [
            ("Section", prop::SECTION),
            ("Source", prop::SOURCE_PACKAGE),
            ("Original-Maintainer", "original_maintainer"),
            ("Multi-Arch", "multi_arch"),
        ] {
            if let Some(v) = st.get(key) {
                pkg.properties.insert(prop, v.to_owned());
            }
        }
        if !status.ends_with(" installed") {
            pkg.properties.insert("status", status.to_owned());
        }
        pkg.purl = purl(
            "deb",
            Some(&distro.id),
            name,
            pkg.version.as_deref(),
            &[
                ("arch", pkg.arch.as_deref()),
                ("distro", distro.qualifier.as_deref()),
            ],
        );
        pkgs.push(pkg);
    }
    pkgs
}

/// Finds `info/NAME:ARCH.list` (Multi-Arch: same) or `info/NAME.list` and
/// counts the paths it lists. The paths are not kept: attaching reads the
/// list again when binaries are known ([`Package::file_list`]), so memory
/// doesn't grow with the files the packages own.
fn read_file_list(image: &Image, pkg: &mut Package, out: &mut Inventory) {
    let mut candidates = Vec::with_capacity(2);
    if let Some(arch) = &pkg.arch {
        candidates.push(format!("{ADMIN}/info/{}:{arch}.list", pkg.name));
    }
    candidates.push(format!("{ADMIN}/info/{}.list", pkg.name));
    for path in candidates {
        match read_text(image, &path) {
            Ok(Some(text)) => {
                let count = listed_paths(&text).count();
                pkg.evidence
                    .push(Evidence::new(&path, "dpkg-list", format!("{count} paths")));
                pkg.file_list = Some(path);
                return;
            }
            Ok(None) => continue,
            Err(e) => {
                out.error(&path, e);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "\
Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12000
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u7
Description: GNU C Library: Shared libraries
 Contains the standard libraries.
 .
 More text: with a colon.

Package: old-thing
Status: purge ok not-installed
Architecture: amd64

Package: google-chrome-stable
Status: install ok installed
Maintainer: Chrome Linux Team <chromium-dev@chromium.org>
Architecture: amd64
Version: 131.0.6778.85-1
Homepage: https://www.google.com/chrome
";

    #[test]
    fn parses_installed_packages_and_skips_purged() {
        let mut inv = Inventory::default();
        let pkgs = parse_status(
            STATUS,
            "var/lib/dpkg/status",
            &Distro::new(Some("debian"), Some("12"), "debian"),
            &mut inv,
        );
        assert_eq!(pkgs.len(), 2);
        let libc = &pkgs[0];
        assert_eq!(libc.name, "libc6");
        assert_eq!(libc.version.as_deref(), Some("2.36-9+deb12u7"));
        assert_eq!(
            libc.supplier.maintainer.as_deref(),
            Some("GNU Libc Maintainers <debian-glibc@lists.debian.org>")
        );
        assert_eq!(
            libc.properties.get("source_package").map(String::as_str),
            Some("glibc")
        );
        assert_eq!(
            libc.purl.as_deref(),
            Some("pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12")
        );
        assert_eq!(libc.evidence[0].detail, "line 1: Package: libc6");
        assert_eq!(
            pkgs[1].supplier.homepage.as_deref(),
            Some("https://www.google.com/chrome")
        );
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
    }

    #[test]
    fn malformed_lines_are_warned_not_fatal() {
        let mut inv = Inventory::default();
        let pkgs = parse_status(
            "Package: a\nthis is garbage\nVersion: 1\n\nVersion: 2\n",
            "s",
            &Distro::new(None, None, "debian"),
            &mut inv,
        );
        assert_eq!(pkgs.len(), 1);
        assert_eq!(pkgs[0].version.as_deref(), Some("1"));
        assert_eq!(inv.warnings.len(), 2);
        assert!(inv.warnings[0].message.starts_with("line 2:"));
    }
}
