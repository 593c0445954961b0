//! PE (Windows): machine, DLL or EXE, .NET, the VS_VERSIONINFO strings and
//! the Authenticode signature.
//!
//! Headers, the CLR header, the certificate table and the Authenticode
//! hash ranges come from goblin (permissive mode: one bad table doesn't lose
//! the rest). The version resource is read by `pe_version.rs` (every
//! language's string table; see there why not goblin's or pelite's).
//!
//! The signature is read, not validated: its claimed signer (the leaf
//! certificate's subject) and whether the digest it signs equals the digest
//! of the file as it is (`digest_ok`). A forged certificate passes that test;
//! a modified file does not.

use super::embedded;
use super::{ReadError, pe_version};
use crate::formats::cms::{self, Tag};
use crate::model::binary::{Binary, Claim, Flag, PeInfo, Signature, Subject};
use goblin::pe::PE;
use goblin::pe::certificate_table::AttributeCertificateType;
use goblin::pe::options::{ParseMode, ParseOptions};

/// `1.3.6.1.4.1.311.2.1.4` SpcIndirectDataContent.
const OID_SPC_INDIRECT_DATA: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04];
const OID_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const OID_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const OID_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
const OID_MD5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05];

/// Language/code-page keys that are English (US, UK) string tables: the
/// fallback after the languages the Translation table lists.
const ENGLISH: [u16; 2] = [0x0409, 0x0809];

/// Gives the Authenticode digest the bytes a slice of the buffer stands
/// for (the slice itself when the buffer holds the whole file; read from
/// the file where it holds only parts, [`pe_parts`](super::pe_parts));
/// `false` when they could not be read, which leaves the digest unknown.
pub type Feed<'f> = dyn FnMut(&[u8], &mut dyn FnMut(&[u8])) -> bool + 'f;

/// Reads a PE file held whole in `data`.
pub fn read(data: &[u8], bin: &mut Binary, problems: &mut Vec<String>) -> Result<(), ReadError> {
    read_with(data, bin, problems, &mut |range, sink| {
        sink(range);
        true
    })
}

/// Reads a PE file whose parts `pe_parts` reads are in `data` (zeros
/// elsewhere); the digest's bytes come through `feed`.
pub fn read_with(
    data: &[u8],
    bin: &mut Binary,
    problems: &mut Vec<String>,
    feed: &mut Feed,
) -> Result<(), ReadError> {
    let mut opts = ParseOptions::default().with_parse_mode(ParseMode::Permissive);
    // Imports and TLS say nothing about who made a file and are where
    // goblin's fuzz-found crashes were.
    opts.parse_imports = false;
    opts.parse_tls_data = false;
    let pe = PE::parse_with_opts(data, &opts).map_err(|source| ReadError::Headers {
        format: "PE",
        source,
    })?;
    let coff = &pe.header.coff_header;
    bin.arch = Some(arch(coff.machine));
    bin.flag(if pe.is_lib {
        Flag::SharedLibrary
    } else {
        Flag::Executable
    });
    let described = pe
        .sections
        .iter()
        .map(|s| u64::from(s.pointer_to_raw_data) + u64::from(s.size_of_raw_data))
        .max()
        .unwrap_or(0);
    if described > data.len() as u64 {
        bin.flag(Flag::Truncated);
        problems.push(format!(
            "truncated PE: its sections describe {described} bytes, the file has {}",
            data.len()
        ));
    }
    // Go puts its build information at the start of the data section (no
    // section of its own in PE); `cargo auditable` adds `.dep-v0`.
    let raw = |s: &goblin::pe::section_table::SectionTable| {
        embedded::section(
            data,
            u64::from(s.pointer_to_raw_data),
            u64::from(s.size_of_raw_data),
        )
    };
    let go = pe
        .sections
        .iter()
        .filter(|s| s.name().is_ok_and(|n| n == ".data"))
        .filter_map(raw)
        .find_map(|d| embedded::find_go_magic(d).map(|i| &d[i..]));
    let dep = pe
        .sections
        .iter()
        .find(|s| s.name().is_ok_and(|n| n == ".dep-v0"))
        .and_then(raw);
    embedded::take(bin, go, dep, problems);
    let dirs = pe
        .header
        .optional_header
        .as_ref()
        .map(|o| o.data_directories);
    let mut info = PeInfo {
        dotnet: pe.clr_data.is_some()
            || dirs
                .as_ref()
                .and_then(|d| d.get_clr_runtime_header())
                .is_some_and(|d| d.virtual_address != 0 && d.size != 0),
        ..Default::default()
    };
    if info.dotnet {
        bin.flag(Flag::Dotnet);
    }
    let companies = version_info(data, &pe, &opts, &mut info).unwrap_or_else(|e| {
        problems.push(format!("unreadable VERSIONINFO resource: {e}"));
        Vec::new()
    });

    let signature = signature(data, &pe, dirs.as_ref(), problems, feed);
    if signature.digest_ok == Some(false) {
        bin.flag(Flag::DigestMismatch);
    }
    if let Some(name) = signature.subject.as_ref().and_then(Subject::name) {
        bin.claims.push(Claim::Signer {
            name: name.to_owned(),
            verified: signature.digest_ok == Some(true),
        });
    }
    // Every language's CompanyName: a localised file may name its maker
    // differently per language.
    bin.claims.extend(companies.into_iter().map(Claim::Company));
    bin.signature = Some(signature);
    bin.pe = Some(info);
    Ok(())
}

