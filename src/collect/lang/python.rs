//! Python distributions: `*.dist-info` (wheels installed by pip and its
//! kin), `*.egg-info` (setuptools, distutils) and conda's `conda-meta`.
//!
//! `METADATA` and `PKG-INFO` are the core metadata format (PEP 241/314/
//! 345/566/639): e-mail-style headers, `Key: value`, a line starting with
//! white space continuing the one before, the description after the first
//! blank line. That is read by hand below (the `mailparse`-style crates
//! would bring MIME decoding nobody needs here). The licence is taken, in
//! this order, from `License-Expression` (PEP 639, SPDX), the licence
//! classifiers (`License :: OSI Approved :: MIT License`, mapped to SPDX by
//! a small table; unmapped ones are kept as stated text), then a one-line
//! `License` field; a multi-line `License` (the full text of a licence,
//! as proprietary wheels ship) is kept by its first line.
//!
//! `RECORD` (wheels) is CSV `path,hash,size`, each path relative to the
//! folder holding the `.dist-info` (`../../../bin/x` for scripts);
//! `installed-files.txt` (pip installing an sdist) lists paths relative to
//! the `.egg-info` folder. These are the files the package owns: a `.so` or
//! `.pyd` listed there attaches to this package, not to the interpreter.

use super::{library, non_empty, parent, read_or_record};
use crate::image::Image;
use crate::model::inventory::{Evidence, Inventory, ManifestFile, Package, Source};
use crate::model::purl::purl;

/// The core-metadata headers of a METADATA or PKG-INFO text, in order;
/// a repeated key (`Classifier`) appears once per line.
pub fn headers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        // Only an empty line ends the headers: a line of white space
        // continues a field (a licence text's empty lines, as setuptools
        // writes them).
        if line.trim_end_matches('\r').is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// The SPDX id of a trove licence classifier, for the common ones that
/// name one licence (`BSD License` names none of the BSD variants: it is
/// kept as stated).
fn classifier_spdx(classifier: &str) -> Option<&'static str> {
    let name = classifier.rsplit("::").next()?.trim();
    Some(match name {
        "MIT License" => "MIT",
        "Apache Software License" => "Apache-2.0",
        "ISC License (ISCL)" => "ISC",
        "Python Software Foundation License" => "PSF-2.0",
        "Mozilla Public License 2.0 (MPL 2.0)" => "MPL-2.0",
        "GNU General Public License v2 (GPLv2)" => "GPL-2.0-only",
        "GNU General Public License v2 or later (GPLv2+)" => "GPL-2.0-or-later",
        "GNU General Public License v3 (GPLv3)" => "GPL-3.0-only",
        "GNU General Public License v3 or later (GPLv3+)" => "GPL-3.0-or-later",
        "GNU Lesser General Public License v2 (LGPLv2)" => "LGPL-2.0-only",
        "GNU Lesser General Public License v2 or later (LGPLv2+)" => "LGPL-2.0-or-later",
        "GNU Lesser General Public License v3 (LGPLv3)" => "LGPL-3.0-only",
        "GNU Lesser General Public License v3 or later (LGPLv3+)" => "LGPL-3.0-or-later",
        "GNU Affero General Public License v3" => "AGPL-3.0-only",
        "Eclipse Public License 2.0 (EPL-2.0)" => "EPL-2.0",
        "The Unlicense (Unlicense)" => "Unlicense",
        "Zope Public License" => "ZPL-2.1",
        "Boost Software License 1.0 (BSL-1.0)" => "BSL-1.0",
        _ => return None,
    })
}

/// The licence a distribution states (see the module doc), and the field
/// it came from.
pub fn license(h: &[(String, String)]) -> Option<(String, &'static str)> {
    let get = |k: &str| h.iter().find(|(key, _)| key.eq_ignore_ascii_case(k));
    if let Some((_, v)) = get("License-Expression")
        && let Some(v) = non_empty(v)
    {
        return Some((v, "License-Expression"));
    }
    let classifiers: Vec<&str> = h
        .iter()
        .filter(|(k, v)| k.eq_ignore_ascii_case("Classifier") && v.starts_with("License ::"))
        .map(|(_, v)| v.as_str())
        .filter(|v| v.trim() != "License :: OSI Approved")
        .collect();
    let spdx: Option<Vec<&str>> = classifiers.iter().map(|c| classifier_spdx(c)).collect();
    let mapped: Vec<String> = classifiers
        .iter()
        .map(|c| classifier_spdx(c).map_or_else(|| c.to_string(), str::to_owned))
        .collect();
    let all_spdx = spdx.is_some_and(|v| !v.is_empty());
    let field = get("License").and_then(|(_, v)| {
        let first = v.lines().next().unwrap_or("").trim();
        let unknown = first.is_empty() || first.eq_ignore_ascii_case("UNKNOWN");
        (!unknown).then(|| (first.to_owned(), !v.contains('\n') && first.len() <= 80))
    });
    let classified = || Some((mapped.join(" OR "), "Classifier"));
    match field {
        // A short licence name or SPDX id in `License` is the package's own word.
        Some((v, true)) => Some((v, "License")),
        _ if all_spdx => classified(),
        // A licence text says more than a classifier no SPDX id stands for
        // (`Other/Proprietary License`).
        Some((v, false)) => Some((v, "License")),
        None if !mapped.is_empty() => classified(),
        None => None,
    }
}

