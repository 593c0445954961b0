//! Binary fingerprints: one module per executable format.
//!
//! The walk opens every regular file that can hold a binary header
//! (relative to its directory's descriptor, without following links and
//! without blocking) and reads its first bytes; [`looks_binary`] decides
//! by them, and only real binaries are read whole and parsed. Parsing is permissive (one bad table does not lose the rest),
//! capped in size, and isolated: a parser panic becomes an error entry for
//! that file, never a failed scan.
//!
//! To add a format: write `fingerprint/NAME.rs` with a `read` function that
//! fills its part of [`Binary`] and pushes [`Claim`](crate::model::binary::Claim)s about who made the
//! binary; add a `Format` variant, its magic to the sniffer and a dispatch
//! arm in [`parse`]; give the format's details a type in `model/binary.rs`
//! and a field in `Binary` and in `model::report::BinaryReport` (the JSON
//! contract, `docs/json.md`). The claims then reach the rule matcher with no
//! change elsewhere.

mod buffer;
pub mod elf;
mod elf_lean;
mod elf_parts;
pub mod embedded;
pub mod macho;
mod macho_parts;
pub mod pe;
mod pe_parts;
mod pe_version;

use crate::formats::cms;
use crate::formats::nesting::JsonError;
use crate::image::{ImageFile, Snapshot};
use crate::isolate::Panic;
use crate::model::binary::{Binary, Flag, Format};
use crate::model::inventory::Problem;
use crate::walk::Candidate;
use buffer::Buffer;
use std::borrow::Cow;

