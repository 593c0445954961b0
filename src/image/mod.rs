//! An image root: confined access to it ([`RootFs`], [`read`]) and what
//! kind of system it holds ([`os`]).

pub mod disk;
mod diskroot;
pub mod fd;
mod file;
mod open;
pub mod os;
pub mod read;
mod resolve;
mod rootfs;

pub use diskroot::DiskRoot;
pub use file::{ImageFile, Snapshot};
pub use open::{DiskOptions, DiskSource, open_disk, open_disk_from, open_roots};
pub use os::OsInfo;
pub use rootfs::{DirResolver, OpenFileError, ResolveError, RootFs, Stat};

use crate::model::inventory::{Family, Problem};
use crate::model::report::DiskReport;
use std::path::{Path, PathBuf};

/// One root given on the command line: a directory, or one partition of
/// a disk image file.
#[derive(Debug, Clone)]
pub struct Image {
    /// The root as the user named it (for the report): a directory, or
    /// `FILE#pN` for partition N of a disk image file.
    pub root: PathBuf,
    pub fs: RootFs,
    pub os: OsInfo,
    /// Where a root inside a disk image file came from.
    pub disk: Option<DiskReport>,
    /// What opening the image file found besides this root.
    pub opened: OpenNotes,
}

/// What opening a disk image file found that is not a root of its own:
/// an encrypted volume, a file system without a reader, one that does not
/// open, a partition table read with doubts. Reported on the image file's
/// first root.
#[derive(Debug, Clone, Default)]
pub struct OpenNotes {
    pub warnings: Vec<Problem>,
    pub errors: Vec<Problem>,
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
    #[error("{0}: not a directory or a disk image file")]
    NotADirectory(PathBuf),
    /// A disk image file that cannot be scanned at all: its container or
    /// partition table does not read, or no partition holds a file system
    /// sovscan reads.
    #[error("{path}: {reason}")]
    Disk { path: PathBuf, reason: String },
}

impl Image {
    /// Opens and detects a root. Fails only when the root itself is unusable.
    pub fn open(root: &Path) -> Result<Self, OpenError> {
        Self::open_as(root, None)
    }

    /// Opens a root as `family` when given (`--os`), else as detected.
    pub fn open_as(root: &Path, family: Option<Family>) -> Result<Self, OpenError> {
        let meta = std::fs::metadata(root).map_err(|source| OpenError::Io {
            path: root.to_owned(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(OpenError::NotADirectory(root.to_owned()));
        }
        Ok(Self::detect(root.to_owned(), RootFs::new(root), family))
    }

    /// Detects the system in an opened root, as `family` when given.
    pub fn detect(root: PathBuf, mut fs: RootFs, family: Option<Family>) -> Self {
        let os = match family {
            Some(f) => os::detect_as(&fs, f),
            None => os::detect(&fs),
        };
        if os.family == Family::Windows {
            // Windows names paths in any case; the image keeps one spelling.
            fs = fs.case_insensitive();
        }
        Self {
            root,
            fs,
            os,
            disk: None,
            opened: OpenNotes::default(),
        }
    }

    pub fn family(&self) -> Family {
        self.os.family
    }
}

impl AsRef<RootFs> for Image {
    fn as_ref(&self) -> &RootFs {
        &self.fs
    }
}

impl AsRef<RootFs> for RootFs {
    fn as_ref(&self) -> &RootFs {
        self
    }
}
