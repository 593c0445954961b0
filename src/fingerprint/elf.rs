//! ELF: build-id, the FDO package note, SONAME, DT_NEEDED, interpreter, machine.
//!
//! Notes are read from PT_NOTE segments *and* SHT_NOTE sections: Go linkers
//! put `.note.gnu.build-id` outside PT_NOTE, and stripped-section binaries
//! have only the segments. The FDO package note (`.note.package`, owner
//! `FDO`, type 0xcafe1a7e; <https://systemd.io/ELF_PACKAGE_METADATA/>) is a
//! JSON object naming the package a binary was built for: strong evidence for
//! binaries that no package database owns.

use super::ReadError;
use super::elf_lean::Lean;
use super::embedded;
use crate::formats::nesting::parse_json;
use crate::model::binary::{Binary, ElfInfo, Flag};
use goblin::elf::header::{self, ET_DYN, ET_EXEC, ET_REL};

const NT_GNU_BUILD_ID: u32 = 3;
const NT_FDO_PACKAGING_METADATA: u32 = 0xcafe_1a7e;
/// Bound on notes read per file: a corrupt note table must not spin.
const MAX_NOTES: usize = 256;

pub fn read(data: &[u8], bin: &mut Binary, problems: &mut Vec<String>) -> Result<(), ReadError> {
    let elf = Lean::parse(data).map_err(|source| ReadError::Headers {
        format: "ELF",
        source,
    })?;
    bin.arch = Some(arch(&elf));
    // Permissive parsing quietly drops tables that lie past the end of the
    // file; say so, since a cut-off binary is worth an error entry.
    let described = described_size(&elf);
    if described > data.len() as u64 {
        bin.flag(Flag::Truncated);
        problems.push(format!(
            "truncated ELF: its headers describe {described} bytes, the file has {}",
            data.len()
        ));
    }
    let kind = match elf.header.e_type {
        ET_EXEC => "executable",
        ET_DYN if elf.interpreter.is_some() => "executable",
        ET_DYN => "shared-object",
        ET_REL => "relocatable",
        header::ET_CORE => "core",
        _ => "other",
    };
    match kind {
        "executable" => bin.flag(Flag::Executable),
        "shared-object" => bin.flag(Flag::SharedLibrary),
        _ => {}
    }
    if elf.header.e_type == ET_DYN && elf.interpreter.is_some() {
        bin.flag(Flag::Pie);
    }
    if elf.header.e_type == ET_EXEC && elf.interpreter.is_none() && elf.libraries.is_empty() {
        bin.flag(Flag::Static);
    }
    if !elf.has_syms && !elf.section_headers.is_empty() {
        bin.flag(Flag::Stripped);
    }
    let mut info = ElfInfo {
        kind: kind.to_owned(),
        soname: elf.soname.map(str::to_owned),
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        interpreter: elf.interpreter.map(str::to_owned),
        ..Default::default()
    };
    if elf.section_headers.iter().any(|s| {
        matches!(
            elf.section_name(s),
            Some(".go.buildinfo" | ".note.go.buildid")
        )
    }) {
        bin.flag(Flag::Go);
    }
    let named = |name: &str| {
        elf.section_headers
            .iter()
            .filter(|s| s.sh_type != goblin::elf::section_header::SHT_NOBITS)
            .find(|s| elf.section_name(s) == Some(name))
            .and_then(|s| embedded::section(data, s.sh_offset, s.sh_size))
    };
    embedded::take(bin, named(".go.buildinfo"), named(".dep-v0"), problems);
    let mut note_error = None;
    let segments = elf
        .program_headers
        .iter()
        .filter(|p| p.p_type == goblin::elf::program_header::PT_NOTE)
        .map(|p| (p.p_offset, p.p_filesz, p.p_align));
    let sections = elf
        .section_headers
        .iter()
        .filter(|s| s.sh_type == goblin::elf::section_header::SHT_NOTE)
        .map(|s| (s.sh_offset, s.sh_size, s.sh_addralign));
    for (offset, size, align) in segments.chain(sections) {
        let table = NoteTable {
            data,
            offset,
            size,
            align,
            little_endian: elf.little_endian,
        };
        if let Err(e) = table
            .each(|name, n_type, desc| take_note(name, n_type, desc, &mut info, &mut note_error))
        {
            note_error.get_or_insert(e);
        }
    }
    if let Some(e) = note_error {
        problems.push(format!("corrupt ELF note: {e}"));
    }
    if let Some(serde_json::Value::Object(note)) = &info.package_note {
        for (k, v) in note {
            if let serde_json::Value::String(s) = v {
                if k == "name" {
                    bin.claims
                        .push(crate::model::binary::Claim::PackageName(s.clone()));
                }
                bin.claims
                    .push(crate::model::binary::Claim::Metadata(format!(
                        "elf-note:{k}={s}"
                    )));
            }
        }
    }
    bin.elf = Some(info);
    Ok(())
}

