//! The parallel tree walk.
//!
//! A small walker on `rayon::scope`: one task per directory, entries handled
//! inline, candidate binaries handed to their own task so a directory with
//! thousands of libraries is fingerprinted in parallel too. It was chosen by
//! measurement over walkdir and `ignore::WalkParallel` (see
//! `docs/performance.md`): std's `DirEntry::metadata` stats relative to the
//! open directory (`fstatat`), while those walkers stat the full path again.
//!
//! Guarantees, each tested in `tests/it/hostile.rs`:
//! - symlinks are never followed; they are counted, and loops or targets that
//!   don't exist inside the image are listed as skipped;
//! - FIFOs, sockets and device nodes are never opened;
//! - the walk stays on the root's filesystem unless asked not to;
//! - a hard-linked file is handed on once per (device, inode), its other
//!   names listed in [`Outcome::aliases`] (every name becomes a binary
//!   record later, `attach::expand_hard_links`);
//! - permission errors and non-UTF-8 names are listed, and the walk goes on;
//! - memory grows with directories pending, not with files seen.

pub mod manifests;

use crate::image::{ResolveError, RootFs};
use crate::model::inventory::{ManifestFile, Problem};
use crate::model::report::Stats;
use globset::GlobSet;
use std::collections::HashSet;
use std::fs::{self, DirEntry, FileType, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// What the walk should do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub cross_filesystems: bool,
    /// Image-relative paths matching these are not visited (directories are
    /// not descended into).
    pub exclude: Option<GlobSet>,
}

/// A regular file that may be a binary: it has an exec bit or a library or
/// executable name. The callback decides by its magic bytes.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub host: PathBuf,
    /// Image-relative report path.
    pub rel: String,
    pub size: u64,
    pub mode: u32,
    pub dev: u64,
    pub ino: u64,
}

/// Running counts, readable while the walk runs (for progress).
#[derive(Debug, Default)]
pub struct Counters {
    pub files: AtomicU64,
    pub dirs: AtomicU64,
    pub symlinks: AtomicU64,
    pub bytes: AtomicU64,
    pub candidates: AtomicU64,
    /// Candidates the callback found to be binaries (it counts them here;
    /// the walk reports them as `binaries_parsed`).
    pub binaries: AtomicU64,
}

/// An entry that was deliberately not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What a finished walk reports besides what the callback collected.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stats: Stats,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<Problem>,
    /// Extra names of hard-linked candidates: (dev, ino, path). Only
    /// candidates with more than one link are tracked, so this and the set
    /// of inodes seen grow with hard-linked candidates, not with files.
    pub aliases: Vec<(u64, u64, String)>,
    /// Language-ecosystem manifests found by name ([`manifests`]), sorted.
    pub manifests: Vec<ManifestFile>,
}

/// The mount a directory is on. The mount id tells a bind mount of the
/// same file system apart from the directory it shows, which the device
/// number does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mount {
    dev: u64,
    /// `statx`'s `STATX_MNT_ID` (Linux 5.8+); `None` where the kernel has none.
    id: Option<u64>,
}

impl Mount {
    fn same(&self, other: &Mount) -> bool {
        self.dev == other.dev
            && match (self.id, other.id) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// The mount of `path` (not following a final link), by `statx`; where
/// `statx` is missing, by `lstat` with no mount id.
fn mount_of(path: &std::path::Path) -> std::io::Result<Mount> {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: `c` is a NUL-terminated path and `stx` a buffer of the type
    // statx(2) fills; both outlive the call.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    let flags = libc::AT_SYMLINK_NOFOLLOW | libc::AT_STATX_DONT_SYNC;
    let rc = unsafe {
        libc::statx(
            libc::AT_FDCWD,
            c.as_ptr(),
            flags,
            libc::STATX_MNT_ID,
            &mut stx,
        )
    };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::ENOSYS) {
            return Err(e);
        }
        let dev = fs::symlink_metadata(path)?.dev();
        return Ok(Mount { dev, id: None });
    }
    Ok(Mount {
        dev: libc::makedev(stx.stx_dev_major, stx.stx_dev_minor),
        id: (stx.stx_mask & libc::STATX_MNT_ID != 0).then_some(stx.stx_mnt_id),
    })
}

struct Shared<'a, F> {
    fs: &'a RootFs,
    opts: &'a Options,
    /// The root's mount: (device, mount id where the kernel gives one).
    root_mount: Mount,
    counters: &'a Counters,
    on_candidate: &'a F,
    skipped: Mutex<Vec<Skipped>>,
    errors: Mutex<Vec<Problem>>,
    seen_inodes: Mutex<HashSet<(u64, u64)>>,
    aliases: Mutex<Vec<(u64, u64, String)>>,
    manifests: Mutex<Vec<ManifestFile>>,
    dedup: AtomicU64,
}

