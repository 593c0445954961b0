//! Alpine and other apk-tools systems (postmarketOS, Chimera, Wolfi):
//! `lib/apk/db/installed`.
//!
//! The file is apk's own text format: one record per package, records
//! separated by blank lines, each line `X:value` with a one-letter key. File
//! ownership is encoded by position: an `F:` line names a directory (relative
//! to the root) and the `R:` lines after it are files in that directory; `R:`
//! lines before any `F:` are files in the root directory, which apk writes
//! without an `F:` line. `o:` is the origin *source package* (musl-utils
//! comes from musl), not a distribution, so it goes to `source_package`
//! like dpkg's `Source`, where rules look for source names.

use super::{Collector, read_text};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Package, Source, prop};
use crate::model::purl::purl;

pub struct Apk;

const INSTALLED: &str = "lib/apk/db/installed";

/// Malformed lines reported one by one before the rest are only counted.
const BAD_LINES_SHOWN: usize = 3;

impl Collector for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        match read_text(image, INSTALLED) {
            Ok(Some(text)) => {
                let distro = image.os.id.as_deref().unwrap_or("alpine");
                let pkgs = parse_installed(&text, INSTALLED, distro, out);
                out.packages.extend(pkgs);
            }
            Ok(None) => {}
            Err(e) => out.error(INSTALLED, e),
        }
    }
}

/// One record as read: its first line and fields, files already joined.
struct Record<'a> {
    line: usize,
    /// Key, value, line number.
    fields: Vec<(char, &'a str, usize)>,
    files: Vec<String>,
    dir: &'a str,
}

impl<'a> Record<'a> {
    fn new(line: usize) -> Self {
        Self {
            line,
            fields: Vec::new(),
            files: Vec::new(),
            dir: "",
        }
    }

    fn get(&self, key: char) -> Option<&'a str> {
        self.get_at(key).map(|(v, _)| v)
    }

    fn get_at(&self, key: char) -> Option<(&'a str, usize)> {
        self.fields
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, n)| (*v, *n))
            .filter(|(v, _)| !v.is_empty())
    }
}

fn parse_installed(text: &str, path: &str, distro: &str, out: &mut Inventory) -> Vec<Package> {
    let mut records = Vec::new();
    let mut bad = 0usize;
    let mut cur: Option<Record> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            records.extend(cur.take());
            continue;
        }
        let rec = cur.get_or_insert_with(|| Record::new(n));
        let mut chars = line.chars();
        let (Some(key @ ('a'..='z' | 'A'..='Z')), Some(':')) = (chars.next(), chars.next()) else {
            bad += 1;
            if bad <= BAD_LINES_SHOWN {
                out.warn(path, format!("line {n}: not a `X:value` line: {line:.60}"));
            }
            continue;
        };
        let value = chars.as_str();
        match key {
            'F' => rec.dir = value.trim_matches('/'),
            'R' if !value.is_empty() => {
                let file = if rec.dir.is_empty() {
                    format!("/{value}")
                } else {
                    format!("/{}/{value}", rec.dir)
                };
                rec.files.push(file);
            }
            _ => rec.fields.push((key, value, n)),
        }
    }
    records.extend(cur);
    if bad > BAD_LINES_SHOWN {
        out.warn(
            path,
            format!("{} more malformed lines", bad - BAD_LINES_SHOWN),
        );
    }

    let mut pkgs = Vec::with_capacity(records.len());
    for rec in records {
        let Some((name, name_line)) = rec.get_at('P') else {
            out.warn(
                path,
                format!("line {}: record without a P: (package name) line", rec.line),
            );
            continue;
        };
        let mut pkg = Package::new(
            Source::Apk,
            name,
            Evidence::new(path, "apk-installed", format!("line {name_line}: P:{name}")),
        );
        pkg.version = rec.get('V').map(str::to_owned);
        pkg.arch = rec.get('A').map(str::to_owned);
        pkg.supplier.maintainer = rec.get('m').map(str::to_owned);
        pkg.supplier.homepage = rec.get('U').map(str::to_owned);
        pkg.license = rec.get('L').map(str::to_owned);
        for (key, prop) in [
            ('o', prop::SOURCE_PACKAGE),
            ('t', "build_time"),
            ('c', "commit"),
        ] {
            if let Some(v) = rec.get(key) {
                pkg.properties.insert(prop, v.to_owned());
            }
        }
        pkg.purl = purl(
            "apk",
            Some(distro),
            name,
            pkg.version.as_deref(),
            &[("arch", pkg.arch.as_deref())],
        );
        pkg.files = rec.files;
        pkgs.push(pkg);
    }
    pkgs
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTALLED_DB: &str = "\
C:Q1SLkS9hBidUK/lOvEQbLMBMnZcOk=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:667648
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1700000000
c:ca7f7d9b2b1e4ba5a5f5b7e8b5b5d6a3c5a0b1c2
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1VS8+9Bn7JFdPUFjNgTnMWa6DGCo=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1hY4Gjcg8VxTCNvXpz8iq6p9T7Bc=
P:musl-utils
V:1.2.4_git20230717-r4
A:x86_64
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT AND BSD-2-Clause AND GPL-2.0-or-later
o:musl
m:Timo Teräs <timo.teras@iki.fi>
R:.rootfile
F:usr/bin
R:getconf
R:ldd
F:sbin
R:ldconfig

