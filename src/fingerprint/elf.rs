//! ELF: build-id, the FDO package note, SONAME, DT_NEEDED, interpreter, machine.
//!
//! Notes are read from PT_NOTE segments *and* SHT_NOTE sections: Go linkers
//! put `.note.gnu.build-id` outside PT_NOTE, and stripped-section binaries
//! have only the segments. The FDO package note (`.note.package`, owner
//! `FDO`, type 0xcafe1a7e; <https://systemd.io/ELF_PACKAGE_METADATA/>) is a
//! JSON object naming the package a binary was built for: strong evidence for
//! binaries that no package database owns.

use super::Binary;
use goblin::elf::Elf;
use goblin::elf::header::{self, ET_DYN, ET_EXEC, ET_REL};
use goblin::elf::note::NoteIterator;
use goblin::options::ParseOptions;
use serde::Serialize;

const NT_GNU_BUILD_ID: u32 = 3;
const NT_FDO_PACKAGING_METADATA: u32 = 0xcafe_1a7e;
/// Bound on notes read per file: a corrupt note table must not spin.
const MAX_NOTES: usize = 256;

/// The ELF part of a binary's fingerprint.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ElfInfo {
    /// `executable`, `shared-object`, `relocatable` or `core`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub build_id: Option<String>,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub interpreter: Option<String>,
    /// The FDO `.note.package` JSON object, verbatim.
    pub package_note: Option<serde_json::Value>,
}

pub fn read(data: &[u8], bin: &mut Binary, problems: &mut Vec<String>) -> Result<(), String> {
    let elf = Elf::parse_with_opts(data, &ParseOptions::permissive())
        .map_err(|e| format!("not a readable ELF file: {e}"))?;
    bin.arch = Some(arch(&elf));
    // Permissive parsing quietly drops tables that lie past the end of the
    // file; say so, since a cut-off binary is worth an error entry.
    let described = described_size(&elf);
    if described > data.len() as u64 {
        bin.flag("truncated");
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
        "executable" => bin.flag("executable"),
        "shared-object" => bin.flag("shared-library"),
        _ => {}
    }
    if elf.header.e_type == ET_DYN && elf.interpreter.is_some() {
        bin.flag("pie");
    }
    if elf.header.e_type == ET_EXEC && elf.interpreter.is_none() && elf.libraries.is_empty() {
        bin.flag("static");
    }
    if elf.syms.is_empty() && !elf.section_headers.is_empty() {
        bin.flag("stripped");
    }
    let mut info = ElfInfo {
        kind,
        soname: elf.soname.map(str::to_owned),
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        interpreter: elf.interpreter.map(str::to_owned),
        ..Default::default()
    };
    if elf.section_headers.iter().any(|s| {
        matches!(
            elf.shdr_strtab.get_at(s.sh_name),
            Some(".go.buildinfo" | ".note.go.buildid")
        )
    }) {
        bin.flag("go");
    }
    let mut note_error = None;
    read_notes(elf.iter_note_headers(data), &mut info, &mut note_error);
    read_notes(
        elf.iter_note_sections(data, None),
        &mut info,
        &mut note_error,
    );
    if let Some(e) = note_error {
        problems.push(format!("corrupt ELF note: {e}"));
    }
    bin.elf = Some(info);
    Ok(())
}

/// The end of the last table or segment the headers point to.
fn described_size(elf: &Elf) -> u64 {
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

fn read_notes(iter: Option<NoteIterator<'_>>, info: &mut ElfInfo, error: &mut Option<String>) {
    let Some(iter) = iter else { return };
    for note in iter.take(MAX_NOTES) {
        let note = match note {
            Ok(n) => n,
            Err(e) => {
                // The iterator can't skip a bad record: stop this table.
                error.get_or_insert_with(|| e.to_string());
                return;
            }
        };
        match (note.name, note.n_type) {
            ("GNU", NT_GNU_BUILD_ID) if info.build_id.is_none() && !note.desc.is_empty() => {
                info.build_id = Some(hex(note.desc));
            }
            ("FDO", NT_FDO_PACKAGING_METADATA) if info.package_note.is_none() => {
                let json = trim_nuls(note.desc);
                match serde_json::from_slice::<serde_json::Value>(json) {
                    Ok(v @ serde_json::Value::Object(_)) => info.package_note = Some(v),
                    Ok(_) => {
                        error.get_or_insert_with(|| "package note is not a JSON object".into());
                    }
                    Err(e) => {
                        error.get_or_insert_with(|| format!("package note is not valid JSON: {e}"));
                    }
                }
            }
            _ => {}
        }
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
fn arch(elf: &Elf) -> String {
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

    #[test]
    fn nul_padding_is_trimmed_from_note_json() {
        assert_eq!(trim_nuls(b"{}\0\0"), b"{}");
        assert_eq!(trim_nuls(b"\0"), b"");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let mut bin = Binary {
            path: "x".into(),
            format: super::super::Format::Elf,
            arch: None,
            size: 8,
            flags: vec![],
            elf: None,
            links: vec![],
            dev: 0,
            ino: 0,
        };
        let mut p = Vec::new();
        assert!(read(b"\x7fELF\x02\x01\x01\x00garbage", &mut bin, &mut p).is_err());
    }
}
