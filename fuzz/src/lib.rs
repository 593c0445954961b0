//! Shared pieces of the fuzz targets (`fuzz_targets/*.rs`).
//!
//! Byte-level parsers (ELF, PE, Mach-O, regf, CMS, plist, os-release,
//! licence expressions, rule and policy files) are called on the input
//! directly. Manifest parsers are reached the way a scan reaches them: the
//! input is written over one file of a copy of a demo image
//! (`fixtures/demo-*`), and that source's collector runs on the image, so
//! the bounded reader, the confinement and the collector's own parsing are
//! all under test. A panic is a crash for AFL unless sovscan's own
//! isolation catches it, as it would in a scan ([`abort_on_unisolated_panics`]).

use sovscan::collect::Collector;
use sovscan::image::Image;
use sovscan::model::inventory::{Family, Inventory};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

/// Makes a panic outside sovscan's own isolation ([`sovscan::isolate::catch`])
/// abort the process, which AFL records as a crash, and leaves one inside
/// it alone: a scan turns that into an error entry for the file, by design.
/// Call first in `main`, and fuzz with `afl::fuzz_nohook!` (whose harness
/// aborts on any panic that reaches it as well).
pub fn abort_on_unisolated_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !sovscan::isolate::active() {
            default(info);
            std::process::abort();
        }
    }));
}

/// The repository's `fixtures/` directory (seeds and base images).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// A private copy of a demo image in which one file is replaced by each
/// input before the collector runs.
pub struct ImageTarget {
    root: PathBuf,
    file: PathBuf,
    family: Family,
    /// Asserted unwind-safe: a panic ends the AFL run (a crash), so no
    /// state is observed after one.
    collector: AssertUnwindSafe<&'static dyn Collector>,
}

impl ImageTarget {
    /// Copies `fixtures/IMAGE` to a directory of this process (under
    /// `$TMPDIR`; `fuzz/smoke.sh` points that at a directory it removes);
    /// `rel` is the file the inputs replace.
    pub fn new(image: &str, rel: &str, family: Family, collector: &'static dyn Collector) -> Self {
        let root =
            std::env::temp_dir().join(format!("sovscan-fuzz-{}-{}", image, std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_tree(&fixtures().join(image), &root).expect("copy the base image");
        let file = root.join(rel);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("create the input's directory");
        }
        Self {
            root,
            file,
            family,
            collector: AssertUnwindSafe(collector),
        }
    }

    /// Writes `data` as the file and runs the collector.
    pub fn run(&self, data: &[u8]) -> Inventory {
        std::fs::write(&self.file, data).expect("write the input");
        let image = Image::open_as(&self.root, Some(self.family)).expect("open the image");
        let mut inv = Inventory::default();
        self.collector.collect(&image, &mut inv);
        inv
    }
}

/// Copies a directory tree: directories, regular files, and symlinks as
/// symlinks (the demo images have a few).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let ty = entry.file_type()?;
        if ty.is_dir() {
            copy_tree(&src, &dst)?;
        } else if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)?;
        } else if ty.is_file() {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// A disk image for the disk targets: the input itself, or, when it
/// starts with `SPRS`, a sparse image written as runs (`SPRS`, the size as
/// a little-endian u64, then runs of offset u64, length u32 and bytes) so
/// that a VHDX (whose structures lie a megabyte apart) fits in a seed of a
/// few kilobytes. What no run covers reads as zeros; nothing the size of
/// the image is ever allocated.
pub struct SparseDisk {
    size: u64,
    runs: Vec<(u64, Vec<u8>)>,
}

impl SparseDisk {
    pub fn new(data: &[u8]) -> Self {
        let Some(mut rest) = data.strip_prefix(b"SPRS") else {
            return Self {
                size: data.len() as u64,
                runs: vec![(0, data.to_vec())],
            };
        };
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = rest.split_at_checked(n)?;
            rest = tail;
            Some(head)
        };
        // At most 1 TiB: offsets are not checked against anything else.
        let size = take(8)
            .map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap()))
            .min(1 << 40);
        let mut runs = Vec::new();
        while let (Some(o), Some(l)) = (take(8), take(4)) {
            let offset = u64::from_le_bytes(o.try_into().unwrap());
            let len = u32::from_le_bytes(l.try_into().unwrap()) as usize;
            let Some(bytes) = take(len) else { break };
            runs.push((offset, bytes.to_vec()));
        }
        Self { size, runs }
    }
}

impl sovscan::image::disk::ReadAt for SparseDisk {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        if offset >= self.size {
            return Ok(0);
        }
        let n = buf
            .len()
            .min((self.size - offset).min(usize::MAX as u64) as usize);
        let out = &mut buf[..n];
        out.fill(0);
        let end = offset + n as u64;
        for (start, bytes) in &self.runs {
            let stop = start.saturating_add(bytes.len() as u64);
            if *start < end && stop > offset {
                let from = offset.max(*start);
                let to = end.min(stop);
                out[(from - offset) as usize..(to - offset) as usize]
                    .copy_from_slice(&bytes[(from - start) as usize..(to - start) as usize]);
            }
        }
        Ok(n)
    }

    fn size(&self) -> u64 {
        self.size
    }
}

/// Walks a file system read from the fuzz input the way a scan would,
/// within bounds: 8 levels, 2,000 entries, the first 4 KiB and the last
/// bytes of up to 64 files, every link, and a lookup through links.
pub fn walk_disk_fs(fs: &dyn sovscan::image::disk::fs::DiskFs) {
    use sovscan::image::disk::fs::Kind;
    let mut todo = vec![(fs.root(), 0usize)];
    let (mut seen, mut opened) = (0usize, 0usize);
    let mut buf = vec![0u8; 4096];
    while let Some((dir, depth)) = todo.pop() {
        let Ok(entries) = fs.list(dir) else { continue };
        for e in entries {
            seen += 1;
            if seen > 2000 {
                return;
            }
            match e.kind {
                Kind::Dir if depth < 8 => todo.push((e.node, depth + 1)),
                Kind::File if opened < 64 => {
                    opened += 1;
                    if let Ok(r) = fs.open(e.node) {
                        let _ = r.read_at(&mut buf, 0);
                        let _ = r.read_at(&mut buf, r.size().saturating_sub(100));
                    }
                }
                Kind::Symlink => {
                    let _ = fs.read_link(e.node);
                }
                _ => {}
            }
        }
    }
    let _ = fs.lookup("/etc/os-release");
    let _ = fs.lookup("/EFI/BOOT/BOOTX64.EFI");
    let _ = fs.lookup("/Windows/System32/../System32/ntdll.dll");
}
