//! Which repository an installed Debian package came from.
//!
//! dpkg's status file rarely carries `Origin:`; apt's own indexes do. For
//! each `var/lib/apt/lists/*_Packages` index (plain, `.lz4` or `.gz`, as apt
//! stores them with and without `Acquire::GzipIndexes`), the matching
//! `*_InRelease`/`*_Release` file names the repository (`Origin: Debian`,
//! `Origin: Google LLC`, `Suite: bookworm`). A package whose exact name,
//! version and architecture appear in an index was published by that
//! repository: strong evidence of its supplier, recorded as the package's
//! `origin` with the index as evidence.
//!
//! Indexes are streamed in blocks (a Debian main index is ~50 MB) and only
//! the three fields needed are looked at, only in the stanzas of installed
//! package names; a package found in one index is not looked for in the
//! next, and an index is read only until every package still looked for
//! is found.

use crate::collect::{join, list_dir};
use crate::image::Image;
use crate::image::read::{ReadError, open_resolved};
use crate::model::inventory::{Evidence, Inventory, Package};
use memchr::memmem;
use std::collections::{HashMap, HashSet};
use std::io::Read;

const LISTS: &str = "var/lib/apt/lists";

/// The repository facts from a Release file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Release {
    pub origin: Option<String>,
    pub suite: Option<String>,
    pub codename: Option<String>,
}

/// Sets `supplier.origin` (and `properties.apt_index`) on the packages whose
/// installed version an apt index lists. Packages that already state an
/// origin keep it.
pub fn annotate(image: &Image, pkgs: &mut [Package], out: &mut Inventory) {
    let names = match list_dir(image, LISTS) {
        Ok(n) => n,
        Err(e) => {
            out.warn(LISTS, format!("cannot list apt indexes: {e}"));
            return;
        }
    };
    let releases: Vec<(&str, &String)> = names
        .iter()
        .filter_map(|n| {
            n.strip_suffix("_InRelease")
                .or_else(|| n.strip_suffix("_Release"))
                .map(|stem| (stem, n))
        })
        .collect();
    // Installed (name, version, arch) → package index.
    let mut wanted: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for (i, p) in pkgs.iter().enumerate() {
        if p.supplier.origin.is_none()
            && let (Some(v), Some(a)) = (p.version.as_deref(), p.arch.as_deref())
        {
            wanted.insert((p.name.as_str(), v, a), i);
        }
    }
    if wanted.is_empty() {
        return;
    }
    let mut wanted = Wanted::new(wanted);
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for name in &names {
        let Some(stem) = index_stem(name) else {
            continue;
        };
        // The Release file of an index is the one whose stem is the longest
        // prefix of the index's name (apt writes `/` in suites as `_`).
        let Some((rel_stem, rel_file)) = releases
            .iter()
            .filter(|(s, _)| stem.starts_with(&format!("{s}_")))
            .max_by_key(|(s, _)| s.len())
        else {
            continue;
        };
        let rel_path = join(LISTS, rel_file);
        let release = match crate::collect::read_text(image, &rel_path) {
            Ok(Some(t)) => parse_release(&t),
            Ok(None) => continue,
            Err(e) => {
                out.warn(&rel_path, format!("cannot read apt release file: {e}"));
                continue;
            }
        };
        let Some(origin) = release.origin.clone() else {
            continue;
        };
        let component = stem[rel_stem.len() + 1..].split('_').next().unwrap_or("");
        let label = format!(
            "{origin} {}/{component}",
            release
                .codename
                .as_deref()
                .or(release.suite.as_deref())
                .unwrap_or("?")
        );
        let path = join(LISTS, name);
        let reader = match open_index(image, &path, name) {
            Ok(r) => r,
            Err(e) => {
                out.warn(&path, format!("cannot read apt index: {e}"));
                continue;
            }
        };
        let hits = scan_index(reader, &wanted, |e| {
            out.warn(&path, format!("apt index unreadable past this point: {e}"))
        });
        wanted.found(&hits);
        for i in hits {
            found.push((i, origin.clone(), format!("{label}\u{0}{path}")));
        }
    }
    // First index in name order wins: deterministic.
    for (i, origin, label_path) in found {
        let p = &mut pkgs[i];
        if p.supplier.origin.is_some() {
            continue;
        }
        let (label, path) = label_path.split_once('\u{0}').unwrap_or((&label_path, ""));
        p.supplier.origin = Some(origin);
        p.properties.insert("apt_index", label.to_owned());
        p.evidence.push(Evidence::new(
            path,
            "apt-index",
            format!("lists {} {}", p.name, p.version.as_deref().unwrap_or("")),
        ));
    }
}

