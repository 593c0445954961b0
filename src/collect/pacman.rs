//! Arch Linux and derivatives (Manjaro, EndeavourOS, SteamOS 3): the pacman
//! local database, `var/lib/pacman/local/NAME-VERSION-RELEASE/`, one
//! directory per package with a `desc` file (the metadata) and a `files`
//! file (what it installed).
//!
//! Both files are libalpm's section format: a `%HEADER%` line, one value per
//! line, a blank line to end the section. Paths in `%FILES%` are relative to
//! the root and directories end with `/`; only files are kept, since a
//! directory like `usr/lib/` is shared by many packages. `%BASE%` is the
//! source package (pkgbase), kept as `source_package` like dpkg's `Source`.

use super::{Collector, join, list_dir, read_text};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source, prop};
use crate::model::purl::purl;

pub struct Pacman;

const LOCAL: &str = "var/lib/pacman/local";

impl Collector for Pacman {
    fn name(&self) -> &'static str {
        "pacman"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let entries = match list_dir(image, LOCAL) {
            Ok(e) => e,
            Err(e) => {
                out.error(LOCAL, e);
                return;
            }
        };
        let distro = image.os.id.as_deref().unwrap_or("arch");
        for entry in entries.iter().filter(|e| *e != "ALPM_DB_VERSION") {
            let dir = join(LOCAL, entry);
            let desc = join(&dir, "desc");
            let text = match read_text(image, &desc) {
                Ok(Some(t)) => t,
                Ok(None) => {
                    out.warn(&dir, "package entry without a desc file");
                    continue;
                }
                Err(e) => {
                    out.error(&desc, e);
                    continue;
                }
            };
            let Some(mut pkg) = parse_desc(&text, &desc, distro, out) else {
                continue;
            };
            let files = join(&dir, "files");
            match read_text(image, &files) {
                Ok(Some(text)) => {
                    pkg.files = parse_files(&text, &files, out);
                    pkg.evidence.push(Evidence::new(
                        &files,
                        "pacman-files",
                        format!("%FILES%: {} files", pkg.files.len()),
                    ));
                }
                // Old databases (pacman < 3.x) and hand-made entries lack it.
                Ok(None) => {}
                Err(e) => out.error(&files, e),
            }
            out.packages.push(pkg);
        }
    }
}

/// One `%HEADER%` section: its name, the header's line, and its values.
struct Section<'a> {
    name: &'a str,
    line: usize,
    values: Vec<&'a str>,
}

/// Splits libalpm section text. Lines outside a section are returned as
/// `(line number, text)`.
fn sections(text: &str) -> (Vec<Section<'_>>, Vec<(usize, &str)>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut cur: Option<Section> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            out.extend(cur.take());
            continue;
        }
        match &mut cur {
            Some(s) => s.values.push(line),
            None => match line
                .strip_prefix('%')
                .and_then(|l| l.strip_suffix('%'))
                .filter(|name| !name.is_empty())
            {
                Some(name) => {
                    cur = Some(Section {
                        name,
                        line: n,
                        values: Vec::new(),
                    })
                }
                None => bad.push((n, line)),
            },
        }
    }
    out.extend(cur);
    (out, bad)
}

fn warn_bad(bad: &[(usize, &str)], path: &str, out: &mut Inventory) {
    for (line, text) in bad.iter().take(3) {
        out.warn(
            path,
            format!("line {line}: not in a %SECTION%: {:.60}", text),
        );
    }
    if bad.len() > 3 {
        out.warn(
            path,
            format!("{} more lines outside sections", bad.len() - 3),
        );
    }
}

fn parse_desc(text: &str, path: &str, distro: &str, out: &mut Inventory) -> Option<Package> {
    let (sections, bad) = sections(text);
    warn_bad(&bad, path, out);
    let get = |name: &str| {
        sections
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| Some((s.values.first()?.trim(), s.line)))
            .filter(|(v, _)| !v.is_empty())
    };
    let Some((name, line)) = get("NAME") else {
        out.warn(path, "no package name (%NAME% missing or empty)");
        return None;
    };
    let value = |key: &str| get(key).map(|(v, _)| v.to_owned());
    let mut pkg = Package::new(
        Source::Pacman,
        name,
        Evidence::new(path, "pacman-desc", format!("line {line}: %NAME% {name}")),
    );
    pkg.version = value("VERSION");
    pkg.arch = value("ARCH");
    pkg.supplier.maintainer = value("PACKAGER");
    pkg.supplier.homepage = value("URL");
    let licenses: Vec<&str> = sections
        .iter()
        .filter(|s| s.name == "LICENSE")
        .flat_map(|s| s.values.iter().map(|v| v.trim()))
        .filter(|v| !v.is_empty())
        .collect();
    if !licenses.is_empty() {
        pkg.license = Some(licenses.join(" AND "));
    }
    for (key, prop) in [
        ("BASE", prop::SOURCE_PACKAGE),
        ("BUILDDATE", "build_time"),
        ("INSTALLDATE", "install_time"),
        ("VALIDATION", "validation"),
    ] {
        if let Some(v) = value(key) {
            pkg.properties.insert(prop, v);
        }
    }
    pkg.purl = purl(
        "alpm",
        Some(distro),
        name,
        pkg.version.as_deref(),
        &[("arch", pkg.arch.as_deref())],
    );
    Some(pkg)
}

