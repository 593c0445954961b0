//! Mach-O files read in part: the parts [`macho::read`](super::macho::read)
//! and goblin's parser look at, not the code and data around them.
//!
//! An application's main binary or framework is mostly `__TEXT` and
//! `__DATA`, often twice or three times over (a universal binary holds a
//! slice per architecture), and none of it says who made the file. As for
//! ELF ([`elf_parts`](super::elf_parts)), the file is read into a zeroed
//! buffer of its full size (memory the allocator maps lazily, so the pages
//! never written are never resident), in steps, each by the offsets the
//! previous one read:
//! 1. the first [`FIRST`] bytes: a thin file's header and usually its load
//!    commands, or a fat file's header and then its architecture table
//!    (`fat_header`, `fat_arch[n]`, big-endian);
//! 2. for each slice (the whole file when thin), its Mach-O header and its
//!    load commands (`sizeofcmds` bytes after the header); a slice that is
//!    a static archive (`!<arch>`) is read whole, goblin parses all of it;
//! 3. by the load commands, as goblin reads them: the `LC_CODE_SIGNATURE`
//!    blob (SuperBlob, CodeDirectory, CMS signature) and the sections the
//!    reader copies out (`__go_buildinfo`, `.dep-v0`).
//!
//! goblin's Mach-O parser reads only headers and load commands (the symbol
//! table, the export trie and the segments' data it only slices, and the
//! reader never looks into them): with the same bytes at every offset it
//! reads and zeros elsewhere, it gives the same record. Every offset is the
//! one the headers state, clamped to the file. A file whose headers don't
//! lead the way (a 64-bit fat header, more slices than a fat header may
//! hold, load commands goblin rejects) is read whole.

use super::WholeReadError;
use super::buffer::Buffer;
use super::macho::{DEP_SECTION, GO_SECTION, MAX_SLICES};
use crate::image::{ImageFile, Snapshot};
use goblin::mach::load_command::CommandVariant;
use goblin::mach::{Mach, MachO, MultiArch, SingleArch};

/// Files up to this size are read whole: a few `pread`s more would cost
/// more than the bytes they save.
pub const WHOLE_BELOW: u64 = super::elf_parts::WHOLE_BELOW;

/// The first read: a thin file's header and, in practice, its load
/// commands; a fat file's architecture table.
const FIRST: u64 = 16 << 10;

/// A Mach-O header (64-bit; the 32-bit one is 4 bytes shorter) and the
/// offset of its `sizeofcmds` field, the same in both.
const HEADER: u64 = 32;
const SIZEOFCMDS_AT: usize = 20;

/// Reads the parts of an open Mach-O file that are parsed; a small file,
/// or one whose headers don't allow it, whole. Checked against its `fstat`
/// at open time (`opened`) as [`read_whole`](super::read_whole) does.
pub fn read(file: &ImageFile, opened: &Snapshot) -> Result<Buffer, WholeReadError> {
    read_from(file, opened, WHOLE_BELOW, FIRST)
}

/// [`read`], reading files below `whole_below` bytes whole and `first`
/// bytes in the first step.
fn read_from(
    file: &ImageFile,
    opened: &Snapshot,
    whole_below: u64,
    first: u64,
) -> Result<Buffer, WholeReadError> {
    let len = opened.len;
    let Some(mut buf) = super::part_buffer(opened, whole_below)? else {
        return super::read_whole(file, opened);
    };
    let read =
        |buf: &mut Buffer, (at, size): (u64, u64)| super::read_range(file, buf, at, size, len);
    read(&mut buf, (0, first))?;
    let Some(slices) = slices(file, &mut buf, len)? else {
        return super::read_whole(file, opened);
    };
    for &(at, _) in &slices {
        read(&mut buf, (at, HEADER))?;
    }
    for &slice in &slices {
        if let Some(range) = commands(&buf, slice) {
            read(&mut buf, range)?;
        }
    }
    let Some(parts) = parts(&buf) else {
        return super::read_whole(file, opened);
    };
    for range in parts {
        read(&mut buf, range)?;
    }
    super::unchanged(file, opened)?;
    Ok(buf)
}

/// The slices of the file, as (offset, size): the whole file when thin,
/// each architecture's when fat (the architecture table read first).
/// `None` where the header can't lead the way.
fn slices(
    file: &ImageFile,
    buf: &mut Buffer,
    len: u64,
) -> Result<Option<Vec<(u64, u64)>>, WholeReadError> {
    let magic = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
    match magic {
        0xfeed_face | 0xfeed_facf | 0xcefa_edfe | 0xcffa_edfe => Ok(Some(vec![(0, len)])),
        0xcafe_babe => {
            let n = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
            if n > MAX_SLICES {
                return Ok(None);
            }
            let table = 8 + 20 * n as u64;
            super::read_range(file, buf, 0, table, len)?;
            let Ok(arches) = MultiArch::new(buf).and_then(|fat| fat.arches()) else {
                return Ok(None);
            };
            Ok(Some(
                arches
                    .iter()
                    .map(|a| (u64::from(a.offset), u64::from(a.size)))
                    .collect(),
            ))
        }
        _ => Ok(None),
    }
}

