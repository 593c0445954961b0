//! Mach-O: architectures, file type, install name, linked dylibs, minimum OS,
//! and the code signature (identifier, Team ID, ad-hoc, signer certificate).
//!
//! goblin reads the headers and load commands, thin or fat. goblin does not
//! read code signatures, and no small crate does (apple-codesign brings ~300
//! crates), so the SuperBlob and CodeDirectory are read here by hand
//! (Apple's `cs_blobs.h` layout: big-endian, every offset bounds-checked;
//! a hostile blob is a problem entry, never a panic). The CMS signature is
//! BER with indefinite lengths; [`crate::formats::cms`] reads it, the same
//! reader as for Authenticode, and names the certificate the SignerInfo
//! names (issuer and serial number, or subject key identifier).
//!
//! The signature is *claimed*: no page hash or CMS signature is checked and
//! no chain validated, so signer claims are `verified: false`.

use super::ReadError;
use super::embedded;
use crate::formats::bytes::be32;
use crate::formats::cms::{self, Signed};
use crate::model::binary::{Binary, Claim, CodeSignature, Flag, MachoInfo, SignerName, Slice};
use goblin::mach::constants::cputype;
use goblin::mach::header;
use goblin::mach::load_command::CommandVariant;
use goblin::mach::{Mach, MachO, SingleArch};

const CSMAGIC_EMBEDDED_SIGNATURE: u32 = 0xfade_0cc0;
const CSMAGIC_CODEDIRECTORY: u32 = 0xfade_0c02;
const CSMAGIC_BLOBWRAPPER: u32 = 0xfade_0b01;
const CSSLOT_CODEDIRECTORY: u32 = 0;
const CSSLOT_ALTERNATE_CODEDIRECTORIES: u32 = 0x1000;
const CSSLOT_SIGNATURESLOT: u32 = 0x10000;
const CS_ADHOC: u32 = 0x2;
const CS_SUPPORTSTEAMID: u32 = 0x20200;
/// More slices than this in a fat header is not a real binary.
pub(super) const MAX_SLICES: usize = 32;
/// The sections copied out of a slice (Go build information, `cargo
/// auditable` data); [`macho_parts`](super::macho_parts) reads them too.
pub(super) const GO_SECTION: &str = "__go_buildinfo";
pub(super) const DEP_SECTION: &str = ".dep-v0";
/// Bound on SuperBlob index entries: real signatures have fewer than ten.
const MAX_BLOBS: u32 = 64;

