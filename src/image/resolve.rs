//! What resolving a path inside an image can fail with, and the one
//! helper both kinds of root walk paths with: shared by the host root
//! ([`super::RootFs`]) and a disk image's file system
//! ([`super::DiskRoot`]), so neither imports the other's internals.

use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Component, Path};

/// Symlinks followed while resolving one path before it counts as a loop
/// (Linux's own limit is 40).
pub(super) const MAX_HOPS: usize = 40;

/// Why a path could not be resolved inside the root.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("symlink loop (more than {MAX_HOPS} links)")]
    Loop,
    #[error("does not exist in the image")]
    NotFound,
    #[error("a path component is not a directory")]
    NotADirectory,
    #[error("{0}")]
    Io(String),
}

impl ResolveError {
    pub(super) fn from_errno(e: Errno) -> Self {
        match e {
            Errno::NOENT => Self::NotFound,
            Errno::NOTDIR => Self::NotADirectory,
            Errno::LOOP => Self::Loop,
            e => Self::Io(io::Error::from(e).to_string()),
        }
    }
}

impl From<io::Error> for ResolveError {
    fn from(e: io::Error) -> Self {
        match e.raw_os_error() {
            Some(n) => Self::from_errno(Errno::from_raw_os_error(n)),
            None => Self::Io(e.to_string()),
        }
    }
}

/// Pushes the components of `path` onto `todo` so that popping yields
/// them in order (`..` kept, `.` and the root dropped).
pub(super) fn push_front(todo: &mut Vec<OsString>, path: &Path) {
    let parts: Vec<&OsStr> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n),
            Component::ParentDir => Some(OsStr::new("..")),
            _ => None,
        })
        .collect();
    todo.extend(parts.into_iter().rev().map(OsStr::to_os_string));
}
