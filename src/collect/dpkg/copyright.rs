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
use crate::bounded::too_large;
use crate::image::Image;
use crate::image::read::open;
use crate::model::inventory::{Evidence, Inventory, Package};
use std::io::Read;

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
///
/// `buf` is the caller's, reused from package to package.
pub fn read(image: &Image, pkg: &mut Package, buf: &mut Vec<u8>, out: &mut Inventory) {
    let path = format!("usr/share/doc/{}/copyright", pkg.name);
    let file = match open(image, &path) {
        Ok(Some(f)) => f,
        Ok(None) => return,
        Err(e) => return out.warn(&path, e),
    };
    let paras = match file.snapshot().and_then(|st| paragraphs(file, st.len, buf)) {
        Ok(p) => p,
        Err(e) => return out.warn(&path, e),
    };
    let Some(d) = licence(&paras) else {
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

/// One paragraph: its first line and the first lines of the fields read
/// here (the first of each name, matched without regard to case).
#[derive(Default)]
struct Paragraph {
    line: usize,
    format: Option<String>,
    files: Option<String>,
    license: Option<String>,
}

impl Paragraph {
    /// Keeps a field line's value if its name is one read here.
    fn field(&mut self, key: &[u8], value: &[u8]) {
        let slot = if key.eq_ignore_ascii_case(b"Files") {
            &mut self.files
        } else if key.eq_ignore_ascii_case(b"License") {
            &mut self.license
        } else if key.eq_ignore_ascii_case(b"Format") {
            &mut self.format
        } else {
            return;
        };
        if slot.is_none() {
            *slot = Some(String::from_utf8_lossy(value).trim().to_owned());
        }
    }
}

/// How much of a copyright file is read at a time.
const BLOCK: usize = 64 << 10;

/// The paragraphs of a copyright file of `len` bytes (as its status says),
/// read in blocks of [`BLOCK`] into `buf` and split into lines as
/// `str::lines` would (`\n` or `\r\n`): a blank or white-space-only line
/// ends a paragraph; continuation lines and comments are passed over.
///
/// Streamed, not read whole, and most lines decided by their first byte:
/// a package's copyright file can run to 2 MB and 47,000 lines (the Boost
/// libraries ship five such), nearly all continuation lines. A block stays
/// in the cache while its lines are looked at; with the lines split this
/// way, the 13 MB of a Debian desktop's copyright files took 14 ms instead
/// of 30–44 ms read whole and split with `str::lines`. Past [`CAP`] is an
/// error.
fn paragraphs(file: impl Read, len: u64, buf: &mut Vec<u8>) -> std::io::Result<Vec<Paragraph>> {
    paragraphs_in_blocks(file, len, buf, BLOCK)
}

/// [`paragraphs`], in blocks of `block` bytes (tests try small ones).
/// Lines are cut in the block itself, only a line across two blocks
/// copied (`carry`): `BufReader::read_until`, which copies every line out,
/// cost the realistic Debian scan 4 % more cpu.
fn paragraphs_in_blocks(
    mut file: impl Read,
    len: u64,
    buf: &mut Vec<u8>,
    block: usize,
) -> std::io::Result<Vec<Paragraph>> {
    if len > CAP.bytes {
        return Err(too_large(CAP));
    }
    buf.resize(block, 0);
    let mut split = Splitter::default();
    let mut carry: Vec<u8> = Vec::new();
    let mut total = 0u64;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        if total > CAP.bytes {
            return Err(too_large(CAP));
        }
        let mut data = &buf[..n];
        if !carry.is_empty() {
            match memchr::memchr(b'\n', data) {
                Some(i) => {
                    carry.extend_from_slice(&data[..i]);
                    split.line(&carry);
                    carry.clear();
                    data = &data[i + 1..];
                }
                None => {
                    carry.extend_from_slice(data);
                    continue;
                }
            }
        }
        while let Some(i) = memchr::memchr(b'\n', data) {
            split.line(&data[..i]);
            data = &data[i + 1..];
        }
        carry.extend_from_slice(data);
    }
    if !carry.is_empty() {
        split.line(&carry);
    }
    split.out.extend(split.cur);
    Ok(split.out)
}

/// Lines into paragraphs, one line at a time.
#[derive(Default)]
struct Splitter {
    number: usize,
    cur: Option<Paragraph>,
    out: Vec<Paragraph>,
}

impl Splitter {
    /// One line without its `\n` (a `\r` before it is part of the line
    /// ending).
    fn line(&mut self, line: &[u8]) {
        self.number += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // White space only (`str::trim`'s, Unicode's): decided on the
        // ASCII white space it starts with and the byte after.
        let lead = line
            .iter()
            .position(|&b| !matches!(b, b'\t'..=b'\r' | b' '))
            .unwrap_or(line.len());
        let blank = match line.get(lead) {
            None => true,
            Some(b) if b.is_ascii() => false,
            Some(_) => String::from_utf8_lossy(&line[lead..])
                .trim_start()
                .is_empty(),
        };
        if blank {
            self.out.extend(self.cur.take());
            return;
        }
        // Continuation lines and comments carry nothing read here.
        if matches!(line[0], b' ' | b'\t' | b'#') {
            return;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            return;
        };
        let key = &line[..colon];
        if key.is_empty() || key.contains(&b' ') {
            return;
        }
        let number = self.number;
        self.cur
            .get_or_insert_with(|| Paragraph {
                line: number,
                ..Default::default()
            })
            .field(key, &line[colon + 1..]);
    }
}

/// The licence of a DEP-5 file (see the module doc); `None` for a file in
/// free text or one whose `Files:` paragraphs state no licence.
#[cfg(test)]
fn parse(text: &str) -> Option<Dep5> {
    let paras = paragraphs(text.as_bytes(), text.len() as u64, &mut Vec::new()).ok()?;
    licence(&paras)
}

/// The licence the paragraphs of a DEP-5 file state; `None` for a file in
/// free text or one whose `Files:` paragraphs state no licence.
fn licence(paras: &[Paragraph]) -> Option<Dep5> {
    let format = paras.first()?.format.as_deref()?.to_ascii_lowercase();
    if !(format.contains("copyright-format") || format.contains("dep5")) {
        return None;
    }
    let stated: Vec<(&Paragraph, &str)> = paras[1..]
        .iter()
        .filter(|p| p.files.is_some())
        .filter_map(|p| Some((p, p.license.as_deref().filter(|l| !l.is_empty())?)))
        .collect();
    let (first, _) = stated
        .iter()
        .find(|(p, _)| {
            p.files
                .as_deref()
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
        files: first.files.clone().unwrap_or_else(|| "*".to_owned()),
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

    /// A paragraph's line and the fields read (format, files, licence).
    type Fields = (usize, Option<String>, Option<String>, Option<String>);

    /// The paragraphs as `str::lines` splits the whole text (the reader
    /// before the copyright files were streamed): the oracle.
    fn by_lines(text: &str) -> Vec<Fields> {
        let mut out = Vec::new();
        let mut cur: Option<Paragraph> = None;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                out.extend(cur.take());
                continue;
            }
            if line.starts_with([' ', '\t', '#']) {
                continue;
            }
            if let Some((k, v)) = line.split_once(':')
                && !k.is_empty()
                && !k.contains(' ')
            {
                cur.get_or_insert_with(|| Paragraph {
                    line: i + 1,
                    ..Default::default()
                })
                .field(k.as_bytes(), v.as_bytes());
            }
        }
        out.extend(cur);
        out.into_iter()
            .map(|p| (p.line, p.format, p.files, p.license))
            .collect()
    }

    #[test]
    fn streamed_in_blocks_as_lines_splits_the_whole_text() {
        // Longer than four blocks, so lines, `\r\n` pairs and paragraphs
        // straddle block ends at many offsets; blank lines of spaces, tabs,
        // a form feed and Unicode white space; non-ASCII values.
        let mut text = String::from(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
        );
        let seps = [
            "\n",
            "\r\n",
            " \t\r\n",
            "\u{a0}\u{2003}\n",
            "\x0c\n",
            " \u{3000} \n",
        ];
        let mut i = 0;
        while text.len() < 5 * BLOCK + 1000 {
            let sep = seps[i % seps.len()];
            let eol = if i % 3 == 0 { "\r\n" } else { "\n" };
            text.push_str(sep);
            text.push_str(&format!("Files: dir{i}/* ünï{i}{eol}"));
            text.push_str(&format!("Copyright: {i} Someone: with a colon{eol}"));
            for k in 0..(i % 40) {
                text.push_str(&format!(" continuation {k} License: no{eol}"));
            }
            text.push_str(&format!("license: L{} or Ärtistic  {eol}", i % 17));
            text.push_str(&format!("# comment{eol} .{eol}X-Other:{eol}"));
            i += 1;
        }
        text.push_str("\nFiles: last\nLicense: final\r");
        let expected = by_lines(&text);
        assert!(expected.len() > 400, "{}", expected.len());
        // Blocks of every small size end inside every kind of line.
        for block in [1, 2, 3, 5, 8, 13, 64, 1000, 4096, BLOCK] {
            let streamed: Vec<_> =
                paragraphs_in_blocks(text.as_bytes(), text.len() as u64, &mut Vec::new(), block)
                    .unwrap()
                    .into_iter()
                    .map(|p| (p.line, p.format, p.files, p.license))
                    .collect();
            assert_eq!(streamed, expected, "blocks of {block}");
        }
        // And the licence read from it: the first paragraph's, then every
        // other in order, once each.
        let d = parse(&text).unwrap();
        assert_eq!(d.stanzas, i + 1);
        assert!(
            d.license
                .starts_with("(L0 or Ärtistic) and (L1 or Ärtistic)"),
            "{}",
            d.license
        );
    }

    #[test]
    fn a_file_past_the_cap_is_an_error() {
        let big = [b'x'; 100];
        let e = paragraphs(&big[..], CAP.bytes + 1, &mut Vec::new())
            .err()
            .unwrap();
        assert!(e.to_string().contains("a copyright file"), "{e}");
        // A file that grows past its status while it is read.
        struct Endless;
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(b'\n');
                Ok(buf.len())
            }
        }
        let e = paragraphs(Endless, 10, &mut Vec::new()).err().unwrap();
        assert!(e.to_string().contains("a copyright file"), "{e}");
    }
}
