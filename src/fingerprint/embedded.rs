//! Dependency lists toolchains embed in the binaries they build: Go's build
//! information and `cargo auditable`'s crate list. The format readers find
//! the section (`.go.buildinfo` / `__go_buildinfo`, or the PE data section
//! holding the magic; `.dep-v0` in every format) and hand its bytes here.
//!
//! Hand-written, as both layouts are small and documented in their
//! toolchains' sources:
//!
//! - Go 1.18 and later (`debug/buildinfo`): a 32-byte header, the magic
//!   `\xff Go buildinf:` (14 bytes), the pointer size, a flags byte whose bit
//!   1 says the strings follow inline; then two strings, each a
//!   varint length and its bytes: the Go version and the module information.
//!   The module information is framed by 16 sentinel bytes on each side and
//!   holds tab-separated lines: `path` (main package), `mod` (main module),
//!   `dep` (a module), `=>` (the replacement of the line before), `build`
//!   (settings, not kept). Older binaries point at the strings instead of
//!   holding them; reading those would mean following virtual addresses, so
//!   they give no build information (they are still flagged `go`).
//! - `cargo auditable`: the section is zlib-compressed JSON,
//!   `{"packages": [{"name", "version", "source", "kind", "dependencies",
//!   "root"}]}`. Decompression stops at [`MAX_AUDIT_JSON`] (cargo
//!   auditable's own readers stop at 8 MiB too), and the JSON is parsed
//!   with the project's nesting bound.

use crate::formats::nesting::parse_json;
use crate::model::binary::{Binary, CargoAudit, Claim, CratePackage, Flag, GoBuildInfo, GoModule};
use serde::Deserialize;
use std::io::Read;

/// The Go build-information magic.
pub const GO_MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const GO_HEADER: usize = 32;
/// The module information's framing (`runtime/debug` `modinfo` sentinels).
const SENTINEL: usize = 16;
/// Decompressed `cargo auditable` JSON past this is refused.
pub const MAX_AUDIT_JSON: u64 = 8 << 20;
/// A module information string past this is refused: real ones list a few
/// hundred modules in a few tens of KiB.
const MAX_MODINFO: u64 = 4 << 20;

/// Reads the sections a format reader found into the binary: its `go` and
/// `cargo` details, the `go` flag, and the claims identify matches on
/// (`go:module=PATH`, `go:path=PATH`, `cargo:package=NAME`: rule
/// `metadata` globs). A section that can't be read is a problem entry.
pub fn take(bin: &mut Binary, go: Option<&[u8]>, dep: Option<&[u8]>, problems: &mut Vec<String>) {
    if let Some(b) = go {
        bin.flag(Flag::Go);
        match go_buildinfo(b) {
            Ok(Some(info)) => {
                if let Some(m) = &info.main {
                    bin.claims
                        .push(Claim::Metadata(format!("go:module={}", m.path)));
                }
                if let Some(p) = &info.path {
                    bin.claims.push(Claim::Metadata(format!("go:path={p}")));
                }
                bin.go = Some(info);
            }
            Ok(None) => {}
            Err(e) => problems.push(format!("unreadable Go build information: {e}")),
        }
    }
    if let Some(b) = dep {
        match cargo_audit(b) {
            Ok(audit) => {
                if let Some(root) = audit.packages.iter().find(|p| p.root) {
                    bin.claims
                        .push(Claim::Metadata(format!("cargo:package={}", root.name)));
                }
                bin.cargo = Some(audit);
            }
            Err(e) => problems.push(format!("unreadable {e}")),
        }
    }
}

/// The bytes of a section by file offset and size, when inside the file.
pub fn section(data: &[u8], offset: u64, size: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(size).ok()?)?;
    data.get(start..end)
}