pub fn read(data: &[u8], bin: &mut Binary, problems: &mut Vec<String>) -> Result<(), ReadError> {
    let mut info = MachoInfo::default();
    let mut firsts: Option<SliceFacts> = None;
    if data.len() >= 4 && data[..4] == [0xca, 0xfe, 0xba, 0xbf] {
        return Err(ReadError::Unsupported(
            "64-bit fat Mach-O headers are not read",
        ));
    }
    let mach = Mach::parse_lossy(data).map_err(|source| ReadError::Headers {
        format: "Mach-O",
        source,
    })?;
    match mach {
        Mach::Binary(m) => {
            let (slice, facts) = read_slice(&m, data, problems);
            info.slices.push(slice);
            firsts = Some(facts);
        }
        Mach::Fat(fat) => {
            bin.flag(Flag::Fat);
            let arches = fat.arches().map_err(ReadError::FatHeader)?;
            if arches.len() > MAX_SLICES {
                return Err(ReadError::malformed(format!(
                    "corrupt fat Mach-O header: {} slices",
                    arches.len()
                )));
            }
            for (i, a) in arches.iter().enumerate() {
                let name = arch_name(a.cputype, a.cpusubtype);
                let bytes = a.slice(data);
                if bytes.is_empty() {
                    problems.push(format!(
                        "fat Mach-O slice {i} ({name}) lies outside the file"
                    ));
                    continue;
                }
                match fat.get(i) {
                    Ok(SingleArch::MachO(m)) => {
                        let (slice, facts) = read_slice(&m, bytes, problems);
                        info.slices.push(slice);
                        firsts.get_or_insert(facts);
                    }
                    Ok(SingleArch::Archive(_)) => info.slices.push(Slice {
                        arch: name,
                        filetype: "archive".into(),
                        ..Default::default()
                    }),
                    Err(e) => problems.push(format!("fat Mach-O slice {i} ({name}): {e}")),
                }
            }
        }
    }
    info.archs = info.slices.iter().map(|s| s.arch.clone()).collect();
    if let Some(f) = firsts {
        info.filetype = f.filetype.to_owned();
        info.id_dylib = f.id_dylib;
        info.dylibs = f.dylibs;
        info.min_os = f.min_os;
        match f.filetype {
            "executable" => bin.flag(Flag::Executable),
            "dylib" => bin.flag(Flag::SharedLibrary),
            _ => {}
        }
        embedded::take(bin, f.go.as_deref(), f.dep.as_deref(), problems);
    }
    bin.arch = match info.archs.len() {
        0 => None,
        1 => Some(info.archs[0].clone()),
        _ => Some(info.archs.join("+")),
    };
    let summary = info
        .slices
        .iter()
        .filter_map(|s| s.signature.as_ref())
        .find(|s| !s.adhoc)
        .or_else(|| info.slices.iter().find_map(|s| s.signature.as_ref()))
        .cloned();
    match summary {
        None => bin.flag(Flag::Unsigned),
        Some(sig) => {
            bin.flag(if sig.adhoc { Flag::Adhoc } else { Flag::Signed });
            if let Some(t) = &sig.team_id {
                bin.claims.push(Claim::TeamId(t.clone()));
            }
            if let Some(name) = sig.signer.as_ref().and_then(SignerName::name) {
                bin.claims.push(Claim::Signer {
                    name: name.to_owned(),
                    verified: sig.is_developer_id(),
                });
            }
            if let Some(id) = &sig.identifier
                && crate::model::binary::is_bundle_id(id)
            {
                bin.claims.push(Claim::BundleId(id.clone()));
            }
            info.team_id = sig.team_id;
            info.identifier = sig.identifier;
            info.adhoc = sig.adhoc;
            info.signer = sig.signer;
        }
    }
    bin.macho = Some(info);
    Ok(())
}

struct SliceFacts {
    filetype: &'static str,
    id_dylib: Option<String>,
    dylibs: Vec<String>,
    min_os: Option<String>,
    /// `__DATA,__go_buildinfo` (Go) and `__DATA,.dep-v0` (`cargo
    /// auditable`), copied out of the slice: both are small.
    go: Option<Vec<u8>>,
    dep: Option<Vec<u8>>,
}

/// The bytes of the named section of a slice, if it has file contents.
fn named_section(m: &MachO, bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    m.segments
        .iter()
        .filter_map(|seg| seg.sections().ok())
        .flatten()
        .find(|(sec, _)| sec.name().is_ok_and(|n| n == name) && sec.offset != 0)
        .and_then(|(sec, _)| embedded::section(bytes, u64::from(sec.offset), sec.size))
        .map(<[u8]>::to_vec)
}

