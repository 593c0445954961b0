//! ELF files read in part: the parts [`elf::read`](super::elf::read) and
//! [`elf_lean`](super::elf_lean) look at, not the code and data around them.
//!
//! A shared library is mostly `.text`, `.rodata` and `.data`, which say
//! nothing about who made it; reading them whole cost most of the time of a
//! scan of a desktop image (2.8 GiB of ELF files). The file is read into a
//! zeroed buffer of its full size ([`Buffer`]), in four steps, each by the
//! offsets the previous one read:
//! 1. the first [`FIRST`] bytes (the ELF header, usually the program
//!    headers);
//! 2. the program header and section header tables;
//! 3. the segments `PT_INTERP`, `PT_DYNAMIC`, `PT_NOTE`, the note and
//!    dynamic sections and the section name table;
//! 4. by name `.go.buildinfo`, `.dep-v0` and `.interp`, and of the dynamic
//!    string table only the strings looked up (SONAME, DT_NEEDED).
//!
//! The symbol, version and hash tables and the rest of the dynamic string
//! table (megabytes in a C++ library) are not read: `elf_lean` does not
//! parse them. Offsets and sizes are those the headers state, clamped to
//! the file: the parser sees the same headers and the same bytes in every
//! part it reads, and zeros elsewhere. A file whose section headers don't
//! lead to these parts (none, extended numbering, an unreadable table) is
//! read whole.

use super::WholeReadError;
use super::buffer::Buffer;
use crate::image::{ImageFile, Snapshot};
use goblin::container::{Container, Ctx};
use goblin::elf::Elf;
use goblin::elf::program_header::{PT_DYNAMIC, PT_INTERP, PT_NOTE, ProgramHeader};
use goblin::elf::section_header::{SHT_DYNAMIC, SHT_NOTE, SHT_PROGBITS, SectionHeader};

/// Files up to this size are read whole: a few `pread`s more would cost
/// more than the bytes they save.
pub const WHOLE_BELOW: u64 = 64 << 10;

/// The first read: the ELF header and, in practice, the program headers.
const FIRST: u64 = 16 << 10;

/// Reads the parts of an open ELF file that are parsed; a small file, or
/// one whose headers don't allow it, whole. Checked against its `fstat` at
/// open time (`opened`) as [`read_whole`](super::read_whole) does.
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
    super::read_range(file, &mut buf, 0, first, len)?;
    let Some((ctx, tables)) = tables(&buf) else {
        return super::read_whole(file, opened);
    };
    for &(at, size) in &tables {
        super::read_range(file, &mut buf, at, size, len)?;
    }
    let Some(parts) = parts(&buf, ctx) else {
        return super::read_whole(file, opened);
    };
    for (at, size) in parts {
        super::read_range(file, &mut buf, at, size, len)?;
    }
    // The section names and the dynamic section are in the buffer now.
    for (at, size) in named(&buf, ctx) {
        super::read_range(file, &mut buf, at, size, len)?;
    }
    for (at, end) in dynamic_strings(&buf, ctx) {
        read_string(file, &mut buf, at, end, len)?;
    }
    super::unchanged(file, opened)?;
    Ok(buf)
}

/// The header's context and the ranges of its program and section header
/// tables; `None` where the section headers can't lead the way.
fn tables(buf: &[u8]) -> Option<(Ctx, [(u64, u64); 2])> {
    let h = Elf::parse_header(buf).ok()?;
    let container = h.container().ok()?;
    let ctx = Ctx::new(container, h.endianness().ok()?);
    let (ph_size, sh_size) = match container {
        Container::Big => (56, 64),
        Container::Little => (32, 40),
    };
    // Extended numbering (e_shnum 0, the count in section 0) and a string
    // table index past the table are left to the whole read.
    if h.e_shnum == 0 || h.e_shstrndx >= h.e_shnum {
        return None;
    }
    Some((
        ctx,
        [
            (h.e_phoff, u64::from(h.e_phnum) * ph_size),
            (h.e_shoff, u64::from(h.e_shnum) * sh_size),
        ],
    ))
}