/// Reads Go build information from bytes that start with the magic.
/// `Ok(None)` for the pre-1.18 pointer layout; `Err` for bytes that claim to
/// be build information and are not.
pub fn go_buildinfo(b: &[u8]) -> Result<Option<GoBuildInfo>, String> {
    if b.len() < GO_HEADER || &b[..GO_MAGIC.len()] != GO_MAGIC {
        return Err("no Go build information header".into());
    }
    if b[15] & 2 == 0 {
        return Ok(None);
    }
    let mut pos = GO_HEADER;
    let version = string(b, &mut pos).ok_or("Go version string past the end")?;
    let modinfo = string(b, &mut pos).ok_or("Go module information past the end")?;
    let version = String::from_utf8_lossy(version).into_owned();
    if version.is_empty() {
        return Err("empty Go version".into());
    }
    let mut info = GoBuildInfo {
        go_version: version,
        path: None,
        main: None,
        deps: Vec::new(),
    };
    // Framed by sentinels when present (always, from the go command).
    let m = if modinfo.len() > 2 * SENTINEL && modinfo[modinfo.len() - SENTINEL - 1] == b'\n' {
        &modinfo[SENTINEL..modinfo.len() - SENTINEL]
    } else {
        modinfo
    };
    for line in String::from_utf8_lossy(m).lines() {
        let mut f = line.split('\t');
        match f.next() {
            Some("path") => info.path = f.next().map(str::to_owned),
            Some("mod") => info.main = module(f),
            Some("dep") => info.deps.extend(module(f)),
            Some("=>") => {
                let target = module(f).map(Box::new);
                let last = if info.deps.is_empty() {
                    info.main.as_mut()
                } else {
                    info.deps.last_mut()
                };
                if let Some(last) = last {
                    last.replaced_by = target;
                }
            }
            _ => {}
        }
    }
    Ok(Some(info))
}

/// A module line's fields after its tag: path, version, sum.
fn module<'a>(mut f: impl Iterator<Item = &'a str>) -> Option<GoModule> {
    let path = f.next().filter(|p| !p.is_empty())?.to_owned();
    Some(GoModule {
        path,
        version: f.next().unwrap_or("").to_owned(),
        sum: f.next().filter(|s| !s.is_empty()).map(str::to_owned),
        replaced_by: None,
    })
}

/// A varint-prefixed string at `pos`, bounded by the buffer.
fn string<'a>(b: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let mut len: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        len |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            if len > MAX_MODINFO {
                return None;
            }
            let end = pos.checked_add(usize::try_from(len).ok()?)?;
            let s = b.get(*pos..end)?;
            *pos = end;
            return Some(s);
        }
    }
    None
}

/// The offset of the Go build information in a file region: Go aligns it
/// to 16 bytes, so only those offsets are tried.
pub fn find_go_magic(region: &[u8]) -> Option<usize> {
    (0..region.len().saturating_sub(GO_HEADER - 1))
        .step_by(16)
        .find(|&i| region[i..].starts_with(GO_MAGIC))
}

#[derive(Deserialize)]
struct AuditJson {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    root: bool,
}

/// Reads a `cargo auditable` section (zlib-compressed JSON).
pub fn cargo_audit(compressed: &[u8]) -> Result<CargoAudit, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_AUDIT_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cargo auditable data: {e}"))?;
    if json.len() as u64 > MAX_AUDIT_JSON {
        return Err(format!(
            "cargo auditable data: more than {} MiB decompressed",
            MAX_AUDIT_JSON >> 20
        ));
    }
    let parsed: AuditJson = parse_json(&json).map_err(|e| format!("cargo auditable data: {e}"))?;
    Ok(CargoAudit {
        packages: parsed
            .packages
            .into_iter()
            .map(|p| CratePackage {
                name: p.name,
                version: p.version,
                source: p.source.unwrap_or_else(|| "crates.io".into()),
                kind: p.kind.unwrap_or_else(|| "runtime".into()),
                root: p.root,
            })
            .collect(),
    })
}

