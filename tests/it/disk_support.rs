//! Disk images for the container and partition tests, built at test time
//! with Debian's tools (qemu-utils, gdisk, fdisk, dosfstools, ntfs-3g,
//! e2fsprogs): no mount, no root. `.ci/run` installs them; elsewhere a
//! test whose tool is missing says so and skips (see `common::available`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The tools by name and the Debian package that has them.
pub const QEMU: (&str, &str) = ("qemu-img", "qemu-utils");
/// qemu-io writes into an overlay without mounting it.
pub const QEMU_IO: (&str, &str) = ("qemu-io", "qemu-utils");
pub const SGDISK: (&str, &str) = ("sgdisk", "gdisk");
pub const SFDISK: (&str, &str) = ("sfdisk", "fdisk");
pub const MKFS_FAT: (&str, &str) = ("mkfs.fat", "dosfstools");
pub const MKNTFS: (&str, &str) = ("mkntfs", "ntfs-3g");
pub const MKE2FS: (&str, &str) = ("mke2fs", "e2fsprogs");

/// Where a tool is: on `PATH`, or in the sbin directories a non-root
/// `PATH` leaves out.
fn locate(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Whether every tool is there (skips with a message, fails under CI).
pub fn have(tools: &[(&str, &str)]) -> bool {
    tools.iter().all(|(name, pkg)| {
        crate::common::available(
            locate(name).is_some(),
            &format!("{name} is not installed (apt-get install {pkg})"),
        )
    })
}

/// Runs a tool; its failure fails the test with its stderr.
pub fn run(tool: &str, args: &[&str]) {
    let exe = locate(tool).unwrap_or_else(|| PathBuf::from(tool));
    let out = Command::new(&exe).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Deterministic bytes (xorshift), so a mismatch is reproducible.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

pub const MIB: usize = 1024 * 1024;

/// A 12 MiB raw disk with data, holes of whole MiBs (unallocated in every
/// sparse format), a text run (compresses well) and data cut at odd places
/// (partly filled clusters and grains).
pub fn raw_disk(seed: u64) -> Vec<u8> {
    let mut d = vec![0u8; 12 * MIB];
    d[..MIB].copy_from_slice(&noise(seed, MIB));
    // MiB 1 and 2: zeros.
    d[3 * MIB..4 * MIB].copy_from_slice(&noise(seed + 1, MIB));
    let text = b"sovscan reads disk images without mounting them. ";
    for (i, b) in d[4 * MIB..5 * MIB].iter_mut().enumerate() {
        *b = text[i % text.len()];
    }
    // MiB 5..11: a sector of noise every 96 KiB (crossing clusters).
    let mut at = 5 * MIB + 1000;
    while at + 512 <= 11 * MIB {
        d[at..at + 512].copy_from_slice(&noise(at as u64, 512));
        at += 96 * 1024;
    }
    let end = d.len();
    d[end - 777..].copy_from_slice(&noise(seed + 2, 777));
    d
}

/// `qemu-img convert` from a raw file to `format` with `-o opts` (and `-c`
/// to compress).
pub fn convert(raw: &Path, format: &str, opts: &str, compress: bool, out: &Path) {
    let mut args = vec!["convert", "-q", "-f", "raw", "-O", format];
    if compress {
        args.push("-c");
    }
    if !opts.is_empty() {
        args.extend(["-o", opts]);
    }
    let (raw, out) = (raw.to_str().unwrap(), out.to_str().unwrap());
    args.extend([raw, out]);
    run("qemu-img", &args);
}

/// Writes `bytes` into `file` at `offset`, the file otherwise unchanged.
pub fn patch(file: &Path, offset: u64, bytes: &[u8]) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    f.write_all_at(bytes, offset).unwrap();
}

/// Reads `len` bytes of `file` at `offset`.
pub fn peek(file: &Path, offset: u64, len: usize) -> Vec<u8> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; len];
    let f = std::fs::File::open(file).unwrap();
    f.read_exact_at(&mut buf, offset).unwrap();
    buf
}

/// Builds a file system image of `mib` MiB with `mkfs` args, `{}` standing
/// for the file; returns its bytes.
pub fn file_system(dir: &Path, name: &str, mib: usize, tool: &str, args: &[&str]) -> Vec<u8> {
    let path = dir.join(name);
    let f = std::fs::File::create(&path).unwrap();
    f.set_len((mib * MIB) as u64).unwrap();
    drop(f);
    let p = path.to_str().unwrap();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{}" { p } else { a })
        .collect();
    run(tool, &args);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    bytes
}