P:broken
V:1
this line is garbage
F:opt/broken/
R:bin

V:2.0
A:noarch
";

    #[test]
    fn parses_records_fields_and_files() {
        let mut inv = Inventory::default();
        let pkgs = parse_installed(INSTALLED_DB, INSTALLED, "alpine", &mut inv);
        assert_eq!(pkgs.len(), 3);
        let musl = &pkgs[0];
        assert_eq!(musl.name, "musl");
        assert_eq!(musl.version.as_deref(), Some("1.2.4_git20230717-r4"));
        assert_eq!(musl.arch.as_deref(), Some("x86_64"));
        assert_eq!(
            musl.supplier.maintainer.as_deref(),
            Some("Timo Teräs <timo.teras@iki.fi>")
        );
        assert_eq!(
            musl.supplier.homepage.as_deref(),
            Some("https://musl.libc.org/")
        );
        assert_eq!(musl.license.as_deref(), Some("MIT"));
        assert_eq!(musl.properties["source_package"], "musl");
        assert_eq!(musl.properties["build_time"], "1700000000");
        assert_eq!(
            musl.purl.as_deref(),
            Some("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64")
        );
        assert_eq!(
            musl.files,
            ["/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"]
        );
        assert_eq!(musl.evidence[0].detail, "line 2: P:musl");

        let utils = &pkgs[1];
        assert_eq!(
            utils.files,
            [
                "/.rootfile",
                "/usr/bin/getconf",
                "/usr/bin/ldd",
                "/sbin/ldconfig"
            ]
        );
        assert_eq!(utils.evidence[0].detail, "line 23: P:musl-utils");

        // A bad line costs that line only.
        assert_eq!(pkgs[2].name, "broken");
        assert_eq!(pkgs[2].files, ["/opt/broken/bin"]);
        assert_eq!(inv.warnings.len(), 2, "{:?}", inv.warnings);
        assert_eq!(inv.warnings[0].path, INSTALLED);
        assert!(inv.warnings[0].message.starts_with("line 40:"));
        assert!(
            inv.warnings[1]
                .message
                .starts_with("line 44: record without")
        );
    }

    #[test]
    fn garbage_is_warned_not_fatal() {
        let mut inv = Inventory::default();
        let noise = "\u{0}\u{1}binary\n::\n\u{fffd}\u{fffd}\nx\ny\n\nP:ok\n";
        let pkgs = parse_installed(noise, INSTALLED, "alpine", &mut inv);
        assert_eq!(pkgs.len(), 1);
        assert_eq!(pkgs[0].name, "ok");
        assert!(inv.warnings.iter().all(|w| w.path == INSTALLED));
        let messages: Vec<&str> = inv.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages[3..],
            [
                "2 more malformed lines",
                "line 1: record without a P: (package name) line"
            ]
        );
    }

    #[test]
    fn database_under_a_linked_directory_is_read_inside_the_image() {
        // A /usr-merged root: lib -> /usr/lib, absolute, which must mean the
        // image's usr/lib.
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::write(r.join("etc/os-release"), "ID=postmarketos\n").unwrap();
        std::fs::create_dir_all(r.join("usr/lib/apk/db")).unwrap();
        std::fs::write(r.join("usr/lib/apk/db/installed"), INSTALLED_DB).unwrap();
        std::os::unix::fs::symlink("/usr/lib", r.join("lib")).unwrap();
        let image = Image::open(r).unwrap();
        let mut inv = Inventory::default();
        Apk.collect(&image, &mut inv);
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        assert_eq!(inv.packages.len(), 3);
        assert_eq!(
            inv.packages[0].purl.as_deref(),
            Some("pkg:apk/postmarketos/musl@1.2.4_git20230717-r4?arch=x86_64")
        );
    }

    #[test]
    fn unreadable_database_is_an_error_naming_it() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("lib/apk/db/installed")).unwrap();
        let image = Image::open(t.path()).unwrap();
        let mut inv = Inventory::default();
        Apk.collect(&image, &mut inv);
        assert_eq!(inv.errors.len(), 1);
        assert_eq!(inv.errors[0].path, INSTALLED);
        assert!(inv.packages.is_empty());
    }
}