/// The certificate table's signature: its signer and whether the digest
/// it signs is the file's; `unsigned` when there is no table.
fn signature(
    data: &[u8],
    pe: &PE,
    dirs: Option<&goblin::pe::data_directories::DataDirectories>,
    problems: &mut Vec<String>,
    feed: &mut Feed,
) -> Signature {
    let table = dirs
        .and_then(|d| d.get_certificate_table().copied())
        .filter(|t| t.size != 0);
    match table {
        None => Signature::default(),
        Some(t) => {
            let mut sig = Signature {
                signed: true,
                ..Default::default()
            };
            // The certificate table's "virtual address" is a file offset.
            let end = u64::from(t.virtual_address) + u64::from(t.size);
            if end > data.len() as u64 {
                problems.push(format!(
                    "certificate table (offset {}, {} bytes) lies past the end of the file ({} bytes)",
                    t.virtual_address,
                    t.size,
                    data.len()
                ));
            } else if let Err(e) = authenticode(pe, &mut sig, feed) {
                problems.push(format!("unreadable Authenticode signature: {e}"));
            }
            sig
        }
    }
}

fn arch(machine: u16) -> String {
    use goblin::pe::header::*;
    match machine {
        COFF_MACHINE_X86_64 => "x86_64".into(),
        COFF_MACHINE_X86 => "i386".into(),
        COFF_MACHINE_ARM64 => "aarch64".into(),
        COFF_MACHINE_ARM | COFF_MACHINE_ARMNT | COFF_MACHINE_THUMB => "arm".into(),
        COFF_MACHINE_IA64 => "ia64".into(),
        m => format!("pe-machine-0x{m:04x}"),
    }
}

