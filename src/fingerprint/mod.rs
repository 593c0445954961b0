//! Binary fingerprints: one module per executable format.
//!
//! A candidate from the walk is opened without following links and without
//! blocking, its first bytes are sniffed, and only real binaries are read
//! and parsed. Parsing is permissive (one bad table does not lose the rest),
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

pub mod elf;
pub mod embedded;
pub mod macho;
pub mod pe;
mod pe_version;

use crate::formats::cms;
use crate::formats::nesting::JsonError;
use crate::isolate::Panic;
use crate::model::binary::{Binary, Flag, Format};
use crate::model::inventory::Problem;
use crate::walk::Candidate;
use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;

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
            // architecture count where a class file has its version.
            if *format == Format::Macho && magic[..3] == [0xca, 0xfe, 0xba] {
                if head.len() < 8 {
                    return Sniff::Truncated(Format::Macho);
                }
                let n = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
                if n == 0 || n > 32 {
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
    /// Not an executable format (a script, a data file with an exec bit).
    NotBinary,
    /// A binary, with the problems met while reading it (a corrupt note...).
    Binary(Box<Binary>, Vec<Problem>),
    /// Looked like a binary but could not be read at all.
    Failed(Problem),
}

/// Opens, sniffs and parses one candidate.
pub fn fingerprint(c: &Candidate, max_size: u64) -> Outcome {
    // O_NOFOLLOW: the walk saw a regular file, but never trust that it still
    // is one. O_NONBLOCK: if it was swapped for a FIFO, don't wait on it.
    let file = match File::options()
        .read(true)
        .custom_flags(libc_flags())
        .open(&c.host)
    {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(Problem::new(&c.rel, format!("cannot open: {e}"))),
    };
    let opened = match file.metadata() {
        Ok(m) if m.is_file() => m,
        Ok(_) => return Outcome::NotBinary,
        Err(e) => return Outcome::Failed(Problem::new(&c.rel, e)),
    };
    let mut head = [0u8; 8];
    let n = match read_head(&file, &mut head) {
        Ok(n) => n,
        Err(e) => return Outcome::Failed(Problem::new(&c.rel, format!("cannot read: {e}"))),
    };
    let format = match sniff(&head[..n]) {
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
    let mut bin = Binary {
        dev: c.dev,
        ino: c.ino,
        ..Binary::new(&c.rel, format, c.size)
    };
    // The size of the file as opened: the walk's may be stale already.
    let size = opened.len();
    if size > max_size {
        bin.flag(Flag::NotParsed);
        let p = Problem::new(
            &c.rel,
            format!("not parsed: {size} bytes is over the size cap of {max_size}"),
        );
        return Outcome::Binary(Box::new(bin), vec![p]);
    }
    // Read into a buffer with bounded `pread`s, never mapped: a file cut
    // short while a mapping of it is read raises SIGBUS, which kills the
    // whole scan; here it is a short read, and an error entry for the file.
    let data = match read_whole(&file, &opened) {
        Ok(d) => d,
        Err(e) => return Outcome::Failed(Problem::new(&c.rel, e)),
    };
    let mut problems = Vec::new();
    match crate::isolate::catch(|| parse(&data, &mut bin, &mut problems)) {
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
    let problems = problems
        .into_iter()
        .map(|m| Problem::new(&c.rel, m))
        .collect();
    Outcome::Binary(Box::new(bin), problems)
}

/// Dispatches to the format's reader. `Err` means nothing useful was read.
pub fn parse(data: &[u8], bin: &mut Binary, problems: &mut Vec<String>) -> Result<(), ReadError> {
    match bin.format {
        Format::Elf => elf::read(data, bin, problems),
        Format::Pe => pe::read(data, bin, problems),
        Format::Macho => macho::read(data, bin, problems),
    }
}

fn read_head(mut f: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
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
pub fn read_whole(file: &File, opened: &std::fs::Metadata) -> Result<Vec<u8>, WholeReadError> {
    use std::os::unix::fs::{FileExt, MetadataExt};
    let len = opened.len();
    let want = usize::try_from(len).map_err(|_| WholeReadError::TooLarge(len))?;
    // Zeroed memory comes from the allocator already zeroed (calloc).
    let mut buf = vec![0u8; want];
    let mut at = 0;
    while at < want {
        let end = want.min(at + CHUNK);
        match file.read_at(&mut buf[at..end], at as u64) {
            Ok(0) => {
                let what = format!("{len} bytes when opened, {at} when read");
                return Err(WholeReadError::Changed(what));
            }
            Ok(k) => at += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let now = file.metadata()?;
    if now.len() != len {
        let what = format!("{len} bytes when opened, {} after reading", now.len());
        return Err(WholeReadError::Changed(what));
    }
    // Same size but rewritten in between (file times tick with the
    // kernel's coarse clock, so a change within a few ms of the open can
    // pass unseen; a truncation cannot, it is a short read).
    if (now.mtime(), now.mtime_nsec(), now.ctime(), now.ctime_nsec())
        != (
            opened.mtime(),
            opened.mtime_nsec(),
            opened.ctime(),
            opened.ctime_nsec(),
        )
    {
        return Err(WholeReadError::Changed("modified while read".into()));
    }
    Ok(buf)
}

/// The largest single `pread` of a binary.
const CHUNK: usize = 8 << 20;

fn libc_flags() -> i32 {
    libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_changes_while_read_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [7u8; 100]).unwrap();
        let file = File::open(&path).unwrap();
        let opened = file.metadata().unwrap();
        assert_eq!(read_whole(&file, &opened).unwrap(), [7u8; 100]);
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
    }
}
