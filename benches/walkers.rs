//! Why sovscan has its own walker: names plus one `lstat` per entry, the
//! least a scan needs (mode for the exec bit, size, inode for hard links),
//! with three walkers on the same tree.
//!
//! `cargo bench --bench walkers` walks `/usr`; set `SOVSCAN_WALK_TREE` to
//! walk another tree and `SOVSCAN_WALK_RUNS` for the number of runs (default 9).
//! Prints the median wall time per walker, warm cache, on the machine's
//! cores; results go to docs/performance.md.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

fn walkdir_stat(root: &Path) -> u64 {
    let mut n = 0;
    for e in walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if let Ok(m) = e.metadata() {
            n += m.ino() & 1 | 1;
        }
    }
    n
}

fn ignore_parallel_stat(root: &Path, threads: usize) -> u64 {
    let n = AtomicU64::new(0);
    ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .threads(threads)
        .build_parallel()
        .run(|| {
            Box::new(|e| {
                if let Ok(e) = e
                    && let Ok(m) = e.metadata()
                {
                    n.fetch_add(m.ino() & 1 | 1, Relaxed);
                }
                ignore::WalkState::Continue
            })
        });
    n.into_inner()
}

fn sovscan_walker(root: &Path) -> u64 {
    let fs = sovscan::image::RootFs::new(root);
    let counters = sovscan::walk::Counters::default();
    let out = sovscan::walk::walk(&fs, &Default::default(), &counters, &|_c| {});
    out.stats.files + out.stats.dirs + out.stats.symlinks
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; nothing to list.
    }
    let root = PathBuf::from(std::env::var("SOVSCAN_WALK_TREE").unwrap_or_else(|_| "/usr".into()));
    let runs: usize = std::env::var("SOVSCAN_WALK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    // Warm the cache once.
    walkdir_stat(&root);
    type Walker<'a> = (&'static str, Box<dyn Fn() -> u64 + 'a>);
    let walkers: Vec<Walker> = vec![
        (
            "walkdir (1 thread), DirEntry::metadata",
            Box::new(|| walkdir_stat(&root)),
        ),
        (
            "ignore::WalkParallel, DirEntry::metadata",
            Box::new(|| ignore_parallel_stat(&root, threads)),
        ),
        (
            "sovscan walk (rayon::scope, fstatat)",
            Box::new(|| pool.install(|| sovscan_walker(&root))),
        ),
    ];
    println!(
        "tree: {} · runs: {runs} · threads: {threads}",
        root.display()
    );
    for (name, f) in &walkers {
        let mut times = Vec::with_capacity(runs);
        let mut check = 0;
        for _ in 0..runs {
            let t = Instant::now();
            check = f();
            times.push(t.elapsed());
        }
        println!(
            "{name:<45} median {:>8.1} ms  (entries checksum {check})",
            median(times).as_secs_f64() * 1e3
        );
    }
}