/// Reads VS_VERSIONINFO into `info`; returns every distinct CompanyName.
/// A file without a version resource is fine.
fn version_info(
    data: &[u8],
    pe: &PE,
    opts: &ParseOptions,
    info: &mut PeInfo,
) -> Result<Vec<String>, ReadError> {
    let Some(res) = pe_version::resource(data, pe, opts)? else {
        return Ok(Vec::new());
    };
    let v = pe_version::parse(res)?;
    info.fixed_file_version = v.fixed_file_version;
    // Order the string tables: the Translation list's order first, then
    // English, then by key; each table fills what the earlier ones lack.
    let mut tables = v.tables;
    let lang = |key: &str| u16::from_str_radix(key.get(..4).unwrap_or(""), 16).ok();
    tables.sort_by_key(|(key, _)| {
        let l = lang(key);
        let listed = v.translations.iter().position(|t| Some(t.0) == l);
        let english = ENGLISH.iter().position(|&e| Some(e) == l);
        (
            listed.unwrap_or(usize::MAX),
            english.unwrap_or(usize::MAX),
            key.clone(),
        )
    });
    let mut companies: Vec<String> = Vec::new();
    for (key, strings) in &tables {
        info.languages.push(key.clone());
        let get = |k: &str| {
            strings
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        for (slot, key) in [
            (&mut info.company, "CompanyName"),
            (&mut info.product, "ProductName"),
            (&mut info.description, "FileDescription"),
            (&mut info.file_version, "FileVersion"),
            (&mut info.product_version, "ProductVersion"),
            (&mut info.original_filename, "OriginalFilename"),
            (&mut info.copyright, "LegalCopyright"),
        ] {
            if slot.is_none() {
                *slot = get(key);
            }
        }
        if let Some(c) = get("CompanyName")
            && !companies.contains(&c)
        {
            companies.push(c);
        }
    }
    Ok(companies)
}

/// Reads the first PKCS#7 signature of the certificate table into `sig`.
fn authenticode(pe: &PE, sig: &mut Signature, feed: &mut Feed) -> Result<(), ReadError> {
    if pe.certificates.is_empty() {
        return Err(ReadError::Missing(
            "the certificate table holds no readable entry",
        ));
    }
    let cert = pe
        .certificates
        .iter()
        .find(|c| c.certificate_type == AttributeCertificateType::PkcsSignedData)
        .ok_or(ReadError::Missing(
            "the certificate table holds no PKCS#7 signature",
        ))?;
    let signed = cms::signed_data(cert.certificate)?;
    if let Some(signer) = signed.signer {
        sig.subject = Some(signer.subject);
        sig.issuer = Some(signer.issuer);
    }
    if signed.content_type != OID_SPC_INDIRECT_DATA {
        return Err(ReadError::malformed(
            "signed content is not SpcIndirectDataContent",
        ));
    }
    let content = signed
        .content
        .ok_or(ReadError::Missing("signed content is missing (detached)"))?;
    let (alg, digest) = spc_digest(content)?;
    sig.digest_algorithm = Some(alg.to_owned());
    // goblin slices the file with the section table's offsets; a lying
    // section table must not take the rest of the fingerprint with it.
    let computed =
        crate::isolate::catch(|| file_digest(alg, pe, feed)).map_err(ReadError::Digest)?;
    sig.digest_ok = computed.map(|c| c == digest);
    if sig.subject.is_none() {
        return Err(ReadError::Missing(
            "no embedded certificate matches the signer",
        ));
    }
    Ok(())
}

/// SpcIndirectDataContent → (digest algorithm, digest).
fn spc_digest(content: &[u8]) -> Result<(&'static str, Vec<u8>), cms::Error> {
    let mut c = content;
    let spc = cms::next(&mut c, "SpcIndirectDataContent")?;
    cms::expect_universal(&spc, Tag::Sequence, "SpcIndirectDataContent")?;
    let mut s = spc.data;
    let attr = cms::next(&mut s, "SpcAttributeTypeAndOptionalValue")?;
    cms::expect_universal(&attr, Tag::Sequence, "SpcAttributeTypeAndOptionalValue")?;
    let di = cms::next(&mut s, "DigestInfo")?;
    cms::expect_universal(&di, Tag::Sequence, "DigestInfo")?;
    let mut d = di.data;
    let alg = cms::next(&mut d, "digestAlgorithm")?;
    cms::expect_universal(&alg, Tag::Sequence, "digestAlgorithm")?;
    let mut a = alg.data;
    let oid = cms::next(&mut a, "digest algorithm id")?;
    cms::expect_universal(&oid, Tag::Oid, "digest algorithm id")?;
    let digest = cms::octets(&cms::next(&mut d, "digest")?)?;
    let name = match oid.data {
        OID_SHA1 => "sha1",
        OID_SHA256 => "sha256",
        OID_SHA384 => "sha384",
        OID_SHA512 => "sha512",
        OID_MD5 => "md5",
        _ => "unknown",
    };
    Ok((name, digest))
}

/// The Authenticode digest of the file; `None` for algorithms not
/// supported, or when `feed` could not read the bytes.
fn file_digest(alg: &str, pe: &PE, feed: &mut Feed) -> Option<Vec<u8>> {
    fn run<D: sha2::Digest>(pe: &PE, feed: &mut Feed) -> Option<Vec<u8>> {
        let mut h = D::new();
        for range in pe.authenticode_ranges() {
            if !feed(range, &mut |b| h.update(b)) {
                return None;
            }
        }
        Some(h.finalize().to_vec())
    }
    match alg {
        "sha1" => run::<sha1::Sha1>(pe, feed),
        "sha256" => run::<sha2::Sha256>(pe, feed),
        "sha384" => run::<sha2::Sha384>(pe, feed),
        "sha512" => run::<sha2::Sha512>(pe, feed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::binary::Format;

    fn fixture(rel: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn parse(data: &[u8]) -> (Result<Binary, ReadError>, Vec<String>) {
        let mut bin = Binary::new("x.exe", Format::Pe, data.len() as u64);
        let mut problems = Vec::new();
        let r = crate::isolate::catch(|| read(data, &mut bin, &mut problems))
            .unwrap_or_else(|p| panic!("PE reader panicked: {p}"));
        (r.map(|()| bin), problems)
    }

    fn ok(data: &[u8]) -> Binary {
        let (bin, problems) = parse(data);
        assert!(problems.is_empty(), "{problems:?}");
        bin.unwrap()
    }

    /// Offset of the certificate table's data-directory entry.
    fn cert_dir(data: &[u8]) -> usize {
        let pe = u32::from_le_bytes(data[0x3c..0x40].try_into().unwrap()) as usize;
        let opt = pe + 24;
        let dirs = if data[opt..opt + 2] == [0x0b, 0x02] {
            opt + 112
        } else {
            opt + 96
        };
        dirs + 4 * 8
    }

    fn cert_table(data: &[u8]) -> (usize, usize) {
        let d = cert_dir(data);
        let rd = |o: usize| u32::from_le_bytes(data[o..o + 4].try_into().unwrap()) as usize;
        (rd(d), rd(d + 4))
    }

    const FIREFOX: &str = "demo-windows/Program Files/Mozilla Firefox/firefox.exe";

    #[test]
    fn reads_version_info_and_a_verified_signer() {
        let b = ok(&fixture(FIREFOX));
        assert_eq!(b.arch.as_deref(), Some("x86_64"));
        assert_eq!(b.flags, [Flag::Executable]);
        let pe = b.pe.as_ref().unwrap();
        assert_eq!(pe.company.as_deref(), Some("Mozilla Corporation"));
        assert_eq!(pe.product.as_deref(), Some("Firefox"));
        assert_eq!(pe.file_version.as_deref(), Some("128.5.0"));
        assert_eq!(pe.fixed_file_version.as_deref(), Some("128.5.0.0"));
        assert_eq!(pe.original_filename.as_deref(), Some("firefox.exe"));
        assert!(!pe.dotnet);
        let sig = b.signature.as_ref().unwrap();
        assert!(sig.signed);
        let s = sig.subject.as_ref().unwrap();
        assert_eq!(s.cn.as_deref(), Some("Mozilla Corporation"));
        assert_eq!(s.o.as_deref(), Some("Mozilla Corporation"));
        assert_eq!(s.l.as_deref(), Some("San Francisco"));
        assert_eq!(s.st.as_deref(), Some("California"));
        assert_eq!(s.c.as_deref(), Some("US"));
        assert_eq!(s.ou, None);
        assert_eq!(
            sig.issuer.as_deref(),
            Some("CN=sovscan Test Code Signing CA")
        );
        assert_eq!(sig.digest_algorithm.as_deref(), Some("sha256"));
        assert_eq!(sig.digest_ok, Some(true));
        assert_eq!(
            b.claims,
            [
                Claim::Signer {
                    name: "Mozilla Corporation".into(),
                    verified: true
                },
                Claim::Company("Mozilla Corporation".into()),
            ]
        );
    }

    #[test]
    fn a_changed_byte_breaks_the_digest() {
        let b = ok(&fixture(
            "demo-windows/Program Files/Acme Tools/acmetool.exe",
        ));
        let sig = b.signature.as_ref().unwrap();
        assert_eq!(sig.digest_ok, Some(false));
        assert!(b.has(Flag::DigestMismatch));
        assert!(b.claims.contains(&Claim::Signer {
            name: "Acme Tools Ltd".into(),
            verified: false
        }));
        // And the same in memory: flip one byte of a good file's code.
        let mut data = fixture(FIREFOX);
        data[0x400] ^= 0x80;
        let b = ok(&data);
        assert_eq!(b.signature.unwrap().digest_ok, Some(false));
    }

    #[test]
    fn sha1_signature_and_a_signer_with_only_a_cn() {
        let b = ok(&fixture("pe-samples/sha1-cn-only.exe"));
        let sig = b.signature.unwrap();
        assert_eq!(sig.digest_algorithm.as_deref(), Some("sha1"));
        assert_eq!(sig.digest_ok, Some(true));
        let s = sig.subject.unwrap();
        assert_eq!(
            (s.cn.as_deref(), s.o.as_deref()),
            (Some("Example Signer"), None)
        );
        assert!(b.claims.contains(&Claim::Signer {
            name: "Example Signer".into(),
            verified: true
        }));
    }

    #[test]
    fn every_language_block_is_read() {
        let b = ok(&fixture("pe-samples/multilang.dll"));
        assert_eq!(b.flags, [Flag::SharedLibrary]);
        let pe = b.pe.unwrap();
        // Translation lists German first: its values win, English fills gaps.
        assert_eq!(pe.languages, ["040704B0", "040904B0"]);
        assert_eq!(pe.company.as_deref(), Some("Beispiel GmbH"));
        assert_eq!(pe.description.as_deref(), Some("Beispielbibliothek"));
        assert_eq!(pe.product.as_deref(), Some("Example Product"));
        assert_eq!(pe.original_filename.as_deref(), Some("multilang.dll"));
        assert_eq!(pe.fixed_file_version.as_deref(), Some("4.5.6.7"));
        assert_eq!(
            b.claims,
            [
                Claim::Company("Beispiel GmbH".into()),
                Claim::Company("Example Ltd".into())
            ]
        );
        assert!(!b.signature.unwrap().signed);
    }

    #[test]
    fn pe32_i386_signed() {
        let b = ok(&fixture("pe-samples/hello32.exe"));
        assert_eq!(b.arch.as_deref(), Some("i386"));
        assert_eq!(b.signature.unwrap().digest_ok, Some(true));
    }

    #[test]
    fn dotnet_assembly() {
        let b = ok(&fixture("demo-windows/Program Files/dotnet-tool/Tool.dll"));
        assert!(b.pe.as_ref().unwrap().dotnet);
        assert!(b.has(Flag::Dotnet) && b.has(Flag::SharedLibrary));
        assert_eq!(b.pe.unwrap().company.as_deref(), Some("Example .NET Tool"));
    }

    #[test]
    fn machines() {
        let mut data = fixture("demo-windows/Program Files/Acme Tools/helper.dll");
        let pe = u32::from_le_bytes(data[0x3c..0x40].try_into().unwrap()) as usize;
        for (m, arch) in [
            (0xaa64u16, "aarch64"),
            (0x01c4, "arm"),
            (0x1234, "pe-machine-0x1234"),
        ] {
            data[pe + 4..pe + 6].copy_from_slice(&m.to_le_bytes());
            assert_eq!(ok(&data).arch.as_deref(), Some(arch));
        }
    }

    #[test]
    fn unaligned_buffers_are_read() {
        let data = fixture(FIREFOX);
        let mut shifted = vec![0u8];
        shifted.extend_from_slice(&data);
        let b = ok(&shifted[1..]);
        assert_eq!(
            b.pe.unwrap().company.as_deref(),
            Some("Mozilla Corporation")
        );
    }

    #[test]
    fn truncated_file() {
        let data = fixture(FIREFOX);
        let (bin, problems) = parse(&data[..1200]);
        let bin = bin.unwrap();
        assert!(bin.has(Flag::Truncated), "{:?}", bin.flags);
        assert!(
            problems.iter().any(|p| p.starts_with("truncated PE")),
            "{problems:?}"
        );
        assert!(parse(&data[..100]).0.is_err());
        assert!(parse(b"MZ").0.is_err());
    }

    #[test]
    fn certificate_table_past_the_end() {
        let mut data = fixture(FIREFOX);
        let d = cert_dir(&data);
        data[d + 4..d + 8].copy_from_slice(&0x0010_0000u32.to_le_bytes());
        let (bin, problems) = parse(&data);
        let sig = bin.unwrap().signature.unwrap();
        assert!(sig.signed && sig.subject.is_none() && sig.digest_ok.is_none());
        assert!(
            problems
                .iter()
                .any(|p| p.contains("lies past the end of the file")),
            "{problems:?}"
        );
    }

    #[test]
    fn garbage_certificate_table() {
        let mut data = fixture(FIREFOX);
        let (off, _) = cert_table(&data);
        // WIN_CERTIFICATE.dwLength far beyond the table.
        data[off..off + 4].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        let (bin, problems) = parse(&data);
        assert!(bin.unwrap().signature.unwrap().subject.is_none());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("unreadable Authenticode signature"),
            "{problems:?}"
        );
    }

    #[test]
    fn garbage_cms() {
        let data = fixture(FIREFOX);
        let (off, size) = cert_table(&data);
        for garbage in [0xffu8, 0x30, 0x00] {
            let mut d = data.clone();
            d[off + 8..off + size].fill(garbage);
            let (bin, problems) = parse(&d);
            let sig = bin.unwrap().signature.unwrap();
            assert!(sig.signed && sig.subject.is_none());
            assert!(
                problems[0].starts_with("unreadable Authenticode signature"),
                "{problems:?}"
            );
        }
        // A CMS cut in the middle of the certificates.
        let mut d = data.clone();
        d[off + 8 + 3] = 0x10;
        let (_, problems) = parse(&d);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    /// Re-encodes a DER element with an indefinite length (BER), as Apple's
    /// signatures and some Authenticode signers write them.
    fn indefinite(der: &[u8]) -> (Vec<u8>, usize) {
        let (hlen, len) = match der[1] {
            n if n < 0x80 => (2, n as usize),
            n => {
                let k = (n & 0x7f) as usize;
                let len = der[2..2 + k]
                    .iter()
                    .fold(0usize, |a, &b| (a << 8) | b as usize);
                (2 + k, len)
            }
        };
        let mut out = vec![der[0], 0x80];
        out.extend_from_slice(&der[hlen..hlen + len]);
        out.extend_from_slice(&[0, 0]);
        (out, hlen + len)
    }

    #[test]
    fn ber_indefinite_lengths_are_read() {
        let data = fixture(FIREFOX);
        let (off, size) = cert_table(&data);
        let der = &data[off + 8..off + size];
        // ContentInfo and its [0] wrapper with indefinite lengths.
        let (outer, used) = indefinite(der);
        let inner_at = 2 + 11; // 30 80, then the OID (06 09 ...)
        let (wrapped, _) = indefinite(&outer[inner_at..outer.len() - 2]);
        let mut ber = outer[..inner_at].to_vec();
        ber.extend(wrapped);
        ber.extend([0, 0]);
        assert!(used <= der.len());
        let signed = cms::signed_data(&ber).unwrap();
        let signer = signed.signer.unwrap();
        assert_eq!(signer.subject.o.as_deref(), Some("Mozilla Corporation"));
        assert_eq!(signer.issuer, "CN=sovscan Test Code Signing CA");
        assert_eq!(spc_digest(signed.content.unwrap()).unwrap().0, "sha256");
    }

    #[test]
    fn no_header_byte_breaks_the_reader() {
        // Every header byte set to each of a few values: errors and problem
        // entries are fine, a panic is not (`parse` fails the test on one).
        let data = fixture("pe-samples/hello32.exe");
        for i in 0..0x400.min(data.len()) {
            for v in [0x00, 0x7f, 0xff] {
                let mut d = data.clone();
                d[i] = v;
                let _ = parse(&d);
            }
        }
    }
}