/// Test writers: the bytes a Go linker and `cargo auditable` put in a
/// binary, for the readers' tests and the fixture builders.
#[doc(hidden)]
pub mod writer {
    use std::io::Write;

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// `.go.buildinfo` of Go 1.18+: header, version, framed module info.
    pub fn go_buildinfo(version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = super::GO_MAGIC.to_vec();
        b.push(8); // pointer size
        b.push(2); // inline strings
        b.resize(super::GO_HEADER, 0);
        varint(version.len(), &mut b);
        b.extend_from_slice(version.as_bytes());
        let mut framed = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
        framed.extend_from_slice(modinfo.as_bytes());
        framed.extend_from_slice(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
        varint(framed.len(), &mut b);
        b.extend_from_slice(&framed);
        while !b.len().is_multiple_of(16) {
            b.push(0);
        }
        b
    }

    /// A minimal little-endian x86-64 ELF executable with the named
    /// sections (and `.shstrtab`), for the ELF reader's tests.
    pub fn elf_with_sections(sections: &[(&str, &[u8])]) -> Vec<u8> {
        let mut v = vec![0u8; 64];
        let mut placed = Vec::new();
        for (name, bytes) in sections {
            while !v.len().is_multiple_of(16) {
                v.push(0);
            }
            placed.push((*name, v.len() as u64, bytes.len() as u64));
            v.extend_from_slice(bytes);
        }
        let mut strtab = vec![0u8];
        let mut names = Vec::new();
        for (name, _, _) in &placed {
            names.push(strtab.len() as u32);
            strtab.extend_from_slice(name.as_bytes());
            strtab.push(0);
        }
        let shstr_name = strtab.len() as u32;
        strtab.extend_from_slice(b".shstrtab\0");
        let strtab_off = v.len() as u64;
        v.extend_from_slice(&strtab);
        while !v.len().is_multiple_of(8) {
            v.push(0);
        }
        let shoff = v.len() as u64;
        let sh = |v: &mut Vec<u8>, name: u32, ty: u32, off: u64, size: u64| {
            v.extend_from_slice(&name.to_le_bytes());
            v.extend_from_slice(&ty.to_le_bytes());
            v.extend_from_slice(&2u64.to_le_bytes()); // SHF_ALLOC
            v.extend_from_slice(&0u64.to_le_bytes()); // addr
            v.extend_from_slice(&off.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes());
            v.extend_from_slice(&16u64.to_le_bytes());
            v.extend_from_slice(&0u64.to_le_bytes());
        };
        v.extend_from_slice(&[0u8; 64]); // the null section
        for ((_, off, size), name) in placed.iter().zip(&names) {
            sh(&mut v, *name, 1, *off, *size); // SHT_PROGBITS
        }
        sh(&mut v, shstr_name, 3, strtab_off, strtab.len() as u64); // SHT_STRTAB
        let shnum = placed.len() as u16 + 2;
        let mut h = Vec::with_capacity(64);
        h.extend_from_slice(b"\x7fELF");
        h.extend_from_slice(&[2, 1, 1, 0]);
        h.extend_from_slice(&[0; 8]);
        h.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        h.extend_from_slice(&62u16.to_le_bytes()); // EM_X86_64
        h.extend_from_slice(&1u32.to_le_bytes());
        h.extend_from_slice(&0x401000u64.to_le_bytes());
        h.extend_from_slice(&0u64.to_le_bytes()); // no program headers
        h.extend_from_slice(&shoff.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&64u16.to_le_bytes());
        h.extend_from_slice(&56u16.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&64u16.to_le_bytes());
        h.extend_from_slice(&shnum.to_le_bytes());
        h.extend_from_slice(&(shnum - 1).to_le_bytes()); // shstrndx
        v[..64].copy_from_slice(&h);
        v
    }

    /// A minimal PE32+ (x86-64) executable with the named sections' raw
    /// data, for the PE reader's tests.
    pub fn pe_with_sections(sections: &[(&str, &[u8])]) -> Vec<u8> {
        const ALIGN: usize = 0x200;
        let headers = 0x40 + 4 + 20 + 240 + 40 * sections.len();
        let mut raw = headers.div_ceil(ALIGN) * ALIGN;
        let mut v = vec![0u8; 0x40];
        v[..2].copy_from_slice(b"MZ");
        v[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        v.extend_from_slice(b"PE\0\0");
        v.extend_from_slice(&0x8664u16.to_le_bytes()); // AMD64
        v.extend_from_slice(&(sections.len() as u16).to_le_bytes());
        v.extend_from_slice(&[0u8; 12]); // time, symbol table, symbols
        v.extend_from_slice(&240u16.to_le_bytes()); // optional header size
        v.extend_from_slice(&0x22u16.to_le_bytes()); // executable, large address aware
        let mut opt = vec![0u8; 240];
        opt[..2].copy_from_slice(&0x20bu16.to_le_bytes()); // PE32+
        opt[24..32].copy_from_slice(&0x1_4000_0000u64.to_le_bytes()); // image base
        opt[32..36].copy_from_slice(&0x1000u32.to_le_bytes()); // section alignment
        opt[36..40].copy_from_slice(&(ALIGN as u32).to_le_bytes()); // file alignment
        opt[48..50].copy_from_slice(&6u16.to_le_bytes()); // subsystem version
        let image = 0x1000 * (sections.len() + 1);
        opt[56..60].copy_from_slice(&(image as u32).to_le_bytes());
        opt[60..64].copy_from_slice(&(raw as u32).to_le_bytes()); // headers size
        opt[68..70].copy_from_slice(&3u16.to_le_bytes()); // console
        opt[108..112].copy_from_slice(&16u32.to_le_bytes()); // data directories
        v.extend_from_slice(&opt);
        let mut bodies = Vec::new();
        for (i, (name, bytes)) in sections.iter().enumerate() {
            let size = bytes.len().div_ceil(ALIGN) * ALIGN;
            let mut sh = [0u8; 40];
            sh[..name.len()].copy_from_slice(name.as_bytes());
            sh[8..12].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
            sh[12..16].copy_from_slice(&(0x1000 * (i as u32 + 1)).to_le_bytes());
            sh[16..20].copy_from_slice(&(size as u32).to_le_bytes());
            sh[20..24].copy_from_slice(&(raw as u32).to_le_bytes());
            sh[36..40].copy_from_slice(&0x4000_0040u32.to_le_bytes()); // initialised, readable
            v.extend_from_slice(&sh);
            bodies.push((raw, *bytes));
            raw += size;
        }
        v.resize(raw, 0);
        for (off, bytes) in bodies {
            v[off..off + bytes.len()].copy_from_slice(bytes);
        }
        v
    }

    /// A minimal thin x86-64 Mach-O executable with one `__DATA` segment
    /// holding the named sections, for the Mach-O reader's tests.
    pub fn macho_with_sections(sections: &[(&str, &[u8])]) -> Vec<u8> {
        let cmdsize = 72 + 80 * sections.len();
        let mut data_off = 32 + cmdsize;
        let mut v = Vec::new();
        for w in [0xfeed_facfu32, 0x0100_0007, 3, 2, 1, cmdsize as u32, 0, 0] {
            v.extend_from_slice(&w.to_le_bytes()); // magic, x86_64, all, MH_EXECUTE, 1 command
        }
        let total: usize = sections.iter().map(|(_, b)| b.len()).sum();
        v.extend_from_slice(&0x19u32.to_le_bytes()); // LC_SEGMENT_64
        v.extend_from_slice(&(cmdsize as u32).to_le_bytes());
        let mut segname = [0u8; 16];
        segname[..6].copy_from_slice(b"__DATA");
        v.extend_from_slice(&segname);
        for q in [0x1000u64, total as u64, data_off as u64, total as u64] {
            v.extend_from_slice(&q.to_le_bytes()); // vmaddr, vmsize, fileoff, filesize
        }
        for w in [3u32, 3, sections.len() as u32, 0] {
            v.extend_from_slice(&w.to_le_bytes()); // maxprot, initprot, nsects, flags
        }
        for (name, bytes) in sections {
            let mut sect = [0u8; 16];
            sect[..name.len()].copy_from_slice(name.as_bytes());
            v.extend_from_slice(&sect);
            v.extend_from_slice(&segname);
            v.extend_from_slice(&(0x1000 + data_off as u64).to_le_bytes()); // addr
            v.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            for w in [data_off as u32, 4, 0, 0, 0, 0, 0, 0] {
                v.extend_from_slice(&w.to_le_bytes()); // offset, align, reloff...
            }
            data_off += bytes.len();
        }
        for (_, bytes) in sections {
            v.extend_from_slice(bytes);
        }
        v
    }

    /// `.dep-v0`: the JSON, zlib-compressed.
    pub fn dep_v0(json: &str) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(json.as_bytes()).expect("in memory");
        z.finish().expect("in memory")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODINFO: &str = "path\tgithub.com/example/tool/cmd/tool\n\
        mod\tgithub.com/example/tool\tv1.4.2\th1:abc=\n\
        dep\tgithub.com/spf13/cobra\tv1.8.0\th1:def=\n\
        dep\tgolang.org/x/sys\tv0.20.0\th1:ghi=\n\
        =>\tgithub.com/fork/sys\tv0.20.1\th1:jkl=\n\
        build\t-compiler=gc\n\
        build\tvcs.revision=0123abcd\n";

    #[test]
    fn reads_go_version_main_module_deps_and_replacements() {
        let b = writer::go_buildinfo("go1.22.5", MODINFO);
        let info = go_buildinfo(&b).unwrap().unwrap();
        assert_eq!(info.go_version, "go1.22.5");
        assert_eq!(
            info.path.as_deref(),
            Some("github.com/example/tool/cmd/tool")
        );
        let main = info.main.unwrap();
        assert_eq!(
            (main.path.as_str(), main.version.as_str()),
            ("github.com/example/tool", "v1.4.2")
        );
        assert_eq!(info.deps.len(), 2);
        assert_eq!(info.deps[0].sum.as_deref(), Some("h1:def="));
        let r = info.deps[1].replaced_by.as_deref().unwrap();
        assert_eq!(
            (r.path.as_str(), r.version.as_str()),
            ("github.com/fork/sys", "v0.20.1")
        );
    }

    #[test]
    fn old_layouts_say_nothing_and_broken_ones_are_errors() {
        let mut b = writer::go_buildinfo("go1.16", "");
        b[15] = 0; // pointer layout
        assert_eq!(go_buildinfo(&b), Ok(None));
        let b = writer::go_buildinfo("go1.22.5", MODINFO);
        assert!(go_buildinfo(&b[..40]).is_err());
        assert!(go_buildinfo(b"not a header at all, no no no no").is_err());
        // A length past the end, and a varint that never ends.
        let mut b = writer::go_buildinfo("go1.22.5", "");
        b[32] = 0xff;
        b[33] = 0x7f;
        assert!(go_buildinfo(&b).is_err());
        let mut b = writer::go_buildinfo("go1.22.5", "");
        b.truncate(32);
        b.extend_from_slice(&[0x80; 12]);
        assert!(go_buildinfo(&b).is_err());
    }

    #[test]
    fn finds_the_magic_on_16_byte_boundaries_only() {
        let mut region = vec![0u8; 64];
        region.extend(writer::go_buildinfo("go1.21.0", MODINFO));
        assert_eq!(find_go_magic(&region), Some(64));
        let mut odd = vec![0u8; 8];
        odd.extend(writer::go_buildinfo("go1.21.0", MODINFO));
        assert_eq!(find_go_magic(&odd), None);
        assert_eq!(find_go_magic(&[]), None);
    }

    #[test]
    fn reads_cargo_auditable_packages() {
        let json = r#"{"packages":[
            {"name":"ripgrep","version":"14.1.0","source":"local","kind":"runtime","dependencies":[1],"root":true},
            {"name":"regex","version":"1.10.4","source":"crates.io","dependencies":[]},
            {"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"}]}"#;
        let audit = cargo_audit(&writer::dep_v0(json)).unwrap();
        assert_eq!(audit.packages.len(), 3);
        assert!(audit.packages[0].root);
        assert_eq!(audit.packages[1].kind, "runtime");
        assert_eq!(audit.packages[2].kind, "build");
    }