fn parse_files(text: &str, path: &str, out: &mut Inventory) -> Vec<String> {
    let (sections, bad) = sections(text);
    warn_bad(&bad, path, out);
    sections
        .iter()
        .filter(|s| s.name == "FILES")
        .flat_map(|s| &s.values)
        .filter(|f| !f.ends_with('/'))
        .map(|f| format!("/{}", f.trim_start_matches('/')))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const DESC: &str = "\
%NAME%
firefox

%VERSION%
131.0.3-1

%BASE%
firefox

%DESC%
Fast, Private & Safe Web Browser

%URL%
https://www.mozilla.org/firefox/

%ARCH%
x86_64

%BUILDDATE%
1728938000

%INSTALLDATE%
1729000000

%PACKAGER%
Jan Alexander Steffens (heftig) <heftig@archlinux.org>

%SIZE%
248000000

%LICENSE%
MPL-2.0
GPL-2.0-or-later

%VALIDATION%
pgp

%DEPENDS%
dbus
gtk3
";

    const FILES: &str = "\
%FILES%
usr/
usr/bin/
usr/bin/firefox
usr/lib/
usr/lib/firefox/
usr/lib/firefox/firefox
usr/lib/firefox/libxul.so

%BACKUP%
etc/firefox/policies.json\td41d8cd98f00b204e9800998ecf8427e
";

    fn image(root: &Path, local: &str) -> Image {
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/os-release"), "ID=arch\n").unwrap();
        let dir = root.join(local).join("firefox-131.0.3-1");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("desc"), DESC).unwrap();
        std::fs::write(dir.join("files"), FILES).unwrap();
        std::fs::write(root.join(local).join("ALPM_DB_VERSION"), "9\n").unwrap();
        Image::open(root).unwrap()
    }

    fn collect(image: &Image) -> Inventory {
        let mut inv = Inventory::default();
        Pacman.collect(image, &mut inv);
        inv
    }

    #[test]
    fn reads_desc_and_files() {
        let t = tempfile::tempdir().unwrap();
        let inv = collect(&image(t.path(), LOCAL));
        assert!(inv.errors.is_empty() && inv.warnings.is_empty(), "{inv:?}");
        assert_eq!(inv.packages.len(), 1);
        let ff = &inv.packages[0];
        assert_eq!(ff.name, "firefox");
        assert_eq!(ff.version.as_deref(), Some("131.0.3-1"));
        assert_eq!(ff.arch.as_deref(), Some("x86_64"));
        assert_eq!(
            ff.supplier.maintainer.as_deref(),
            Some("Jan Alexander Steffens (heftig) <heftig@archlinux.org>")
        );
        assert_eq!(
            ff.supplier.homepage.as_deref(),
            Some("https://www.mozilla.org/firefox/")
        );
        assert_eq!(ff.license.as_deref(), Some("MPL-2.0 AND GPL-2.0-or-later"));
        assert_eq!(
            ff.purl.as_deref(),
            Some("pkg:alpm/arch/firefox@131.0.3-1?arch=x86_64")
        );
        assert_eq!(ff.properties["source_package"], "firefox");
        assert_eq!(ff.properties["validation"], "pgp");
        assert_eq!(
            ff.files,
            [
                "/usr/bin/firefox",
                "/usr/lib/firefox/firefox",
                "/usr/lib/firefox/libxul.so"
            ]
        );
        assert_eq!(
            ff.evidence[0].path,
            "var/lib/pacman/local/firefox-131.0.3-1/desc"
        );
        assert_eq!(ff.evidence[0].detail, "line 1: %NAME% firefox");
        assert_eq!(
            ff.evidence[1].path,
            "var/lib/pacman/local/firefox-131.0.3-1/files"
        );
    }

    #[test]
    fn linked_database_directory_is_resolved_inside_the_image() {
        let t = tempfile::tempdir().unwrap();
        let image = image(t.path(), "srv/pacman/local");
        std::fs::create_dir_all(t.path().join("var/lib/pacman")).unwrap();
        std::os::unix::fs::symlink("/srv/pacman/local", t.path().join(LOCAL)).unwrap();
        let inv = collect(&image);
        assert!(inv.errors.is_empty() && inv.warnings.is_empty(), "{inv:?}");
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].files.len(), 3);
    }

    #[test]
    fn bad_entries_are_reported_and_skipped() {
        let t = tempfile::tempdir().unwrap();
        let image = image(t.path(), LOCAL);
        let local = t.path().join(LOCAL);
        std::fs::create_dir_all(local.join("empty-1-1")).unwrap();
        std::fs::create_dir_all(local.join("garbage-1-1")).unwrap();
        std::fs::write(
            local.join("garbage-1-1/desc"),
            "stray line\n%NAME%\n\n%VERSION%\n1-1\n",
        )
        .unwrap();
        std::fs::create_dir_all(local.join("unreadable-1-1/desc")).unwrap();
        let inv = collect(&image);
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].name, "firefox");
        let warnings: Vec<(&str, &str)> = inv
            .warnings
            .iter()
            .map(|w| (w.path.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    "var/lib/pacman/local/empty-1-1",
                    "package entry without a desc file"
                ),
                (
                    "var/lib/pacman/local/garbage-1-1/desc",
                    "line 1: not in a %SECTION%: stray line"
                ),
                (
                    "var/lib/pacman/local/garbage-1-1/desc",
                    "no package name (%NAME% missing or empty)"
                ),
            ]
        );
        assert_eq!(inv.errors.len(), 1);
        assert_eq!(
            inv.errors[0].path,
            "var/lib/pacman/local/unreadable-1-1/desc"
        );
    }
}
