//! Licences of dpkg packages from their machine-readable copyright files
//! (`usr/share/doc/PACKAGE/copyright`, DEP-5, "copyright-format 1.0").
//!
//! A hand-written reader, because the format is a handful of RFC 822-style
//! paragraphs and only their first lines matter here: paragraphs are
//! separated by blank lines, a field is `Name: value` with continuation
//! lines starting with a space or tab. The first paragraph must carry a
//! `Format:` field naming the copyright format (a URL with
//! `copyright-format` or `dep5` in it); any other file is free text and
//! gives no licence, as Syft and Trivy treat it too.
//!
//! The package's licence is every licence its `Files:` paragraphs state, as
//! one expression: the `Files: *` paragraph's licence first (the licence of
//! the package as a whole), then each further distinct licence in file
//! order, joined with `and`, since the package ships all those files. Syft
//! lists the same licences as a set; an `and` says the same as one SPDX
//! expression. Stand-alone `License:` paragraphs (full texts for short
//! names used above) and the header's own `License:` add nothing. Each
//! `License:` first line is DEP-5's own expression syntax (`GPL-2+ or
//! Artistic`, `GPL-2+ with OpenSSL exception`; `A or B, and C` groups
//! before the comma), kept in Debian's short names: the assessment maps
//! them to SPDX ids through the licence table (`rules/licenses.toml`).

use crate::bounded::Cap;
use crate::image::read::read_resolved;
use crate::image::{Image, ResolveError};
use crate::model::inventory::{Evidence, Inventory, Package};

/// Copyright files of real packages reach a few hundred KiB (firmware,
/// TeX Live); 4 MiB leaves an order of magnitude.
const CAP: Cap = Cap {
    bytes: 4 << 20,
    what: "a copyright file",
};

/// A DEP-5 file's licence: the expression and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep5 {
    pub license: String,
    /// The line of the first paragraph that gave a licence.
    pub line: usize,
    /// That paragraph's `Files:` value (`*` as a rule).
    pub files: String,
    /// How many `Files:` paragraphs stated a licence.
    pub stanzas: usize,
}

/// Reads the package's copyright file, if any, and sets its licence with
/// evidence naming the file and paragraph. A missing file or one in free
/// text says nothing; one that can't be read is a warning.
pub fn read(image: &Image, pkg: &mut Package, out: &mut Inventory) {
    let path = format!("usr/share/doc/{}/copyright", pkg.name);
    let fs = image.as_ref();
    let real = match fs.resolve(&path) {
        Ok(p) => p,
        Err(ResolveError::NotFound | ResolveError::NotADirectory) => return,
        Err(e) => return out.warn(&path, e),
    };
    let text = match read_resolved(fs, &real, CAP) {
        // Valid UTF-8 (nearly every file) is taken as it is, not copied.
        Ok(b) => String::from_utf8(b)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => return out.warn(&path, e),
    };
    let Some(d) = parse(&text) else {
        return;
    };
    pkg.evidence.push(Evidence::new(
        &path,
        "dep5-copyright",
        format!(
            "line {}: Files: {} ({} Files paragraph{} with a licence)",
            d.line,
            d.files,
            d.stanzas,
            if d.stanzas == 1 { "" } else { "s" }
        ),
    ));
    pkg.license = Some(d.license);
}

/// One paragraph: its first line and its fields' first lines.
struct Paragraph<'a> {
    line: usize,
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Paragraph<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }
}

fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut cur: Option<Paragraph> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            out.extend(cur.take());
            continue;
        }
        // Continuation lines and comments carry nothing read here.
        if line.starts_with([' ', '\t', '#']) {
            continue;
        }
        if let Some((k, v)) = line.split_once(':')
            && !k.is_empty()
            && !k.contains(' ')
        {
            cur.get_or_insert_with(|| Paragraph {
                line: i + 1,
                fields: Vec::new(),
            })
            .fields
            .push((k, v.trim()));
        }
    }
    out.extend(cur);
    out
}

