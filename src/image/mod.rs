//! An image root: what kind of system it holds, and confined access to it.
//!
//! Detection is by marker files, cheapest first. The family decides which
//! collectors run; a plain directory only gets its binaries fingerprinted.

mod rootfs;

pub use rootfs::{DirResolver, ResolveError, RootFs};

use crate::model::inventory::Family;
use std::path::{Path, PathBuf};

/// The operating system an image holds, as its own files state it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsInfo {
    pub family: Family,
    /// `ID` from os-release (`debian`, `ubuntu`, `fedora`), or the family.
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    /// The file the facts were read from.
    pub evidence: Option<String>,
    /// All os-release keys, for rule matching (`ID_LIKE`, `VENDOR_NAME`...).
    pub fields: Vec<(String, String)>,
}

impl OsInfo {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One root given on the command line.
#[derive(Debug, Clone)]
pub struct Image {
    /// The root as the user named it (for the report).
    pub root: PathBuf,
    pub fs: RootFs,
    pub os: OsInfo,
}

/// Why a root can't be scanned at all (everything else is an error entry).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: not a directory")]
    NotADirectory(PathBuf),
}

impl Image {
    /// Opens and detects a root. Fails only when the root itself is unusable.
    pub fn open(root: &Path) -> Result<Self, OpenError> {
        let meta = std::fs::metadata(root).map_err(|source| OpenError::Io {
            path: root.to_owned(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(OpenError::NotADirectory(root.to_owned()));
        }
        let mut fs = RootFs::new(root);
        let os = detect(&fs);
        if os.family == Family::Windows {
            // Windows names paths in any case; the image keeps one spelling.
            fs = fs.case_insensitive();
        }
        Ok(Self {
            root: root.to_owned(),
            fs,
            os,
        })
    }

    pub fn family(&self) -> Family {
        self.os.family
    }
}

/// Marker files, checked in order. Windows images extracted on Linux keep
/// whatever case the extraction tool used, so its marker is looked up
/// ignoring case.
const WINDOWS_MARKER: &str = crate::collect::registry::SOFTWARE_HIVE;
const MACOS_MARKER: &str = "System/Library/CoreServices/SystemVersion.plist";
const OS_RELEASE: &[&str] = &["etc/os-release", "usr/lib/os-release"];

fn detect(fs: &RootFs) -> OsInfo {
    for rel in OS_RELEASE {
        // os-release is often a symlink (`etc/os-release -> ../usr/lib/os-release`):
        // resolve it inside the image.
        if let Ok(real) = fs.resolve(rel)
            && let Ok(text) = std::fs::read_to_string(fs.lexical(&real))
        {
            return crate::collect::os_release::parse(&text, rel);
        }
    }
    if let Ok(real) = fs.resolve_ignoring_case(WINDOWS_MARKER)
        && fs.lexical(&real).is_file()
    {
        // The version from the SOFTWARE hive; a hive that can't be read is
        // still a Windows root (the registry collector reports the hive).
        return crate::collect::registry::windows_os(fs)
            .unwrap_or_else(|| bare(Family::Windows, "Windows"));
    }
    if fs
        .resolve(MACOS_MARKER)
        .is_ok_and(|p| fs.lexical(p).is_file())
    {
        return crate::collect::macos_system::os_info(fs);
    }
    OsInfo {
        family: Family::Directory,
        id: None,
        name: None,
        version: None,
        evidence: None,
        fields: Vec::new(),
    }
}

fn bare(family: Family, name: &str) -> OsInfo {
    OsInfo {
        family,
        id: Some(family.as_str().to_owned()),
        name: Some(name.to_owned()),
        version: None,
        evidence: None,
        fields: Vec::new(),
    }
}