/// Reads one thin Mach-O; `bytes` is that slice alone (signature offsets are
/// relative to it).
fn read_slice(m: &MachO, bytes: &[u8], problems: &mut Vec<String>) -> (Slice, SliceFacts) {
    let arch = arch_name(m.header.cputype, m.header.cpusubtype);
    let filetype = filetype(m.header.filetype);
    let mut facts = SliceFacts {
        filetype,
        id_dylib: None,
        dylibs: Vec::new(),
        min_os: None,
        go: named_section(m, bytes, GO_SECTION),
        dep: named_section(m, bytes, DEP_SECTION),
    };
    let mut signature = None;
    for lc in &m.load_commands {
        match &lc.command {
            CommandVariant::BuildVersion(b) => {
                facts.min_os = Some(format!("{} {}", platform(b.platform), version(b.minos)));
            }
            CommandVariant::VersionMinMacosx(v) if facts.min_os.is_none() => {
                facts.min_os = Some(format!("macos {}", version(v.version)));
            }
            CommandVariant::CodeSignature(cs) => {
                let what = format!("code signature of the {arch} slice");
                match read_signature(bytes, cs.dataoff as usize, cs.datasize as usize) {
                    Ok((sig, errs)) => {
                        problems.extend(errs.into_iter().map(|e| format!("{what}: {e}")));
                        signature = Some(sig);
                    }
                    Err(e) => problems.push(format!("corrupt {what}: {e}")),
                }
            }
            _ => {}
        }
    }
    // goblin puts the dylib's own name first (`self` when it has none).
    facts.id_dylib = m.name.map(str::to_owned);
    facts.dylibs = m.libs.iter().skip(1).map(|s| s.to_string()).collect();
    let slice = Slice {
        arch,
        filetype: filetype.to_owned(),
        min_os: facts.min_os.clone(),
        signature,
    };
    (slice, facts)
}

/// Reads the embedded-signature SuperBlob at `off..off+len` of a slice.
/// `Err` when the SuperBlob itself is unreadable; problems in its parts
/// (a CMS blob that is not CMS) come back with what could be read.
pub fn read_signature(
    bytes: &[u8],
    off: usize,
    len: usize,
) -> Result<(CodeSignature, Vec<String>), ReadError> {
    let end = off
        .checked_add(len)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| {
            ReadError::truncated(format!(
                "LC_CODE_SIGNATURE points at {off}+{len}, past the end of the slice ({} bytes)",
                bytes.len()
            ))
        })?;
    let sb = &bytes[off..end];
    let short = || ReadError::truncated("SuperBlob shorter than its header");
    let magic = be32(sb, 0).ok_or_else(short)?;
    if magic != CSMAGIC_EMBEDDED_SIGNATURE {
        return Err(ReadError::malformed(format!(
            "SuperBlob magic is {magic:#x}, not 0xfade0cc0"
        )));
    }
    let length = be32(sb, 4).ok_or_else(short)? as usize;
    let count = be32(sb, 8).ok_or_else(short)?;
    if length > sb.len() {
        return Err(ReadError::truncated(format!(
            "SuperBlob length {length} is past the signature's {} bytes",
            sb.len()
        )));
    }
    if count > MAX_BLOBS {
        return Err(ReadError::malformed(format!(
            "SuperBlob claims {count} blobs"
        )));
    }
    let sb = &sb[..length];
    let mut cd = None;
    let mut cms_blob = None;
    for i in 0..count as usize {
        let at = 12 + i * 8;
        let (Some(ty), Some(bo)) = (be32(sb, at), be32(sb, at + 4)) else {
            return Err(ReadError::truncated(format!(
                "SuperBlob index entry {i} is past its end"
            )));
        };
        let blob = blob_at(sb, bo as usize).map_err(|e| ReadError::In {
            part: format!("blob {ty:#x}"),
            source: Box::new(e),
        })?;
        match ty {
            CSSLOT_CODEDIRECTORY => cd = Some(blob),
            t if (CSSLOT_ALTERNATE_CODEDIRECTORIES..CSSLOT_ALTERNATE_CODEDIRECTORIES + 5)
                .contains(&t) =>
            {
                cd.get_or_insert(blob);
            }
            CSSLOT_SIGNATURESLOT => cms_blob = Some(blob),
            _ => {}
        }
    }
    let cd = cd.ok_or(ReadError::Missing("no CodeDirectory"))?;
    let mut sig = read_code_directory(cd)?;
    let mut problems = Vec::new();
    if let Some(w) = cms_blob {
        if be32(w, 0) != Some(CSMAGIC_BLOBWRAPPER) {
            problems.push("signature slot does not hold a blob wrapper".to_owned());
        } else if w.len() > 8 {
            match cms::signed_data(&w[8..]) {
                Ok(Signed {
                    signer: Some(s), ..
                }) => sig.signer = Some(s.subject.into()),
                Ok(_) => problems
                    .push("CMS signature: no embedded certificate matches the signer".to_owned()),
                Err(e) => problems.push(format!("unreadable CMS signature: {e}")),
            }
        }
    }
    Ok((sig, problems))
}

