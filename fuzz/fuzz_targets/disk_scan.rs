//! Fuzz target: a whole scan of the input as a disk image file, the way
//! `sovscan scan golden.vhdx` runs: the container, the partition table,
//! every partition's file system opened as a root (`image::open_disk_from`),
//! OS detection, every collector reading through the disk seam
//! (`RootFs::on_disk`, `ImageFile`), the disk walk, the fingerprinters,
//! the rules. The input is a disk or a sparse one (see `SparseDisk`);
//! seeds: the disk and file-system seeds of `seeds.py`.

use sovscan::image::disk::ReadAt;
use sovscan_fuzz::SparseDisk;
use std::path::Path;
use std::sync::{Arc, OnceLock};

fn main() {
    sovscan_fuzz::abort_on_unisolated_panics();
    // The rules load once per process, not once per input.
    static DB: OnceLock<sovscan::rules::RuleDb> = OnceLock::new();
    let db = DB.get_or_init(|| sovscan::rules::RuleDb::embedded().expect("the embedded rules"));
    let progress = sovscan::progress::Progress::new(false);
    let opts = sovscan::scan::Options::default();
    afl::fuzz_nohook!(|data: &[u8]| {
        let disk: Arc<dyn ReadAt> = Arc::new(SparseDisk::new(data));
        let path = Path::new("fuzz.img");
        if let Ok(images) = sovscan::image::open_disk_from(path, disk, None, &Default::default()) {
            let started = std::time::Instant::now();
            let _ = sovscan::scan::scan_images(&images, db, &opts, &progress, started);
        }
    });
}
