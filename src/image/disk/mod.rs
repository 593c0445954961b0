//! Disk images read as files, never mounted (issue 16): a container
//! (raw, qcow2, VHDX, VMDK) gives a virtual disk, a partition table slices
//! it, a file-system reader lists and reads inside a slice.
//!
//! Every layer reads through [`ReadAt`]: positioned reads through a shared
//! reference, so several workers read one image at once without a lock
//! around a seek position, and nothing is read that a layer above did not
//! ask for (the scan stays lazy on a 60 GB image).

pub mod container;
mod counting;
mod error;
pub mod fs;
pub mod guid;
pub mod partition;
pub mod probe;

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

pub use counting::CountingReader;
pub use error::DiskError;

/// A byte source read at offsets: a host file, a container's virtual
/// disk, a partition of it.
pub trait ReadAt: Send + Sync {
    /// Reads up to `buf.len()` bytes at `offset`; fewer only at the end
    /// (0 at or past [`ReadAt::size`]).
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;

    /// The source's length in bytes.
    fn size(&self) -> u64;

    /// Fills `buf` from `offset`, or fails with `UnexpectedEof` naming how
    /// far the source reaches.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            match self.read_at(&mut buf[done..], at) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "{} bytes wanted at offset {offset}, the source ends at {}",
                            buf.len(),
                            self.size()
                        ),
                    ));
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// A host file (the image file the user named), read with `pread`.
#[derive(Debug)]
pub struct HostFile {
    file: std::fs::File,
    size: u64,
}

impl HostFile {
    /// Wraps an open regular file; its size is taken once (an image that
    /// grows during the scan is read as it was).
    pub fn new(file: std::fs::File) -> io::Result<Self> {
        let size = file.metadata()?.len();
        Ok(Self { file, size })
    }
}

impl ReadAt for HostFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        if offset >= self.size {
            return Ok(0);
        }
        let want = buf.len().min((self.size - offset) as usize);
        self.file.read_at(&mut buf[..want], offset)
    }

    fn size(&self) -> u64 {
        self.size
    }
}

impl ReadAt for [u8] {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let Ok(start) = usize::try_from(offset) else {
            return Ok(0);
        };
        if start >= self.len() {
            return Ok(0);
        }
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }

    fn size(&self) -> u64 {
        self.len() as u64
    }
}

impl ReadAt for Vec<u8> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.as_slice().read_at(buf, offset)
    }

    fn size(&self) -> u64 {
        self.len() as u64
    }
}

impl<T: ReadAt + ?Sized> ReadAt for Arc<T> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        (**self).read_at(buf, offset)
    }

    fn size(&self) -> u64 {
        (**self).size()
    }
}

impl<T: ReadAt + ?Sized> ReadAt for &T {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        (**self).read_at(buf, offset)
    }

    fn size(&self) -> u64 {
        (**self).size()
    }
}

/// A window of a source: a partition of a disk. Reads never leave it.
#[derive(Debug, Clone)]
pub struct Slice<R> {
    inner: R,
    start: u64,
    len: u64,
}

impl<R: ReadAt> Slice<R> {
    /// `start..start + len` of `inner`, cut to what `inner` holds.
    pub fn new(inner: R, start: u64, len: u64) -> Self {
        let size = inner.size();
        let start = start.min(size);
        let len = len.min(size - start);
        Self { inner, start, len }
    }

    pub fn start(&self) -> u64 {
        self.start
    }
}

impl<R: ReadAt> ReadAt for Slice<R> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let want = buf.len().min((self.len - offset) as usize);
        self.inner.read_at(&mut buf[..want], self.start + offset)
    }

    fn size(&self) -> u64 {
        self.len
    }
}

/// `Read + Seek` over a [`ReadAt`], for crates that want a stream (one
/// cursor per worker; the source is shared).
#[derive(Debug, Clone)]
pub struct Cursor<R> {
    inner: R,
    pos: u64,
}

impl<R: ReadAt> Cursor<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, pos: 0 }
    }

    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: ReadAt> Read for Cursor<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: ReadAt> Seek for Cursor<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let next = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.inner.size().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match next {
            Some(n) => {
                self.pos = n;
                Ok(n)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the source",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes() -> Vec<u8> {
        (0..=255u8).cycle().take(1000).collect()
    }

    #[test]
    fn a_slice_reads_only_its_window() {
        let src = bytes();
        let s = Slice::new(&src, 100, 50);
        assert_eq!(s.size(), 50);
        let mut buf = [0u8; 80];
        assert_eq!(s.read_at(&mut buf, 0).unwrap(), 50);
        assert_eq!(&buf[..50], &src[100..150]);
        assert_eq!(s.read_at(&mut buf, 50).unwrap(), 0);
        // A window past the end is cut to the source.
        assert_eq!(Slice::new(&src, 990, 50).size(), 10);
        assert_eq!(Slice::new(&src, 2000, 50).size(), 0);
    }

    #[test]
    fn read_exact_at_names_the_end() {
        let src = bytes();
        let mut buf = [0u8; 20];
        src.read_exact_at(&mut buf, 980).unwrap();
        assert_eq!(&buf[..], &src[980..1000]);
        let e = src.read_exact_at(&mut buf, 990).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(e.to_string().contains("ends at 1000"), "{e}");
    }

    #[test]
    fn a_cursor_reads_and_seeks_like_a_file() {
        let src = bytes();
        let mut c = Cursor::new(Slice::new(&src, 10, 100));
        let mut buf = [0u8; 4];
        c.seek(SeekFrom::End(-4)).unwrap();
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, &src[106..110]);
        assert_eq!(c.read(&mut buf).unwrap(), 0);
        assert!(c.seek(SeekFrom::Current(-200)).is_err());
        c.seek(SeekFrom::Start(0)).unwrap();
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, &src[10..14]);
    }

    #[test]
    fn a_host_file_reads_with_pread() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disk.img");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&bytes())
            .unwrap();
        let f = HostFile::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(f.size(), 1000);
        let mut buf = [0u8; 8];
        f.read_exact_at(&mut buf, 500).unwrap();
        assert_eq!(&buf, &bytes()[500..508]);
        assert_eq!(f.read_at(&mut buf, 1000).unwrap(), 0);
    }
}
