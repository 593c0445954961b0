//! A file system inside a disk image as an image root: what [`RootFs`]
//! reads through when the user named an image file (`golden.vhdx#p3`)
//! instead of a directory.
//!
//! Paths resolve as they do in a host root: inside the file system only,
//! absolute link targets from its root, `..` stopping there, at most
//! [`MAX_HOPS`] links, names matched regardless of case where the file
//! system (NTFS, FAT) or the image's family (Windows) says so. Directory
//! listings used for resolving are cached per directory (bounded), since
//! a package database names thousands of files in a few directories, and
//! listing an NTFS directory reads one MFT record per entry.
//!
//! [`RootFs`]: super::RootFs

use super::disk::fs::{DirEntry, DiskFs, FsError, FsErrorKind, Kind, NodeId};
use super::file::{ImageFile, Snapshot};
use super::resolve::{ResolveError, push_front};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Symlinks followed while resolving one path before it counts as a loop.
const MAX_HOPS: usize = super::disk::fs::MAX_LINK_HOPS;

/// Directories whose listings are kept for resolving at most; past this
/// the cache is cleared (a bound on memory, not a correctness limit).
const CACHED_DIRS: usize = 4096;

/// One file system of a disk image, opened.
pub struct DiskRoot {
    fs: Box<dyn DiskFs>,
    /// A device number of its own, so `(dev, ino)` keys of two partitions
    /// scanned in one run never meet.
    dev: u64,
    listings: Mutex<HashMap<NodeId, Arc<Listing>>>,
}

impl std::fmt::Debug for DiskRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskRoot")
            .field("fs", &self.fs.name())
            .field("dev", &self.dev)
            .finish()
    }
}

/// A directory's entries, with an index by exact name and (built on first
/// need) by folded name.
struct Listing {
    entries: Vec<DirEntry>,
    exact: HashMap<Vec<u8>, usize>,
    folded: std::sync::OnceLock<HashMap<String, usize>>,
}

impl Listing {
    fn new(entries: Vec<DirEntry>) -> Self {
        let exact = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        Self {
            entries,
            exact,
            folded: Default::default(),
        }
    }

    /// The entry named `name`, or, when `fold`, the one whose name differs
    /// only in case (the smallest real name when several do).
    fn find(&self, name: &[u8], fold: bool) -> Option<&DirEntry> {
        if let Some(&i) = self.exact.get(name) {
            return Some(&self.entries[i]);
        }
        if !fold {
            return None;
        }
        let folded = self.folded.get_or_init(|| {
            let mut map: HashMap<String, usize> = HashMap::new();
            for (i, e) in self.entries.iter().enumerate() {
                let k = fold_name(&e.name);
                match map.get(&k) {
                    Some(&old) if self.entries[old].name <= e.name => {}
                    _ => {
                        map.insert(k, i);
                    }
                }
            }
            map
        });
        folded.get(&fold_name(name)).map(|&i| &self.entries[i])
    }
}

fn fold_name(name: &[u8]) -> String {
    String::from_utf8_lossy(name).to_lowercase()
}

/// Where a path led: the canonical names from the root and the entry of
/// each (the last one missing when it was not to be followed).
pub(crate) struct Walked {
    pub names: Vec<OsString>,
    pub entries: Vec<DirEntry>,
}

impl DiskRoot {
    pub fn new(fs: Box<dyn DiskFs>, dev: u64) -> Self {
        Self {
            fs,
            dev,
            listings: Mutex::new(HashMap::new()),
        }
    }

    /// The file system.
    pub fn fs(&self) -> &dyn DiskFs {
        &*self.fs
    }

    /// The device number the scan gives this file system.
    pub fn dev(&self) -> u64 {
        self.dev
    }

    /// Whether names match regardless of case on this file system.
    pub fn case_insensitive(&self) -> bool {
        self.fs.case_insensitive()
    }

    /// The root directory as an entry.
    pub fn root_entry(&self) -> DirEntry {
        let node = self.fs.root();
        DirEntry {
            name: Vec::new(),
            kind: Kind::Dir,
            size: 0,
            node,
            perm: 0o755,
            links: 1,
            file_id: node.0,
            zone_identifier: None,
            damage: None,
        }
    }

    /// The status an open file of this file system reports.
    pub fn snapshot(&self, e: &DirEntry) -> Snapshot {
        let kind = match e.kind {
            Kind::File => libc::S_IFREG,
            Kind::Dir => libc::S_IFDIR,
            Kind::Symlink => libc::S_IFLNK,
            Kind::Other => 0,
        };
        Snapshot {
            len: e.size,
            mode: kind | (e.perm & 0o7777),
            dev: self.dev,
            ino: e.file_id,
            nlink: u64::from(e.links),
            times: [0; 4],
        }
    }

