//! PE files read in part: the parts [`pe::read`](super::pe::read) looks at,
//! not the code and data around them; and the Authenticode digest of a
//! signed file streamed from the file instead of from a copy of it.
//!
//! A Windows DLL is mostly `.text` and `.rdata`, which say nothing about
//! who made it. Reading them whole was most of the bytes of a scan of a
//! Debian desktop with Wine (285 of 400 MB, every PE DLL of Wine read
//! whole to find that it has no signature and a few hundred bytes of
//! version resource). As [`elf_parts`](super::elf_parts) does, the file
//! is read into a zeroed buffer of its full size (pages never written are
//! never resident), in steps, each by the offsets the previous one read:
//! 1. the first [`FIRST`] bytes (DOS header, PE header, optional header
//!    and, in practice, the section table), and the PE headers where the
//!    DOS header points if that is further;
//! 2. the headers up to `SizeOfHeaders` and the section table wherever it
//!    lies; then the resource directory (the RT_VERSION tree), the
//!    certificate table, and the sections `.data` (where Go puts its build
//!    information) and `.dep-v0` (`cargo auditable`) whole;
//! 3. the RT_VERSION leaf the resource tree points to, wherever it lies.
//!
//! What goblin parses and sovscan does not use (exports, debug
//! directory, relocations, exception and load-config tables) is left
//! unread: goblin reads zeros there and records nothing; sovscan reads
//! none of it. A file whose headers don't parse is read whole, and so
//! is a small one.
//!
//! The Authenticode digest covers nearly every byte of the file. It is
//! not taken from the buffer: [`Hasher`] reads each range goblin names
//! from the file in [`CHUNK`]-sized `pread`s into one reused buffer, so a
//! 100 MB signed `node.exe` costs 256 KiB of memory, not 100 MB of
//! freshly zeroed pages.

use super::WholeReadError;
use super::buffer::Buffer;
use crate::formats::bytes::{le16, le32};
use crate::image::{ImageFile, Snapshot};
use goblin::pe::header::Header;
use goblin::pe::options::ParseOptions;
use goblin::pe::section_table::SectionTable;
use std::cell::RefCell;

/// Files up to this size are read whole: a few `pread`s more would cost
/// more than the bytes they save.
pub const WHOLE_BELOW: u64 = 64 << 10;

/// The first read: the headers and, in practice, the section table.
const FIRST: u64 = 4 << 10;

/// The `pread` size of the streamed digest: fits the L2 cache, so the
/// bytes are hashed while still there.
const CHUNK: usize = 256 << 10;

/// A PE file read in part, with what the digest needs to read the rest.
pub struct Parts {
    pub data: Buffer,
    /// Whether `data` holds only parts (the digest must be read from the
    /// file) or the whole file.
    pub sparse: bool,
}

/// Reads the parts of an open PE file that are parsed; a small file, or
/// one whose headers don't allow it, whole. Checked against its `fstat` at
/// open time (`opened`) as [`read_whole`](super::read_whole) does.
pub fn read(file: &ImageFile, opened: &Snapshot) -> Result<Parts, WholeReadError> {
    read_from(file, opened, WHOLE_BELOW, FIRST)
}

/// [`read`], reading files below `whole_below` bytes whole and `first`
/// bytes in the first step.
fn read_from(
    file: &ImageFile,
    opened: &Snapshot,
    whole_below: u64,
    first: u64,
) -> Result<Parts, WholeReadError> {
    let whole = |file, opened| {
        super::read_whole(file, opened).map(|data| Parts {
            data,
            sparse: false,
        })
    };
    let len = opened.len;
    let Some(mut buf) = super::part_buffer(opened, whole_below)? else {
        return whole(file, opened);
    };
    super::read_range(file, &mut buf, 0, first, len)?;
    // The PE header where the DOS header points, if the first read did
    // not reach it: signature, COFF header, the largest optional header.
    let e_lfanew = u64::from(le32(&buf, 0x3c).unwrap_or(0));
    super::read_range(file, &mut buf, e_lfanew, 4 + 20 + 240, len)?;
    let Some(headers) = header_range(&buf) else {
        return whole(file, opened);
    };
    super::read_range(file, &mut buf, 0, headers, len)?;
    let Some(parts) = parts(file, &buf) else {
        return whole(file, opened);
    };
    for (at, size) in parts {
        super::read_range(file, &mut buf, at, size, len)?;
    }
    if let Some((at, size)) = version_leaf(&buf) {
        super::read_range(file, &mut buf, at, size, len)?;
    }
    super::unchanged(file, opened)?;
    Ok(Parts {
        data: buf,
        sparse: true,
    })
}