/// Walks the image root on the current rayon pool, calling `on_candidate`
/// (in parallel) for each candidate binary.
pub fn walk<F>(fs: &RootFs, opts: &Options, counters: &Counters, on_candidate: &F) -> Outcome
where
    F: Fn(Candidate) + Sync,
{
    let root = fs.root().to_owned();
    let root_meta = match fs::metadata(&root) {
        Ok(m) => m,
        Err(e) => {
            return Outcome {
                errors: vec![Problem::new("", e)],
                ..Default::default()
            };
        }
    };
    let shared = Shared {
        fs,
        opts,
        root_mount: mount_of(&root).unwrap_or(Mount {
            dev: root_meta.dev(),
            id: None,
        }),
        counters,
        on_candidate,
        skipped: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
        seen_inodes: Mutex::new(HashSet::new()),
        aliases: Mutex::new(Vec::new()),
        manifests: Mutex::new(Vec::new()),
        dedup: AtomicU64::new(0),
    };
    // The counters are shared with the progress display across images; this
    // walk's stats are what it added.
    let start = [
        &counters.files,
        &counters.dirs,
        &counters.symlinks,
        &counters.bytes,
        &counters.candidates,
        &counters.binaries,
    ]
    .map(|c| c.load(Relaxed));
    counters.dirs.fetch_add(1, Relaxed);
    rayon::scope(|s| visit_dir(s, &shared, root, String::new()));

    let mut skipped = shared
        .skipped
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let mut errors = shared
        .errors
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let mut aliases = shared
        .aliases
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let mut manifests = shared
        .manifests
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    skipped.sort();
    errors.sort();
    aliases.sort();
    manifests.sort();
    let stats = Stats {
        files: counters.files.load(Relaxed) - start[0],
        dirs: counters.dirs.load(Relaxed) - start[1],
        symlinks: counters.symlinks.load(Relaxed) - start[2],
        bytes: counters.bytes.load(Relaxed) - start[3],
        candidates: counters.candidates.load(Relaxed) - start[4],
        // The candidates' tasks ran inside the scope: every binary the
        // callback found is counted by now.
        binaries_parsed: counters.binaries.load(Relaxed) - start[5],
        hardlinks_deduplicated: shared.dedup.load(Relaxed),
        skipped: skipped.len() as u64,
        errors: errors.len() as u64,
    };
    Outcome {
        stats,
        skipped,
        errors,
        aliases,
        manifests,
    }
}

fn visit_dir<'s, F>(s: &rayon::Scope<'s>, sh: &'s Shared<'s, F>, dir: PathBuf, rel: String)
where
    F: Fn(Candidate) + Sync,
{
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            sh.error(&rel, format!("cannot read directory: {e}"));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                sh.error(&rel, format!("cannot read directory entry: {e}"));
                continue;
            }
        };
        let name = entry.file_name();
        let (name_text, escaped) = crate::paths::display_bytes(name.as_bytes());
        let child_rel = if rel.is_empty() {
            name_text
        } else {
            format!("{rel}/{name_text}")
        };
        if escaped {
            sh.skip(
                &child_rel,
                "file name is not UTF-8 (shown escaped; still scanned)",
            );
        }
        if let Some(ex) = &sh.opts.exclude
            && ex.is_match(&child_rel)
        {
            continue;
        }
        let ft = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                sh.error(&child_rel, e);
                continue;
            }
        };
        handle_entry(s, sh, entry, ft, child_rel);
    }
}

