//! Opening and reading a file so that no input can block the scan or
//! exhaust its memory: what every reader of an image file and of a
//! command-line input goes through.
//!
//! A FIFO blocks `open(2)` until a writer appears, and a character device
//! such as `/dev/zero` never ends. So a file is opened with `O_NONBLOCK`
//! (a FIFO opens at once) and `O_NOCTTY` (a terminal never becomes ours),
//! the descriptor is `fstat`ed, anything but a regular file is refused,
//! and the read stops at a cap chosen per kind of input ([`Cap`]). The
//! refusals are `io::Error`s whose text is the one line a report or an
//! error message shows ("not a regular file (FIFO)").

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The most sovscan reads of one kind of input, with the name its error
/// gives. A file past its cap is an error, never truncated silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub bytes: u64,
    pub what: &'static str,
}

const MIB: u64 = 1 << 20;

/// Manifests, package lists, property lists, os-release, rule and policy
/// files: the largest real ones (a dpkg `status` of a full desktop) are a
/// few MiB, so 64 MiB leaves an order of magnitude.
pub const TEXT: Cap = Cap {
    bytes: 64 * MIB,
    what: "a text file",
};

/// Registry hives and saved reports (a baseline, a report to render):
/// a SOFTWARE hive of a long-lived Windows install reaches a few hundred
/// MiB, and a report of a large image is of the same order.
pub const DATABASE: Cap = Cap {
    bytes: 512 * MIB,
    what: "a database or report",
};

/// Whether the last component of the path may be a symlink, for files
/// opened by path: command-line inputs are the user's, and a link to a
/// rule file is ordinary (`Follow`); `Refuse` opens with `O_NOFOLLOW`.
/// Image files are never opened by path: `image::RootFs::open` opens them
/// relative to the root's descriptor, and [`regular`] and [`read_file`]
/// apply the same checks and caps to the descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

/// Opens a regular file for reading without blocking; anything else
/// (FIFO, device, socket, directory) is an error naming its type.
pub fn open(path: &Path, links: Links) -> io::Result<File> {
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)?;
    regular(file)
}

/// The file if its descriptor (opened without blocking) is a regular
/// file; else an error naming what it is.
pub fn regular(file: File) -> io::Result<File> {
    let ft = file.metadata()?.file_type();
    if ft.is_file() {
        return Ok(file);
    }
    let kind = if ft.is_fifo() {
        "FIFO"
    } else if ft.is_char_device() {
        "character device"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_dir() {
        "directory"
    } else {
        "unknown type"
    };
    Err(io::Error::other(format!("not a regular file ({kind})")))
}

/// Reads a whole regular file, refused past `cap` (checked on the size
/// first, and again while reading, for a file that grows meanwhile).
pub fn read(path: &Path, cap: Cap, links: Links) -> io::Result<Vec<u8>> {
    read_file(open(path, links)?, cap)
}

/// Reads an open regular file whole (from [`open`] or [`regular`]),
/// refused past `cap` as [`read`].
pub fn read_file(file: File, cap: Cap) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    read_stream(file, len, cap)
}

/// Reads a stream of `len` bytes (as its status says) whole, refused past
/// `cap` as [`read`]: an image file of a host root or of a disk image.
pub fn read_stream(file: impl Read, len: u64, cap: Cap) -> io::Result<Vec<u8>> {
    if len > cap.bytes {
        return Err(too_large(cap));
    }
    let mut out = Vec::with_capacity(len as usize);
    file.take(cap.bytes + 1).read_to_end(&mut out)?;
    if out.len() as u64 > cap.bytes {
        return Err(too_large(cap));
    }
    Ok(out)
}

/// Like [`read`], as UTF-8 text (an error otherwise, as `read_to_string`).
pub fn read_to_string(path: &Path, cap: Cap, links: Links) -> io::Result<String> {
    String::from_utf8(read(path, cap, links)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// The error of a file past `cap`, for a reader that streams it.
pub fn too_large(cap: Cap) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        if cap.bytes.is_multiple_of(MIB) {
            format!(
                "larger than {} MiB, the limit for {}",
                cap.bytes / MIB,
                cap.what
            )
        } else {
            format!(
                "larger than {} bytes, the limit for {}",
                cap.bytes, cap.what
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo(p: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        mkfifo(&p);
        let e = read(&p, TEXT, Links::Follow).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (FIFO)");
    }

    #[test]
    fn devices_and_directories_are_refused() {
        let e = read(Path::new("/dev/zero"), TEXT, Links::Follow).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (character device)");
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), TEXT, Links::Follow).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (directory)");
    }

    #[test]
    fn a_file_past_its_cap_is_an_error_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        let cap = |bytes| Cap {
            bytes,
            what: "a test",
        };
        assert_eq!(read(&p, cap(10), Links::Follow).unwrap(), b"0123456789");
        let e = read(&p, cap(9), Links::Follow).unwrap_err();
        assert_eq!(e.to_string(), "larger than 9 bytes, the limit for a test");
    }

    #[test]
    fn a_final_symlink_is_refused_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"x").unwrap();
        let l = dir.path().join("l");
        std::os::unix::fs::symlink(&p, &l).unwrap();
        assert_eq!(read(&l, TEXT, Links::Follow).unwrap(), b"x");
        assert!(read(&l, TEXT, Links::Refuse).is_err());
    }
}