/// The end of the headers: `SizeOfHeaders`, or the end of the section
/// table if that lies further (a hostile header may say less). `None`
/// where the headers don't parse from the first bytes.
fn header_range(buf: &[u8]) -> Option<u64> {
    let h = Header::parse(buf).ok()?;
    let opt = h.optional_header?;
    let table = u64::from(h.dos_header.pe_pointer)
        + 4
        + 20
        + u64::from(h.coff_header.size_of_optional_header)
        + 40 * u64::from(h.coff_header.number_of_sections);
    Some(table.max(u64::from(opt.windows_fields.size_of_headers)))
}

/// The header and the section table, as `pe::read` will see them.
fn sections(buf: &[u8]) -> Option<(Header<'_>, Vec<SectionTable>)> {
    let h = Header::parse(buf).ok()?;
    let mut at = h.dos_header.pe_pointer as usize
        + 4
        + 20
        + usize::from(h.coff_header.size_of_optional_header);
    let sections = h.coff_header.sections(buf, &mut at).ok()?;
    Some((h, sections))
}

/// The ranges read in step 2 (see the module's text).
fn parts(file: &ImageFile, buf: &[u8]) -> Option<Vec<(u64, u64)>> {
    let (h, sections) = sections(buf)?;
    let opt = h.optional_header?;
    let dirs = &opt.data_directories;
    let align = opt.windows_fields.file_alignment;
    let opts = ParseOptions::default();
    let mut out = Vec::new();
    if let Some(r) = dirs.get_resource_table().filter(|d| d.size != 0) {
        // The resource tree lies in the directory's range; `pe_version`
        // reads it from the offset of its RVA on. Only the nodes on the way
        // to RT_VERSION are read (the directory holds every icon, string
        // table and dialog too: 1.8 MB in Wine's kernelbase.dll); all of it
        // where that way can't be followed here.
        if let Some(at) =
            goblin::pe::utils::find_offset(r.virtual_address as usize, &sections, align, &opts)
        {
            let at = at as u64;
            match resource_nodes(file, at) {
                Some(nodes) => out.extend(nodes),
                None => out.push((at, u64::from(r.size))),
            }
        }
    }
    // The certificate table's "virtual address" is a file offset.
    if let Some(c) = dirs.get_certificate_table().filter(|d| d.size != 0) {
        out.push((u64::from(c.virtual_address), u64::from(c.size)));
    }
    out.extend(
        sections
            .iter()
            .filter(|s| s.name().is_ok_and(|n| n == ".data" || n == ".dep-v0"))
            .map(|s| {
                (
                    u64::from(s.pointer_to_raw_data),
                    u64::from(s.size_of_raw_data),
                )
            }),
    );
    Some(out)
}

