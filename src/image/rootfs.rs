//! Confined access to an image root.
//!
//! A workstation image is a foreign tree: its absolute symlinks (`/etc/localtime
//! -> /usr/share/zoneinfo/...`) and the absolute paths its manifests name
//! (`/usr/lib/x`) mean *inside the image*, never the host. The operating
//! system would follow them to the host, so this module resolves paths
//! inside the image, treating the image root as `/`: absolute link targets
//! restart at the root and `..` stops there.
//!
//! Confinement by construction: a [`RootFs`] holds an open descriptor of
//! the root, and every file or directory of the image is opened relative to
//! it ([`RootFs::open`], [`fd`](super::fd)), never by a host path string, so a
//! directory swapped for a link to the host between two steps of the scan
//! is followed, if at all, inside the image. [`RootFs::resolve`] (the
//! canonical image path of a path, for reports and manifests) walks with
//! descriptors too: one `fstatat`/`openat` relative to the directory before
//! each component, `readlinkat` for links. Nothing here ever leaves the
//! root, and no path is limited by `PATH_MAX`.

use super::disk::fs::Kind as DiskKind;
use super::diskroot::DiskRoot;
use super::fd;
use super::file::ImageFile;
pub use super::resolve::ResolveError;
use super::resolve::{MAX_HOPS, push_front};
use rustix::fs::{AtFlags, FileType, OFlags};
use rustix::io::Errno;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Why an image file could not be opened for reading.
#[derive(Debug, thiserror::Error)]
pub enum OpenFileError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("is a directory")]
    IsADirectory,
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The type of a disk file system's entry, as the host's.
fn file_type(kind: DiskKind) -> FileType {
    match kind {
        DiskKind::File => FileType::RegularFile,
        DiskKind::Dir => FileType::Directory,
        DiskKind::Symlink => FileType::Symlink,
        DiskKind::Other => FileType::Unknown,
    }
}

/// An image root. Cheap to clone.
///
/// A Windows image extracted on Linux keeps whatever case the extraction
/// tool wrote (`WINDOWS/system32`, `Program Files/mozilla firefox`), while
/// Windows itself, its registry and its manifests name paths in any case.
/// A case-insensitive root ([`RootFs::case_insensitive`]) first tries each
/// path component as given and, when that name does not exist, looks it up
/// among the directory's entries ignoring case. Directory listings are
/// cached (per image directory, shared by clones), so resolving many paths
/// in one directory lists it once.
#[derive(Debug, Clone)]
pub struct RootFs {
    root: PathBuf,
    /// The root, open; or why it could not be opened (every open of an
    /// image file then fails with that reason).
    dir: Result<Arc<OwnedFd>, String>,
    /// `Some` when names match regardless of case: the listing cache.
    folded: Option<Arc<Mutex<FoldCache>>>,
    /// `Some` when the root is a file system inside a disk image: every
    /// path resolves, lists and opens through it instead of the host.
    disk: Option<Arc<DiskRoot>>,
}

/// What an image path names, by [`RootFs::stat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub kind: FileType,
    pub len: u64,
}

/// Per image directory: lower-cased name → the entry's real name (the
/// smallest real name when several differ only in case).
type FoldCache = HashMap<PathBuf, Arc<HashMap<String, OsString>>>;

/// Directories whose listings are cached at most; past this the cache is
/// cleared (a bound on memory for huge trees, not a correctness limit).
const FOLD_CACHE_DIRS: usize = 4096;

/// Where a walk inside the image ended: the canonical components and an
/// open descriptor of each directory among them but the last component
/// (`dirs.len() == names.len() - 1`, or both empty for the root).
struct Walked {
    names: Vec<OsString>,
    dirs: Vec<OwnedFd>,
}

