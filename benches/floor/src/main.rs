//! The physical floor of a scan, for `benches/whole-run.sh`: the least work
//! any scanner that finds binaries by content and checks Authenticode
//! digests must do on a tree, on the same cores as sovscan.
//!
//!     (cd benches/floor && cargo run --release -- ROOT [JOBS])
//!
//! 1. a walk that lists every directory and stats every entry relative to
//!    its directory's descriptor (what `find -printf '%s\n'` does, in
//!    parallel);
//! 2. the first 64 bytes of every regular file of at least 28 bytes (the
//!    smallest binary header), read with one `pread`;
//! 3. every PE file whose header names a certificate table read once (in
//!    256 KiB `pread`s into a reused buffer) and hashed with SHA-256 (an Authenticode digest covers nearly all of a
//!    file's bytes), largest files first so the cores finish together; a
//!    file hard-linked under several names once.
//!
//! Nothing is parsed beyond the PE header fields needed for step 3, nothing
//! is kept but the list of signed files. Prints the counts, so a run can be
//! checked against sovscan's `stats`.

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Default)]
struct Counts {
    files: AtomicU64,
    heads: AtomicU64,
    /// (size, (device, inode), path) of each signed PE found.
    signed: Mutex<Vec<(u64, (u64, u64), PathBuf)>>,
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let root = PathBuf::from(args.next().expect("usage: floor ROOT [JOBS]"));
    let jobs = args
        .next()
        .and_then(|j| j.to_str()?.parse().ok())
        .unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("thread pool");
    let counts = Counts::default();
    pool.install(|| rayon::scope(|s| visit(s, &counts, root)));
    let mut signed = counts.signed.into_inner().expect("signed list");
    // A hard-linked file is hashed once (sovscan hashes it once too).
    signed.sort_by(|a, b| a.1.cmp(&b.1));
    signed.dedup_by(|a, b| a.1 == b.1);
    signed.sort_by(|a, b| b.0.cmp(&a.0));
    let hashed: u64 = pool.install(|| signed.par_iter().map(|(_, _, p)| hash_file(p)).sum());
    println!(
        "files {} heads {} signed {} hashed_bytes {}",
        counts.files.load(Relaxed),
        counts.heads.load(Relaxed),
        signed.len(),
        hashed
    );
}

fn visit<'s>(s: &rayon::Scope<'s>, counts: &'s Counts, dir: PathBuf) {
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            let path = e.path();
            s.spawn(move |s| visit(s, counts, path));
        } else if ft.is_file() {
            // DirEntry::metadata is an fstatat relative to the directory.
            let Ok(meta) = e.metadata() else { continue };
            counts.files.fetch_add(1, Relaxed);
            if meta.size() >= 28 {
                head(counts, &e.path(), &meta);
            }
        } else {
            let _ = e.metadata();
        }
    }
}

/// Reads the first 64 bytes; a PE with a certificate table is listed.
fn head(counts: &Counts, path: &Path, meta: &std::fs::Metadata) {
    let Ok(f) = File::open(path) else { return };
    let mut buf = [0u8; 64];
    let Ok(n) = f.read_at(&mut buf, 0) else {
        return;
    };
    counts.heads.fetch_add(1, Relaxed);
    if n == 64 && buf.starts_with(b"MZ") && signed_pe(&f, &buf) {
        let mut list = counts.signed.lock().expect("signed list");
        list.push((meta.size(), (meta.dev(), meta.ino()), path.to_owned()));
    }
}

/// Whether a PE's optional header names a certificate table (data
/// directory 4, non-empty).
fn signed_pe(f: &File, dos: &[u8; 64]) -> bool {
    let at = u64::from(u32::from_le_bytes([dos[60], dos[61], dos[62], dos[63]]));
    let mut hdr = [0u8; 24 + 240];
    let Ok(n) = f.read_at(&mut hdr, at) else {
        return false;
    };
    if n < 24 + 2 || &hdr[..4] != b"PE\0\0" {
        return false;
    }
    let opt = 24;
    // The data directories start at 96 (PE32) or 112 (PE32+) into the
    // optional header; the certificate table is the fifth, 8 bytes each.
    let dirs = match u16::from_le_bytes([hdr[opt], hdr[opt + 1]]) {
        0x10b => opt + 96,
        0x20b => opt + 112,
        _ => return false,
    };
    let cert = dirs + 4 * 8;
    n >= cert + 8 && hdr[cert + 4..cert + 8] != [0, 0, 0, 0]
}

/// Reads a file with `pread`s into one reused 256 KiB buffer per thread
/// and hashes it: the bytes are hashed while still in the cache, and no
/// file-sized buffer is zeroed and faulted in.
fn hash_file(path: &Path) -> u64 {
    thread_local! {
        static CHUNK: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 256 << 10]);
    }
    let Ok(f) = File::open(path) else { return 0 };
    let mut h = Sha256::new();
    let mut at = 0u64;
    CHUNK.with_borrow_mut(|buf| {
        loop {
            match f.read_at(buf, at) {
                Ok(0) | Err(_) => break,
                Ok(k) => {
                    h.update(&buf[..k]);
                    at += k as u64;
                }
            }
        }
    });
    std::hint::black_box(h.finalize());
    at
}
