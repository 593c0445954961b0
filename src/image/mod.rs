//! An image root: confined access to it ([`RootFs`], [`read`]) and what
//! kind of system it holds ([`os`]).

pub mod disk;
pub mod fd;
pub mod os;
pub mod read;
mod rootfs;

pub use os::OsInfo;
pub use rootfs::{DirResolver, ResolveError, RootFs};

use crate::model::inventory::Family;
use std::path::{Path, PathBuf};

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
        let mut fs = RootFs::new(root);
        let os = match family {
            Some(f) => os::detect_as(&fs, f),
            None => os::detect(&fs),
        };
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
