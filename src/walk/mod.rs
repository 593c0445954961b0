//! The parallel tree walk.
//!
//! A small walker on `rayon::scope`: one task per directory, entries handled
//! inline, candidate binaries handed to their own task so a directory with
//! thousands of libraries is fingerprinted in parallel too. It was chosen by
//! measurement over walkdir and `ignore::WalkParallel` (see
//! `docs/performance.md`): it stats relative to the open directory
//! (`fstatat`), while those walkers stat the full path again; it now opens
//! and lists by descriptor too (`openat`, `getdents64` through rustix).
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
//! - memory grows with directories pending, not with files seen;
//! - every directory and file is opened relative to its parent
//!   directory's descriptor (`openat` with `O_NOFOLLOW`), never by a path
//!   string, so no path length limit applies (`PATH_MAX`) and nothing
//!   swapped in can lead the walk out of the image;
//! - binaries are found by content: every regular file of at least
//!   [`MIN_BINARY`] bytes is opened and its first [`HEAD`] bytes read in one
//!   `pread`; [`Options::head_filter`] decides.
//!
//! Descriptors: a pending directory holds its parent's descriptor until it
//! has opened its own, a running task its own and a directory's last
//! [`BATCH`] candidates, and at most [`MAX_IN_FLIGHT`] candidates wait in
//! batches with their file open. Rayon runs tasks
//! depth first, so the descriptors open at once are about the depth of the
//! tree times the workers, at worst (a chain of 2,500 directories needs
//! two); the walk raises the soft `RLIMIT_NOFILE` to the hard limit first.

mod disk;
pub mod manifests;

use crate::image::fd::{self, READ};
use crate::image::{ImageFile, ResolveError, RootFs, Snapshot};
use crate::model::inventory::{ManifestFile, Problem};
use crate::model::report::Stats;
use globset::GlobSet;
use rustix::fs::{AtFlags, FileType, OFlags, StatxFlags};
use rustix::io::Errno;
use std::collections::HashSet;
use std::ffi::{CStr, CString, OsStr};
use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// The contents of a mutex whose holder is gone, poisoned or not.
fn take<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// What the walk should do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub cross_filesystems: bool,
    /// Image-relative paths matching these are not visited (directories are
    /// not descended into).
    pub exclude: Option<GlobSet>,
    /// Decides by a file's first [`HEAD`] bytes whether it is a candidate
    /// binary (the fingerprinter's magic check); the flag says whether its
    /// mode or name says binary too ([`is_candidate`]). `None`: every file
    /// that passes the size floor is one.
    pub head_filter: Option<fn(&[u8], bool) -> bool>,
}

/// How many first bytes of each file the walk reads, in one `pread`.
pub const HEAD: usize = 64;

/// Files smaller than this cannot hold the smallest binary header (a
/// 32-bit Mach-O header, or a fat header with one architecture: 28 bytes;
/// ELF's is 52, PE's DOS header 64): they are not opened, unless their
/// mode or name says binary ([`is_candidate`]), so that a binary cut short
/// is still reported.
pub const MIN_BINARY: u64 = 28;