    /// Every format's reader finds both sections: ELF and Mach-O by name,
    /// PE's Go data by its magic inside `.data` and `.dep-v0` by name.
    #[test]
    fn pe_and_macho_readers_find_the_sections() {
        use crate::model::binary::{Binary, Format};
        let go = writer::go_buildinfo("go1.22.5", MODINFO);
        let dep = writer::dep_v0(
            r#"{"packages":[{"name":"tool","version":"1.0.0","source":"local","kind":"runtime","dependencies":[],"root":true}]}"#,
        );
        let mut data_section = vec![0u8; 48];
        data_section.extend_from_slice(&go);
        let files = [
            (
                Format::Pe,
                writer::pe_with_sections(&[
                    (".text", &[0xc3; 16]),
                    (".data", &data_section),
                    (".dep-v0", &dep),
                ]),
            ),
            (
                Format::Macho,
                writer::macho_with_sections(&[("__go_buildinfo", &go), (".dep-v0", &dep)]),
            ),
        ];
        for (format, bytes) in files {
            let mut bin = Binary::new("x", format, bytes.len() as u64);
            let mut problems = Vec::new();
            crate::fingerprint::parse(&bytes, &mut bin, &mut problems).unwrap();
            assert!(problems.is_empty(), "{format:?}: {problems:?}");
            let info = bin
                .go
                .as_ref()
                .unwrap_or_else(|| panic!("{format:?}: no Go build information"));
            assert_eq!(info.go_version, "go1.22.5");
            assert_eq!(info.deps.len(), 2, "{format:?}");
            assert!(
                bin.cargo.as_ref().is_some_and(|c| c.packages[0].root),
                "{format:?}"
            );
            assert!(bin.flags.contains(&Flag::Go), "{format:?}");
        }
    }

    #[test]
    fn cargo_auditable_bombs_and_garbage_are_errors() {
        // 9 MiB of spaces compress to a few KiB: refused at 8 MiB.
        let bomb = writer::dep_v0(&" ".repeat(9 << 20));
        assert!(bomb.len() < 64 << 10);
        let e = cargo_audit(&bomb).unwrap_err();
        assert!(e.contains("more than 8 MiB"), "{e}");
        assert!(cargo_audit(b"\x78\x9cgarbage").is_err());
        assert!(cargo_audit(&writer::dep_v0("{\"packages\": 3}")).is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(cargo_audit(&writer::dep_v0(&deep)).is_err());
    }
}