/// The end of the last table or segment the headers point to.
fn described_size(elf: &Lean) -> u64 {
    let h = &elf.header;
    let sh_end = if h.e_shnum > 0 {
        h.e_shoff
            .saturating_add(u64::from(h.e_shnum) * u64::from(h.e_shentsize))
    } else {
        0
    };
    let ph_end = elf
        .program_headers
        .iter()
        .filter(|p| p.p_type != goblin::elf::program_header::PT_NULL)
        .map(|p| p.p_offset.saturating_add(p.p_filesz))
        .max()
        .unwrap_or(0);
    let sec_end = elf
        .section_headers
        .iter()
        .filter(|s| s.sh_type != goblin::elf::section_header::SHT_NOBITS)
        .map(|s| s.sh_offset.saturating_add(s.sh_size))
        .max()
        .unwrap_or(0);
    sh_end.max(ph_end).max(sec_end)
}

/// One note table (a PT_NOTE segment or an SHT_NOTE section).
///
/// Read by hand rather than with goblin's iterator: goblin decodes owner
/// names as UTF-8 and fails on annobin's `.gnu.build.attributes` notes,
/// whose names are binary (valid ELF, found in Fedora and RHEL builds), and
/// its iterator can't skip past a record. Names are compared as bytes here,
/// and every size is bounds-checked.
struct NoteTable<'a> {
    data: &'a [u8],
    offset: u64,
    size: u64,
    align: u64,
    little_endian: bool,
}

impl NoteTable<'_> {
    fn each(&self, mut f: impl FnMut(&[u8], u32, &[u8])) -> Result<(), ReadError> {
        let start = usize::try_from(self.offset)
            .map_err(|_| ReadError::malformed("note table offset out of range"))?;
        let len = usize::try_from(self.size)
            .map_err(|_| ReadError::malformed("note table size out of range"))?;
        let end = start.checked_add(len).filter(|&e| e <= self.data.len());
        // A table past the end of the file is reported as truncation already.
        let Some(end) = end else { return Ok(()) };
        let table = &self.data[start..end];
        // Notes are 4-byte aligned, except 64-bit GNU property notes (8).
        let align = if self.align == 8 { 8 } else { 4 };
        let word = |b: &[u8]| {
            let w = [b[0], b[1], b[2], b[3]];
            if self.little_endian {
                u32::from_le_bytes(w)
            } else {
                u32::from_be_bytes(w)
            }
        };
        // Padding aligns offsets within the table (header + name, then desc).
        let up = |n: usize| n.checked_next_multiple_of(align);
        let mut pos = 0;
        for _ in 0..MAX_NOTES {
            if table.len() - pos < 12 {
                return Ok(());
            }
            let namesz = word(&table[pos..]) as usize;
            let descsz = word(&table[pos + 4..]) as usize;
            let n_type = word(&table[pos + 8..]);
            let name_at = pos + 12;
            let desc_at = name_at
                .checked_add(namesz)
                .and_then(up)
                .ok_or(ReadError::malformed("note name size overflows"))?;
            let next = desc_at
                .checked_add(descsz)
                .and_then(up)
                .ok_or(ReadError::malformed("note descriptor size overflows"))?;

            if desc_at.saturating_add(descsz) > table.len() || name_at + namesz > table.len() {
                return Err(ReadError::truncated(format!(
                    "note at offset {} claims {namesz}+{descsz} bytes, beyond its table of {} bytes",
                    start + pos,
                    table.len()
                )));
            }
            let name = &table[name_at..name_at + namesz];
            let name = name.strip_suffix(b"\0").unwrap_or(name);
            f(name, n_type, &table[desc_at..desc_at + descsz]);
            pos = next.min(table.len());
        }
        Ok(())
    }
}

