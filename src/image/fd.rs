//! Opening by descriptor: the system calls under [`RootFs`]'s confinement.
//!
//! Every file and directory of an image is opened relative to an open
//! descriptor of the image root, never by a host path string again, so a
//! directory swapped for a symlink to the host while the scan runs cannot
//! lead a read outside the image:
//! - where the kernel has `openat2(2)` (Linux 5.6+), with
//!   `RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS`: the kernel resolves the path
//!   as if the root were `/`, absolute links and `..` included, and refuses
//!   `/proc` magic links;
//! - elsewhere (an older kernel, or a sandbox whose seccomp filter refuses
//!   `openat2` with `ENOSYS` or `EPERM`), [`RootFs`] walks the path one
//!   component at a time, each `openat` relative to the directory before it
//!   with `O_NOFOLLOW`, reading links with `readlinkat` and resolving them
//!   inside the image itself.
//!
//! The fallback can be forced, to test it: `SOVSCAN_NO_OPENAT2=1` in the
//! environment, or [`force_fallback`] in unit tests.
//!
//! [`RootFs`]: super::RootFs

use rustix::fs::{Mode, OFlags, ResolveFlags};
use rustix::io::Errno;
use std::ffi::CStr;
use std::io;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering::Relaxed};

/// Flags of every open of an image file to read it: never blocking on a
/// FIFO, never taking a terminal, never leaking into a child.
pub const READ: OFlags = OFlags::RDONLY
    .union(OFlags::NONBLOCK)
    .union(OFlags::NOCTTY)
    .union(OFlags::CLOEXEC);

/// Flags of an open of an image directory to list it.
pub const DIR: OFlags = READ.union(OFlags::DIRECTORY);

/// Flags of an open that only names a file (to `fstat` it or to open
/// relative to it), reading nothing.
pub const PATH: OFlags = OFlags::PATH.union(OFlags::CLOEXEC);

/// Whether `openat2` is used: unknown yet, yes, or no (unavailable or
/// forced off).
static OPENAT2: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

/// Forces the component-by-component fallback (`true`) or lets `openat2`
/// be tried again (`false`), for the whole process. For tests.
pub fn force_fallback(on: bool) {
    OPENAT2.store(if on { NO } else { UNKNOWN }, Relaxed);
}

/// Whether `openat2` is to be tried.
fn use_openat2() -> bool {
    match OPENAT2.load(Relaxed) {
        YES => true,
        NO => false,
        _ => {
            let off = std::env::var_os("SOVSCAN_NO_OPENAT2").is_some_and(|v| !v.is_empty());
            if off {
                OPENAT2.store(NO, Relaxed);
            }
            !off
        }
    }
}

/// Opens `path` beneath `root` with `openat2(RESOLVE_IN_ROOT |
/// RESOLVE_NO_MAGICLINKS)`: `None` when the kernel has no `openat2` (the
/// caller then walks), else its result.
pub fn open_in_root(
    root: BorrowedFd<'_>,
    path: &Path,
    flags: OFlags,
) -> Option<io::Result<OwnedFd>> {
    if !use_openat2() {
        return None;
    }
    // Under RESOLVE_IN_ROOT `/x` is `x`; relative, it reads so in traces too.
    let path = path.strip_prefix("/").unwrap_or(path);
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let resolve = ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS;
    // EAGAIN: a rename elsewhere in the file system raced with a `..`
    // lookup; the kernel asks to try again.
    for _ in 0..16 {
        match rustix::fs::openat2(root, path, flags | OFlags::CLOEXEC, Mode::empty(), resolve) {
            Ok(fd) => {
                OPENAT2.store(YES, Relaxed);
                return Some(Ok(fd));
            }
            Err(Errno::AGAIN) => continue,
            // Under `O_NOATIME` an `EPERM` may be the flag's: the caller
            // retries without it, and that call decides.
            Err(Errno::NOSYS | Errno::PERM)
                if OPENAT2.load(Relaxed) != YES && !flags.contains(OFlags::NOATIME) =>
            {
                OPENAT2.store(NO, Relaxed);
                return None;
            }
            Err(e) => return Some(Err(e.into())),
        }
    }
    Some(Err(Errno::AGAIN.into()))
}

/// Whether opens ask for `O_NOATIME`: yes until the kernel refuses it once
/// (`EPERM`: the caller neither owns the file nor has `CAP_FOWNER`).
static NOATIME: AtomicBool = AtomicBool::new(true);

/// Whether opens still ask for `O_NOATIME`.
pub fn noatime() -> bool {
    NOATIME.load(Relaxed)
}

/// The kernel refused `O_NOATIME`: opens go without it from now on.
pub fn drop_noatime() {
    NOATIME.store(false, Relaxed);
}

/// `openat(dir, name, flags | O_NOATIME)`, the walk's open of every file
/// and directory: reading a file or listing a directory updates its access
/// time under the usual `relatime` mount option (the first read after a
/// change), and a read-only inventory should leave even that alone: it
/// also saves writing back the inodes of a whole tree on its first scan.
/// The kernel allows `O_NOATIME` only to the file's owner or a process
/// with `CAP_FOWNER` (root); on its first refusal the flag is dropped for
/// the rest of the process and the open retried without it.
pub fn openat_noatime(
    dir: BorrowedFd<'_>,
    name: &CStr,
    flags: OFlags,
) -> rustix::io::Result<OwnedFd> {
    if NOATIME.load(Relaxed) {
        match rustix::fs::openat(dir, name, flags | OFlags::NOATIME, Mode::empty()) {
            Err(Errno::PERM) => drop_noatime(),
            r => return r,
        }
    }
    rustix::fs::openat(dir, name, flags, Mode::empty())
}

/// Raises the soft limit of open descriptors to the hard limit, once: the
/// walk keeps a descriptor open for each directory whose subdirectories are
/// still waiting (see `walk`), which a deep tree with side branches can
/// take past the usual soft limit of 1024.
pub fn raise_fd_limit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut lim = getrlimit(Resource::Nofile);
        if lim.current < lim.maximum {
            lim.current = lim.maximum;
            // Refused (a sandbox): the walk still works, only less deep
            // trees with many pending branches fit.
            let _ = setrlimit(Resource::Nofile, lim);
        }
    });
}
