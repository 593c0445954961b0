//! A budgeted, block-cached cursor for the third-party readers.

use crate::image::disk::ReadAt;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

/// The partition as the `fatfs` and `ntfs` crates want it: `Read + Seek`
/// (and `Write`, which `fatfs` asks for and which always fails), serving at
/// most `budget` bytes. Neither crate detects every loop in what it follows
/// (a FAT cluster chain, an NTFS index node pointing to itself), so a call
/// that reads more than its budget ends in an error instead of a hang.
/// Both read structures field by field, so small reads go through one
/// cached 4 KiB block (the budget counts the bytes served, so a loop inside
/// one cached block still runs out).
pub(super) struct Budgeted {
    src: Arc<dyn ReadAt>,
    pos: u64,
    budget: u64,
    block_at: u64,
    block: Vec<u8>,
}

const BLOCK: u64 = 4096;

impl Budgeted {
    pub(super) fn new(src: Arc<dyn ReadAt>, budget: u64) -> Self {
        Self {
            src,
            pos: 0,
            budget,
            block_at: u64::MAX,
            block: Vec::new(),
        }
    }
}

impl Read for Budgeted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.budget < buf.len() as u64 {
            return Err(io::Error::other(
                "read budget exhausted (a cluster chain that loops?)",
            ));
        }
        let n = if buf.len() as u64 >= BLOCK {
            self.src.read_at(buf, self.pos)?
        } else {
            let at = self.pos - self.pos % BLOCK;
            if at != self.block_at {
                self.block.resize(BLOCK as usize, 0);
                let got = self.src.read_at(&mut self.block, at)?;
                self.block.truncate(got);
                self.block_at = at;
            }
            let from = (self.pos - at) as usize;
            if from >= self.block.len() {
                return Ok(0);
            }
            let n = buf.len().min(self.block.len() - from);
            buf[..n].copy_from_slice(&self.block[from..from + n]);
            n
        };
        self.pos += n as u64;
        self.budget -= n as u64;
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