/// A blob inside the SuperBlob: magic, length, then data; bounded by both.
fn blob_at(sb: &[u8], off: usize) -> Result<&[u8], ReadError> {
    let past = |what: String| {
        ReadError::truncated(format!("{what} is past the SuperBlob's {} bytes", sb.len()))
    };
    let len =
        be32(sb, off.saturating_add(4)).ok_or_else(|| past(format!("offset {off}")))? as usize;
    if len < 8 {
        return Err(ReadError::malformed(format!(
            "length {len} is shorter than a blob header"
        )));
    }
    off.checked_add(len)
        .and_then(|end| sb.get(off..end))
        .ok_or_else(|| past(format!("{off}+{len}")))
}

fn read_code_directory(cd: &[u8]) -> Result<CodeSignature, ReadError> {
    if be32(cd, 0) != Some(CSMAGIC_CODEDIRECTORY) {
        return Err(ReadError::malformed(
            "CodeDirectory slot does not hold a CodeDirectory",
        ));
    }
    let too_short = || ReadError::truncated("CodeDirectory too short");
    let version = be32(cd, 8).ok_or_else(too_short)?;
    let flags = be32(cd, 12).ok_or_else(too_short)?;
    let ident_off = be32(cd, 20).ok_or_else(too_short)? as usize;
    let identifier = Some(c_string(cd, ident_off).ok_or(ReadError::truncated(
        "CodeDirectory identifier is out of bounds",
    ))?);
    let team_id = if version >= CS_SUPPORTSTEAMID {
        match be32(cd, 48).ok_or(ReadError::truncated(
            "CodeDirectory too short for its version",
        ))? {
            0 => None,
            t => Some(c_string(cd, t as usize).ok_or(ReadError::truncated(
                "CodeDirectory team ID is out of bounds",
            ))?),
        }
    } else {
        None
    };
    Ok(CodeSignature {
        identifier,
        team_id,
        flags: Some(format!("{flags:#x}")),
        adhoc: flags & CS_ADHOC != 0,
        signer: None,
    })
}

/// A NUL-terminated string at `off`, bounded by the blob.
fn c_string(b: &[u8], off: usize) -> Option<String> {
    let rest = b.get(off..)?;
    let n = rest.iter().position(|&c| c == 0)?;
    Some(String::from_utf8_lossy(&rest[..n]).into_owned())
}

fn arch_name(cpu: u32, sub: u32) -> String {
    let sub = sub & !cputype::CPU_SUBTYPE_MASK;
    if let Some(n) = cputype::get_arch_name_from_types(cpu, sub) {
        return n.to_owned();
    }
    match cpu {
        cputype::CPU_TYPE_X86_64 => "x86_64".into(),
        cputype::CPU_TYPE_ARM64 => "arm64".into(),
        cputype::CPU_TYPE_I386 => "i386".into(),
        cputype::CPU_TYPE_ARM => "arm".into(),
        cputype::CPU_TYPE_POWERPC => "ppc".into(),
        cputype::CPU_TYPE_POWERPC64 => "ppc64".into(),
        _ => format!("cpu-{cpu:#x}"),
    }
}

