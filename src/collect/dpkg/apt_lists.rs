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
//! Indexes are streamed line by line (a Debian main index is ~50 MB) and only
//! the three fields needed are looked at.

use crate::collect::{join, list_dir};
use crate::image::Image;
use crate::image::read::{ReadError, open_resolved};
use crate::model::inventory::{Evidence, Inventory, Package};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

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

/// Returns the indices of wanted packages the index lists.
fn scan_index(
    reader: impl Read,
    wanted: &HashMap<(&str, &str, &str), usize>,
    mut on_error: impl FnMut(std::io::Error),
) -> Vec<usize> {
    let mut r = BufReader::with_capacity(1 << 18, reader);
    let mut line = String::new();
    let (mut name, mut version, mut arch) = (String::new(), String::new(), String::new());
    let mut hits = Vec::new();
    loop {
        line.clear();
        let n = match r.read_line(&mut line) {
            Ok(n) => n,
            Err(e) => {
                on_error(e);
                break;
            }
        };
        let l = line.trim_end();
        if n == 0 || l.is_empty() {
            // `Architecture: all` packages are installed under that name too.
            if !name.is_empty()
                && let Some(&i) = wanted.get(&(name.as_str(), version.as_str(), arch.as_str()))
            {
                hits.push(i);
            }
            name.clear();
            version.clear();
            arch.clear();
            if n == 0 {
                break;
            }
            continue;
        }
        if let Some(v) = l.strip_prefix("Package: ") {
            v.clone_into(&mut name);
        } else if let Some(v) = l.strip_prefix("Version: ") {
            v.clone_into(&mut version);
        } else if let Some(v) = l.strip_prefix("Architecture: ") {
            v.clone_into(&mut arch);
        }
    }
    hits
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
        let mut wanted = HashMap::new();
        wanted.insert(("libc6", "2.36-9+deb12u9", "amd64"), 0);
        wanted.insert(("tzdata", "2024a-0+deb12u1", "all"), 1);
        wanted.insert(("bash", "5.2.15-2+b2", "amd64"), 2);
        let hits = scan_index(idx.as_bytes(), &wanted, |_| {});
        assert_eq!(hits, vec![0, 1]);
    }
}
