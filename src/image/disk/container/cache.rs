//! Bounded caches for the containers: metadata pages of the host file (the
//! qcow2 L1/L2 tables, the VHDX BAT and sector bitmaps, the VMDK grain
//! directory and tables are all read through it) and decompressed clusters.
//!
//! A lookup per read would re-read an L2 table for every file the scan
//! opens; caching whole tables would let a hostile header ask for gigabytes.
//! Both caches hold a fixed number of entries and evict the oldest
//! (first in, first out: the scan's reads have little reuse pattern beyond
//! "recently read metadata is read again soon", which FIFO serves).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::{Arc, Mutex};

use super::super::ReadAt;

/// The values by key and the keys in insertion order.
type Slots<V> = (HashMap<u64, Arc<V>>, VecDeque<u64>);

/// Up to `cap` values by key, oldest evicted first.
pub(crate) struct Bounded<V> {
    cap: usize,
    inner: Mutex<Slots<V>>,
}

impl<V> Bounded<V> {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap: cap.max(1),
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    /// The cached value for `key`, or `make()`'s (cached when it succeeds).
    /// The lock is not held while `make` runs: two workers missing the same
    /// key both read it, which is cheaper than serialising every miss.
    pub(crate) fn get_or<E>(
        &self,
        key: u64,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(v) = self.lock().0.get(&key) {
            return Ok(v.clone());
        }
        let v = Arc::new(make()?);
        let mut g = self.lock();
        let (map, order) = &mut *g;
        if map.insert(key, v.clone()).is_none() {
            order.push_back(key);
            while order.len() > self.cap {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
        Ok(v)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots<V>> {
        // A panic while holding the lock leaves the maps consistent (every
        // mutation is a single insert/remove), so a poisoned lock is usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The page size of the metadata cache.
const PAGE: u64 = 64 * 1024;
/// Pages kept: 512 × 64 KiB = 32 MiB at most per container.
const PAGES: usize = 512;

/// Little- or big-endian integers of the host file at any offset, read
/// through cached 64 KiB pages.
pub(crate) struct Meta<R> {
    file: R,
    pages: Bounded<Vec<u8>>,
}

impl<R: ReadAt> Meta<R> {
    pub(crate) fn new(file: R) -> Self {
        Self {
            file,
            pages: Bounded::new(PAGES),
        }
    }

    pub(crate) fn file(&self) -> &R {
        &self.file
    }

    /// `N` bytes at `offset`; `UnexpectedEof` when they pass the file's end.
    pub(crate) fn bytes<const N: usize>(&self, offset: u64) -> io::Result<[u8; N]> {
        let mut out = [0u8; N];
        let mut done = 0;
        while done < N {
            let at = offset + done as u64;
            let page_no = at / PAGE;
            let page = self.pages.get_or(page_no, || {
                let start = page_no * PAGE;
                let len = PAGE.min(self.file.size().saturating_sub(start)) as usize;
                let mut buf = vec![0u8; len];
                self.file.read_exact_at(&mut buf, start).map(|()| buf)
            })?;
            let within = (at - page_no * PAGE) as usize;
            if within >= page.len() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "offset {at} is past the end of the file ({})",
                        self.file.size()
                    ),
                ));
            }
            let n = (N - done).min(page.len() - within);
            out[done..done + n].copy_from_slice(&page[within..within + n]);
            done += n;
        }
        Ok(out)
    }

    pub(crate) fn u64_be(&self, offset: u64) -> io::Result<u64> {
        self.bytes::<8>(offset).map(u64::from_be_bytes)
    }

    pub(crate) fn u64_le(&self, offset: u64) -> io::Result<u64> {
        self.bytes::<8>(offset).map(u64::from_le_bytes)
    }

    pub(crate) fn u32_le(&self, offset: u64) -> io::Result<u32> {
        self.bytes::<4>(offset).map(u32::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_stays_bounded_and_reuses_entries() {
        let c: Bounded<u64> = Bounded::new(2);
        let mut made = 0;
        for k in [1, 2, 1, 3, 1] {
            c.get_or::<()>(k, || {
                made += 1;
                Ok(k * 10)
            })
            .unwrap();
        }
        // 1, 2 made; 1 hit; 3 made and evicts 1; 1 made again.
        assert_eq!(made, 4);
        assert!(c.lock().0.len() <= 2);
    }

    #[test]
    fn meta_reads_across_pages_and_stops_at_the_end() {
        let data: Vec<u8> = (0..(PAGE as usize + 16)).map(|i| i as u8).collect();
        let m = Meta::new(&data);
        let at = PAGE - 4;
        let want: [u8; 8] = data[at as usize..at as usize + 8].try_into().unwrap();
        assert_eq!(m.bytes::<8>(at).unwrap(), want);
        assert_eq!(
            m.u32_le(PAGE + 12).unwrap(),
            u32::from_le_bytes(data[PAGE as usize + 12..].try_into().unwrap())
        );
        let e = m.u64_le(PAGE + 12).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