/// A person or company from `Author` / `Author-email` (`Jane <j@x.org>`,
/// `"SAP SE" <x@sap.com>`).
fn person(h: &[(String, String)], name: &str, email: &str) -> Option<String> {
    let get = |k: &str| {
        h.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| non_empty(v))
            .filter(|v| !v.eq_ignore_ascii_case("UNKNOWN"))
    };
    get(name).or_else(|| get(email))
}

/// A package from core metadata; `None` without a `Name`.
pub fn from_metadata(text: &str, evidence: Evidence, shipped_in: &str) -> Option<Package> {
    let h = headers(text);
    let get = |k: &str| {
        h.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .and_then(|(_, v)| non_empty(v))
    };
    let name = get("Name")?;
    let mut p = library(Source::Pypi, &name, evidence, shipped_in);
    p.version = get("Version");
    if let Some((l, field)) = license(&h) {
        p.license = Some(l);
        p.properties.insert("license_field", field.to_owned());
    }
    p.supplier.vendor = person(&h, "Author", "Author-email");
    p.supplier.maintainer = person(&h, "Maintainer", "Maintainer-email");
    p.supplier.homepage = get("Home-page").or_else(|| {
        h.iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Project-URL"))
            .find_map(|(_, v)| {
                let (label, url) = v.split_once(',')?;
                matches!(label.trim().to_lowercase().as_str(), "homepage" | "home")
                    .then(|| url.trim().to_owned())
            })
    });
    if let Some(s) = get("Summary") {
        p.properties.insert("summary", s);
    }
    p.purl = purl("pypi", None, &pypi_name(&name), p.version.as_deref(), &[]);
    Some(p)
}

/// A PyPI name as the purl spec writes it: lower case, `_` as `-`.
fn pypi_name(name: &str) -> String {
    name.to_lowercase().replace(['_', '.'], "-")
}

/// The package of a METADATA or PKG-INFO file at `rel` (evidence of
/// `kind`), shipped in `site`; a problem recorded in `out` otherwise.
fn read_metadata(
    image: &Image,
    rel: &str,
    kind: &str,
    site: &str,
    out: &mut Inventory,
) -> Option<Package> {
    let text = read_or_record(image, rel, out)?;
    let ev = Evidence::new(rel, kind, "Name, Version, License");
    let p = from_metadata(&text, ev, site);
    if p.is_none() {
        out.error(rel, "core metadata without Name");
    }
    p
}

/// `SITE/NAME.dist-info/METADATA`, its RECORD and INSTALLER.
pub fn dist_info(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    let info = parent(&m.rel);
    let site = parent(info);
    let Some(mut p) = read_metadata(image, &m.rel, "python-metadata", site, out) else {
        return;
    };
    let record = format!("{info}/RECORD");
    if let Some(text) = read_or_record(image, &record, out) {
        p.files = record_files(&text, site);
        p.evidence
            .push(Evidence::new(&record, "python-record", "files"));
    }
    let installer = format!("{info}/INSTALLER");
    if let Ok(Some(text)) = super::read_manifest(image, &installer)
        && let Some(i) = non_empty(&text)
    {
        p.properties.insert("installer", i);
    }
    out.packages.push(p);
}

/// The files a RECORD names, as image paths below `site`. A path with a
/// comma is quoted (CSV); the hash and size columns are not needed.
pub fn record_files(text: &str, site: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(0).and_then(non_empty))
        .map(|f| crate::paths::normalize(&super::super::join(site, &f)))
        .collect()
}