/// The ranges of the segments and sections that are parsed.
fn parts(buf: &[u8], ctx: Ctx) -> Option<Vec<(u64, u64)>> {
    let h = Elf::parse_header(buf).ok()?;
    let phs = ProgramHeader::parse(buf, h.e_phoff as usize, h.e_phnum as usize, ctx).ok()?;
    let shs = SectionHeader::parse(buf, h.e_shoff as usize, h.e_shnum as usize, ctx).ok()?;
    let mut out: Vec<(u64, u64)> = phs
        .iter()
        .filter(|p| matches!(p.p_type, PT_INTERP | PT_DYNAMIC | PT_NOTE))
        .map(|p| (p.p_offset, p.p_filesz))
        .collect();
    let names = usize::from(h.e_shstrndx);
    let typed = |(i, s): &(usize, &SectionHeader)| {
        matches!(s.sh_type, SHT_NOTE | SHT_DYNAMIC) || *i == names
    };
    out.extend(
        shs.iter()
            .enumerate()
            .filter(typed)
            .map(|(_, s)| (s.sh_offset, s.sh_size)),
    );
    Some(out)
}

/// The dynamic strings `elf_lean` looks up: (offset, end of their table).
fn dynamic_strings(buf: &[u8], ctx: Ctx) -> Vec<(u64, u64)> {
    let Ok(h) = Elf::parse_header(buf) else {
        return Vec::new();
    };
    let Ok(phs) = ProgramHeader::parse(buf, h.e_phoff as usize, h.e_phnum as usize, ctx) else {
        return Vec::new();
    };
    super::elf_lean::Lean::dynamic_strings(buf, &phs, ctx)
        .into_iter()
        .map(|(at, end)| (at as u64, end as u64))
        .collect()
}

/// Reads the NUL-terminated string at `at` of a table ending at `end`:
/// a short read first, the rest of the table only for a longer string.
fn read_string(
    file: &ImageFile,
    buf: &mut Buffer,
    at: u64,
    end: u64,
    len: u64,
) -> Result<(), WholeReadError> {
    const SHORT: u64 = 256;
    let first = end.saturating_sub(at).min(SHORT);
    super::read_range(file, buf, at, first, len)?;
    let start = usize::try_from(at).unwrap_or(usize::MAX);
    let stop = usize::try_from(at + first)
        .unwrap_or(usize::MAX)
        .min(buf.len());
    let terminated = buf.get(start..stop).is_none_or(|s| s.contains(&0));
    if !terminated {
        super::read_range(file, buf, at + first, end - at - first, len)?;
    }
    Ok(())
}

/// The program-data sections read by name, once the section name table is
/// in the buffer.
fn named(buf: &[u8], ctx: Ctx) -> Vec<(u64, u64)> {
    let Ok(h) = Elf::parse_header(buf) else {
        return Vec::new();
    };
    let Ok(shs) = SectionHeader::parse(buf, h.e_shoff as usize, h.e_shnum as usize, ctx) else {
        return Vec::new();
    };
    let Some(table) = shs.get(h.e_shstrndx as usize) else {
        return Vec::new();
    };
    let start = usize::try_from(table.sh_offset).unwrap_or(usize::MAX);
    let end = start.saturating_add(usize::try_from(table.sh_size).unwrap_or(usize::MAX));
    let Some(names) = buf.get(start..end.min(buf.len())) else {
        return Vec::new();
    };
    let name_of = |at: usize| {
        let rest = names.get(at..)?;
        Some(&rest[..rest.iter().position(|&b| b == 0)?])
    };
    shs.iter()
        .filter(|s| s.sh_type == SHT_PROGBITS)
        .filter(|s| {
            matches!(
                name_of(s.sh_name),
                Some(b".go.buildinfo" | b".dep-v0" | b".interp")
            )
        })
        .map(|s| (s.sh_offset, s.sh_size))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::part_tests::{fixtures, parsed};
    use crate::model::binary::Format;

    /// Every ELF file of the fixtures (shared libraries, executables, Go
    /// and Rust binaries with embedded build information, notes, broken
    /// ones) parses to the same record from its parts as from all of it.
    #[test]
    fn parts_parse_as_the_whole_file_does() {
        let files = fixtures(Format::Elf);
        assert!(files.len() >= 10, "{} ELF fixtures", files.len());
        let mut sparse = 0;
        for path in &files {
            let file = ImageFile::host(std::fs::File::open(path).unwrap());
            let opened = file.snapshot().unwrap();
            let whole = super::super::read_whole(&file, &opened).unwrap();
            // Only the ELF header first: every later step is exercised.
            let parts = read_from(&file, &opened, 0, 64).unwrap();
            assert_eq!(parts.len(), whole.len());
            if parts != whole {
                sparse += 1;
            }
            assert_eq!(
                parsed(path, Format::Elf, &parts),
                parsed(path, Format::Elf, &whole),
                "{}",
                path.display()
            );
        }
        // Most files have bytes that were not read (code, data).
        assert!(sparse * 2 > files.len(), "{sparse} of {}", files.len());
    }
}
