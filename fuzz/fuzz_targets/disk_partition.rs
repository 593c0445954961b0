//! Fuzz target: the partition table reader (GPT with its backup, MBR with
//! logical chains) on the input as a disk (see `SparseDisk`), then the
//! first sectors of every partition it finds.

use std::sync::Arc;

use sovscan::image::disk::ReadAt;
use sovscan::image::disk::partition;
use sovscan_fuzz::SparseDisk;

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    afl::fuzz_nohook!(|data: &[u8]| {
        let disk: Arc<dyn ReadAt> = Arc::new(SparseDisk::new(data));
        if let Ok(table) = partition::read(disk) {
            let mut sector = [0u8; 4096];
            for p in &table.partitions {
                let _ = (p.content.name(), p.slice.read_at(&mut sector, 0));
            }
        }
    });
}