/// The ranges of the resource tree at file offset `base` that
/// [`pe_version::locate`](super::pe_version::locate) visits on its way to
/// the RT_VERSION data entry: each directory's header and entries, and the
/// data entry. Read here with small `pread`s, walking the tree the same
/// way (type 16, then the first name, then the first language); `None`
/// where a read falls short, for the caller to read the whole directory.
fn resource_nodes(file: &ImageFile, base: u64) -> Option<Vec<(u64, u64)>> {
    const RT_VERSION: u32 = 16;
    let read = |at: u64, len: usize| -> Option<Vec<u8>> {
        let mut v = vec![0u8; len];
        let mut n = 0;
        while n < len {
            match file.read_at(&mut v[n..], at + n as u64) {
                Ok(0) => return None,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        Some(v)
    };
    let mut out = Vec::new();
    // A directory at `off`: the target of the entry with `id`, or of the
    // first entry; `Ok(None)` when there is none.
    let mut dir = |off: u64, id: Option<u32>| -> Option<Option<u32>> {
        let head = read(base + off, 16)?;
        let n = u64::from(le16(&head, 12)?) + u64::from(le16(&head, 14)?);
        out.push((base + off, 16 + 8 * n));
        let entries = read(base + off + 16, usize::try_from(8 * n).ok()?)?;
        for e in entries.chunks_exact(8) {
            let (name, target) = (le32(e, 0)?, le32(e, 4)?);
            match id {
                None => return Some(Some(target)),
                Some(want) if name & 0x8000_0000 == 0 && name == want => return Some(Some(target)),
                _ => {}
            }
        }
        Some(None)
    };
    // A target that is data where a directory belongs ends the walk: the
    // parse stops there too, with an error.
    let sub = |target: u32| (target & 0x8000_0000 != 0).then(|| u64::from(target & 0x7fff_ffff));
    let found = (|| {
        let by_name = dir(0, Some(RT_VERSION))??;
        let lang = dir(sub(by_name)?, None)??;
        let entry = dir(sub(lang)?, None)??;
        (entry & 0x8000_0000 == 0).then_some(u64::from(entry))
    })();
    if let Some(entry) = found {
        out.push((base + entry, 8));
    }
    Some(out)
}

/// Where the RT_VERSION leaf lies, once the resource tree is read: found
/// by [`pe_version::resource`](super::pe_version::resource) itself, so the
/// parse later walks the same tree to the same bytes.
fn version_leaf(buf: &[u8]) -> Option<(u64, u64)> {
    let (h, sections) = sections(buf)?;
    let opt = h.optional_header?;
    let leaf = super::pe_version::locate(buf, &opt, &sections, &ParseOptions::default())
        .ok()
        .flatten()?;
    Some(leaf)
}

/// Feeds the bytes of a slice of the buffer to the digest: from the
/// buffer when it holds the whole file, read from the file where it holds
/// parts. The first read error is kept (`error`) and ends the digest.
pub struct Hasher<'a> {
    pub file: &'a ImageFile,
    pub data: &'a [u8],
    pub sparse: bool,
    pub error: Option<WholeReadError>,
}

thread_local! {
    static CHUNK_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Hasher<'_> {
    /// Calls `sink` with the bytes `range` (a slice of the buffer, or of
    /// goblin's padding) stands for; `false` once a read failed.
    pub fn feed(&mut self, range: &[u8], sink: &mut dyn FnMut(&[u8])) -> bool {
        if self.error.is_some() {
            return false;
        }
        let base = self.data.as_ptr() as usize;
        let start = range.as_ptr() as usize;
        let inside = start >= base && start + range.len() <= base + self.data.len();
        if !self.sparse || !inside || range.is_empty() {
            sink(range);
            return true;
        }
        let mut at = (start - base) as u64;
        let end = at + range.len() as u64;
        CHUNK_BUF.with_borrow_mut(|chunk| {
            chunk.resize(CHUNK, 0);
            while at < end {
                let want = (end - at).min(CHUNK as u64) as usize;
                match self.file.read_at(&mut chunk[..want], at) {
                    Ok(0) => {
                        let what = format!("{} bytes when opened, {at} when read", self.data.len());
                        self.error = Some(WholeReadError::Changed(what));
                        return false;
                    }
                    Ok(k) => {
                        sink(&chunk[..k]);
                        at += k as u64;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.error = Some(e.into());
                        return false;
                    }
                }
            }
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::part_tests::{fixtures, parsed, parsed_pe};
    use crate::model::binary::Format;

    /// Every PE file of the fixtures (signed and unsigned, PE32 and PE32+,
    /// .NET, Go, `cargo auditable`, every-language version resources,
    /// broken ones) parses to the same record from its parts, with the
    /// digest read from the file, as from all of it.
    #[test]
    fn parts_parse_as_the_whole_file_does() {
        let files = fixtures(Format::Pe);
        assert!(files.len() >= 8, "{} PE fixtures", files.len());
        let mut sparse = 0;
        for path in &files {
            let file = ImageFile::host(std::fs::File::open(path).unwrap());
            let opened = file.snapshot().unwrap();
            let whole = super::super::read_whole(&file, &opened).unwrap();
            // Only the DOS header first: every later step is exercised.
            let parts = read_from(&file, &opened, 0, 64).unwrap();
            assert_eq!(parts.data.len(), whole.len());
            if parts.data != whole {
                sparse += 1;
            }
            assert_eq!(
                parsed_pe(path, &file, &parts.data, parts.sparse),
                parsed_pe(path, &file, &whole, false),
                "{}",
                path.display()
            );
            assert_eq!(
                parsed_pe(path, &file, &whole, false),
                parsed(path, Format::Pe, &whole),
                "{}",
                path.display()
            );
        }
        // Most files have bytes that were not read (code, data).
        assert!(sparse * 2 > files.len(), "{sparse} of {}", files.len());
    }

    /// A file cut short after its parts were read: the digest's read
    /// fails, and says so, instead of hashing zeros.
    #[test]
    fn a_file_cut_short_while_hashed_is_an_error() {
        let files = fixtures(Format::Pe);
        let signed = files
            .iter()
            .find(|p| {
                let d = std::fs::read(p).unwrap();
                parsed(p, Format::Pe, &d).contains("digest_ok: Some(true)")
            })
            .expect("a signed PE fixture");
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("f.exe");
        std::fs::copy(signed, &copy).unwrap();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&copy)
            .unwrap();
        let file = ImageFile::host(f.try_clone().unwrap());
        let opened = file.snapshot().unwrap();
        let parts = read_from(&file, &opened, 0, 64).unwrap();
        f.set_len(opened.len / 2).unwrap();
        let mut h = Hasher {
            file: &file,
            data: &parts.data,
            sparse: true,
            error: None,
        };
        let mut n = 0;
        let whole = &parts.data[..];
        assert!(!h.feed(whole, &mut |b| n += b.len()));
        assert!(matches!(h.error, Some(WholeReadError::Changed(_))));
        assert!(n <= whole.len() / 2 + CHUNK);
    }
}