impl RootFs {
    /// The root at `root`, opened now (the user's path; links in it are
    /// the user's and followed). Nothing of the image is opened by path
    /// after this.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let dir = rustix::fs::open(&root, fd::DIR, rustix::fs::Mode::empty())
            .map(Arc::new)
            .map_err(|e| format!("cannot open the image root: {}", io::Error::from(e)));
        Self {
            root,
            dir,
            folded: None,
            disk: None,
        }
    }

    /// A root that is a file system inside a disk image; `label` names it
    /// in messages (`golden.vhdx#p3`). Nothing of the host is opened
    /// through it.
    pub fn on_disk(label: impl Into<PathBuf>, disk: Arc<DiskRoot>) -> Self {
        Self {
            root: label.into(),
            dir: Err("a disk image's file system has no host directory".into()),
            folded: None,
            disk: Some(disk),
        }
    }

    /// The disk image's file system, when the root is one.
    pub fn disk(&self) -> Option<&Arc<DiskRoot>> {
        self.disk.as_ref()
    }

    /// The same root, resolving names case-insensitively (Windows images).
    pub fn case_insensitive(mut self) -> Self {
        self.folded.get_or_insert_with(Default::default);
        self
    }

    /// Whether names are matched regardless of case.
    pub fn is_case_insensitive(&self) -> bool {
        self.folded.is_some() || self.disk.as_ref().is_some_and(|d| d.case_insensitive())
    }

    /// Resolves `image_path` ignoring case, whatever this root's mode: for
    /// root detection, before the family is known.
    pub fn resolve_ignoring_case(
        &self,
        image_path: impl AsRef<Path>,
    ) -> Result<PathBuf, ResolveError> {
        if self.folded.is_some() {
            return self.resolve(image_path);
        }
        self.clone().case_insensitive().resolve(image_path)
    }

    /// The open root (a host root only).
    pub fn root_fd(&self) -> Result<BorrowedFd<'_>, ResolveError> {
        match &self.dir {
            Ok(fd) => Ok(fd.as_fd()),
            Err(e) => Err(ResolveError::Io(e.clone())),
        }
    }

    /// The real name of `name` in the image directory `key` (open as
    /// `dir`), ignoring case.
    fn fold_lookup(&self, dir: BorrowedFd<'_>, key: &[OsString], name: &OsStr) -> Option<OsString> {
        let cache = self.folded.as_ref()?;
        let key: PathBuf = key.iter().collect();
        let listing = {
            let guard = cache.lock().unwrap_or_else(|p| p.into_inner());
            guard.get(&key).cloned()
        };
        let listing = match listing {
            Some(l) => l,
            None => {
                let mut map: HashMap<String, OsString> = HashMap::new();
                for (real, _) in list_fd(dir).unwrap_or_default() {
                    let k = fold(&real);
                    match map.get(&k) {
                        Some(old) if old.as_bytes() <= real.as_bytes() => {}
                        _ => {
                            map.insert(k, real);
                        }
                    }
                }
                let map = Arc::new(map);
                let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
                if guard.len() >= FOLD_CACHE_DIRS {
                    guard.clear();
                }
                guard.insert(key, map.clone());
                map
            }
        };
        listing.get(&fold(name)).cloned()
    }

    /// The host path of the root as the user named it: for messages and
    /// display only, never to open something.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The host path of an image path, lexically (no symlinks followed):
    /// for display only; every open goes through [`RootFs::open`].
    /// `/usr/lib/x`, `usr/lib/x` and `../../usr/lib/x` all give `ROOT/usr/lib/x`.
    pub fn lexical(&self, image_path: impl AsRef<Path>) -> PathBuf {
        let mut out = self.root.clone();
        let mut depth = 0usize;
        for c in image_path.as_ref().components() {
            match c {
                Component::Normal(n) => {
                    out.push(n);
                    depth += 1;
                }
                Component::ParentDir if depth > 0 => {
                    out.pop();
                    depth -= 1;
                }
                _ => {}
            }
        }
        out
    }

    /// Opens an image path relative to the root descriptor, following
    /// links inside the image only (`openat2` `RESOLVE_IN_ROOT`, or the
    /// descriptor walk of [`RootFs::resolve`] where the kernel has none, or
    /// when a case-insensitive root needs another spelling). `flags`: one
    /// of [`fd::READ`], [`fd::DIR`], [`fd::PATH`].
    ///
    /// A file or directory opened to be read is opened with `O_NOATIME`
    /// while the kernel allows it ([`fd::openat_noatime`]); an I/O error
    /// under the flag is tried once more without it, and drops it for the
    /// process when that succeeds.
    ///
    /// A host root only: a disk image's files are opened with
    /// [`RootFs::open_file`].
    pub fn open(
        &self,
        image_path: impl AsRef<Path>,
        flags: OFlags,
    ) -> Result<OwnedFd, ResolveError> {
        let path = image_path.as_ref();
        if fd::noatime() && !flags.contains(OFlags::PATH) {
            match self.open_with(path, flags | OFlags::NOATIME) {
                Err(ResolveError::Io(_)) => {
                    let r = self.open_with(path, flags);
                    if r.is_ok() {
                        fd::drop_noatime();
                    }
                    return r;
                }
                r => return r,
            }
        }
        self.open_with(path, flags)
    }

    fn open_with(&self, path: &Path, flags: OFlags) -> Result<OwnedFd, ResolveError> {
        let root = self.root_fd()?;
        match fd::open_in_root(root, path, flags) {
            Some(Ok(fd)) => return Ok(fd),
            Some(Err(e)) if self.folded.is_some() && e.kind() == io::ErrorKind::NotFound => {}
            Some(Err(e)) => return Err(e.into()),
            None => {}
        }
        let w = self.walk(path, true)?;
        match (w.names.last(), w.dirs.last()) {
            (None, _) => rustix::fs::openat(
                root,
                ".",
                flags | OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            ),
            (Some(name), dir) => rustix::fs::openat(
                dir.map_or(root, |d| d.as_fd()),
                name.as_os_str(),
                flags | OFlags::CLOEXEC | OFlags::NOFOLLOW,
                rustix::fs::Mode::empty(),
            ),
        }
        .map_err(ResolveError::from_errno)
    }

    /// Opens an image path that names a regular file, for reading: on a
    /// host root relative to the root's descriptor ([`RootFs::open`],
    /// never blocking, anything but a regular file refused), on a disk
    /// image through its file system.
    pub fn open_file(&self, image_path: impl AsRef<Path>) -> Result<ImageFile, OpenFileError> {
        let path = image_path.as_ref();
        if let Some(disk) = &self.disk {
            let e = disk.entry(path, self.folded.is_some())?;
            return match e.kind {
                DiskKind::File => disk
                    .open_entry(&e)
                    .map_err(|e| OpenFileError::Io(io::Error::other(e.to_string()))),
                DiskKind::Dir => Err(OpenFileError::IsADirectory),
                _ => Err(OpenFileError::Io(io::Error::other(
                    "not a regular file (special file or reparse point)",
                ))),
            };
        }
        let file = std::fs::File::from(self.open(path, fd::READ)?);
        if file.metadata()?.is_dir() {
            return Err(OpenFileError::IsADirectory);
        }
        Ok(ImageFile::host(crate::bounded::regular(file)?))
    }

    /// The names and types of an image directory's entries, unsorted.
    pub fn list(
        &self,
        image_path: impl AsRef<Path>,
    ) -> Result<Vec<(OsString, FileType)>, ResolveError> {
        if let Some(disk) = &self.disk {
            let entries = disk.list(image_path.as_ref(), self.folded.is_some())?;
            return Ok(entries
                .into_iter()
                .map(|e| (OsString::from_vec(e.name), file_type(e.kind)))
                .collect());
        }
        let dir = self.open(image_path, fd::DIR)?;
        read_entries(dir).map_err(ResolveError::from)
    }

    /// The type and length of what an image path names (links inside the
    /// image followed): on a host root by `fstat` of a descriptor opened
    /// to name it.
    pub fn stat(&self, image_path: impl AsRef<Path>) -> Result<Stat, ResolveError> {
        if let Some(disk) = &self.disk {
            let e = disk.entry(image_path.as_ref(), self.folded.is_some())?;
            return Ok(Stat {
                kind: file_type(e.kind),
                len: e.size,
            });
        }
        let fd = self.open(image_path, fd::PATH)?;
        let st = rustix::fs::fstat(&fd).map_err(ResolveError::from_errno)?;
        Ok(Stat {
            kind: FileType::from_raw_mode(st.st_mode),
            len: st.st_size as u64,
        })
    }

    /// Whether an image path names a directory (inside the image).
    pub fn is_dir(&self, image_path: impl AsRef<Path>) -> bool {
        self.stat(image_path)
            .is_ok_and(|m| m.kind == FileType::Directory)
    }

    /// Whether an image path names a regular file (inside the image).
    pub fn is_file(&self, image_path: impl AsRef<Path>) -> bool {
        self.stat(image_path)
            .is_ok_and(|m| m.kind == FileType::RegularFile)
    }

    /// Resolves an image path, following symlinks inside the image, to its
    /// canonical image path (relative, no leading `/`). The final component
    /// must exist.
    pub fn resolve(&self, image_path: impl AsRef<Path>) -> Result<PathBuf, ResolveError> {
        if let Some(disk) = &self.disk {
            let w = disk.walk(image_path.as_ref(), true, self.folded.is_some())?;
            return Ok(w.names.iter().collect());
        }
        Ok(self.walk(image_path.as_ref(), true)?.names.iter().collect())
    }

    /// Resolves the directory part of `image_path` inside the image and joins
    /// the final name unresolved: the canonical form of a path a manifest
    /// names, even when the final component is itself a symlink or missing.
    pub fn resolve_parent(&self, image_path: impl AsRef<Path>) -> Result<PathBuf, ResolveError> {
        if let Some(disk) = &self.disk {
            let w = disk.walk(image_path.as_ref(), false, self.folded.is_some())?;
            return Ok(w.names.iter().collect());
        }
        Ok(self
            .walk(image_path.as_ref(), false)?
            .names
            .iter()
            .collect())
    }

    /// Reads a symlink's target and resolves it inside the image.
    /// `link` is an image path of the link itself.
    pub fn resolve_link(&self, link: &Path) -> Result<PathBuf, ResolveError> {
        if let Some(disk) = &self.disk {
            let target = disk.read_link(link, self.folded.is_some())?;
            return self.resolve_target(link, Path::new(OsStr::from_bytes(&target)));
        }
        let w = self.walk(link, false)?;
        let root = self.root_fd()?;
        let Some(name) = w.names.last() else {
            return Err(ResolveError::NotFound);
        };
        let dir = w.dirs.last().map_or(root, |d| d.as_fd());
        let target = rustix::fs::readlinkat(dir, name.as_os_str(), Vec::new())
            .map_err(ResolveError::from_errno)?;
        self.resolve_target(link, Path::new(OsStr::from_bytes(target.as_bytes())))
    }

    /// Whether the link at `link` (an image path) surely leads to something
    /// inside the image: the kernel resolved it in one `openat2(O_PATH,
    /// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)` that follows it. `false`
    /// says nothing (a disk image, no `openat2`, a dangling link, a loop, a
    /// `/proc` magic link the kernel refuses): the caller reads the link and
    /// resolves its target itself ([`resolve_target`](Self::resolve_target)).
    /// The walk asks this of every link first: resolving a target a
    /// component at a time took ten system calls and more per link, a fifth
    /// of all a Debian scan made.
    pub fn leads_inside(&self, link: &Path) -> bool {
        if self.disk.is_some() {
            return false;
        }
        let Ok(root) = self.root_fd() else {
            return false;
        };
        matches!(fd::open_in_root(root, link, fd::PATH), Some(Ok(_)))
    }

    /// Resolves a link's `target` (as read from the link) inside the image;
    /// `link` is the image path of the link.
    pub fn resolve_target(&self, link: &Path, target: &Path) -> Result<PathBuf, ResolveError> {
        let base = link.parent().unwrap_or(Path::new(""));
        let joined = if target.is_absolute() {
            target.to_owned()
        } else {
            base.join(target)
        };
        self.resolve(joined)
    }

    /// Walks `path` from the root, one component at a time, each step
    /// relative to the descriptor of the directory before it: `fstatat`
    /// without following, `readlinkat` for a link (whose target is walked
    /// in its place: absolute targets from the root, `..` stopping there),
    /// `openat(O_PATH | O_DIRECTORY | O_NOFOLLOW)` to step into a directory.
    fn walk(&self, path: &Path, follow_last: bool) -> Result<Walked, ResolveError> {
        let root = self.root_fd()?;
        // Components still to walk, in reverse order so that pushing a link's
        // target in front is a cheap extend.
        let mut todo: Vec<OsString> = Vec::new();
        push_front(&mut todo, path);
        let mut names: Vec<OsString> = Vec::new();
        let mut dirs: Vec<OwnedFd> = Vec::new();
        let mut hops = 0;
        while let Some(name) = todo.pop() {
            let last = todo.is_empty();
            match name.as_bytes() {
                b"." => continue,
                b".." => {
                    names.pop();
                    dirs.pop();
                    continue;
                }
                _ => {}
            }
            if last && !follow_last {
                names.push(name);
                break;
            }
            let here = dirs.last().map_or(root, |d| d.as_fd());
            let (name, st) = self.step(here, &names, name)?;
            let ft = FileType::from_raw_mode(st.st_mode);
            if ft == FileType::Symlink {
                hops += 1;
                if hops > MAX_HOPS {
                    return Err(ResolveError::Loop);
                }
                let target = rustix::fs::readlinkat(here, name.as_os_str(), Vec::new())
                    .map_err(ResolveError::from_errno)?;
                let target = PathBuf::from(OsString::from_vec(target.into_bytes()));
                if target.is_absolute() {
                    names.clear();
                    dirs.clear();
                }
                push_front(&mut todo, &target);
                continue;
            }
            if !last {
                if ft != FileType::Directory {
                    return Err(ResolveError::NotADirectory);
                }
                let flags = fd::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW;
                let d =
                    rustix::fs::openat(here, name.as_os_str(), flags, rustix::fs::Mode::empty())
                        .map_err(ResolveError::from_errno)?;
                dirs.push(d);
            }
            names.push(name);
        }
        Ok(Walked { names, dirs })
    }

    /// `fstatat` of `name` in `here` (the image directory `key`), without
    /// following; on a case-insensitive root, another spelling when `name`
    /// does not exist. The real name and its status.
    fn step(
        &self,
        here: BorrowedFd<'_>,
        key: &[OsString],
        name: OsString,
    ) -> Result<(OsString, rustix::fs::Stat), ResolveError> {
        let stat = |n: &OsStr| rustix::fs::statat(here, n, AtFlags::SYMLINK_NOFOLLOW);
        match stat(&name) {
            Ok(st) => Ok((name, st)),
            Err(Errno::NOENT) => {
                // Another spelling of the name, on a case-insensitive root.
                let real = self
                    .fold_lookup(here, key, &name)
                    .ok_or(ResolveError::NotFound)?;
                let st = stat(&real).map_err(ResolveError::from_errno)?;
                Ok((real, st))
            }
            Err(e) => Err(ResolveError::from_errno(e)),
        }
    }
}

