//! An open file of an image, wherever the image lives: a host file opened
//! relative to the root's descriptor, or a file inside a disk image's file
//! system read through its data runs ([`super::disk::fs`]).
//!
//! Readers see one type: positioned reads ([`ImageFile::read_at`], what
//! the fingerprinters use), a stream ([`Read`] and [`Seek`], what the
//! collectors' parsers take), and the file's status when it was opened
//! ([`Snapshot`]), against which a reader checks that the bytes it read
//! are those of one unchanged file.

use super::disk::ReadAt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{FileExt, MetadataExt};

/// What an open file was when it was opened (`fstat` of the descriptor,
/// or the disk file system's directory entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub len: u64,
    /// `st_mode` (a disk file system without Unix modes gives a regular
    /// file's type bits and 0o644).
    pub mode: u32,
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
    /// Modification and change times, seconds and nanoseconds: a host file
    /// rewritten under the scan changes them. A disk image is read as it
    /// was opened, so they stay zero.
    pub times: [i64; 4],
}

impl Snapshot {
    /// The status of a host file from its metadata.
    pub fn of(meta: &std::fs::Metadata) -> Self {
        Self {
            len: meta.len(),
            mode: meta.mode(),
            dev: meta.dev(),
            ino: meta.ino(),
            nlink: meta.nlink(),
            times: [
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec(),
            ],
        }
    }

    pub fn is_file(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFREG
    }
}

/// An open regular file of an image. Its stream position (for [`Read`]
/// and [`Seek`]) is its own: positioned reads never move it.
pub struct ImageFile {
    inner: Inner,
    pos: u64,
}

enum Inner {
    Host(File),
    Disk {
        data: Box<dyn ReadAt>,
        snap: Snapshot,
    },
}

impl std::fmt::Debug for ImageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Host(file) => f.debug_tuple("ImageFile::Host").field(file).finish(),
            Inner::Disk { snap, .. } => f.debug_tuple("ImageFile::Disk").field(snap).finish(),
        }
    }
}

impl ImageFile {
    /// A host file, opened by the caller (relative to a root descriptor).
    pub fn host(file: File) -> Self {
        Self {
            inner: Inner::Host(file),
            pos: 0,
        }
    }

    /// A file inside a disk image: its data and its directory entry's
    /// status. The data's size is the file's length.
    pub fn disk(data: Box<dyn ReadAt>, snap: Snapshot) -> Self {
        Self {
            inner: Inner::Disk { data, snap },
            pos: 0,
        }
    }

    /// Reads up to `buf.len()` bytes at `offset` (fewer at the end).
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        match &self.inner {
            Inner::Host(file) => file.read_at(buf, offset),
            Inner::Disk { data, .. } => data.read_at(buf, offset),
        }
    }

    /// The file's status now: `fstat` for a host file, the status it was
    /// opened with for a file of a disk image (read as it was opened).
    pub fn snapshot(&self) -> io::Result<Snapshot> {
        match &self.inner {
            Inner::Host(file) => Ok(Snapshot::of(&file.metadata()?)),
            Inner::Disk { snap, .. } => Ok(*snap),
        }
    }
}

impl Read for ImageFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for ImageFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let base = match to {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::Current(d) => (self.pos, d),
            SeekFrom::End(d) => (self.snapshot()?.len, d),
        };
        match base.0.checked_add_signed(base.1) {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disk_file(bytes: &[u8]) -> ImageFile {
        let snap = Snapshot {
            len: bytes.len() as u64,
            mode: libc::S_IFREG | 0o644,
            dev: 1,
            ino: 7,
            nlink: 1,
            times: [0; 4],
        };
        ImageFile::disk(Box::new(bytes.to_vec()), snap)
    }

    #[test]
    fn a_disk_file_streams_and_seeks_like_a_host_file() {
        let text = b"0123456789abcdef";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, text).unwrap();
        for mut f in [ImageFile::host(File::open(&path).unwrap()), disk_file(text)] {
            let mut four = [0u8; 4];
            f.read_exact(&mut four).unwrap();
            assert_eq!(&four, b"0123");
            assert_eq!(f.seek(SeekFrom::End(-3)).unwrap(), 13);
            let mut rest = Vec::new();
            f.read_to_end(&mut rest).unwrap();
            assert_eq!(rest, b"def");
            assert_eq!(f.seek(SeekFrom::Current(-10)).unwrap(), 6);
            assert!(f.seek(SeekFrom::Current(-7)).is_err());
            let mut two = [0u8; 2];
            assert_eq!(f.read_at(&mut two, 10).unwrap(), 2);
            assert_eq!(&two, b"ab");
            // A positioned read did not move the stream.
            f.read_exact(&mut two).unwrap();
            assert_eq!(&two, b"67");
            let snap = f.snapshot().unwrap();
            assert_eq!(snap.len, 16);
            assert!(snap.is_file());
        }
    }
}