/// The licence of a DEP-5 file (see the module doc); `None` for a file in
/// free text or one whose `Files:` paragraphs state no licence.
pub fn parse(text: &str) -> Option<Dep5> {
    let paras = paragraphs(text);
    let format = paras.first()?.get("Format")?.to_ascii_lowercase();
    if !(format.contains("copyright-format") || format.contains("dep5")) {
        return None;
    }
    let stated: Vec<(&Paragraph, &str)> = paras[1..]
        .iter()
        .filter(|p| p.get("Files").is_some())
        .filter_map(|p| Some((p, p.get("License").filter(|l| !l.is_empty())?)))
        .collect();
    let (first, _) = stated
        .iter()
        .find(|(p, _)| {
            p.get("Files")
                .is_some_and(|f| f.split_whitespace().any(|f| f == "*"))
        })
        .or(stated.first())?;
    let mut licences: Vec<String> = Vec::new();
    let lead = stated.iter().filter(|(p, _)| p.line == first.line);
    for (_, l) in lead.chain(stated.iter().filter(|(p, _)| p.line != first.line)) {
        let l = grouped(l);
        if !licences.contains(&l) {
            licences.push(l);
        }
    }
    let license = crate::model::inventory::all_licences(&licences, "and");
    Some(Dep5 {
        license,
        line: first.line,
        files: first.get("Files").unwrap_or("*").to_owned(),
        stanzas: stated.len(),
    })
}

/// One `License:` first line with DEP-5's comma made explicit: `A or B,
/// and C` is `(A or B) and (C)`; spaces collapsed.
fn grouped(l: &str) -> String {
    let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
    let parts: Vec<&str> = l.split(", ").collect();
    if parts.len() == 1 {
        return l;
    }
    let mut out = format!("({})", parts[0]);
    for p in &parts[1..] {
        let (op, rest) = match p.split_once(' ') {
            Some((op, rest)) if op.eq_ignore_ascii_case("and") || op.eq_ignore_ascii_case("or") => {
                (op, rest)
            }
            _ => ("and", *p),
        };
        out.push_str(&format!(" {op} ({rest})"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEP5: &str = "\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: example
Source: https://example.org
# a comment: with a colon

Files: src/compat/*
Copyright: 2001 Someone
License: BSD-3-clause

Files: *
Copyright: 1999-2024 The Example Authors
           2020 Another: Author
License: GPL-2+ with OpenSSL exception
 This program is free software; you can redistribute it
 .
 License: not a field, a continuation

Files: debian/*
Copyright: 2024 A Maintainer
License: GPL-2+ with OpenSSL exception

Files: doc/*
Copyright: none
License: GPL-2+ or Artistic, and public-domain

License: BSD-3-clause
 Redistribution and use in source and binary forms...
";

    #[test]
    fn files_star_first_then_every_other_licence_once() {
        let d = parse(DEP5).unwrap();
        assert_eq!(
            d.license,
            "(GPL-2+ with OpenSSL exception) and BSD-3-clause and \
             ((GPL-2+ or Artistic) and (public-domain))"
        );
        assert_eq!((d.line, d.files.as_str(), d.stanzas), (10, "*", 4));
    }

    #[test]
    fn free_text_and_odd_files_give_nothing() {
        assert_eq!(
            parse("This package was debianized by...\n\nLicense: GPL\n"),
            None
        );
        assert_eq!(
            parse("Format: something else\n\nFiles: *\nLicense: MIT\n"),
            None
        );
        // A DEP-5 header and no Files paragraph with a licence.
        assert_eq!(
            parse(
                "Format: http://dep.debian.net/deps/dep5\n\nFiles: *\nCopyright: x\n\nLicense: MIT\n text\n"
            ),
            None
        );
        assert_eq!(parse(""), None);
    }

    #[test]
    fn without_files_star_the_first_paragraph_leads() {
        let d = parse(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n\
             Files: a/*\nLicense: Expat\n\nFiles: b/* c/*\nLicense: Expat\n",
        )
        .unwrap();
        assert_eq!(
            (d.license.as_str(), d.files.as_str(), d.stanzas),
            ("Expat", "a/*", 2)
        );
    }
}