/// The entries of an open directory (but `.` and `..`), with their types
/// (`fstatat` where the file system gives none).
fn list_fd(dir: BorrowedFd<'_>) -> io::Result<Vec<(OsString, FileType)>> {
    // A descriptor of its own to read from (`dir` may only name the
    // directory, and listing moves the offset).
    read_entries(rustix::fs::openat(
        dir,
        ".",
        fd::DIR,
        rustix::fs::Mode::empty(),
    )?)
}

/// The entries of a directory opened to be read, as [`list_fd`].
fn read_entries(own: OwnedFd) -> io::Result<Vec<(OsString, FileType)>> {
    let mut out = Vec::new();
    let mut buf = Vec::with_capacity(32 << 10);
    let mut raw = rustix::fs::RawDir::new(own.as_fd(), buf.spare_capacity_mut());
    while let Some(e) = raw.next() {
        let e = e?;
        let name = e.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let mut ft = e.file_type();
        if ft == FileType::Unknown {
            ft = rustix::fs::statat(own.as_fd(), e.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                .map(|st| FileType::from_raw_mode(st.st_mode))
                .unwrap_or(FileType::Unknown);
        }
        out.push((OsString::from_vec(name.to_vec()), ft));
    }
    Ok(out)
}

/// The case-folded form of a name (Unicode lower case; bytes that are not
/// UTF-8 are kept as they are).
fn fold(name: &OsStr) -> String {
    String::from_utf8_lossy(name.as_bytes()).to_lowercase()
}

/// Resolves the directories of many manifest paths, caching each directory:
/// a package database names hundreds of thousands of files in a few thousand
/// directories, and `/lib` → `usr/lib` style links must be applied to all.
pub struct DirResolver<'a> {
    fs: &'a RootFs,
    cache: HashMap<String, Option<String>>,
}