/// `SITE/NAME.egg-info/PKG-INFO` with `installed-files.txt`, or an
/// `.egg-info` file (distutils, Debian's own Python packages).
pub fn egg_info(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    let is_dir_form = m.rel.ends_with("/PKG-INFO");
    let info = if is_dir_form { parent(&m.rel) } else { &m.rel };
    let site = parent(info);
    let Some(mut p) = read_metadata(image, &m.rel, "python-pkg-info", site, out) else {
        return;
    };
    if is_dir_form {
        let list = format!("{info}/installed-files.txt");
        if let Ok(Some(text)) = super::read_manifest(image, &list) {
            p.files = text
                .lines()
                .filter_map(non_empty)
                .map(|f| crate::paths::normalize(&super::super::join(info, &f)))
                .collect();
            p.evidence
                .push(Evidence::new(&list, "python-installed-files", "files"));
        }
    }
    out.packages.push(p);
}

/// `ENV/conda-meta/NAME-VERSION-BUILD.json`: `name`, `version`, `build`,
/// `channel`, `license`, `files` (relative to the environment `ENV`).
pub fn conda(image: &Image, m: &ManifestFile, out: &mut Inventory) {
    let env = parent(parent(&m.rel));
    let Some(text) = read_or_record(image, &m.rel, out) else {
        return;
    };
    let v = match crate::formats::nesting::parse_json::<serde_json::Value>(text.as_bytes()) {
        Ok(v) => v,
        Err(e) => {
            out.error(&m.rel, e);
            return;
        }
    };
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).and_then(non_empty);
    let Some(name) = s("name") else {
        // `conda-meta/history` is no JSON; other JSON files there without
        // a name are not package records.
        return;
    };
    let ev = Evidence::new(&m.rel, "conda-meta", "name, version, license");
    let mut p = library(Source::Conda, &name, ev, env);
    p.version = s("version");
    p.license = s("license");
    p.supplier.publisher = s("channel");
    p.arch = s("subdir");
    for k in ["build", "url"] {
        if let Some(x) = s(k) {
            p.properties.insert(k, x);
        }
    }
    p.files = v
        .get("files")
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str())
                .map(|f| crate::paths::normalize(&super::super::join(env, f)))
                .collect()
        })
        .unwrap_or_default();
    let channel = s("channel").map(|c| c.trim_end_matches('/').to_owned());
    p.purl = purl(
        "conda",
        None,
        &name.to_lowercase(),
        p.version.as_deref(),
        &[
            ("build", s("build").as_deref()),
            ("channel", channel.as_deref()),
            ("subdir", s("subdir").as_deref()),
        ],
    );
    out.packages.push(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_metadata_with_each_licence_field() {
        let ev = || Evidence::new("m", "python-metadata", "");
        let p = from_metadata(
            "Metadata-Version: 2.4\nName: Foo_Bar\nVersion: 1.2\nLicense-Expression: MIT OR Apache-2.0\n\
             Author-email: Jane <j@example.org>\n\nlong description\nLicense: nope\n",
            ev(),
            "site",
        )
        .unwrap();
        assert_eq!(p.license.as_deref(), Some("MIT OR Apache-2.0"));
        assert_eq!(p.purl.as_deref(), Some("pkg:pypi/foo-bar@1.2"));
        assert_eq!(p.supplier.vendor.as_deref(), Some("Jane <j@example.org>"));
        let p = from_metadata(
            "Name: x\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n",
            ev(),
            "site",
        )
        .unwrap();
        assert_eq!(p.license.as_deref(), Some("MIT"));
        // A licence text in the field: its first line, as stated.
        let p = from_metadata(
            "Name: hdbcli\nVersion: 2.22\nLicense: SAP DEVELOPER LICENSE AGREEMENT\n        \n        Version 3.2\n\
             Author: SAP SE\n",
            ev(),
            "site",
        )
        .unwrap();
        assert_eq!(
            p.license.as_deref(),
            Some("SAP DEVELOPER LICENSE AGREEMENT")
        );
        assert_eq!(p.supplier.vendor.as_deref(), Some("SAP SE"));
        assert!(from_metadata("Version: 1\n", ev(), "site").is_none());
    }

    #[test]
    fn record_paths_are_image_paths() {
        let files = record_files(
            "foo/__init__.py,sha256=x,10\nfoo/_c.cpython-311-x86_64-linux-gnu.so,,\n\
             \"foo/a,b.py\",,\n../../../bin/foo,,\nfoo-1.0.dist-info/RECORD,,\n",
            "usr/local/lib/python3.11/dist-packages",
        );
        assert_eq!(
            files,
            [
                "usr/local/lib/python3.11/dist-packages/foo/__init__.py",
                "usr/local/lib/python3.11/dist-packages/foo/_c.cpython-311-x86_64-linux-gnu.so",
                "usr/local/lib/python3.11/dist-packages/foo/a,b.py",
                "usr/local/bin/foo",
                "usr/local/lib/python3.11/dist-packages/foo-1.0.dist-info/RECORD",
            ]
        );
    }
}
