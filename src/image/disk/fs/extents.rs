//! A file as a list of runs over the partition: what an ext4 extent tree
//! maps to, read lazily through the shared [`ReadAt`].

use crate::image::disk::ReadAt;
use std::io;
use std::sync::Arc;

/// `len` bytes of the file from `logical` are at `physical` in the
/// partition, or zeros (a hole, an unwritten extent) when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub logical: u64,
    pub len: u64,
    pub physical: Option<u64>,
}

/// A file's bytes: sorted, non-overlapping runs; what no run covers reads
/// as zeros up to `size`.
pub struct RunReader {
    src: Arc<dyn ReadAt>,
    runs: Vec<Run>,
    size: u64,
}

impl RunReader {
    /// `runs` sorted by `logical`; overlapping runs (a corrupt tree) are
    /// the caller's error to report before this.
    pub fn new(src: Arc<dyn ReadAt>, runs: Vec<Run>, size: u64) -> Self {
        Self { src, runs, size }
    }
}

impl ReadAt for RunReader {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        if offset >= self.size || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min((self.size - offset) as usize);
        // The last run starting at or before `offset`.
        let idx = self.runs.partition_point(|r| r.logical <= offset);
        let run = idx.checked_sub(1).map(|i| self.runs[i]);
        match run {
            Some(r) if offset < r.logical + r.len => {
                let n = want.min((r.logical + r.len - offset) as usize);
                match r.physical {
                    Some(p) => {
                        self.src
                            .read_exact_at(&mut buf[..n], p + (offset - r.logical))?;
                    }
                    None => buf[..n].fill(0),
                }
                Ok(n)
            }
            _ => {
                // A hole up to the next run (or the end).
                let next = self.runs.get(idx).map_or(self.size, |r| r.logical);
                let n = want.min((next - offset) as usize);
                buf[..n].fill(0);
                Ok(n)
            }
        }
    }

    fn size(&self) -> u64 {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_holes_and_the_end_read_as_laid_out() {
        let disk: Arc<dyn ReadAt> = Arc::new((0..=255u8).cycle().take(4096).collect::<Vec<_>>());
        let runs = vec![
            Run {
                logical: 0,
                len: 10,
                physical: Some(100),
            },
            Run {
                logical: 20,
                len: 10,
                physical: None,
            },
            Run {
                logical: 30,
                len: 10,
                physical: Some(1000),
            },
        ];
        let r = RunReader::new(disk, runs, 45);
        let mut buf = vec![0xAAu8; 60];
        let mut got = Vec::new();
        let mut at = 0;
        loop {
            let n = r.read_at(&mut buf, at).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
            at += n as u64;
        }
        assert_eq!(got.len(), 45);
        assert_eq!(
            &got[..10],
            &(100..110).map(|b| b as u8).collect::<Vec<_>>()[..]
        );
        assert!(got[10..30].iter().all(|&b| b == 0));
        assert_eq!(got[30], (1000 % 256) as u8);
        assert!(got[40..].iter().all(|&b| b == 0));
    }
}