impl<'a> DirResolver<'a> {
    pub fn new(fs: &'a RootFs) -> Self {
        Self {
            fs,
            cache: HashMap::new(),
        }
    }

    /// The canonical report path (`usr/lib/x`) of a manifest path
    /// (`/lib/x`): directories resolved inside the image, the final name kept.
    /// Falls back to the lexical form when a directory does not exist.
    pub fn canonical(&mut self, manifest_path: &str) -> String {
        let norm = crate::paths::normalize(manifest_path);
        let (dir, name) = match norm.rfind('/') {
            Some(i) => (&norm[..i], &norm[i + 1..]),
            None => return norm,
        };
        let fs = self.fs;
        let resolved = self
            .cache
            .entry(dir.to_owned())
            .or_insert_with(|| fs.resolve(dir).ok().map(|p| crate::paths::display(&p).0))
            .clone();
        match resolved {
            Some(d) if d.is_empty() => name.to_owned(),
            Some(d) => format!("{d}/{name}"),
            None => norm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        std::fs::create_dir_all(r.join("usr/lib/x86_64-linux-gnu")).unwrap();
        std::fs::write(r.join("usr/lib/x86_64-linux-gnu/libc.so.6"), b"x").unwrap();
        symlink("usr/lib", r.join("lib")).unwrap();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        symlink("/etc/passwd", r.join("etc/evil")).unwrap();
        symlink("/usr/lib/x86_64-linux-gnu/libc.so.6", r.join("etc/abs")).unwrap();
        symlink("loop2", r.join("etc/loop1")).unwrap();
        symlink("loop1", r.join("etc/loop2")).unwrap();
        symlink("../../../../../../usr/lib", r.join("etc/up")).unwrap();
        t
    }

    #[test]
    fn absolute_links_stay_inside_the_root() {
        let t = tree();
        let fs = RootFs::new(t.path());
        assert_eq!(
            fs.resolve("/etc/abs").unwrap(),
            Path::new("usr/lib/x86_64-linux-gnu/libc.so.6")
        );
        // The host has /etc/passwd; the image does not.
        assert_eq!(fs.resolve("/etc/evil"), Err(ResolveError::NotFound));
        assert_eq!(
            fs.resolve("etc/up/x86_64-linux-gnu").unwrap(),
            Path::new("usr/lib/x86_64-linux-gnu")
        );
    }

    /// Held by the tests that force the fallback (a switch of the whole
    /// process) and by those that need `openat2`, so they don't overlap.
    fn mode_lock() -> std::sync::MutexGuard<'static, ()> {
        static MODE: Mutex<()> = Mutex::new(());
        MODE.lock().unwrap_or_else(|p| p.into_inner())
    }