/// Why a binary, or a part of it, could not be read. Its text is the
/// report's `errors[]` entry for the file (for a part, what follows the
/// part's name there), so the words stay as they are; the variant says
/// what kind of trouble it was.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// goblin could not read the file's headers.
    #[error("not a readable {format} file: {source}")]
    Headers {
        format: &'static str,
        source: goblin::error::Error,
    },
    /// goblin could not read a fat Mach-O's architecture table.
    #[error("corrupt fat Mach-O header: {0}")]
    FatHeader(goblin::error::Error),
    /// A variant of the format that is not read.
    #[error("{0}")]
    Unsupported(&'static str),
    /// A structure shorter than its fields, or one that places data past
    /// the end of what holds it.
    #[error("{0}")]
    Truncated(Cow<'static, str>),
    /// A field holding what the format does not allow: a wrong magic or
    /// key, a count past its bound, a directory where data belongs.
    #[error("{0}")]
    Malformed(Cow<'static, str>),
    /// A part that should be there is not.
    #[error("{0}")]
    Missing(&'static str),
    /// The CMS SignedData of a code signature.
    #[error(transparent)]
    Cms(#[from] cms::Error),
    /// The ELF package note, which is JSON.
    #[error("package note is {0}")]
    PackageNote(JsonError),
    /// Hashing the ranges goblin derived from a lying section table
    /// panicked (isolated).
    #[error("cannot compute the Authenticode digest ({0})")]
    Digest(Panic),
    /// A part of the file, and what is wrong inside it.
    #[error("{part}: {source}")]
    In {
        part: String,
        source: Box<ReadError>,
    },
}

impl ReadError {
    fn truncated(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Truncated(message.into())
    }

    fn malformed(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Malformed(message.into())
    }
}

/// Files larger than this are listed but not parsed (default; `--max-binary-size`).
pub const DEFAULT_MAX_SIZE: u64 = 1 << 30;

/// What the first bytes of a file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    Binary(Format),
    /// The file starts like a binary of this format but is shorter than its magic.
    Truncated(Format),
    NotBinary,
}

const MAGICS: &[(&[u8], Format)] = &[
    (b"\x7fELF", Format::Elf),
    (b"MZ", Format::Pe),
    (&[0xfe, 0xed, 0xfa, 0xce], Format::Macho),
    (&[0xfe, 0xed, 0xfa, 0xcf], Format::Macho),
    (&[0xce, 0xfa, 0xed, 0xfe], Format::Macho),
    (&[0xcf, 0xfa, 0xed, 0xfe], Format::Macho),
    (&[0xca, 0xfe, 0xba, 0xbe], Format::Macho),
    (&[0xca, 0xfe, 0xba, 0xbf], Format::Macho),
];

/// Classifies a file by its first bytes (at least 8 where the file has them).
pub fn sniff(head: &[u8]) -> Sniff {
    for (magic, format) in MAGICS {
        if head.starts_with(magic) {
            // 0xcafebabe is also a Java class file; a fat Mach-O has a small
            // architecture count where a class file has its version (45
            // and up), so counts from 1 to 19 are Mach-O, as file(1) has it.
            if *format == Format::Macho && magic[..3] == [0xca, 0xfe, 0xba] {
                if head.len() < 8 {
                    return Sniff::Truncated(Format::Macho);
                }
                let n = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
                if n == 0 || n >= 20 {
                    return Sniff::NotBinary;
                }
            }
            return Sniff::Binary(*format);
        }
        // A non-empty prefix of a distinctive magic: a truncated binary.
        // ("M" alone is too common in text to call it a truncated PE.)
        if !head.is_empty()
            && head.len() < magic.len()
            && magic.starts_with(head)
            && magic.len() >= 4
        {
            return Sniff::Truncated(*format);
        }
    }
    Sniff::NotBinary
}

/// The result of fingerprinting one candidate.
#[derive(Debug)]
pub enum Outcome {
    /// Not an executable format (a script, a data file with an exec bit),
    /// or a file whose magic said binary but whose headers say otherwise:
    /// an `MZ` file with no PE header at its `e_lfanew` (a DOS program, a
    /// stand-in, data that begins with the letters). Counted in the walk's
    /// stats (`not_binaries`), not an error: a file that is not a binary
    /// is not a broken binary.
    NotBinary,
    /// A binary, with the problems met while reading it (a corrupt note...).
    Binary(Box<Binary>, Vec<Problem>),
    /// Looked like a binary but could not be read at all.
    Failed(Problem),
}

/// Whether a file's first bytes are those of a binary, or of one cut
/// short: the walk's [`head_filter`](crate::walk::Options::head_filter).
/// `named`: the file has an exec bit or a binary's name
/// ([`is_candidate`](crate::walk::is_candidate)). Any file is judged by
/// its content, but a file that only its content points at must look the
/// part beyond a two-byte magic: `MZ` begins some text too, so an unnamed
/// `MZ` file needs the DOS header's pointer to a PE header (`e_lfanew`,
/// at 0x3c) inside the plausible range, and an ELF file a valid class and
/// byte order.
pub fn looks_binary(head: &[u8], named: bool) -> bool {
    match sniff(head) {
        Sniff::NotBinary => false,
        Sniff::Truncated(_) => true,
        Sniff::Binary(_) if named => true,
        Sniff::Binary(Format::Pe) => {
            let Some(e_lfanew) = head.get(0x3c..0x40) else {
                return false;
            };
            let e_lfanew = u32::from_le_bytes([e_lfanew[0], e_lfanew[1], e_lfanew[2], e_lfanew[3]]);
            (0x40..0x1000_0000).contains(&e_lfanew)
        }
        Sniff::Binary(Format::Elf) => {
            head.len() >= 6 && matches!(head[4], 1 | 2) && matches!(head[5], 1 | 2)
        }
        Sniff::Binary(Format::Macho) => true,
    }
}

/// Sniffs and parses one candidate, which the walk opened (relative to its
/// directory's descriptor) and whose first bytes it read.
pub fn fingerprint(c: &Candidate, max_size: u64) -> Outcome {
    let format = match sniff(&c.head) {
        Sniff::NotBinary => return Outcome::NotBinary,
        Sniff::Truncated(f) => {
            return Outcome::Failed(Problem::new(
                &c.rel,
                format!(
                    "truncated {} binary: only {} byte(s)",
                    f.as_str().to_uppercase(),
                    c.size
                ),
            ));
        }
        Sniff::Binary(f) => f,
    };
    let (file, opened) = (&c.file, &c.meta);
    let mut bin = Binary {
        dev: c.dev,
        ino: c.ino,
        ..Binary::new(&c.rel, format, c.size)
    };
    // The size of the file as opened: the walk's may be stale already.
    let size = opened.len;
    if size > max_size {
        bin.flag(Flag::NotParsed);
        let p = Problem::new(
            &c.rel,
            format!("not parsed: {size} bytes is over the size cap of {max_size}"),
        );
        return Outcome::Binary(Box::new(bin), vec![p]);
    }
    if format == Format::Pe && !has_pe_header(file, &c.head, size) {
        return Outcome::NotBinary;
    }
    // Read into a buffer with bounded `pread`s, never mapped: a file cut
    // short while a mapping of it is read raises SIGBUS, which kills the
    // whole scan; here it is a short read, and an error entry for the file.
    // Only the parts that are parsed (`elf_parts`, `macho_parts`,
    // `pe_parts`); a signed PE's digest reads the rest as it hashes.
    let (data, sparse) = match format {
        Format::Elf => (elf_parts::read(file, opened), false),
        Format::Macho => (macho_parts::read(file, opened), false),
        Format::Pe => match pe_parts::read(file, opened) {
            Ok(p) => (Ok(p.data), p.sparse),
            Err(e) => (Err(e), false),
        },
    };
    let data = match data {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(Problem::new(&c.rel, e)),
    };
    let mut problems = Vec::new();
    let mut hasher = pe_parts::Hasher {
        file,
        data: &data,
        sparse,
        error: None,
    };
    let parsed = crate::isolate::catch(|| match format {
        Format::Pe => pe::read_with(&data, &mut bin, &mut problems, &mut |r, sink| {
            hasher.feed(r, sink)
        }),
        _ => parse(&data, &mut bin, &mut problems),
    });
    match parsed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Outcome::Failed(Problem::new(&c.rel, e)),
        Err(panic) => {
            return Outcome::Failed(Problem::new(
                &c.rel,
                format!(
                    "{} parser crashed on this file ({panic}); isolated, please report it",
                    format.as_str()
                ),
            ));
        }
    }
    // The digest read the file after its parts: it must still be the file
    // that was opened.
    if let Some(e) = hasher.error.take() {
        return Outcome::Failed(Problem::new(&c.rel, e));
    }
    if sparse
        && bin
            .signature
            .as_ref()
            .is_some_and(|s| s.digest_ok.is_some())
        && let Err(e) = unchanged(file, opened)
    {
        return Outcome::Failed(Problem::new(&c.rel, e));
    }
    bin.download = c.zone.as_deref().and_then(crate::formats::zone::parse);
    let problems = problems
        .into_iter()
        .map(|m| Problem::new(&c.rel, m))
        .collect();
    Outcome::Binary(Box::new(bin), problems)
}

/// Whether an `MZ` file holds a PE header: the 4 bytes at its DOS
/// header's `e_lfanew` (offset 0x3c) are `PE\0\0`. Read with one small
/// `pread`, so a file that is no PE is not read whole. A DOS header cut
/// short, or a pointer past the end of the file, is no PE header either.
fn has_pe_header(file: &ImageFile, head: &[u8], size: u64) -> bool {
    let Some(ptr) = head.get(0x3c..0x40) else {
        return false;
    };
    let at = u64::from(u32::from_le_bytes([ptr[0], ptr[1], ptr[2], ptr[3]]));
    if at.saturating_add(4) > size {
        return false;
    }
    let mut sig = [0u8; 4];
    matches!(file.read_at(&mut sig, at), Ok(4)) && sig == *b"PE\0\0"
}

/// Dispatches to the format's reader. `Err` means nothing useful was read.
pub fn parse(data: &[u8], bin: &mut Binary, problems: &mut Vec<String>) -> Result<(), ReadError> {
    match bin.format {
        Format::Elf => elf::read(data, bin, problems),
        Format::Pe => pe::read(data, bin, problems),
        Format::Macho => macho::read(data, bin, problems),
    }
}

/// Why a binary's bytes could not be read whole. The text is its error entry.
#[derive(Debug, thiserror::Error)]
pub enum WholeReadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// Its size or times moved between opening and the end of the read: it
    /// was truncated, grown or rewritten under the scan.
    #[error("changed during the scan ({0}); not read")]
    Changed(String),
    #[error("{0} bytes is more than this machine can address")]
    TooLarge(u64),
}

/// Reads an open regular file whole, with `pread`s of at most [`CHUNK`]
/// bytes, checking it against its `fstat` at open time (`opened`): the
/// bytes are those of one unchanged file, or the read is an error.
pub fn read_whole(file: &ImageFile, opened: &Snapshot) -> Result<Buffer, WholeReadError> {
    let len = opened.len;
    let want = usize::try_from(len).map_err(|_| WholeReadError::TooLarge(len))?;
    let mut buf = Buffer::zeroed(want);
    read_range(file, &mut buf, 0, len, len)?;
    unchanged(file, opened)?;
    Ok(buf)
}

/// A zeroed buffer of an open file's size (`opened`) to read it in part
/// into, or `None` for a file below `whole_below` bytes, which is read
/// whole. Reused per thread up to a bound, fresh beyond it ([`Buffer`]).
fn part_buffer(opened: &Snapshot, whole_below: u64) -> Result<Option<Buffer>, WholeReadError> {
    let len = opened.len;
    if len < whole_below {
        return Ok(None);
    }
    let want = usize::try_from(len).map_err(|_| WholeReadError::TooLarge(len))?;
    Ok(Some(Buffer::zeroed(want)))
}

/// Reads `size` bytes at `at` into the same place of `buf` (the file's
/// size, `len`, as opened), with `pread`s of at most [`CHUNK`] bytes; a
/// range past the end of the file is clamped to it. A short read means
/// the file shrank under the scan: an error.
fn read_range(
    file: &ImageFile,
    buf: &mut Buffer,
    at: u64,
    size: u64,
    len: u64,
) -> Result<(), WholeReadError> {
    let start = at.min(len) as usize;
    let end = at.saturating_add(size).min(len) as usize;
    let mut pos = start;
    while pos < end {
        let stop = end.min(pos + CHUNK);
        match file.read_at(buf.write(pos..stop), pos as u64) {
            Ok(0) => {
                let what = format!("{len} bytes when opened, {pos} when read");
                return Err(WholeReadError::Changed(what));
            }
            Ok(k) => pos += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Checks an open file against its `fstat` at open time (`opened`) after
/// reading: the bytes read are those of one unchanged file, or an error.
fn unchanged(file: &ImageFile, opened: &Snapshot) -> Result<(), WholeReadError> {
    let len = opened.len;
    let now = file.snapshot()?;
    if now.len != len {
        let what = format!("{len} bytes when opened, {} after reading", now.len);
        return Err(WholeReadError::Changed(what));
    }
    // Same size but rewritten in between (file times tick with the
    // kernel's coarse clock, so a change within a few ms of the open can
    // pass unseen; a truncation cannot, it is a short read).
    if now.times != opened.times {
        return Err(WholeReadError::Changed("modified while read".into()));
    }
    Ok(())
}

/// The largest single `pread` of a binary.
const CHUNK: usize = 8 << 20;

/// What the tests of reading in part (`elf_parts`, `macho_parts`) share.
#[cfg(test)]
mod part_tests {
    use crate::model::binary::{Binary, Format};
    use std::path::{Path, PathBuf};

    /// Every file under the fixtures whose first bytes are those of a
    /// `format` binary.
    pub fn fixtures(format: Format) -> Vec<PathBuf> {
        fn walk(dir: &Path, format: Format, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let t = e.file_type().unwrap();
                if t.is_dir() {
                    walk(&e.path(), format, out);
                } else if t.is_file() {
                    let head = std::fs::read(e.path()).unwrap_or_default();
                    if super::sniff(&head) == super::Sniff::Binary(format) {
                        out.push(e.path());
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            format,
            &mut out,
        );
        out
    }

    /// The record, outcome and problems `data` parses to, as text.
    pub fn parsed(path: &Path, format: Format, data: &[u8]) -> String {
        let mut bin = Binary::new(path.display().to_string(), format, data.len() as u64);
        let mut problems = Vec::new();
        let outcome = super::parse(data, &mut bin, &mut problems);
        format!("{outcome:?} {bin:?} {problems:?}")
    }

    /// [`parsed`] of a PE file through the path a scan takes: `data` as
    /// `pe_parts` read it, the digest's bytes read from `file` when
    /// `sparse`.
    pub fn parsed_pe(
        path: &Path,
        file: &crate::image::ImageFile,
        data: &[u8],
        sparse: bool,
    ) -> String {
        let mut bin = Binary::new(path.display().to_string(), Format::Pe, data.len() as u64);
        let mut problems = Vec::new();
        let mut hasher = super::pe_parts::Hasher {
            file,
            data,
            sparse,
            error: None,
        };
        let outcome = super::pe::read_with(data, &mut bin, &mut problems, &mut |r, sink| {
            hasher.feed(r, sink)
        });
        assert!(hasher.error.is_none(), "{:?}", hasher.error);
        format!("{outcome:?} {bin:?} {problems:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    #[test]
    fn a_file_that_changes_while_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [7u8; 100]).unwrap();
        let file = ImageFile::host(File::open(&path).unwrap());
        let opened = file.snapshot().unwrap();
        assert_eq!(*read_whole(&file, &opened).unwrap(), [7u8; 100]);
        // File times tick with the kernel's coarse clock (a few ms).
        std::thread::sleep(std::time::Duration::from_millis(20));
        let writer = File::options().write(true).open(&path).unwrap();
        for len in [10, 200] {
            writer.set_len(len).unwrap();
            let e = read_whole(&file, &opened).unwrap_err().to_string();
            assert!(e.starts_with("changed during the scan ("), "{e}");
        }
        // Back to its size, but rewritten: the times say so.
        writer.set_len(100).unwrap();
        let e = read_whole(&file, &opened).unwrap_err().to_string();
        assert_eq!(e, "changed during the scan (modified while read); not read");
    }

    #[test]
    fn sniffs_formats_and_truncation() {
        assert_eq!(
            sniff(b"\x7fELF\x02\x01\x01\x00"),
            Sniff::Binary(Format::Elf)
        );
        assert_eq!(sniff(b"\x7f"), Sniff::Truncated(Format::Elf));
        assert_eq!(sniff(b"\x7fEL"), Sniff::Truncated(Format::Elf));
        assert_eq!(sniff(b"MZ\x90\x00"), Sniff::Binary(Format::Pe));
        assert_eq!(sniff(b"#!/bin/sh"), Sniff::NotBinary);
        assert_eq!(sniff(b""), Sniff::NotBinary);
        // Java class file (version 52) vs fat Mach-O with 2 slices.
        assert_eq!(
            sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]),
            Sniff::NotBinary
        );
        assert_eq!(
            sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
            Sniff::Binary(Format::Macho)
        );
        // file(1)'s line: fewer than 20 architectures is Mach-O.
        assert_eq!(
            sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 19]),
            Sniff::Binary(Format::Macho)
        );
        assert_eq!(
            sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 20]),
            Sniff::NotBinary
        );
    }

    /// A file that only its content points at must look the part beyond
    /// its magic; a named one (exec bit, `.dll`) is judged by the magic.
    #[test]
    fn unnamed_files_need_more_than_a_magic() {
        let mut pe = vec![0u8; 64];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
        assert!(looks_binary(&pe, false));
        let text = b"MZ is where the notes begin; this file is plain text, long enough.";
        assert!(!looks_binary(text, false));
        assert!(looks_binary(text, true));
        assert!(!looks_binary(b"MZ short", false));
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00", false));
        assert!(!looks_binary(b"\x7fELF\x07\x01\x01\x00", false));
        assert!(looks_binary(b"\x7fEL", true));
        assert!(looks_binary(&[0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1], false));
        assert!(!looks_binary(b"#!/bin/sh\necho", true));
    }
}
