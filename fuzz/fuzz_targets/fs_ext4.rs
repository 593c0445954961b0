//! Fuzz target: the ext4 reader on the input as a partition: open it,
//! list the tree recursively within bounds, read a few files and links
//! (seeds: fuzz/seeds.py builds a small image with Debian's tools).

use sovscan::image::disk::fs::Ext4Fs;
use std::sync::Arc;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        if let Ok(fs) = Ext4Fs::new(Arc::new(data.to_vec())) {
            sovscan_fuzz::walk_disk_fs(&fs);
        }
    });
}
