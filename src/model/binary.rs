//! Fingerprinted binaries: what a format reader found in one executable
//! file, and what the file claims about who made it.

use serde::{Deserialize, Serialize};

/// The executable formats sovscan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Elf,
    Pe,
    Macho,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Elf => "elf",
            Format::Pe => "pe",
            Format::Macho => "macho",
        }
    }
}

/// A fact about a binary worth a glance (`binaries[].flags`). The names
/// are stable codes: consumers key on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// An executable program.
    Executable,
    /// A shared library (ELF shared object, PE DLL, Mach-O dylib).
    SharedLibrary,
    /// A position-independent ELF executable.
    Pie,
    /// A statically linked ELF executable.
    Static,
    /// An ELF file without a symbol table.
    Stripped,
    /// Built by the Go toolchain.
    Go,
    /// A .NET assembly (a PE file with a CLR header).
    Dotnet,
    /// A universal (fat) Mach-O file.
    Fat,
    /// Larger than `--max-binary-size`: listed, not parsed.
    NotParsed,
    /// Shorter than its own headers say.
    Truncated,
    /// A Mach-O file with no code signature.
    Unsigned,
    /// A Mach-O file signed with a certificate.
    Signed,
    /// A Mach-O file signed ad hoc (no certificate).
    Adhoc,
    /// The Authenticode digest does not match the file: it was changed
    /// after signing.
    DigestMismatch,
    /// A company name of a known publisher in an unsigned file: nothing
    /// backs the claim, so it labels nothing.
    UnsignedVendorClaim,
    /// Signed by someone other than the company the file names.
    SignerMismatch,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Executable => "executable",
            Flag::SharedLibrary => "shared-library",
            Flag::Pie => "pie",
            Flag::Static => "static",
            Flag::Stripped => "stripped",
            Flag::Go => "go",
            Flag::Dotnet => "dotnet",
            Flag::Fat => "fat",
            Flag::NotParsed => "not-parsed",
            Flag::Truncated => "truncated",
            Flag::Unsigned => "unsigned",
            Flag::Signed => "signed",
            Flag::Adhoc => "adhoc",
            Flag::DigestMismatch => "digest-mismatch",
            Flag::UnsignedVendorClaim => "unsigned-vendor-claim",
            Flag::SignerMismatch => "signer-mismatch",
        }
    }
}

/// What a binary says about who made it. Format readers add claims; the
/// identify stage matches them against the rules like any other fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// A package name the binary gives itself (ELF package note `name`).
    PackageName(String),
    /// A `source:key=value` metadata string (`elf-note:osCpe=...`).
    Metadata(String),
    /// A code-signing subject name (certificate O or CN). `verified` when
    /// the signed digest matches the file (the signer is still only
    /// *claimed*: sovscan doesn't validate chains).
    Signer { name: String, verified: bool },
    /// An Apple Developer Team ID from a code signature.
    TeamId(String),
    /// A bundle identifier (`com.microsoft.Word`).
    BundleId(String),
    /// Free text naming a company (PE `CompanyName`): anyone can write it.
    Company(String),
}

/// Whether an identifier looks like a reverse-DNS bundle id (`com.example.App`):
/// what makes a code-signing identifier or a receipt id a [`Claim::BundleId`].
pub fn is_bundle_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        && (2..=12).contains(&parts[0].len())
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        // `libonig.5.dylib` is a file name, not an identifier.
        && !parts.iter().any(|p| p.chars().all(|c| c.is_ascii_digit()))
        && !matches!(parts.last(), Some(&("dylib" | "so" | "bundle" | "framework")))
}

/// One fingerprinted binary. Format readers fill their own part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    /// Image-relative path (each name of a hard-linked file is a record).
    pub path: String,
    pub format: Format,
    pub arch: Option<String>,
    pub size: u64,
    pub flags: Vec<Flag>,
    pub elf: Option<ElfInfo>,
    pub pe: Option<PeInfo>,
    /// The code signature's claimed signer and digest check (PE
    /// Authenticode; Mach-O reports its signature under `macho`).
    pub signature: Option<Signature>,
    pub macho: Option<MachoInfo>,
    /// Go build information (`.go.buildinfo`), Go 1.18 and later.
    pub go: Option<GoBuildInfo>,
    /// The crates a `cargo auditable` build recorded (`.dep-v0`).
    pub cargo: Option<CargoAudit>,
    /// Where Windows recorded the file was downloaded from (its NTFS
    /// `Zone.Identifier` stream; read from disk images only).
    pub download: Option<Download>,
    /// Other names of the same file (hard links), each a record of its own.
    pub links: Vec<String>,
    /// Who the binary says made it (rule-matching input; the format's own
    /// fields carry the evidence).
    pub claims: Vec<Claim>,
    pub dev: u64,
    pub ino: u64,
}

