//! Fuzz target: a disk container (qcow2, VHDX, VMDK, raw) opened from the
//! input (see `SparseDisk` for the `SPRS` form of the seeds), then reads at
//! its start, middle and end and at offsets taken from the input, with a
//! parent for the differencing formats.

use std::sync::Arc;

use sovscan::image::disk::ReadAt;
use sovscan::image::disk::container::{Options, open_source};
use sovscan_fuzz::SparseDisk;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        let parent: Arc<dyn ReadAt> = Arc::new(vec![0x5a_u8; 64 * 1024]);
        let opts = Options {
            parent: Some(parent),
            dir: None,
        };
        let Ok(opened) = open_source(Arc::new(SparseDisk::new(data)), opts) else {
            return;
        };
        let disk = opened.disk;
        let size = disk.size();
        let mut buf = vec![0u8; 70_000];
        let tail = data.len().saturating_sub(64);
        let from_input = data[tail..]
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()) % size.max(1));
        for at in [0, size / 2, size.saturating_sub(1000)]
            .into_iter()
            .chain(from_input)
        {
            let _ = disk.read_at(&mut buf, at);
        }
    });
}