fn handle_entry<'s, F>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s, F>,
    entry: DirEntry,
    ft: FileType,
    rel: String,
) where
    F: Fn(Candidate) + Sync,
{
    if ft.is_symlink() {
        sh.counters.symlinks.fetch_add(1, Relaxed);
        check_link(sh, &rel);
        return;
    }
    if ft.is_dir() {
        sh.counters.dirs.fetch_add(1, Relaxed);
        let path = entry.path();
        if !sh.opts.cross_filesystems {
            match mount_of(&path) {
                Ok(m) if !m.same(&sh.root_mount) => {
                    let reason = if m.dev != sh.root_mount.dev {
                        "mount point of another filesystem (use --cross-filesystems)"
                    } else {
                        "mount point of a bind mount (use --cross-filesystems)"
                    };
                    sh.skip(&rel, reason);
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    sh.error(&rel, e);
                    return;
                }
            }
        }
        s.spawn(move |s| visit_dir(s, sh, path, rel));
        return;
    }
    if !ft.is_file() {
        let what = if ft.is_fifo() {
            "FIFO (not opened)"
        } else if ft.is_socket() {
            "socket (not opened)"
        } else if ft.is_block_device() {
            "block device (not opened)"
        } else if ft.is_char_device() {
            "character device (not opened)"
        } else {
            "unknown file type (not opened)"
        };
        sh.skip(&rel, what);
        return;
    }
    sh.counters.files.fetch_add(1, Relaxed);
    let meta: Metadata = match entry.metadata() {
        Ok(m) => m,
        Err(e) => {
            sh.error(&rel, e);
            return;
        }
    };
    sh.counters.bytes.fetch_add(meta.len(), Relaxed);
    // Hook: language-ecosystem manifests, kept by name for `collect::lang`.
    if let Some(m) = manifests::manifest(&rel, meta.len()) {
        sh.manifests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(m);
    }
    if !is_candidate(meta.mode(), entry.file_name().as_bytes()) {
        return;
    }
    if meta.nlink() > 1 {
        let key = (meta.dev(), meta.ino());
        let first = sh
            .seen_inodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key);
        if !first {
            sh.dedup.fetch_add(1, Relaxed);
            sh.aliases
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((key.0, key.1, rel));
            return;
        }
    }
    sh.counters.candidates.fetch_add(1, Relaxed);
    let cand = Candidate {
        host: entry.path(),
        rel,
        size: meta.len(),
        mode: meta.mode(),
        dev: meta.dev(),
        ino: meta.ino(),
    };
    let f = sh.on_candidate;
    s.spawn(move |_| f(cand));
}

/// Cheap pre-filter before any file is opened: an exec bit, or a name that
/// binaries carry (`.so`, `.so.N`, and the Windows and macOS library and
/// executable suffixes, for extracted images whose exec bits are lost).
pub fn is_candidate(mode: u32, name: &[u8]) -> bool {
    if mode & 0o111 != 0 {
        return true;
    }
    // Runs for every file: compare in place, no lower-cased copy.
    let ends = |suffix: &[u8]| {
        name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    ends(b".so")
        || contains(name, b".so.")
        || ends(b".exe")
        || ends(b".dll")
        || ends(b".sys")
        || ends(b".ocx")
        || ends(b".cpl")
        || ends(b".scr")
        || ends(b".efi")
        || ends(b".dylib")
        || ends(b".bundle")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Lists a symlink whose target loops or doesn't exist inside the image.
/// The target is resolved inside the image root, so an absolute link to
/// `/etc/passwd` is looked up as `ROOT/etc/passwd`, never on the host.
fn check_link<F>(sh: &Shared<'_, F>, rel: &str) {
    match sh.fs.resolve_link(std::path::Path::new(rel)) {
        Ok(_) => {}
        Err(ResolveError::Loop) => sh.skip(rel, "symlink loop (not followed)"),
        Err(ResolveError::NotFound | ResolveError::NotADirectory) => {
            let target = fs::read_link(sh.fs.lexical(rel))
                .map(|t| crate::paths::display(&t).0)
                .unwrap_or_default();
            sh.skip(
                rel,
                format!("symlink to {target}: no such file inside the image (not followed)"),
            )
        }
        Err(ResolveError::Io(e)) => sh.error(rel, format!("cannot read symlink: {e}")),
    }
}

impl<F> Shared<'_, F> {
    fn skip(&self, rel: &str, reason: impl Into<String>) {
        self.skipped
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Skipped {
                path: rel.to_owned(),
                reason: reason.into(),
            });
    }

    fn error(&self, rel: &str, e: impl std::fmt::Display) {
        self.errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Problem::new(rel, e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_by_mode_and_name() {
        assert!(is_candidate(0o755, b"bash"));
        assert!(is_candidate(0o644, b"libc.so.6"));
        assert!(is_candidate(0o644, b"libfoo.so"));
        assert!(is_candidate(0o644, b"KERNEL32.DLL"));
        for name in [
            &b"desk.cpl"[..],
            b"ssText3d.scr",
            b"bootx64.efi",
            b"x.OCX",
            b"t.sys",
        ] {
            assert!(is_candidate(0o644, name), "{name:?}");
        }
        assert!(!is_candidate(0o644, b"README"));
        assert!(!is_candidate(0o644, b"solution.txt"));
    }
}
