//! A [`ReadAt`] that counts what passes through it, so tests (and a
//! `--stats` line later) can say how much of an image a scan read.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

use super::ReadAt;

/// Counts the bytes returned and the calls made to `inner`.
#[derive(Debug)]
pub struct CountingReader<R> {
    inner: R,
    bytes: AtomicU64,
    reads: AtomicU64,
}

impl<R: ReadAt> CountingReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            bytes: AtomicU64::new(0),
            reads: AtomicU64::new(0),
        }
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// `read_at` calls so far.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    pub fn inner(&self) -> &R {
        &self.inner
    }
}

impl<R: ReadAt> ReadAt for CountingReader<R> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let n = self.inner.read_at(buf, offset)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn size(&self) -> u64 {
        self.inner.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes_and_calls() {
        let data = vec![7u8; 100];
        let c = CountingReader::new(&data);
        let mut buf = [0u8; 30];
        c.read_exact_at(&mut buf, 0).unwrap();
        c.read_exact_at(&mut buf, 80).unwrap_err();
        assert_eq!(c.bytes(), 30 + 20);
        assert_eq!(c.reads(), 3);
    }
}