fn index_stem(name: &str) -> Option<&str> {
    name.strip_suffix("_Packages")
        .or_else(|| name.strip_suffix("_Packages.lz4"))
        .or_else(|| name.strip_suffix("_Packages.gz"))
}

fn open_index(image: &Image, rel: &str, name: &str) -> Result<Box<dyn Read>, ReadError> {
    let real = image.fs.resolve(rel).map_err(ReadError::Resolve)?;
    // Streamed, not read whole (indices are large and compressed); a
    // regular file only, so the stream ends.
    let file = open_resolved(&image.fs, &real)?;
    Ok(if name.ends_with(".lz4") {
        Box::new(lz4_flex::frame::FrameDecoder::new(file))
    } else if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    })
}

/// The installed packages still looked for: (name, version, arch) → index
/// of the package, and the names alone, to pass over the stanzas of packages
/// not installed (most of an index) after reading their first line.
struct Wanted<'a> {
    exact: HashMap<(&'a str, &'a str, &'a str), usize>,
    names: HashSet<&'a str>,
}

impl<'a> Wanted<'a> {
    fn new(exact: HashMap<(&'a str, &'a str, &'a str), usize>) -> Self {
        let names = exact.keys().map(|k| k.0).collect();
        Self { exact, names }
    }

    /// Forgets the packages found: the first index listing one wins.
    fn found(&mut self, hits: &[usize]) {
        let hits: HashSet<usize> = hits.iter().copied().collect();
        self.exact.retain(|_, i| !hits.contains(i));
        self.names = self.exact.keys().map(|k| k.0).collect();
    }
}

/// How much of an index is read at a time, and the most one stanza may
/// take (a real one is a few KiB): past it the index is not deb822.
///
/// Blocks of 128 KiB stay in the cache between the kernel's copy and the
/// search (an index is the largest file a Debian scan reads whole, and
/// read in 1 MiB blocks it took twice as long).
const BLOCK: usize = 128 << 10;
const MAX_STANZA: usize = 16 << 20;

/// Returns the indices of wanted packages the index lists.
///
/// The index is read in blocks of whole stanzas (cut at the last blank
/// line, `\n\n`) and searched with `memchr`'s SIMD substring search instead
/// of being decoded line by line: the search goes from one `Package:` line
/// to the next, and only a wanted name has its stanza cut out and its
/// `Version:` and `Architecture:` lines looked for (a stanza's first
/// `Package:` line names it, as apt reads it). Bytes, not text: a
/// description in another encoding doesn't stop the scan.
fn scan_index(
    mut reader: impl Read,
    wanted: &Wanted,
    mut on_error: impl FnMut(std::io::Error),
) -> Vec<usize> {
    let blank = memmem::Finder::new(b"\n\n");
    let last_blank = memmem::FinderRev::new(b"\n\n");
    let package = memmem::Finder::new(b"\nPackage: ");
    // `buf[..len]` holds what was read and not yet searched; it grows past
    // two blocks only for a stanza longer than one.
    let mut buf: Vec<u8> = vec![0; BLOCK * 2];
    let mut len = 0;
    let mut hits = Vec::new();
    // Once every package still looked for is found, the rest of the index
    // can't change the result (a Debian main index is 50 MB; the i386 one
    // is read for a few multi-arch packages).
    let mut found = HashSet::new();
    loop {
        if found.len() == wanted.exact.len() {
            return hits;
        }
        if buf.len() < len + BLOCK {
            buf.resize(len + BLOCK, 0);
        }
        let eof = match reader.read(&mut buf[len..len + BLOCK]) {
            Ok(0) => true,
            Ok(n) => {
                len += n;
                false
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                on_error(e);
                true
            }
        };
        // Whole stanzas only; at the end, whatever is left is the last.
        let end = match last_blank.rfind(&buf[..len]) {
            _ if eof => len,
            Some(i) => i + 2,
            None if len > MAX_STANZA => {
                on_error(std::io::Error::other(format!(
                    "no blank line in {} MiB",
                    MAX_STANZA >> 20
                )));
                return hits;
            }
            None => continue,
        };
        // From one `Package:` line to the next: a stanza is cut out (at
        // the blank lines around it) only when its name is wanted.
        let block = &buf[..end];
        let mut from = 0;
        let mut last_stanza = None;
        while let Some(line) = package_line(&package, block, from) {
            let value = &block[line + PACKAGE.len()..];
            let value_end = memchr::memchr(b'\n', value).unwrap_or(value.len());
            from = line + PACKAGE.len() + value_end;
            let name = std::str::from_utf8(value[..value_end].trim_ascii_end());
            if !name.is_ok_and(|n| wanted.names.contains(n)) {
                continue;
            }
            let start = last_blank.rfind(&block[..line]).map_or(0, |i| i + 2);
            // A stanza with a second `Package:` line is looked at once.
            if last_stanza.replace(start) == Some(start) {
                continue;
            }
            let stop = blank.find(&block[line..]).map_or(end, |i| line + i + 1);
            if let Some(i) = match_stanza(&block[start..stop], wanted) {
                hits.push(i);
                found.insert(i);
            }
        }
        buf.copy_within(end..len, 0);
        len -= end;
        if eof {
            return hits;
        }
    }
}

/// The start of a field line.
const PACKAGE: &[u8] = b"Package: ";

/// Where the first `Package:` line at or after `from` starts (`from` is 0
/// or the end of a line).
fn package_line(finder: &memmem::Finder, block: &[u8], from: usize) -> Option<usize> {
    if from == 0 && block.starts_with(PACKAGE) {
        return Some(0);
    }
    finder.find(&block[from..]).map(|i| from + i + 1)
}

/// The wanted package a stanza lists, if any.
fn match_stanza(stanza: &[u8], wanted: &Wanted) -> Option<usize> {
    let name = field(stanza, b"Package")?;
    if !wanted.names.contains(name) {
        return None;
    }
    // `Architecture: all` packages are installed under that name too.
    let key = (
        name,
        field(stanza, b"Version").unwrap_or(""),
        field(stanza, b"Architecture").unwrap_or(""),
    );
    wanted.exact.get(&key).copied()
}

/// The value of field `key` (`Key: value`, the key's case as given) in a
/// stanza, trailing white space trimmed: its first line, or the first line
/// after a newline that starts with it (continuation lines start with white
/// space, so `\nKey: ` never matches one). apt writes `Package:` first, so
/// for most stanzas this looks at their first bytes only.
fn field<'s>(stanza: &'s [u8], key: &[u8]) -> Option<&'s str> {
    let mut needle = Vec::with_capacity(key.len() + 3);
    needle.push(b'\n');
    needle.extend_from_slice(key);
    needle.extend_from_slice(b": ");
    let at = if stanza.starts_with(&needle[1..]) {
        needle.len() - 1
    } else {
        memmem::find(stanza, &needle)? + needle.len()
    };
    let line = &stanza[at..];
    let line = &line[..memchr::memchr(b'\n', line).unwrap_or(line.len())];
    std::str::from_utf8(line.trim_ascii_end()).ok()
}