fn take_note(
    name: &[u8],
    n_type: u32,
    desc: &[u8],
    info: &mut ElfInfo,
    error: &mut Option<ReadError>,
) {
    match (name, n_type) {
        (b"GNU", NT_GNU_BUILD_ID) if info.build_id.is_none() && !desc.is_empty() => {
            info.build_id = Some(hex(desc));
        }
        (b"FDO", NT_FDO_PACKAGING_METADATA) if info.package_note.is_none() => {
            match parse_json::<serde_json::Value>(trim_nuls(desc)) {
                Ok(v @ serde_json::Value::Object(_)) => info.package_note = Some(v),
                Ok(_) => {
                    error.get_or_insert(ReadError::malformed("package note is not a JSON object"));
                }
                Err(e) => {
                    error.get_or_insert(ReadError::PackageNote(e));
                }
            }
        }
        _ => {}
    }
}

fn trim_nuls(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    &b[..end]
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Architecture names as distributions spell them.
fn arch(elf: &Lean) -> String {
    use header::*;
    let m = elf.header.e_machine;
    let s = match m {
        EM_X86_64 => "x86_64",
        EM_386 => "i386",
        EM_AARCH64 => "aarch64",
        EM_ARM => "arm",
        EM_RISCV if elf.is_64 => "riscv64",
        EM_RISCV => "riscv32",
        EM_PPC64 if elf.little_endian => "ppc64le",
        EM_PPC64 => "ppc64",
        EM_PPC => "ppc",
        EM_S390 => "s390x",
        EM_MIPS if elf.is_64 => "mips64",
        EM_MIPS => "mips",
        EM_LOONGARCH => "loongarch64",
        EM_SPARCV9 => "sparc64",
        _ => return machine_to_str(m).to_ascii_lowercase(),
    };
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(name: &[u8], n_type: u32, desc: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(name.len() as u32 + 1).to_le_bytes());
        v.extend_from_slice(&(desc.len() as u32).to_le_bytes());
        v.extend_from_slice(&n_type.to_le_bytes());
        v.extend_from_slice(name);
        v.push(0);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v.extend_from_slice(desc);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    fn read_table(bytes: &[u8]) -> (ElfInfo, Option<ReadError>, Result<(), ReadError>) {
        let table = NoteTable {
            data: bytes,
            offset: 0,
            size: bytes.len() as u64,
            align: 4,
            little_endian: true,
        };
        let (mut info, mut err) = (ElfInfo::default(), None);
        let r = table.each(|n, t, d| take_note(n, t, d, &mut info, &mut err));
        (info, err, r)
    }

    #[test]
    fn binary_owner_names_are_skipped_not_errors() {
        // An annobin note: its owner name is binary, not UTF-8.
        let mut t = note(b"GA$\x033p1113\xff", 0x100, &[0; 16]);
        t.extend(note(b"GNU", NT_GNU_BUILD_ID, &[0xab, 0xcd, 0xef, 0x01]));
        t.extend(note(
            b"FDO",
            NT_FDO_PACKAGING_METADATA,
            br#"{"type":"deb","name":"x"}"#,
        ));
        let (info, err, r) = read_table(&t);
        assert!(r.is_ok() && err.is_none(), "{r:?} {err:?}");
        assert_eq!(info.build_id.as_deref(), Some("abcdef01"));
        assert_eq!(info.package_note.unwrap()["name"], "x");
    }

    #[test]
    fn eight_byte_aligned_property_notes_are_stepped_correctly() {
        // .note.gnu.property in 64-bit files: 12-byte header, "GNU\0", then
        // the descriptor at offset 16 (8-aligned), then the next note.
        let mut t = Vec::new();
        t.extend_from_slice(&4u32.to_le_bytes());
        t.extend_from_slice(&16u32.to_le_bytes());
        t.extend_from_slice(&5u32.to_le_bytes()); // NT_GNU_PROPERTY_TYPE_0
        t.extend_from_slice(b"GNU\0");
        t.extend_from_slice(&[0x11; 16]);
        t.extend_from_slice(&4u32.to_le_bytes());
        t.extend_from_slice(&4u32.to_le_bytes());
        t.extend_from_slice(&NT_GNU_BUILD_ID.to_le_bytes());
        t.extend_from_slice(b"GNU\0");
        t.extend_from_slice(&[0xaa, 0xbb, 0xcc, 0xdd]);
        let table = NoteTable {
            data: &t,
            offset: 0,
            size: t.len() as u64,
            align: 8,
            little_endian: true,
        };
        let (mut info, mut err) = (ElfInfo::default(), None);
        let r = table.each(|n, ty, d| take_note(n, ty, d, &mut info, &mut err));
        assert!(r.is_ok() && err.is_none(), "{r:?} {err:?}");
        assert_eq!(info.build_id.as_deref(), Some("aabbccdd"));
    }

    #[test]
    fn a_note_larger_than_its_table_is_an_error() {
        let mut t = note(b"GNU", NT_GNU_BUILD_ID, &[1; 20]);
        t[4..8].copy_from_slice(&1000u32.to_le_bytes());
        let (info, _, r) = read_table(&t);
        let e = r.unwrap_err();
        assert!(matches!(e, ReadError::Truncated(_)), "{e:?}");
        assert!(
            e.to_string().ends_with("beyond its table of 36 bytes"),
            "{e}"
        );
        assert_eq!(info.build_id, None);
    }

    /// A package note 100 times deeper than the nesting bound is a note
    /// error, on a stack an eighth of a worker's; one exactly at the bound
    /// is read there.
    #[test]
    fn package_notes_past_the_nesting_bound_are_errors_on_a_small_stack() {
        use crate::formats::nesting::MAX_JSON_DEPTH;
        let deep = |levels: usize| {
            let json = format!(
                r#"{{"name":"x","deps":{}{}}}"#,
                "[".repeat(levels - 1),
                "]".repeat(levels - 1)
            );
            note(b"FDO", NT_FDO_PACKAGING_METADATA, json.as_bytes())
        };
        let (hostile, at_bound) = (deep(MAX_JSON_DEPTH * 100), deep(MAX_JSON_DEPTH));
        let (hostile, at_bound) = crate::isolate::on_small_stack(move || {
            let (_, err, r) = read_table(&hostile);
            let (info, ok, _) = read_table(&at_bound);
            (
                (err.map(|e| e.to_string()), r.is_ok()),
                (info.package_note.is_some(), ok.is_none()),
            )
        });
        assert_eq!(
            hostile,
            (
                Some(
                    "package note is JSON nested deeper than 32 levels at line 1 column 51".into()
                ),
                true
            )
        );
        assert_eq!(at_bound, (true, true));
    }

    #[test]
    fn nul_padding_is_trimmed_from_note_json() {
        assert_eq!(trim_nuls(b"{}\0\0"), b"{}");
        assert_eq!(trim_nuls(b"\0"), b"");
    }

    #[test]
    fn go_build_info_and_cargo_auditable_sections_are_read() {
        use crate::fingerprint::embedded::writer;
        use crate::model::binary::{Claim, Format};
        let go = writer::go_buildinfo(
            "go1.22.5",
            "path\tgithub.com/acme/tool/cmd/tool\nmod\tgithub.com/acme/tool\tv1.2.3\th1:x=\n\
             dep\tgithub.com/spf13/cobra\tv1.8.0\th1:y=\n",
        );
        let dep = writer::dep_v0(
            r#"{"packages":[{"name":"acme-cli","version":"0.3.0","source":"local","kind":"runtime","dependencies":[1],"root":true},{"name":"serde","version":"1.0.200","source":"crates.io","kind":"runtime","dependencies":[]}]}"#,
        );
        let data = writer::elf_with_sections(&[(".go.buildinfo", &go), (".dep-v0", &dep)]);
        let mut bin = Binary::new("x", Format::Elf, data.len() as u64);
        let mut problems = Vec::new();
        read(&data, &mut bin, &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(bin.flags.contains(&Flag::Go));
        let info = bin.go.as_ref().unwrap();
        assert_eq!(info.main.as_ref().unwrap().version, "v1.2.3");
        assert_eq!(info.deps[0].path, "github.com/spf13/cobra");
        assert_eq!(bin.cargo.as_ref().unwrap().packages.len(), 2);
        for c in [
            "go:module=github.com/acme/tool",
            "go:path=github.com/acme/tool/cmd/tool",
            "cargo:package=acme-cli",
        ] {
            assert!(
                bin.claims.contains(&Claim::Metadata(c.into())),
                "{c}: {:?}",
                bin.claims
            );
        }
        // A broken section is a problem entry, and the rest still reads.
        let data = writer::elf_with_sections(&[(".go.buildinfo", &go[..40]), (".dep-v0", b"junk")]);
        let mut bin = Binary::new("x", Format::Elf, data.len() as u64);
        let mut problems = Vec::new();
        read(&data, &mut bin, &mut problems).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(bin.flags.contains(&Flag::Go) && bin.go.is_none() && bin.cargo.is_none());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut bin = Binary::new("x", super::super::Format::Elf, 8);
        let mut p = Vec::new();
        assert!(read(b"\x7fELF\x02\x01\x01\x00garbage", &mut bin, &mut p).is_err());
    }
}