    #[test]
    fn the_kernel_vouches_only_for_links_that_lead_inside() {
        let _mode = mode_lock();
        let t = tree();
        let fs = RootFs::new(t.path());
        // Followed inside the root: an absolute target, a relative one
        // climbing past the root, a link to a directory.
        let kernel = fd::open_in_root(fs.root_fd().unwrap(), Path::new("."), fd::PATH).is_some();
        for link in ["etc/abs", "etc/up", "lib"] {
            // (Without `openat2` the kernel vouches for nothing.)
            assert_eq!(fs.leads_inside(Path::new(link)), kernel, "{link}");
            assert!(fs.resolve(link).is_ok(), "{link}");
        }
        // A target only the host has, a loop: not vouched for, and the
        // slow path says why.
        assert!(!fs.leads_inside(Path::new("etc/evil")));
        assert!(matches!(
            fs.resolve("etc/evil"),
            Err(ResolveError::NotFound)
        ));
        assert!(!fs.leads_inside(Path::new("etc/loop1")));
        assert!(matches!(fs.resolve("etc/loop1"), Err(ResolveError::Loop)));
    }

    #[test]
    fn case_insensitive_roots_find_any_spelling() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        std::fs::create_dir_all(r.join("WINDOWS/system32/config")).unwrap();
        std::fs::write(r.join("WINDOWS/system32/config/SOFTWARE"), b"x").unwrap();
        std::fs::create_dir_all(r.join("Program Files/Mozilla Firefox")).unwrap();
        symlink("/program files/mozilla firefox", r.join("ff")).unwrap();
        let exact = RootFs::new(r);
        assert_eq!(
            exact.resolve("Windows/System32/config/SOFTWARE"),
            Err(ResolveError::NotFound)
        );
        assert_eq!(
            exact
                .resolve_ignoring_case("Windows/System32/Config/software")
                .unwrap(),
            Path::new("WINDOWS/system32/config/SOFTWARE")
        );
        let ci = RootFs::new(r).case_insensitive();
        assert!(ci.is_case_insensitive());
        // Link targets are looked up the same way, and the real names come back.
        assert_eq!(
            ci.resolve("FF").unwrap(),
            Path::new("Program Files/Mozilla Firefox")
        );
        assert_eq!(ci.resolve("windows/missing"), Err(ResolveError::NotFound));
        // The exact name wins when both spellings exist.
        std::fs::create_dir_all(r.join("Windows")).unwrap();
        assert_eq!(ci.resolve("Windows").unwrap(), Path::new("Windows"));
        assert_eq!(ci.resolve("windows").unwrap(), Path::new("WINDOWS"));
    }

    /// Reads `rel` through the descriptor API, as every collector does.
    fn read(fs: &RootFs, rel: &str) -> Result<String, ResolveError> {
        use std::io::Read;
        let fd = fs.open(rel, fd::READ)?;
        let mut text = String::new();
        std::fs::File::from(fd).read_to_string(&mut text).unwrap();
        Ok(text)
    }

    /// The swap of issue 12, made deterministic: `var/lib/dpkg` already
    /// swapped for a link to a host directory (absolute, and relative with
    /// `..` past the root) when the file is opened, by `openat2` and by the
    /// component walk. The link is followed inside the image, or not at
    /// all; the host's file is never read.
    #[test]
    fn a_directory_swapped_for_a_link_out_is_followed_inside_only() {
        let _mode = mode_lock();
        let t = tempfile::tempdir().unwrap();
        let (root, host) = (t.path().join("img"), t.path().join("host"));
        std::fs::create_dir_all(root.join("var/lib")).unwrap();
        std::fs::create_dir_all(&host).unwrap();
        std::fs::write(host.join("status"), "host").unwrap();
        let fs = RootFs::new(&root);
        let ups = "../".repeat(root.components().count() + 3);
        let rel = format!("{ups}{}", host.strip_prefix("/").unwrap().display());
        for forced in [false, true] {
            fd::force_fallback(forced);
            for target in [host.to_str().unwrap(), rel.as_str()] {
                let link = root.join("var/lib/dpkg");
                let _ = std::fs::remove_file(&link);
                symlink(target, &link).unwrap();
                assert_eq!(
                    read(&fs, "var/lib/dpkg/status"),
                    Err(ResolveError::NotFound)
                );
                assert_eq!(
                    read(&fs, "/var/lib/dpkg/status"),
                    Err(ResolveError::NotFound)
                );
                // The same name inside the image is what is read.
                let inside = root.join(host.strip_prefix("/").unwrap());
                std::fs::create_dir_all(&inside).unwrap();
                std::fs::write(inside.join("status"), "image").unwrap();
                assert_eq!(read(&fs, "var/lib/dpkg/status").unwrap(), "image");
                std::fs::remove_dir_all(root.join(host.components().nth(1).unwrap())).unwrap();
            }
        }
        fd::force_fallback(false);
    }

    /// Magic links (`/proc/self/root`) lead nowhere from inside an image.
    #[test]
    fn magic_links_are_not_followed() {
        let _mode = mode_lock();
        let t = tree();
        let fs = RootFs::new(t.path());
        symlink("/proc/self/root/etc/passwd", t.path().join("etc/magic")).unwrap();
        for forced in [false, true] {
            fd::force_fallback(forced);
            assert!(read(&fs, "etc/magic").is_err());
            assert!(read(&fs, "etc/evil").is_err());
            assert_eq!(read(&fs, "etc/abs").unwrap(), "x");
            assert_eq!(read(&fs, "etc/up/x86_64-linux-gnu/libc.so.6").unwrap(), "x");
        }
        fd::force_fallback(false);
    }

    #[test]
    fn case_insensitive_opens_find_any_spelling() {
        let _mode = mode_lock();
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        std::fs::create_dir_all(r.join("WINDOWS/system32/config")).unwrap();
        std::fs::write(r.join("WINDOWS/system32/config/SOFTWARE"), b"hive").unwrap();
        let ci = RootFs::new(r).case_insensitive();
        for forced in [false, true] {
            fd::force_fallback(forced);
            assert_eq!(
                read(&ci, "Windows/System32/Config/software").unwrap(),
                "hive"
            );
            assert!(ci.is_dir("windows/SYSTEM32"));
            assert!(!ci.is_dir("windows/SYSTEM32/config/software"));
            assert!(ci.is_file("windows/SYSTEM32/config/software"));
            let names: Vec<_> = ci
                .list("windows")
                .unwrap()
                .into_iter()
                .map(|e| e.0)
                .collect();
            assert_eq!(names, ["system32"]);
        }
        fd::force_fallback(false);
        let exact = RootFs::new(r);
        assert_eq!(
            read(&exact, "windows/system32/config/SOFTWARE"),
            Err(ResolveError::NotFound)
        );
    }

    #[test]
    fn a_root_that_cannot_be_opened_fails_every_open() {
        let fs = RootFs::new("/nonexistent/sovscan-root");
        let e = fs.open("etc/os-release", fd::READ).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot open the image root"),
            "{e}"
        );
    }

    #[test]
    fn loops_are_reported() {
        let t = tree();
        let fs = RootFs::new(t.path());
        assert_eq!(fs.resolve("etc/loop1"), Err(ResolveError::Loop));
    }

    #[test]
    fn manifest_paths_follow_directory_links() {
        let t = tree();
        let fs = RootFs::new(t.path());
        let mut r = DirResolver::new(&fs);
        assert_eq!(
            r.canonical("/lib/x86_64-linux-gnu/libc.so.6"),
            "usr/lib/x86_64-linux-gnu/libc.so.6"
        );
        assert_eq!(r.canonical("/opt/missing/bin"), "opt/missing/bin");
        assert_eq!(fs.lexical("/../../etc/passwd"), t.path().join("etc/passwd"));
    }
}