/// Parses the fields sovscan needs from a Release or InRelease file (the
/// PGP armour of InRelease is skipped as unknown lines).
pub fn parse_release(text: &str) -> Release {
    let mut r = Release::default();
    for line in text.lines() {
        if line.is_empty() && (r.origin.is_some() || r.suite.is_some()) {
            break; // the checksum lists and signature follow
        }
        let Some((k, v)) = line.split_once(": ") else {
            continue;
        };
        let v = Some(v.trim().to_owned());
        match k {
            "Origin" => r.origin = v,
            "Suite" => r.suite = v,
            "Codename" => r.codename = v,
            _ => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_fields_from_inrelease() {
        let r = parse_release(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nLabel: Debian\nSuite: oldstable\nCodename: bookworm\nDate: Sat, 08 Nov 2025 09:00:00 UTC\n",
        );
        assert_eq!(r.origin.as_deref(), Some("Debian"));
        assert_eq!(r.codename.as_deref(), Some("bookworm"));
    }

    #[test]
    fn index_scan_matches_name_version_and_arch() {
        let idx = "Package: libc6\nVersion: 2.36-9+deb12u7\nArchitecture: amd64\n\nPackage: libc6\nVersion: 2.36-9+deb12u9\nArchitecture: amd64\n\nPackage: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all";
        let mut exact = HashMap::new();
        exact.insert(("libc6", "2.36-9+deb12u9", "amd64"), 0);
        exact.insert(("tzdata", "2024a-0+deb12u1", "all"), 1);
        exact.insert(("bash", "5.2.15-2+b2", "amd64"), 2);
        let hits = scan_index(idx.as_bytes(), &Wanted::new(exact), |_| {});
        assert_eq!(hits, vec![0, 1]);
    }

    fn wanted<'a>(keys: &[(&'a str, &'a str, &'a str)]) -> Wanted<'a> {
        Wanted::new(keys.iter().enumerate().map(|(i, k)| (*k, i)).collect())
    }

    #[test]
    fn stanzas_across_blocks_fields_in_any_order_and_bytes_not_text() {
        // Enough stanzas of packages not installed to cross several blocks.
        let mut idx = Vec::new();
        let mut n = 0;
        while idx.len() < 3 * BLOCK {
            idx.extend_from_slice(
                format!(
                    "Package: filler{n}\nVersion: 1.{n}\nArchitecture: amd64\n\
                     Description: padding\n long text\n .\n Package: not-a-field\n\n"
                )
                .as_bytes(),
            );
            n += 1;
            if n == 2_000 {
                // Fields in another order, a description not in UTF-8.
                idx.extend_from_slice(
                    b"Version: 2.0\nDescription: caf\xe9\nArchitecture: amd64\nPackage: mid\n\n",
                );
            }
        }
        // The last stanza has no blank line after it, nor a final newline.
        idx.extend_from_slice(b"Package: last\nArchitecture: all\nVersion: 3 ");
        let w = wanted(&[
            ("mid", "2.0", "amd64"),
            ("last", "3", "all"),
            ("filler7", "1.8", "amd64"),
            ("not-a-field", "1.0", "amd64"),
        ]);
        let mut errors = Vec::new();
        let hits = scan_index(&idx[..], &w, |e| errors.push(e.to_string()));
        assert_eq!(hits, vec![0, 1]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_stanza_is_its_first_package_line_and_extra_blank_lines_part_nothing() {
        // A second `Package:` line names no second package; blank lines in
        // a row, and a stanza that doesn't start with its name.
        let idx = "Package: other\nPackage: a\nVersion: 1\nArchitecture: all\n\n\n\n\
                   Version: 2\nArchitecture: all\nPackage: b\n\n\
                   Package: c\nPackage: c\nVersion: 3\nArchitecture: all\n";
        let w = wanted(&[("a", "1", "all"), ("b", "2", "all"), ("c", "3", "all")]);
        assert_eq!(scan_index(idx.as_bytes(), &w, |_| {}), vec![1, 2]);
    }

    #[test]
    fn an_index_without_blank_lines_is_given_up_with_an_error() {
        let idx = "Package: a\nVersion: 1\n".repeat((MAX_STANZA + 2 * BLOCK) / 22);
        let w = wanted(&[("a", "1", "amd64")]);
        let mut errors = Vec::new();
        let hits = scan_index(idx.as_bytes(), &w, |e| errors.push(e.to_string()));
        assert!(hits.is_empty());
        assert_eq!(errors, ["no blank line in 16 MiB"]);
    }

    #[test]
    fn a_package_found_in_one_index_is_not_looked_for_in_the_next() {
        let mut w = wanted(&[("a", "1", "all"), ("b", "1", "all")]);
        w.found(&[0]);
        let idx = "Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nVersion: 1\nArchitecture: all\n";
        assert_eq!(scan_index(idx.as_bytes(), &w, |_| {}), vec![1]);
    }

    /// Once every package looked for is found, the index is read no
    /// further: a reader that fails past the first blocks is never asked.
    #[test]
    fn an_index_is_read_until_every_package_is_found() {
        struct ThenFail<'a> {
            first: &'a [u8],
            reads_after: usize,
        }
        impl Read for ThenFail<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if !self.first.is_empty() {
                    return self.first.read(buf);
                }
                self.reads_after += 1;
                Err(std::io::Error::other("read past the packages looked for"))
            }
        }
        let mut first = b"Package: a\nVersion: 1\nArchitecture: all\n\n".to_vec();
        // More than one block, so the loop comes back for more.
        while first.len() < BLOCK + 10 {
            first.extend_from_slice(b"Package: filler\nVersion: 1\nArchitecture: all\n\n");
        }
        let mut reader = ThenFail {
            first: &first,
            reads_after: 0,
        };
        let mut errors = Vec::new();
        let w = wanted(&[("a", "1", "all")]);
        let hits = scan_index(&mut reader, &w, |e| errors.push(e.to_string()));
        assert_eq!(hits, vec![0]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(reader.reads_after, 0);
        // Still looking for one more: the error is met and reported.
        let w = wanted(&[("a", "1", "all"), ("b", "1", "all")]);
        let mut reader = ThenFail {
            first: &first,
            reads_after: 0,
        };
        let hits = scan_index(&mut reader, &w, |e| errors.push(e.to_string()));
        assert_eq!(hits, vec![0]);
        assert_eq!(errors, ["read past the packages looked for"]);
    }
}
