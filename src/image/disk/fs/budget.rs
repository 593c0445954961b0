//! A budgeted, block-cached cursor for the third-party readers.

use crate::image::disk::ReadAt;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The partition as the `fatfs` and `ntfs` crates want it: `Read + Seek`
/// (and `Write`, which `fatfs` asks for and which always fails), serving at
/// most `budget` bytes. Neither crate detects every loop in what it follows
/// (a FAT cluster chain, an NTFS index node pointing to itself), so a call
/// that reads more than its budget ends in an error instead of a hang.
/// Both read structures field by field, so small reads go through a few
/// cached 4 KiB blocks (four: a FAT block and a data block alternate while
/// a file is read cluster by cluster). The budget counts the bytes served,
/// so a loop inside the cached blocks still runs out.
pub(super) struct Budgeted {
    src: Arc<dyn ReadAt>,
    pos: u64,
    budget: u64,
    /// (offset, bytes) of the cached blocks; `next` is replaced next.
    blocks: Vec<(u64, Vec<u8>)>,
    next: usize,
    /// Bytes served, added up across the cursors of one volume when
    /// given ([`Budgeted::counted`]).
    spent: Option<Arc<AtomicU64>>,
}

const BLOCK: u64 = 4096;
const BLOCKS: usize = 4;

impl Budgeted {
    pub(super) fn new(src: Arc<dyn ReadAt>, budget: u64) -> Self {
        Self {
            src,
            pos: 0,
            budget,
            blocks: Vec::with_capacity(BLOCKS),
            next: 0,
            spent: None,
        }
    }

    /// The same cursor, adding the bytes it serves to `spent` (a volume's
    /// total, for a budget across calls).
    pub(super) fn counted(mut self, spent: Arc<AtomicU64>) -> Self {
        self.spent = Some(spent);
        self
    }

    /// The cached block at `at` (a multiple of [`BLOCK`]), read if missing.
    fn block(&mut self, at: u64) -> io::Result<&[u8]> {
        let i = match self.blocks.iter().position(|(o, _)| *o == at) {
            Some(i) => i,
            None => {
                let mut b = vec![0u8; BLOCK as usize];
                let got = self.src.read_at(&mut b, at)?;
                b.truncate(got);
                if self.blocks.len() < BLOCKS {
                    self.blocks.push((at, b));
                    self.blocks.len() - 1
                } else {
                    let i = self.next;
                    self.next = (self.next + 1) % BLOCKS;
                    self.blocks[i] = (at, b);
                    i
                }
            }
        };
        Ok(&self.blocks[i].1)
    }
}

impl Read for Budgeted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget < buf.len() as u64 {
            return Err(io::Error::other(
                "read budget exhausted (a chain or an index that loops?)",
            ));
        }
        let n = if buf.len() as u64 >= BLOCK {
            self.src.read_at(buf, self.pos)?
        } else {
            let at = self.pos - self.pos % BLOCK;
            let from = (self.pos - at) as usize;
            let block = self.block(at)?;
            if from >= block.len() {
                return Ok(0);
            }
            let n = buf.len().min(block.len() - from);
            buf[..n].copy_from_slice(&block[from..from + n]);
            n
        };
        self.pos += n as u64;
        self.budget -= n as u64;
        if let Some(spent) = &self.spent {
            spent.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

impl Seek for Budgeted {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let next = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.src.size().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = next.ok_or_else(|| io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}

impl Write for Budgeted {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the image is read only",
        ))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
