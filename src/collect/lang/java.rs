//! Java archives (JAR, WAR, EAR): `META-INF/MANIFEST.MF` (Implementation-
//! and Bundle- headers) and `META-INF/maven/GROUP/ARTIFACT/pom.properties`,
//! read from the zip central directory only: the `zip` crate seeks to the
//! end, reads the directory, and only these small entries are inflated,
//! each up to [`ARCHIVE_ENTRY`](super::ARCHIVE_ENTRY). Nested archives
//! (a fat JAR's `BOOT-INF/lib/*.jar`, a WAR's `WEB-INF/lib`) are not
//! unpacked, only listed (`nested_archives`).
//!
//! `MANIFEST.MF` is the JAR manifest format: `Name: value` lines wrapped at
//! 72 bytes, a continuation line starting with one space; the main section
//! ends at the first blank line. `pom.properties` is a Java properties
//! file (`key=value`, `#` comments). Both are read by hand: a few lines.

use super::{ARCHIVE, ARCHIVE_ENTRY, library, non_empty, parent};
use crate::image::Image;
use crate::model::inventory::{Evidence, Inventory, ManifestFile, Package, Source};
use crate::model::purl::purl;
use std::io::Read;

/// The main-section headers of a JAR manifest, continuation lines joined.
pub fn manifest_headers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(rest);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// `key=value` pairs of a properties file (`#`/`!` comments skipped).
fn properties(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(['#', '!']))
        .filter_map(|l| l.split_once(['=', ':']))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// An SPDX id for the licence URLs and names a `Bundle-License` states most
/// often; anything else is kept as stated (before its `;` attributes).
fn bundle_license(v: &str) -> String {
    let first = v
        .split(',')
        .next()
        .unwrap_or(v)
        .split(';')
        .next()
        .unwrap_or(v)
        .trim();
    let lower = first.to_ascii_lowercase();
    let known = [
        ("apache.org/licenses/license-2.0", "Apache-2.0"),
        ("opensource.org/licenses/mit", "MIT"),
        ("eclipse.org/legal/epl-2.0", "EPL-2.0"),
        ("eclipse.org/legal/epl-v20", "EPL-2.0"),
        ("eclipse.org/legal/epl-v10", "EPL-1.0"),
        ("opensource.org/licenses/bsd-3-clause", "BSD-3-Clause"),
        ("gnu.org/licenses/lgpl", "LGPL-2.1-or-later"),
    ];
    known
        .iter()
        .find(|(url, _)| lower.contains(url))
        .map_or_else(|| first.to_owned(), |(_, id)| (*id).to_owned())
}

/// What one archive says about itself.
#[derive(Debug, Default)]
pub struct ArchiveFacts {
    pub manifest: Vec<(String, String)>,
    /// `(entry, groupId, artifactId, version)` of each `pom.properties`.
    pub poms: Vec<(String, String, String, Option<String>)>,
    pub nested: Vec<String>,
}

/// Reads the central directory of a zip archive and inflates only the
/// manifest and the pom.properties entries, each bounded.
pub fn archive_facts<R: Read + std::io::Seek>(reader: R) -> Result<ArchiveFacts, String> {
    let mut zip =
        zip::ZipArchive::new(reader).map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut facts = ArchiveFacts::default();
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let read = |zip: &mut zip::ZipArchive<R>, name: &str| -> Option<String> {
        let entry = zip.by_name(name).ok()?;
        let mut text = Vec::new();
        entry.take(ARCHIVE_ENTRY).read_to_end(&mut text).ok()?;
        Some(String::from_utf8_lossy(&text).into_owned())
    };
    for name in &names {
        let lower = name.to_ascii_lowercase();
        if lower == "meta-inf/manifest.mf" {
            if let Some(t) = read(&mut zip, name) {
                facts.manifest = manifest_headers(&t);
            }
        } else if lower.starts_with("meta-inf/maven/") && lower.ends_with("/pom.properties") {
            let Some(t) = read(&mut zip, name) else {
                continue;
            };
            let p = properties(&t);
            let get = |k: &str| {
                p.iter()
                    .find(|(key, _)| key == k)
                    .and_then(|(_, v)| non_empty(v))
            };
            if let (Some(g), Some(a)) = (get("groupId"), get("artifactId")) {
                facts.poms.push((name.clone(), g, a, get("version")));
            }
        } else if [".jar", ".war", ".ear"].iter().any(|s| lower.ends_with(s)) {
            facts.nested.push(name.clone());
        }
    }
    Ok(facts)
}