/// A regular file whose first bytes say it is a binary, open: the walk
/// opened it relative to its directory's descriptor (never by a path
/// string), checked with `fstat` that it is a regular file, and read its
/// first bytes.
#[derive(Debug)]
pub struct Candidate {
    pub file: ImageFile,
    /// The file's status when it was opened.
    pub meta: Snapshot,
    /// Its first bytes (up to [`HEAD`]).
    pub head: Vec<u8>,
    /// Its NTFS `Zone.Identifier` stream, on a disk image (the mark of a
    /// download); `None` elsewhere.
    pub zone: Option<Vec<u8>>,
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
    /// Files opened to read their first bytes.
    pub sniffed: AtomicU64,
    pub candidates: AtomicU64,
    /// Candidates the callback found to be binaries (it counts them here;
    /// the walk reports them as `binaries_parsed`).
    pub binaries: AtomicU64,
    /// Candidates the callback found not to be binaries after all (an `MZ`
    /// file with no PE header); reported as `not_binaries`.
    pub not_binaries: AtomicU64,
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

/// The mount of `name` in the directory `dir` (not following a final
/// link; `""` for `dir` itself), by `statx`; where `statx` is missing, by
/// `fstatat` with no mount id.
fn mount_of(dir: BorrowedFd<'_>, name: &CStr) -> std::io::Result<Mount> {
    let mut flags = AtFlags::SYMLINK_NOFOLLOW | AtFlags::STATX_DONT_SYNC;
    if name.is_empty() {
        flags |= AtFlags::EMPTY_PATH;
    }
    match rustix::fs::statx(dir, name, flags, StatxFlags::MNT_ID) {
        Ok(stx) => Ok(Mount {
            dev: libc::makedev(stx.stx_dev_major, stx.stx_dev_minor),
            id: (stx.stx_mask & libc::STATX_MNT_ID != 0).then_some(stx.stx_mnt_id),
        }),
        Err(Errno::NOSYS) => {
            let st = rustix::fs::statat(dir, name, flags - AtFlags::STATX_DONT_SYNC)?;
            Ok(Mount {
                dev: st.st_dev,
                id: None,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Candidates handed to tasks of their own at most at once, each holding
/// its open file; past this the walking task parses them itself, so open
/// descriptors stay bounded however many binaries a directory holds.
const MAX_IN_FLIGHT: usize = 256;

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
    /// Directories of a disk image entered (by file id): a corrupt file
    /// system can list a directory inside itself, which a kernel's cannot.
    seen_dirs: Mutex<HashSet<u64>>,
    aliases: Mutex<Vec<(u64, u64, String)>>,
    manifests: Mutex<Vec<ManifestFile>>,
    dedup: AtomicU64,
    in_flight: AtomicUsize,
}

/// A directory still to visit: its name in its parent, whose descriptor it
/// holds until it has opened its own (so a deep chain holds two at a time,
/// and a wide directory one for all its pending children).
struct Pending {
    parent: Arc<OwnedFd>,
    name: CString,
    rel: String,
}

/// Walks the image root on the current rayon pool, calling `on_candidate`
/// (in parallel) for each candidate binary.
pub fn walk<F>(fs: &RootFs, opts: &Options, counters: &Counters, on_candidate: &F) -> Outcome
where
    F: Fn(Candidate) + Sync,
{
    if let Some(root) = fs.disk() {
        let mount = Mount {
            dev: root.dev(),
            id: None,
        };
        let shared = Shared::new(fs, opts, mount, counters, on_candidate);
        let start = shared.start();
        counters.dirs.fetch_add(1, Relaxed);
        let top = root.root_entry();
        rayon::scope(|s| disk::visit_dir(s, &shared, root, top, String::new()));
        return shared.finish(start);
    }
    fd::raise_fd_limit();
    let root = match fs
        .root_fd()
        .and_then(|r| r.try_clone_to_owned().map_err(ResolveError::from))
    {
        Ok(r) => Arc::new(r),
        Err(e) => {
            return Outcome {
                errors: vec![Problem::new("", e)],
                ..Default::default()
            };
        }
    };
    let root_mount = match mount_of(root.as_fd(), c"") {
        Ok(m) => m,
        Err(e) => {
            return Outcome {
                errors: vec![Problem::new("", e)],
                ..Default::default()
            };
        }
    };
    let shared = Shared::new(fs, opts, root_mount, counters, on_candidate);
    let start = shared.start();
    counters.dirs.fetch_add(1, Relaxed);
    let top = Pending {
        parent: root,
        name: c".".to_owned(),
        rel: String::new(),
    };
    rayon::scope(|s| visit_dir(s, &shared, top));
    shared.finish(start)
}

impl<'a, F> Shared<'a, F> {
    fn new(
        fs: &'a RootFs,
        opts: &'a Options,
        root_mount: Mount,
        counters: &'a Counters,
        on_candidate: &'a F,
    ) -> Self {
        Self {
            fs,
            opts,
            root_mount,
            counters,
            on_candidate,
            skipped: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
            seen_inodes: Mutex::new(HashSet::new()),
            seen_dirs: Mutex::new(HashSet::new()),
            aliases: Mutex::new(Vec::new()),
            manifests: Mutex::new(Vec::new()),
            dedup: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// The counters as the walk starts: they are shared with the progress
    /// display across images, and this walk's stats are what it added.
    fn start(&self) -> [u64; 8] {
        let c = self.counters;
        [
            &c.files,
            &c.dirs,
            &c.symlinks,
            &c.bytes,
            &c.candidates,
            &c.binaries,
            &c.sniffed,
            &c.not_binaries,
        ]
        .map(|c| c.load(Relaxed))
    }

    /// What the walk found, sorted, with its stats.
    fn finish(self, start: [u64; 8]) -> Outcome {
        let counters = self.counters;
        let mut skipped: Vec<Skipped> = take(self.skipped);
        let mut errors: Vec<Problem> = take(self.errors);
        let mut aliases: Vec<(u64, u64, String)> = take(self.aliases);
        let mut manifests: Vec<ManifestFile> = take(self.manifests);
        skipped.sort();
        errors.sort();
        aliases.sort();
        manifests.sort();
        let stats = Stats {
            files: counters.files.load(Relaxed) - start[0],
            dirs: counters.dirs.load(Relaxed) - start[1],
            symlinks: counters.symlinks.load(Relaxed) - start[2],
            bytes: counters.bytes.load(Relaxed) - start[3],
            sniffed: counters.sniffed.load(Relaxed) - start[6],
            candidates: counters.candidates.load(Relaxed) - start[4],
            // The candidates' tasks ran inside the scope: every binary the
            // callback found is counted by now.
            binaries_parsed: counters.binaries.load(Relaxed) - start[5],
            not_binaries: counters.not_binaries.load(Relaxed) - start[7],
            hardlinks_deduplicated: self.dedup.load(Relaxed),
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

    /// Whether `meta` is the first name of its file met: a file with more
    /// than one link is handed on once; its other names are listed as
    /// aliases.
    fn first_name(&self, meta: &Snapshot, rel: &str) -> bool {
        if meta.nlink <= 1 {
            return true;
        }
        let key = (meta.dev, meta.ino);
        let first = self
            .seen_inodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key);
        if !first {
            self.dedup.fetch_add(1, Relaxed);
            self.aliases
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((key.0, key.1, rel.to_owned()));
        }
        first
    }

    /// Keeps a manifest found by name ([`manifests`]).
    fn manifest(&self, rel: &str, size: u64) {
        if let Some(m) = manifests::manifest(rel, size) {
            self.manifests
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(m);
        }
    }

    /// Hands a candidate on, in batches of [`BATCH`].
    fn candidate<'s>(&'s self, s: &rayon::Scope<'s>, cand: Candidate, tally: &mut Tally)
    where
        F: Fn(Candidate) + Sync,
    {
        self.counters.candidates.fetch_add(1, Relaxed);
        tally.batch.push(cand);
        if tally.batch.len() == BATCH {
            hand_on(s, self, std::mem::take(&mut tally.batch));
        }
    }
}

/// Opens a directory relative to its parent's descriptor (never following
/// a link, never blocking), lists it and handles each entry.
fn visit_dir<'s, F>(s: &rayon::Scope<'s>, sh: &'s Shared<'s, F>, dir: Pending)
where
    F: Fn(Candidate) + Sync,
{
    let flags = fd::DIR | OFlags::NOFOLLOW;
    let opened = fd::openat_noatime(dir.parent.as_fd(), &dir.name, flags);
    drop(dir.parent);
    let rel = dir.rel;
    let fd = match opened {
        Ok(fd) => Arc::new(fd),
        Err(e) => {
            let e = std::io::Error::from(e);
            sh.error(&rel, format!("cannot read directory: {e}"));
            return;
        }
    };
    let mut tally = Tally::default();
    let mut buf = Vec::with_capacity(32 << 10);
    let mut entries = rustix::fs::RawDir::new(fd.as_fd(), buf.spare_capacity_mut());
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let e = std::io::Error::from(e);
                sh.error(&rel, format!("cannot read directory entry: {e}"));
                break;
            }
        };
        let name = entry.file_name();
        let bytes = name.to_bytes();
        if bytes == b"." || bytes == b".." {
            continue;
        }
        let (name_text, escaped) = crate::paths::display_bytes(bytes);
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
        let mut ft = entry.file_type();
        if ft == FileType::Unknown {
            match rustix::fs::statat(&*fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => ft = FileType::from_raw_mode(st.st_mode),
                Err(e) => {
                    sh.error(&child_rel, std::io::Error::from(e));
                    continue;
                }
            }
        }
        handle_entry(s, sh, &fd, name, ft, child_rel, &mut tally);
    }
    tally.add_to(sh.counters);
    if !tally.batch.is_empty() {
        hand_on(s, sh, tally.batch);
    }
}

/// One directory's counts, added to the shared [`Counters`] once when it
/// is done: an atomic add per file on a counter both workers write would
/// bounce its cache line between the cores. And its candidates not yet
/// handed on ([`BATCH`]).
#[derive(Default)]
struct Tally {
    files: u64,
    dirs: u64,
    symlinks: u64,
    bytes: u64,
    sniffed: u64,
    batch: Vec<Candidate>,
}

impl Tally {
    fn add_to(&self, c: &Counters) {
        c.files.fetch_add(self.files, Relaxed);
        c.dirs.fetch_add(self.dirs, Relaxed);
        c.symlinks.fetch_add(self.symlinks, Relaxed);
        c.bytes.fetch_add(self.bytes, Relaxed);
        c.sniffed.fetch_add(self.sniffed, Relaxed);
    }
}

fn handle_entry<'s, F>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s, F>,
    dir: &Arc<OwnedFd>,
    name: &CStr,
    ft: FileType,
    rel: String,
    tally: &mut Tally,
) where
    F: Fn(Candidate) + Sync,
{
    match ft {
        FileType::Symlink => {
            tally.symlinks += 1;
            check_link(sh, dir.as_fd(), name, &rel);
        }
        FileType::Directory => {
            tally.dirs += 1;
            if !sh.opts.cross_filesystems {
                match mount_of(dir.as_fd(), name) {
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
            let next = Pending {
                parent: dir.clone(),
                name: name.to_owned(),
                rel,
            };
            s.spawn(move |s| visit_dir(s, sh, next));
        }
        FileType::RegularFile => handle_file(s, sh, dir.as_fd(), name, rel, tally),
        other => {
            let what = match other {
                FileType::Fifo => "FIFO (not opened)",
                FileType::Socket => "socket (not opened)",
                FileType::BlockDevice => "block device (not opened)",
                FileType::CharacterDevice => "character device (not opened)",
                _ => "unknown file type (not opened)",
            };
            sh.skip(&rel, what);
        }
    }
}

/// A regular file: counted; unless it is too small to be a binary, opened
/// relative to its directory and its first bytes read, in one `pread`;
/// handed on as a [`Candidate`] when they say binary.
fn handle_file<'s, F>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s, F>,
    dir: BorrowedFd<'_>,
    name: &CStr,
    rel: String,
    tally: &mut Tally,
) where
    F: Fn(Candidate) + Sync,
{
    tally.files += 1;
    let st = match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => st,
        Err(e) => {
            sh.error(&rel, std::io::Error::from(e));
            return;
        }
    };
    let size = st.st_size as u64;
    tally.bytes += size;
    // Hook: language-ecosystem manifests, kept by name for `collect::lang`.
    sh.manifest(&rel, size);
    let named = is_candidate(st.st_mode, name.to_bytes());
    if size < MIN_BINARY && !named {
        return;
    }
    tally.sniffed += 1;
    let file = match fd::openat_noatime(dir, name, READ | OFlags::NOFOLLOW) {
        Ok(fd) => File::from(fd),
        // A file that can't be opened is an error where its mode or name
        // says binary; any other unreadable file is passed over quietly, as
        // it was before binaries were found by content.
        Err(e) if named => {
            let e = std::io::Error::from(e);
            sh.error(&rel, format!("cannot open: {e}"));
            return;
        }
        Err(_) => return,
    };
    // The head is read before the descriptor is checked: reading at most
    // `HEAD` bytes of whatever was opened (`O_NONBLOCK`, no link followed)
    // is harmless, and most files stop here, so their `fstat` is saved
    // (open, read, close: the floor's three calls after the walk's stat).
    let mut head = [0u8; HEAD];
    let n = match read_head(|b, at| file.read_at(b, at), &mut head, size) {
        Ok(n) => n,
        Err(e) => {
            if named {
                sh.error(&rel, format!("cannot read: {e}"));
            }
            return;
        }
    };
    let head = &head[..n];
    if let Some(filter) = sh.opts.head_filter
        && !filter(head, named)
    {
        return;
    }
    // The entry may have been swapped since it was listed: what counts is
    // what was opened, and only a regular file is a candidate.
    let meta = match file.metadata() {
        Ok(m) if m.is_file() => Snapshot::of(&m),
        Ok(_) => return,
        Err(e) => {
            sh.error(&rel, e);
            return;
        }
    };
    let head = head.to_vec();
    if !sh.first_name(&meta, &rel) {
        return;
    }
    let cand = Candidate {
        rel,
        size: meta.len,
        mode: meta.mode,
        dev: meta.dev,
        ino: meta.ino,
        file: ImageFile::host(file),
        meta,
        head,
        zone: None,
    };
    sh.candidate(s, cand, tally);
}

/// Candidates go to tasks in batches of this many: a rayon task per file
/// costs more than fingerprinting a small one (a Windows tree's thousands
/// of `MZ` stand-ins are decided by one 4-byte read each), while batches
/// still spread a directory of thousands of libraries over every core.
const BATCH: usize = 16;

/// Hands a batch of candidates to a task of its own, or, with
/// [`MAX_IN_FLIGHT`] files already waiting open in other batches,
/// fingerprints them on the walking task.
fn hand_on<'s, F>(s: &rayon::Scope<'s>, sh: &'s Shared<'s, F>, batch: Vec<Candidate>)
where
    F: Fn(Candidate) + Sync,
{
    let f = sh.on_candidate;
    let n = batch.len();
    if sh.in_flight.fetch_add(n, Relaxed) < MAX_IN_FLIGHT {
        s.spawn(move |_| {
            batch.into_iter().for_each(f);
            sh.in_flight.fetch_sub(n, Relaxed);
        });
    } else {
        batch.into_iter().for_each(f);
        sh.in_flight.fetch_sub(n, Relaxed);
    }
}

/// The first bytes of a file, by `pread` at offset 0 (a short file gives
/// fewer).
fn read_head(
    read_at: impl Fn(&mut [u8], u64) -> std::io::Result<usize>,
    buf: &mut [u8],
    size: u64,
) -> std::io::Result<usize> {
    let mut n = 0;
    // A file no longer than the buffer is done after its size (one `pread`,
    // not a second one that returns 0); a file that grew is read on.
    let want = buf.len().min(usize::try_from(size).unwrap_or(usize::MAX));
    while n < buf.len() {
        if n > 0 && n >= want {
            break;
        }
        match read_at(&mut buf[n..], n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Cheap pre-filter before any file is opened: an exec bit, or a name that
/// binaries carry (`.so`, `.so.N`, and the Windows and macOS library and
/// executable suffixes, for extracted images whose exec bits are lost).
/// Since binaries are found by their first bytes, this only decides
/// whether a file smaller than [`MIN_BINARY`] is opened (to report it as a
/// truncated binary) and whether an unreadable file is an error.
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
/// The target is read relative to the link's directory and resolved inside
/// the image root, so an absolute link to `/etc/passwd` is looked up as
/// `ROOT/etc/passwd`, never on the host.
fn check_link<F>(sh: &Shared<'_, F>, dir: BorrowedFd<'_>, name: &CStr, rel: &str) {
    // Most links lead somewhere, which the kernel tells in one call; the
    // others are read and their targets resolved here.
    if sh.fs.leads_inside(Path::new(rel)) {
        return;
    }
    match rustix::fs::readlinkat(dir, name, Vec::new()) {
        Ok(t) => judge_link(sh, rel, t.as_bytes()),
        Err(e) => {
            let e = std::io::Error::from(e);
            sh.error(rel, format!("cannot read symlink: {e}"));
        }
    }
}

/// Resolves a link's target inside the image and lists the link when it
/// loops or leads nowhere inside the image.
fn judge_link<F>(sh: &Shared<'_, F>, rel: &str, target: &[u8]) {
    let target = Path::new(OsStr::from_bytes(target));
    match sh.fs.resolve_target(Path::new(rel), target) {
        Ok(_) => {}
        Err(ResolveError::Loop) => sh.skip(rel, "symlink loop (not followed)"),
        Err(ResolveError::NotFound | ResolveError::NotADirectory) => {
            let target = crate::paths::display(target).0;
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