fn filetype(t: u32) -> &'static str {
    match t {
        header::MH_EXECUTE => "executable",
        header::MH_DYLIB => "dylib",
        header::MH_BUNDLE => "bundle",
        header::MH_OBJECT => "object",
        header::MH_DYLINKER => "dylinker",
        header::MH_KEXT_BUNDLE => "kext-bundle",
        header::MH_DYLIB_STUB => "dylib-stub",
        header::MH_CORE => "core",
        header::MH_DSYM => "dsym",
        header::MH_FILESET => "fileset",
        _ => "other",
    }
}

/// LC_BUILD_VERSION platforms (`<mach-o/loader.h>`).
fn platform(p: u32) -> &'static str {
    match p {
        1 => "macos",
        2 => "ios",
        3 => "tvos",
        4 => "watchos",
        5 => "bridgeos",
        6 => "maccatalyst",
        7 => "ios-simulator",
        8 => "tvos-simulator",
        9 => "watchos-simulator",
        10 => "driverkit",
        11 => "visionos",
        12 => "visionos-simulator",
        _ => "unknown",
    }
}

/// X.Y.Z encoded in nibbles xxxx.yy.zz.
fn version(v: u32) -> String {
    let (x, y, z) = (v >> 16, (v >> 8) & 0xff, v & 0xff);
    if z == 0 {
        format!("{x}.{y}")
    } else {
        format!("{x}.{y}.{z}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_developer_id_with_its_team_id_is_verified() {
        let sig = |team: Option<&str>, ou: Option<&str>, adhoc: bool| CodeSignature {
            team_id: team.map(str::to_owned),
            adhoc,
            signer: Some(SignerName {
                cn: Some("Developer ID Application: Acme (ACME123456)".into()),
                o: Some("Acme".into()),
                ou: ou.map(str::to_owned),
                c: None,
            }),
            ..Default::default()
        };
        assert!(sig(Some("ACME123456"), Some("ACME123456"), false).is_developer_id());
        // Mac App Store re-signing: Apple's certificate, the developer's Team ID.
        assert!(!sig(Some("ACME123456"), Some("Apple Software"), false).is_developer_id());
        // Apple's own "Software Signing": no Team ID.
        assert!(!sig(None, Some("Apple Software"), false).is_developer_id());
        assert!(!sig(Some("ACME123456"), Some("ACME123456"), true).is_developer_id());
    }

    #[test]
    fn versions_and_arch_names() {
        assert_eq!(version(0x000b_0000), "11.0");
        assert_eq!(version(0x000a_0f06), "10.15.6");
        assert_eq!(
            arch_name(cputype::CPU_TYPE_ARM64, 2 | 0x8000_0000),
            "arm64e"
        );
        assert_eq!(arch_name(cputype::CPU_TYPE_X86_64, 3), "x86_64");
    }

    #[test]
    fn superblob_bounds_are_checked() {
        // Offset + length overflow, and a blob whose length runs past the end.
        assert!(read_signature(&[0; 16], usize::MAX, 2).is_err());
        let mut sb = Vec::new();
        for v in [
            CSMAGIC_EMBEDDED_SIGNATURE,
            28,
            1,
            0,
            20,
            CSMAGIC_CODEDIRECTORY,
            0xffff,
        ] {
            sb.extend_from_slice(&v.to_be_bytes());
        }
        let e = read_signature(&sb, 0, sb.len()).unwrap_err();
        let ReadError::In { source, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(matches!(**source, ReadError::Truncated(_)), "{e:?}");
        assert_eq!(
            e.to_string(),
            "blob 0x0: 20+65535 is past the SuperBlob's 28 bytes"
        );
        // A CodeDirectory whose identifier offset is outside it.
        let mut cd = Vec::new();
        for v in [CSMAGIC_CODEDIRECTORY, 52, 0x20400, 0, 0, 9999] {
            cd.extend_from_slice(&v.to_be_bytes());
        }
        cd.resize(52, 0);
        let e = read_code_directory(&cd).unwrap_err();
        assert_eq!(e.to_string(), "CodeDirectory identifier is out of bounds");
    }
}