/// `*.jar`, `*.war`, `*.ear`: the archive's own package (its Maven
/// coordinates when its pom.properties match its file name, else its
/// manifest), and the coordinates of classes shaded into it.
pub fn archive(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    if m.size > ARCHIVE.bytes {
        out.warn(
            &m.rel,
            format!("archive larger than {} bytes: not read", ARCHIVE.bytes),
        );
        return;
    }
    let file = match image
        .fs
        .resolve(&m.rel)
        .map_err(|e| e.to_string())
        .and_then(|real| {
            crate::image::read::open_resolved(&image.fs, &real).map_err(|e| e.to_string())
        }) {
        Ok(f) => f,
        Err(e) => {
            out.error(&m.rel, e);
            return;
        }
    };
    match archive_facts(std::io::BufReader::new(file)) {
        Ok(facts) => out.packages.extend(packages(&facts, &m.rel)),
        Err(e) => out.error(&m.rel, e),
    }
}

/// The packages of an archive at image path `rel`.
pub fn packages(facts: &ArchiveFacts, rel: &str) -> Vec<Package> {
    let file = crate::paths::file_name(rel);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let h = |k: &str| {
        facts
            .manifest
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| non_empty(v.split(';').next().unwrap_or(v)))
    };
    // The archive's own coordinates: the pom whose artifact names the file.
    let own = facts
        .poms
        .iter()
        .position(|(_, _, a, _)| stem == a || stem.starts_with(&format!("{a}-")))
        .or((facts.poms.len() == 1).then_some(0));
    let dir = parent(rel);
    let mut out = Vec::new();
    let mut main = match own.map(|i| &facts.poms[i]) {
        Some((entry, g, a, v)) => {
            let ev = Evidence::new(rel, "pom.properties", entry.clone());
            let mut p = library(Source::Maven, &format!("{g}:{a}"), ev, dir);
            p.version = v.clone().or_else(|| h("Implementation-Version"));
            p.purl = purl("maven", Some(g), a, p.version.as_deref(), &[]);
            p
        }
        None => {
            let name = h("Bundle-SymbolicName")
                .or_else(|| h("Implementation-Title"))
                .unwrap_or_else(|| stem.to_owned());
            let ev = Evidence::new(rel, "jar-manifest", "META-INF/MANIFEST.MF");
            let mut p = library(Source::Maven, &name, ev, dir);
            p.version = h("Implementation-Version")
                .or_else(|| h("Bundle-Version"))
                .or_else(|| h("Specification-Version"));
            p
        }
    };
    main.supplier.vendor = h("Implementation-Vendor").or_else(|| h("Bundle-Vendor"));
    main.license = h("Bundle-License").map(|l| bundle_license(&l));
    main.supplier.homepage = h("Bundle-DocURL");
    for (k, prop) in [
        ("Implementation-Title", "implementation_title"),
        ("Bundle-SymbolicName", "bundle_symbolic_name"),
        ("Bundle-Name", "bundle_name"),
    ] {
        if let Some(v) = h(k) {
            main.properties.insert(prop, v);
        }
    }
    if !facts.manifest.is_empty() && main.evidence[0].kind != "jar-manifest" {
        main.evidence
            .push(Evidence::new(rel, "jar-manifest", "META-INF/MANIFEST.MF"));
    }
    if !facts.nested.is_empty() {
        main.properties
            .insert("nested_archives", facts.nested.join(", "));
    }
    main.files.push(rel.to_owned());
    out.push(main);
    for (i, (entry, g, a, v)) in facts.poms.iter().enumerate() {
        if Some(i) == own {
            continue;
        }
        let ev = Evidence::new(rel, "pom.properties", entry.clone());
        let mut p = library(Source::Maven, &format!("{g}:{a}"), ev, dir);
        p.version = v.clone();
        p.purl = purl("maven", Some(g), a, v.as_deref(), &[]);
        p.properties.insert("shaded_in", rel.to_owned());
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_continue_after_one_space() {
        let h = manifest_headers(
            "Manifest-Version: 1.0\r\nBundle-License: https://www.apache.org/licenses/LICENSE-2.0.t\r\n xt\r\nImplementation-Vendor: The Apache Software Foundation\r\n\r\nName: x\r\nImplementation-Vendor: other\r\n",
        );
        assert_eq!(h.len(), 3);
        assert_eq!(h[1].1, "https://www.apache.org/licenses/LICENSE-2.0.txt");
        assert_eq!(bundle_license(&h[1].1), "Apache-2.0");
        assert_eq!(bundle_license("Proprietary;link=x"), "Proprietary");
    }
}
