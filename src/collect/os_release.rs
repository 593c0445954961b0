//! The operating system itself, as a component, from `os-release`
//! (freedesktop.org os-release(5)): `etc/os-release`, else `usr/lib/os-release`.

use super::Collector;
use crate::image::{Image, OsInfo};
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source};

pub struct OsRelease;

impl Collector for OsRelease {
    fn name(&self) -> &'static str {
        "os"
    }

    fn families(&self) -> &'static [Family] {
        // macOS: `macos_system` reads SystemVersion.plist.
        &[Family::Linux, Family::Windows]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let os = &image.os;
        let name = os
            .id
            .clone()
            .unwrap_or_else(|| image.family().as_str().to_owned());
        let evidence = match &os.evidence {
            Some(path) if image.family() == Family::Windows => Evidence::new(
                path,
                "registry",
                "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
            ),
            Some(path) => Evidence::new(path, "os-release", "ID, NAME, VERSION_ID"),
            None => Evidence::new(
                "",
                "marker",
                format!("{} system layout", image.family().as_str()),
            ),
        };
        let mut pkg = Package::new(Source::Os, name, evidence);
        pkg.kind = Kind::OperatingSystem;
        pkg.version = os.version.clone();
        if let Some(n) = &os.name {
            pkg.properties.insert("pretty_name", n.clone());
        }
        pkg.supplier.vendor = os.field("VENDOR_NAME").map(str::to_owned);
        pkg.supplier.homepage = os.field("HOME_URL").map(str::to_owned);
        if let Some(like) = os.field("ID_LIKE") {
            pkg.properties.insert("id_like", like.to_owned());
        }
        if image.family() == Family::Windows {
            for (key, prop) in [
                ("EditionID", "edition_id"),
                ("CurrentBuild", "current_build"),
                ("UBR", "ubr"),
                ("DisplayVersion", "display_version"),
                ("InstallationType", "installation_type"),
            ] {
                if let Some(v) = os.field(key) {
                    pkg.properties.insert(prop, v.to_owned());
                }
            }
            // System files roll up into the OS: everything under `Windows`
            // that no more specific package (an AppX system app, a registry
            // entry's InstallLocation) owns.
            if let Ok(real) = image.fs.resolve("Windows") {
                pkg.dirs.push(crate::paths::display(&real).0);
            }
        }
        out.packages.push(pkg);
    }
}

/// Parses os-release text (shell-style `KEY=value` lines, values optionally
/// quoted with `"` or `'`, backslash escapes inside double quotes).
pub fn parse(text: &str, path: &str) -> OsInfo {
    let mut fields = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        fields.push((k.trim().to_owned(), unquote(v.trim())));
    }
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    OsInfo {
        family: Family::Linux,
        id: get("ID").or_else(|| Some("linux".into())),
        name: get("PRETTY_NAME").or_else(|| get("NAME")),
        version: get("VERSION_ID")
            .or_else(|| get("VERSION"))
            .or_else(|| get("BUILD_ID")),
        evidence: Some(path.to_owned()),
        fields,
    }
}

fn unquote(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        let inner = &v[1..v.len() - 1];
        if b[0] == b'"' {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            return out;
        }
        return inner.to_owned();
    }
    v.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_debian_os_release() {
        let os = parse(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n# c\nHOME_URL='https://www.debian.org/'\n",
            "etc/os-release",
        );
        assert_eq!(os.id.as_deref(), Some("debian"));
        assert_eq!(os.version.as_deref(), Some("12"));
        assert_eq!(os.name.as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
        assert_eq!(os.field("HOME_URL"), Some("https://www.debian.org/"));
    }

    #[test]
    fn rolling_release_uses_build_id() {
        let os = parse("ID=arch\nBUILD_ID=rolling\n", "usr/lib/os-release");
        assert_eq!(os.version.as_deref(), Some("rolling"));
    }
}
