//! The parts of an ELF file's structure [`elf::read`](super::elf::read)
//! uses, read with goblin's table parsers but not its whole-file parse.
//!
//! `goblin::elf::Elf::parse` also decodes what sovscan never looks at: it
//! splits every string table into a vector of strings (the dynamic one of
//! a C++ library is megabytes), walks every dynamic relocation to size the
//! dynamic symbol table, and parses the symbol, version and hash tables.
//! On a Debian desktop that was a tenth of the scan's cpu time, and it is
//! why [`elf_parts`](super::elf_parts) had to read those tables. Here the
//! header, program and section headers and the dynamic section are parsed
//! by goblin as its `Elf::parse` does (permissive, with the same errors);
//! strings are looked up where they are needed; of the full symbol table
//! only its size is read (stripped or not).
//!
//! A test checks the fields against `Elf::parse` on every ELF fixture.

use goblin::container::{Container, Ctx};
use goblin::elf::Elf;
use goblin::elf::dynamic::Dynamic;
use goblin::elf::header::Header;
use goblin::elf::program_header::{PT_INTERP, ProgramHeader};
use goblin::elf::section_header::{SHN_XINDEX, SHT_SYMTAB, SectionHeader};
use goblin::error::Error;

/// What `elf::read` takes from an ELF file's structure.
#[derive(Debug)]
pub struct Lean<'a> {
    pub header: Header,
    pub program_headers: Vec<ProgramHeader>,
    pub section_headers: Vec<SectionHeader>,
    /// The section name table's bytes (empty when there is none).
    shdr_strtab: &'a [u8],
    pub interpreter: Option<&'a str>,
    pub soname: Option<&'a str>,
    pub libraries: Vec<&'a str>,
    /// The full symbol table has at least one entry (not stripped).
    pub has_syms: bool,
    pub is_64: bool,
    pub little_endian: bool,
}

impl<'a> Lean<'a> {
    /// Parses the structure of the ELF file in `bytes`, failing where
    /// goblin's permissive `Elf::parse` fails on it.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let header = Elf::parse_header(bytes)?;
        let container = header.container()?;
        let endian = header.endianness()?;
        let ctx = Ctx::new(container, endian);
        let program_headers =
            ProgramHeader::parse(bytes, header.e_phoff as usize, header.e_phnum as usize, ctx)?;
        let mut interpreter = None;
        for ph in &program_headers {
            if ph.p_type == PT_INTERP && ph.p_filesz != 0 {
                let count = (ph.p_filesz - 1) as usize;
                interpreter = table(bytes, ph.p_offset as usize, count)
                    .filter(|t| t.len() == count)
                    .and_then(|t| std::str::from_utf8(t).ok());
            }
        }
        let section_headers =
            SectionHeader::parse(bytes, header.e_shoff as usize, header.e_shnum as usize, ctx)
                .unwrap_or_default();
        let mut index = header.e_shstrndx as usize;
        if index == SHN_XINDEX as usize {
            index = section_headers
                .first()
                .map_or(usize::MAX, |s| s.sh_link as usize);
        }
        let shdr_strtab = section_headers
            .get(index)
            .and_then(|s| table(bytes, s.sh_offset as usize, s.sh_size as usize))
            .unwrap_or_default();
        let has_syms = match section_headers.iter().rfind(|s| s.sh_type == SHT_SYMTAB) {
            Some(s) => symbol_count(bytes.len(), s, ctx)? > 0,
            None => false,
        };
        let mut soname = None;
        let mut libraries = Vec::new();
        if let Ok(Some(dynamic)) = Dynamic::parse(bytes, &program_headers, ctx) {
            let info = &dynamic.info;
            let strings = table(bytes, info.strtab, info.strsz).unwrap_or_default();
            if info.soname != 0 {
                soname = string_at(strings, info.soname);
            }
            if info.needed_count > 0 {
                libraries = dynamic
                    .dyns
                    .iter()
                    .filter(|d| d.d_tag == goblin::elf::dynamic::DT_NEEDED)
                    .filter_map(|d| string_at(strings, d.d_val as usize))
                    .collect();
            }
        }
        Ok(Self {
            header,
            program_headers,
            section_headers,
            shdr_strtab,
            interpreter,
            soname,
            libraries,
            has_syms,
            is_64: container == Container::Big,
            little_endian: endian.is_little(),
        })
    }

    /// A section's name.
    pub fn section_name(&self, s: &SectionHeader) -> Option<&'a str> {
        string_at(self.shdr_strtab, s.sh_name)
    }

    /// The offsets of the dynamic strings `parse` looks up (SONAME and
    /// DT_NEEDED), with the end of their table: what
    /// [`elf_parts`](super::elf_parts) reads of the dynamic string table.
    pub fn dynamic_strings(
        bytes: &[u8],
        program_headers: &[ProgramHeader],
        ctx: Ctx,
    ) -> Vec<(usize, usize)> {
        let Ok(Some(dynamic)) = Dynamic::parse(bytes, program_headers, ctx) else {
            return Vec::new();
        };
        let info = &dynamic.info;
        let end = info.strtab.saturating_add(info.strsz);
        let mut out: Vec<(usize, usize)> = dynamic
            .dyns
            .iter()
            .filter(|d| d.d_tag == goblin::elf::dynamic::DT_NEEDED)
            .map(|d| (info.strtab.saturating_add(d.d_val as usize), end))
            .collect();
        if info.soname != 0 {
            out.push((info.strtab.saturating_add(info.soname), end));
        }
        out
    }
}