impl Binary {
    /// A binary known only by its path, format and size, for a reader to fill.
    pub fn new(path: impl Into<String>, format: Format, size: u64) -> Self {
        Self {
            path: path.into(),
            format,
            arch: None,
            size,
            flags: Vec::new(),
            elf: None,
            pe: None,
            signature: None,
            macho: None,
            go: None,
            cargo: None,
            download: None,
            links: Vec::new(),
            claims: Vec::new(),
            dev: 0,
            ino: 0,
        }
    }

    /// Sets a flag once (flags keep the order they were first set in).
    pub fn flag(&mut self, f: Flag) {
        if !self.flags.contains(&f) {
            self.flags.push(f);
        }
    }

    pub fn has(&self, f: Flag) -> bool {
        self.flags.contains(&f)
    }

    /// The file name the binary has in the image.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A file's mark of a download (`binaries[].download`): what its
/// `Zone.Identifier` stream says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// The security zone: 0 local machine, 1 local intranet, 2 trusted
    /// sites, 3 internet, 4 restricted sites.
    pub zone: Option<u32>,
    /// The address the file was fetched from.
    pub host_url: Option<String>,
    /// The page the download started from.
    pub referrer_url: Option<String>,
    /// Where this was read (`NTFS stream Zone.Identifier`).
    pub evidence: String,
}

/// The ELF part of a binary's fingerprint (`binaries[].elf`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElfInfo {
    /// `executable`, `shared-object`, `relocatable`, `core` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    pub build_id: Option<String>,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub interpreter: Option<String>,
    /// The FDO `.note.package` JSON object, verbatim.
    pub package_note: Option<serde_json::Value>,
}

/// The PE part of a binary's fingerprint (`binaries[].pe`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeInfo {
    /// VS_VERSIONINFO `CompanyName`.
    pub company: Option<String>,
    /// `ProductName`.
    pub product: Option<String>,
    /// `FileDescription`.
    pub description: Option<String>,
    /// `FileVersion` (the string: free text such as `10.0.19041.1 (WinBuild...)`).
    pub file_version: Option<String>,
    /// `ProductVersion`.
    pub product_version: Option<String>,
    /// `OriginalFilename`.
    pub original_filename: Option<String>,
    /// `LegalCopyright`.
    pub copyright: Option<String>,
    /// The numeric file version of VS_FIXEDFILEINFO (`a.b.c.d`).
    pub fixed_file_version: Option<String>,
    /// The string tables present (`040904B0`...), in the order their values
    /// were preferred: the Translation table's order, then English, then the
    /// rest.
    pub languages: Vec<String>,
    /// A CLR header is present: a .NET assembly.
    pub dotnet: bool,
}

/// A PE code signature as the report states it (`binaries[].signature`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The file carries a signature (for PE: a certificate table).
    pub signed: bool,
    /// The claimed signer's certificate subject; null when unsigned or
    /// unreadable.
    pub subject: Option<Subject>,
    /// The signer certificate's issuer, one line (`CN=...`).
    pub issuer: Option<String>,
    /// The digest algorithm the signature uses (`sha256`, `sha1`...).
    pub digest_algorithm: Option<String>,
    /// Whether the signed digest equals the digest of the file as it is;
    /// null when it could not be computed.
    pub digest_ok: Option<bool>,
}

/// The parts of a certificate subject that name a publisher.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub cn: Option<String>,
    pub o: Option<String>,
    pub ou: Option<String>,
    pub l: Option<String>,
    pub st: Option<String>,
    pub c: Option<String>,
}

impl Subject {
    /// The name a signer is known by: the organisation, else the common name.
    pub fn name(&self) -> Option<&str> {
        self.o.as_deref().or(self.cn.as_deref())
    }
}

