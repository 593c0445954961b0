//! Confined access to an image root.
//!
//! A workstation image is a foreign tree: its absolute symlinks (`/etc/localtime
//! -> /usr/share/zoneinfo/...`) and the absolute paths its manifests name
//! (`/usr/lib/x`) mean *inside the image*, never the host. The operating
//! system would follow them to the host, so this module resolves paths
//! component by component, in user space, treating the image root as `/`:
//! absolute link targets restart at the root and `..` stops there. Nothing
//! here ever leaves the root.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Symlinks followed while resolving one path before it counts as a loop
/// (Linux's own limit is 40).
const MAX_HOPS: usize = 40;

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

/// An image root. Cheap to clone.
///
/// A Windows image extracted on Linux keeps whatever case the extraction
/// tool wrote (`WINDOWS/system32`, `Program Files/mozilla firefox`), while
/// Windows itself, its registry and its manifests name paths in any case.
/// A case-insensitive root ([`RootFs::case_insensitive`]) first tries each
/// path component as given and, when that name does not exist, looks it up
/// among the directory's entries ignoring case. Directory listings are
/// cached (per host directory, shared by clones), so resolving many paths
/// in one directory lists it once.
#[derive(Debug, Clone)]
pub struct RootFs {
    root: PathBuf,
    /// `Some` when names match regardless of case: the listing cache.
    folded: Option<Arc<Mutex<FoldCache>>>,
}

/// Per host directory: lower-cased name → the entry's real name (the
/// smallest real name when several differ only in case).
type FoldCache = HashMap<PathBuf, Arc<HashMap<String, OsString>>>;

/// Directories whose listings are cached at most; past this the cache is
/// cleared (a bound on memory for huge trees, not a correctness limit).
const FOLD_CACHE_DIRS: usize = 4096;

impl RootFs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            folded: None,
        }
    }

    /// The same root, resolving names case-insensitively (Windows images).
    pub fn case_insensitive(mut self) -> Self {
        self.folded.get_or_insert_with(Default::default);
        self
    }

    /// Whether names are matched regardless of case.
    pub fn is_case_insensitive(&self) -> bool {
        self.folded.is_some()
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

    /// The real name of `name` in host directory `dir`, ignoring case.
    fn fold_lookup(&self, dir: &Path, name: &OsStr) -> Option<OsString> {
        let cache = self.folded.as_ref()?;
        let key = fold(name);
        let listing = {
            let guard = cache.lock().unwrap_or_else(|p| p.into_inner());
            guard.get(dir).cloned()
        };
        let listing = match listing {
            Some(l) => l,
            None => {
                let mut map: HashMap<String, OsString> = HashMap::new();
                if let Ok(rd) = std::fs::read_dir(dir) {
                    for e in rd.flatten() {
                        let real = e.file_name();
                        let k = fold(&real);
                        match map.get(&k) {
                            Some(old) if old.as_bytes() <= real.as_bytes() => {}
                            _ => {
                                map.insert(k, real);
                            }
                        }
                    }
                }
                let map = Arc::new(map);
                let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
                if guard.len() >= FOLD_CACHE_DIRS {
                    guard.clear();
                }
                guard.insert(dir.to_owned(), map.clone());
                map
            }
        };
        listing.get(&key).cloned()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The host path of an image path, lexically (no symlinks followed).
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

    /// Resolves an image path, following symlinks inside the image, to its
    /// canonical image path (relative, no leading `/`). The final component
    /// must exist.
    pub fn resolve(&self, image_path: impl AsRef<Path>) -> Result<PathBuf, ResolveError> {
        self.resolve_inner(image_path.as_ref(), true)
    }

    /// Resolves the directory part of `image_path` inside the image and joins
    /// the final name unresolved: the canonical form of a path a manifest
    /// names, even when the final component is itself a symlink or missing.
    pub fn resolve_parent(&self, image_path: impl AsRef<Path>) -> Result<PathBuf, ResolveError> {
        self.resolve_inner(image_path.as_ref(), false)
    }

    /// Reads a symlink's target and resolves it inside the image.
    /// `link` is an image path of the link itself.
    pub fn resolve_link(&self, link: &Path) -> Result<PathBuf, ResolveError> {
        let host = self.lexical(link);
        let target = std::fs::read_link(&host).map_err(io_err)?;
        let base = link.parent().unwrap_or(Path::new(""));
        let joined = if target.is_absolute() {
            target
        } else {
            base.join(target)
        };
        self.resolve(joined)
    }

    fn resolve_inner(&self, path: &Path, follow_last: bool) -> Result<PathBuf, ResolveError> {
        // Components still to walk, in reverse order so that pushing a link's
        // target in front is a cheap extend.
        let mut todo: Vec<OsString> = Vec::new();
        push_front(&mut todo, path);
        let mut done: Vec<OsString> = Vec::new();
        let mut hops = 0;
        while let Some(name) = todo.pop() {
            let last = todo.is_empty();
            match name.as_bytes() {
                b"." => continue,
                b".." => {
                    done.pop();
                    continue;
                }
                _ => {}
            }
            if last && !follow_last {
                done.push(name);
                break;
            }
            let mut host = self.root.clone();
            host.extend(done.iter());
            host.push(&name);
            let mut name = name;
            let meta = match std::fs::symlink_metadata(&host) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // Another spelling of the name, on a case-insensitive root.
                    let dir = host.parent().map(Path::to_path_buf).unwrap_or_default();
                    let Some(real) = self.fold_lookup(&dir, &name) else {
                        return Err(ResolveError::NotFound);
                    };
                    host.set_file_name(&real);
                    name = real;
                    std::fs::symlink_metadata(&host).map_err(|e| match e.kind() {
                        io::ErrorKind::NotFound => ResolveError::NotFound,
                        _ => io_err(e),
                    })?
                }
                Err(e) if e.raw_os_error() == Some(20) => return Err(ResolveError::NotADirectory),
                Err(e) => return Err(io_err(e)),
            };
            if meta.file_type().is_symlink() {
                hops += 1;
                if hops > MAX_HOPS {
                    return Err(ResolveError::Loop);
                }
                let target = std::fs::read_link(&host).map_err(io_err)?;
                if target.is_absolute() {
                    done.clear();
                }
                push_front(&mut todo, &target);
                continue;
            }
            if !last && !meta.is_dir() {
                return Err(ResolveError::NotADirectory);
            }
            done.push(name);
        }
        Ok(done.iter().collect())
    }
}

fn push_front(todo: &mut Vec<OsString>, path: &Path) {
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

/// The case-folded form of a name (Unicode lower case; bytes that are not
/// UTF-8 are kept as they are).
fn fold(name: &OsStr) -> String {
    String::from_utf8_lossy(name.as_bytes()).to_lowercase()
}

fn io_err(e: io::Error) -> ResolveError {
    ResolveError::Io(e.to_string())
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