/// `len` bytes at `offset`, cut at the end of the file as goblin's
/// permissive string tables are; `None` past the end.
fn table(bytes: &[u8], offset: usize, len: usize) -> Option<&[u8]> {
    if offset > bytes.len() {
        return None;
    }
    let end = offset.saturating_add(len).min(bytes.len());
    Some(&bytes[offset..end])
}

/// The NUL-terminated string at `offset` in a string table, as goblin's
/// `Strtab::get_at` finds it in a table of valid UTF-8 (a string that is
/// none is empty, as goblin's permissive parse makes it).
fn string_at(table: &[u8], offset: usize) -> Option<&str> {
    let rest = table.get(offset..).filter(|r| !r.is_empty())?;
    let end = memchr::memchr(0, rest).unwrap_or(rest.len());
    Some(std::str::from_utf8(&rest[..end]).unwrap_or(""))
}

/// How many entries goblin's permissive parse gives the full symbol table
/// (only whether there are any is used): cut at the end of the file, an
/// error only where its size overflows.
fn symbol_count(file_len: usize, s: &SectionHeader, ctx: Ctx) -> Result<usize, Error> {
    let offset = s.sh_offset as usize;
    if offset >= file_len {
        return Ok(0);
    }
    let count = s.sh_size.checked_div(s.sh_entsize).unwrap_or(0) as usize;
    let size = if ctx.container == Container::Big {
        24
    } else {
        16
    };
    let requested = count.checked_mul(size).ok_or_else(|| {
        Error::Malformed(format!(
            "Too many ELF symbols (offset {offset:#x}, count {count})"
        ))
    })?;
    let available = file_len - offset;
    Ok(if requested > available {
        available / size
    } else {
        count
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::part_tests::fixtures;
    use crate::model::binary::Format;
    use goblin::options::ParseOptions;

    /// On every ELF fixture (executables, libraries, Go and Rust binaries,
    /// stripped and not, broken ones) the fields `elf::read` uses are those
    /// of goblin's whole-file parse, and so are its errors.
    #[test]
    fn lean_fields_are_goblins() {
        let files = fixtures(Format::Elf);
        assert!(files.len() >= 10, "{} ELF fixtures", files.len());
        let mut parsed = 0;
        for path in &files {
            let data = std::fs::read(path).unwrap();
            let full = Elf::parse_with_opts(&data, &ParseOptions::permissive());
            let lean = Lean::parse(&data);
            let (full, lean) = match (full, lean) {
                (Ok(f), Ok(l)) => (f, l),
                (Err(_), Err(_)) => continue,
                (f, l) => panic!("{}: {:?} / {:?}", path.display(), f.err(), l.err()),
            };
            parsed += 1;
            let at = path.display();
            assert_eq!(lean.header, full.header, "{at}");
            assert_eq!(lean.program_headers, full.program_headers, "{at}");
            assert_eq!(lean.section_headers, full.section_headers, "{at}");
            assert_eq!(lean.interpreter, full.interpreter, "{at}");
            assert_eq!(lean.soname, full.soname, "{at}");
            assert_eq!(lean.libraries, full.libraries, "{at}");
            assert_eq!(lean.has_syms, !full.syms.is_empty(), "{at}");
            assert_eq!(
                (lean.is_64, lean.little_endian),
                (full.is_64, full.little_endian),
                "{at}"
            );
            for s in &lean.section_headers {
                assert_eq!(
                    lean.section_name(s),
                    full.shdr_strtab.get_at(s.sh_name),
                    "{at}"
                );
            }
        }
        assert!(parsed >= 10, "{parsed} parsed");
    }
}