/// The Mach-O part of a binary's fingerprint (`binaries[].macho`). The
/// signature fields are the first signed slice's (every slice's own are in
/// `slices`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachoInfo {
    /// Every slice's architecture, in file order.
    pub archs: Vec<String>,
    /// `executable`, `dylib`, `bundle`, `object`, `kext-bundle`... (first slice).
    pub filetype: String,
    /// LC_ID_DYLIB: the install name of a dylib.
    pub id_dylib: Option<String>,
    /// LC_LOAD_DYLIB and its weak/re-export/lazy forms (first slice).
    pub dylibs: Vec<String>,
    /// LC_BUILD_VERSION (or LC_VERSION_MIN_*) as `PLATFORM VERSION`: `macos 11.0`.
    pub min_os: Option<String>,
    pub team_id: Option<String>,
    /// The CodeDirectory identifier (`us.zoom.xos`, `cmake`).
    pub identifier: Option<String>,
    /// Signed ad hoc (no certificate).
    pub adhoc: bool,
    /// The leaf certificate subject of the CMS signer.
    pub signer: Option<SignerName>,
    pub slices: Vec<Slice>,
}

/// One architecture of a (fat or thin) Mach-O file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slice {
    pub arch: String,
    pub filetype: String,
    pub min_os: Option<String>,
    /// null = no LC_CODE_SIGNATURE.
    pub signature: Option<CodeSignature>,
}

/// What one Mach-O slice's code signature says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSignature {
    pub identifier: Option<String>,
    pub team_id: Option<String>,
    /// CodeDirectory flags, hex (`0x10000` = runtime, `0x2` = adhoc).
    pub flags: Option<String>,
    pub adhoc: bool,
    pub signer: Option<SignerName>,
}

impl CodeSignature {
    /// A Developer ID signature: a certificate (not ad hoc) issued to the
    /// Team ID the CodeDirectory carries (Apple puts it in the subject's OU).
    /// Counted as verified evidence of the signer, as an Authenticode signer
    /// whose digest matches is: sovscan checks neither chain, and the Team ID
    /// ties the signature to one developer account. Apple's own "Software
    /// Signing" (no Team ID) and Mac App Store re-signing (Apple's certificate,
    /// the developer's Team ID) are not: their Team ID claim speaks for them.
    pub fn is_developer_id(&self) -> bool {
        developer_id(self.adhoc, self.team_id.as_deref(), self.signer.as_ref())
    }
}

impl MachoInfo {
    /// [`CodeSignature::is_developer_id`] of the signature the report
    /// states for the file (the first slice signed with a certificate).
    pub fn is_developer_id(&self) -> bool {
        developer_id(self.adhoc, self.team_id.as_deref(), self.signer.as_ref())
    }
}

fn developer_id(adhoc: bool, team_id: Option<&str>, signer: Option<&SignerName>) -> bool {
    !adhoc && team_id.is_some_and(|t| signer.is_some_and(|s| s.ou.as_deref() == Some(t)))
}

impl SignerName {
    /// The name a signer is known by: the organisation, else the common name.
    pub fn name(&self) -> Option<&str> {
        self.o.as_deref().or(self.cn.as_deref())
    }
}

/// Certificate subject parts of a Mach-O signer. Apple's Developer ID
/// certificates carry the Team ID as OU and in the CN:
/// `Developer ID Application: Kitware Inc. (W38PE5Y733)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerName {
    pub cn: Option<String>,
    pub o: Option<String>,
    pub ou: Option<String>,
    pub c: Option<String>,
}

impl From<Subject> for SignerName {
    fn from(s: Subject) -> Self {
        SignerName {
            cn: s.cn,
            o: s.o,
            ou: s.ou,
            c: s.c,
        }
    }
}

/// What the Go linker records in a binary (`runtime/debug.BuildInfo`):
/// the toolchain, the main package and module, and every module linked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoBuildInfo {
    /// `go1.22.5`.
    pub go_version: String,
    /// The main package's import path (`github.com/cli/cli/v2/cmd/gh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The main module; its version is `(devel)` for a build from a
    /// checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main: Option<GoModule>,
    /// The modules linked in, as the build listed them.
    #[serde(default)]
    pub deps: Vec<GoModule>,
}

/// One Go module: path, version and `go.sum` hash; a `replace` directive's
/// target in `replaced_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoModule {
    pub path: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<Box<GoModule>>,
}

/// The dependency list `cargo auditable` embeds in a Rust binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoAudit {
    pub packages: Vec<CratePackage>,
}

/// One crate of a `cargo auditable` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CratePackage {
    pub name: String,
    pub version: String,
    /// `crates.io`, `local`, `git`, or a registry's name.
    pub source: String,
    /// `runtime` or `build` (build scripts and proc macros: not shipped).
    pub kind: String,
    /// The crate the binary was built from.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub root: bool,
}