/// The range of a slice's header and load commands, once its header is
/// in the buffer; the whole slice for a static archive, which goblin
/// parses whole; `None` for anything else (goblin rejects it from its
/// first bytes).
fn commands(buf: &[u8], (at, size): (u64, u64)) -> Option<(u64, u64)> {
    let start = usize::try_from(at).ok()?;
    let head = buf.get(start..)?;
    if head.starts_with(b"!<arch>\n") {
        return Some((at, size));
    }
    let word = head.get(SIZEOFCMDS_AT..SIZEOFCMDS_AT + 4)?;
    let word = [word[0], word[1], word[2], word[3]];
    let sizeofcmds = match head.get(..4)? {
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] => u32::from_be_bytes(word),
        [0xce | 0xcf, 0xfa, 0xed, 0xfe] => u32::from_le_bytes(word),
        _ => return None,
    };
    Some((at, HEADER + u64::from(sizeofcmds)))
}

/// The ranges of the parts read out of every slice, by its load commands;
/// `None` when goblin can't read the file's headers.
fn parts(buf: &[u8]) -> Option<Vec<(u64, u64)>> {
    let mut out = Vec::new();
    match Mach::parse_lossy(buf).ok()? {
        Mach::Binary(m) => slice_parts(&m, 0, &mut out),
        Mach::Fat(fat) => {
            for (i, a) in fat.arches().ok()?.iter().enumerate() {
                // As the reader does: a slice goblin can't read is a
                // problem entry, and nothing more is read of it.
                if let Ok(SingleArch::MachO(m)) = fat.get(i) {
                    slice_parts(&m, u64::from(a.offset), &mut out);
                }
            }
        }
    }
    Some(out)
}

/// The code signature and the named sections of one slice at `base`.
fn slice_parts(m: &MachO, base: u64, out: &mut Vec<(u64, u64)>) {
    for lc in &m.load_commands {
        if let CommandVariant::CodeSignature(cs) = &lc.command {
            out.push((
                base.saturating_add(u64::from(cs.dataoff)),
                u64::from(cs.datasize),
            ));
        }
    }
    let sections = m
        .segments
        .iter()
        .filter_map(|seg| seg.sections().ok())
        .flatten();
    for (sec, _) in sections {
        if sec.offset != 0
            && sec
                .name()
                .is_ok_and(|n| n == GO_SECTION || n == DEP_SECTION)
        {
            out.push((base.saturating_add(u64::from(sec.offset)), sec.size));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::embedded::writer;
    use crate::fingerprint::part_tests::{fixtures, parsed};
    use crate::model::binary::Format;
    use std::path::{Path, PathBuf};

    /// A universal binary of two thin ones, each at a 4 KiB boundary.
    fn fat(slices: &[(u32, &[u8])]) -> Vec<u8> {
        let mut v = Vec::new();
        for w in [0xcafe_babeu32, slices.len() as u32] {
            v.extend_from_slice(&w.to_be_bytes());
        }
        let mut at = 4096u32;
        let mut body = Vec::new();
        for (cpu, bytes) in slices {
            for w in [*cpu, 3, at, bytes.len() as u32, 12] {
                v.extend_from_slice(&w.to_be_bytes());
            }
            body.extend_from_slice(bytes);
            at += bytes.len() as u32;
            let pad = (4096 - body.len() % 4096) % 4096;
            body.resize(body.len() + pad, 0);
            at += pad as u32;
        }
        v.resize(4096, 0);
        v.extend_from_slice(&body);
        v
    }

    /// Built files: Go build information and `cargo auditable` data behind
    /// a large section of code, thin and in a universal binary.
    fn built(dir: &Path) -> Vec<PathBuf> {
        let go = writer::go_buildinfo(
            "go1.22.5",
            "path\texample.com/tool\nmod\texample.com/tool\tv1.0.0\th1:x=\n",
        );
        let dep = writer::dep_v0(
            r#"{"packages":[{"name":"tool","version":"1.0.0","source":"local","kind":"runtime","dependencies":[],"root":true}]}"#,
        );
        let code = vec![0xc3u8; 300 << 10];
        let thin = writer::macho_with_sections(&[
            ("__text", &code),
            ("__go_buildinfo", &go),
            (".dep-v0", &dep),
        ]);
        let universal = fat(&[(0x0100_0007, &thin), (0x0100_000c, &thin)]);
        let mut out = Vec::new();
        for (name, bytes) in [("thin", &thin), ("universal", &universal)] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            out.push(path);
        }
        out
    }

    /// Every Mach-O file of the fixtures (thin and universal, signed with
    /// a CMS signature, ad hoc and unsigned, broken ones) and built ones
    /// with embedded build information parse to the same record from
    /// their parts as from all of it.
    #[test]
    fn parts_parse_as_the_whole_file_does() {
        let mut files = fixtures(Format::Macho);
        assert!(files.len() >= 10, "{} Mach-O fixtures", files.len());
        let dir = tempfile::tempdir().unwrap();
        let built = built(dir.path());
        files.extend(built.iter().cloned());
        let mut sparse = Vec::new();
        for path in &files {
            let file = ImageFile::host(std::fs::File::open(path).unwrap());
            let opened = file.snapshot().unwrap();
            let whole = super::super::read_whole(&file, &opened).unwrap();
            // Only the first 8 bytes first: every later step is exercised.
            let parts = read_from(&file, &opened, 0, 8).unwrap();
            assert_eq!(parts.len(), whole.len());
            if parts != whole {
                sparse.push(path.clone());
            }
            assert_eq!(
                parsed(path, Format::Macho, &parts),
                parsed(path, Format::Macho, &whole),
                "{}",
                path.display()
            );
        }
        // The built files' code is never read, and their build information is.
        for path in &built {
            assert!(sparse.contains(path), "{}", path.display());
            let text = parsed(path, Format::Macho, &std::fs::read(path).unwrap());
            assert!(text.contains("go1.22.5") && text.contains("tool"), "{text}");
        }
    }
}
