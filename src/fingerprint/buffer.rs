//! The zeroed buffers binaries are read into, reused per thread.
//!
//! A binary is read into a buffer of its file's size: whole when small,
//! in part when large ([`elf_parts`](super::elf_parts),
//! [`pe_parts`](super::pe_parts), [`macho_parts`](super::macho_parts)),
//! with zeros where nothing was read. Allocated fresh for every file, each
//! buffer cost a mapping, a page fault and a zeroed page per page touched,
//! and an unmapping that interrupts the other cores to flush their TLBs:
//! on a Debian desktop with Wine (2,400 binaries) page faults were 15 %
//! and `munmap` 5 % of the scan's cpu time.
//!
//! A [`Buffer`] up to [`POOL_MAX`] bytes comes from its thread's pool
//! instead, and goes back when dropped with the ranges written zeroed
//! again (only those: a library read in part wrote a few pages of many).
//! Larger files, a few per image, get a buffer of their own as before, so
//! what the pool keeps resident stays below `POOL_MAX` per thread.

use std::cell::RefCell;
use std::ops::{Deref, Range};

/// The largest buffer a thread keeps for the next file.
pub const POOL_MAX: usize = 8 << 20;

thread_local! {
    /// A zeroed buffer waiting for the thread's next file.
    static POOL: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A zeroed buffer of a file's size; bytes are written with
/// [`Buffer::write`], which remembers where.
#[derive(Debug)]
pub struct Buffer {
    /// Zero but for `dirty`; at least `len` long.
    vec: Vec<u8>,
    len: usize,
    dirty: Vec<Range<usize>>,
}

impl Buffer {
    /// A buffer of `len` zero bytes.
    pub fn zeroed(len: usize) -> Self {
        let vec = if len <= POOL_MAX {
            let pooled = POOL.with_borrow_mut(std::mem::take);
            if pooled.len() >= len {
                pooled
            } else {
                // Grown in steps, so a thread reallocates a few times, not
                // once per larger file. Zeroed memory comes from the
                // allocator already zeroed (calloc; a large block is
                // mapped, see `main.rs`).
                vec![0u8; len.next_power_of_two().clamp(64 << 10, POOL_MAX)]
            }
        } else {
            vec![0u8; len]
        };
        Self {
            vec,
            len,
            dirty: Vec::new(),
        }
    }

    /// The bytes at `range` to write into (marked to be zeroed again).
    pub fn write(&mut self, range: Range<usize>) -> &mut [u8] {
        let range = range.start.min(self.len)..range.end.min(self.len);
        if let Some(last) = self.dirty.last_mut()
            && last.end == range.start
        {
            last.end = range.end;
        } else if !range.is_empty() {
            self.dirty.push(range.clone());
        }
        &mut self.vec[range]
    }
}

impl Deref for Buffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.vec[..self.len]
    }
}

impl PartialEq for Buffer {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if self.vec.len() > POOL_MAX {
            return;
        }
        for r in self.dirty.drain(..) {
            self.vec[r].fill(0);
        }
        let vec = std::mem::take(&mut self.vec);
        POOL.with_borrow_mut(|pooled| {
            if vec.len() > pooled.len() {
                *pooled = vec;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer taken after another was written and dropped is all zeros:
    /// what a file wrote never shows through in the next file's gaps.
    #[test]
    fn a_reused_buffer_is_zero_where_the_last_one_wrote() {
        let mut a = Buffer::zeroed(100_000);
        a.write(10..20).fill(7);
        a.write(20..30).fill(8);
        a.write(99_990..200_000).fill(9);
        let ptr = a.vec.as_ptr();
        assert_eq!(a[15], 7);
        assert_eq!(a[99_999], 9);
        drop(a);
        let b = Buffer::zeroed(50_000);
        assert_eq!(b.vec.as_ptr(), ptr, "the pooled buffer is reused");
        assert_eq!(b.len(), 50_000);
        assert!(b.vec.iter().all(|&x| x == 0));
        drop(b);
        // Larger than the pooled one: a new, larger buffer.
        let c = Buffer::zeroed(300_000);
        assert!(c.iter().all(|&x| x == 0));
        // Past the pool's bound: not pooled, nothing kept resident.
        let mut d = Buffer::zeroed(POOL_MAX + 1);
        d.write(0..4).fill(1);
        drop(d);
        drop(c);
        assert!(POOL.with_borrow(|p| p.len() <= POOL_MAX && p.iter().all(|&x| x == 0)));
    }
}