    /// Opens a regular file for reading, by its entry.
    pub fn open_entry(&self, e: &DirEntry) -> Result<ImageFile, FsError> {
        let data = self.fs.open(e.node)?;
        Ok(ImageFile::disk(data, self.snapshot(e)))
    }

    /// A directory's entries, from the cache when listed before.
    fn listing(&self, dir: NodeId) -> Result<Arc<Listing>, ResolveError> {
        let lock = || self.listings.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(l) = lock().get(&dir) {
            return Ok(l.clone());
        }
        let listing = Arc::new(Listing::new(self.fs.list(dir).map_err(resolve_error)?));
        let mut cache = lock();
        if cache.len() >= CACHED_DIRS {
            cache.clear();
        }
        cache.insert(dir, listing.clone());
        Ok(listing)
    }

    /// The entries of the directory an image path names (links followed).
    pub fn list(&self, path: &Path, fold: bool) -> Result<Vec<DirEntry>, ResolveError> {
        let w = self.walk(path, true, fold)?;
        let e = w
            .entries
            .last()
            .cloned()
            .unwrap_or_else(|| self.root_entry());
        if e.kind != Kind::Dir {
            return Err(ResolveError::NotADirectory);
        }
        Ok(self.listing(e.node)?.entries.clone())
    }

    /// The entry an image path names, links followed (the root's own for
    /// an empty path).
    pub fn entry(&self, path: &Path, fold: bool) -> Result<DirEntry, ResolveError> {
        let w = self.walk(path, true, fold)?;
        Ok(w.entries
            .last()
            .cloned()
            .unwrap_or_else(|| self.root_entry()))
    }

    /// A link's target as stored, by the link's image path (its directory
    /// resolved, the link itself not followed).
    pub fn read_link(&self, link: &Path, fold: bool) -> Result<Vec<u8>, ResolveError> {
        let w = self.walk(link, false, fold)?;
        let Some(name) = w.names.last() else {
            return Err(ResolveError::NotFound);
        };
        let dir = w.entries.last().map_or(self.fs.root(), |e| e.node);
        let listing = self.listing(dir)?;
        let e = listing
            .find(name.as_bytes(), fold)
            .ok_or(ResolveError::NotFound)?;
        if e.kind != Kind::Symlink {
            return Err(ResolveError::Io("not a symbolic link".into()));
        }
        self.fs.read_link(e.node).map_err(resolve_error)
    }

    /// Walks `path` from the root of the file system, as the host root's
    /// walk does: `.` ignored, `..` stopping at the root, links followed
    /// (the last one only when `follow_last`), absolute targets from the
    /// root.
    pub(crate) fn walk(
        &self,
        path: &Path,
        follow_last: bool,
        fold: bool,
    ) -> Result<Walked, ResolveError> {
        let fold = fold || self.fs.case_insensitive();
        let mut todo: Vec<OsString> = Vec::new();
        push_front(&mut todo, path);
        let mut names: Vec<OsString> = Vec::new();
        let mut entries: Vec<DirEntry> = Vec::new();
        let mut hops = 0;
        while let Some(name) = todo.pop() {
            let last = todo.is_empty();
            match name.as_bytes() {
                b"." => continue,
                b".." => {
                    names.pop();
                    entries.pop();
                    continue;
                }
                _ => {}
            }
            let here = match entries.last() {
                None => self.fs.root(),
                Some(e) if e.kind == Kind::Dir => e.node,
                Some(_) => return Err(ResolveError::NotADirectory),
            };
            if last && !follow_last {
                // The final name as given, or its real spelling.
                let real = self
                    .listing(here)?
                    .find(name.as_bytes(), fold)
                    .map_or(name, |e| OsString::from_vec(e.name.clone()));
                names.push(real);
                break;
            }
            let listing = self.listing(here)?;
            let entry = listing
                .find(name.as_bytes(), fold)
                .ok_or(ResolveError::NotFound)?
                .clone();
            if let Some(d) = &entry.damage {
                return Err(ResolveError::Io(d.clone()));
            }
            if entry.kind == Kind::Symlink {
                hops += 1;
                if hops > MAX_HOPS {
                    return Err(ResolveError::Loop);
                }
                let target = self.fs.read_link(entry.node).map_err(resolve_error)?;
                if target.first() == Some(&b'/') {
                    names.clear();
                    entries.clear();
                }
                push_front(&mut todo, Path::new(OsStr::from_bytes(&target)));
                continue;
            }
            names.push(OsString::from_vec(entry.name.clone()));
            entries.push(entry);
        }
        Ok(Walked { names, entries })
    }
}

/// A file system's error as a resolution error: a missing node is not
/// found; anything else keeps its text (it names the structure).
pub(crate) fn resolve_error(e: FsError) -> ResolveError {
    match e.kind {
        FsErrorKind::NotFound => ResolveError::NotFound,
        _ => ResolveError::Io(e.to_string()),
    }
}
