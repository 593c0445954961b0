//! The roots named on the command line, opened: a directory is one root;
//! a disk image file (raw, qcow2, VHDX, VMDK) is one root per partition
//! whose file system sovscan reads (`golden.vhdx#p3`).
//!
//! What a disk holds besides those roots is said, never silently dropped:
//! an encrypted volume (BitLocker, LUKS) or a file system sovscan has no
//! reader for (exFAT, XFS, btrfs) is a warning, a file system that does
//! not open (a corrupt boot sector, MFT or superblock) an error, each
//! naming the image file and the partition; a partition table read with
//! doubts (a bad primary GPT, a partition past the end) a warning. They
//! are reported on the first root of that image file. A disk in which no
//! partition can be scanned is an [`OpenError`]: there is nothing to scan,
//! and the reasons are the message.

use super::disk::container::{self, Opened};
use super::disk::fs as diskfs;
use super::disk::partition::{self, Partition, Scheme};
use super::disk::probe::{Content, FsKind};
use super::disk::{HostFile, ReadAt};
use super::{DiskRoot, Image, OpenError, RootFs};
use crate::model::inventory::{Family, Problem};
use crate::model::report::DiskReport;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What the command line says about disk image files.
#[derive(Debug, Clone, Default)]
pub struct DiskOptions {
    /// Scan only this partition (1-based, as in `#p3`) of each image file.
    pub partition: Option<u32>,
    /// The parent of a differencing VHDX or the backing file of a qcow2
    /// overlay; read only when the image says it has one.
    pub parent: Option<PathBuf>,
}

/// Opens every root: directories as they are, image files partition by
/// partition. Fails when a root can't be scanned at all.
pub fn open_roots(
    roots: &[PathBuf],
    family: Option<Family>,
    disk: &DiskOptions,
) -> Result<Vec<Image>, OpenError> {
    let mut images = Vec::new();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|source| OpenError::Io {
            path: root.clone(),
            source,
        })?;
        if meta.is_dir() {
            images.push(Image::open_as(root, family)?);
        } else if meta.is_file() {
            images.extend(open_disk(root, family, disk)?);
        } else {
            return Err(OpenError::NotADirectory(root.clone()));
        }
    }
    Ok(images)
}

/// Device numbers handed to the file systems of disk images, far above
/// any real one, so `(dev, ino)` keys never meet a host file's.
static NEXT_DEV: AtomicU64 = AtomicU64::new(1 << 48);

/// Opens a disk image file: its container, its partition table, and each
/// partition's file system.
pub fn open_disk(
    path: &Path,
    family: Option<Family>,
    opts: &DiskOptions,
) -> Result<Vec<Image>, OpenError> {
    let fail = |reason: String| OpenError::Disk {
        path: path.to_owned(),
        reason,
    };
    let parent = match &opts.parent {
        None => None,
        Some(p) => Some(
            container::open_path(p, None)
                .map_err(|e| fail(format!("the parent {}: {e}", p.display())))?
                .disk,
        ),
    };
    let file = crate::bounded::open(path, crate::bounded::Links::Follow)
        .and_then(HostFile::new)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    let opts = DiskSource {
        parent,
        partition: opts.partition,
    };
    open_disk_from(path, Arc::new(file), family, &opts)
}

/// What [`open_disk_from`] needs besides the image's bytes.
#[derive(Default)]
pub struct DiskSource {
    /// The parent's (or backing file's) virtual disk, opened.
    pub parent: Option<Arc<dyn ReadAt>>,
    pub partition: Option<u32>,
}

/// Opens a disk image from its bytes (`src`: the host file, or a reader
/// around it that counts what is read); `path` names it in the roots and
/// messages, and its directory is where a VMDK descriptor's extents are.
pub fn open_disk_from(
    path: &Path,
    src: Arc<dyn ReadAt>,
    family: Option<Family>,
    opts: &DiskSource,
) -> Result<Vec<Image>, OpenError> {
    let fail = |reason: String| OpenError::Disk {
        path: path.to_owned(),
        reason,
    };
    let dir = path.parent().map(|d| {
        if d.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            d.to_path_buf()
        }
    });
    let copts = container::Options {
        parent: opts.parent.clone(),
        dir,
    };
    let Opened { kind, disk } =
        container::open_source(src, copts).map_err(|e| fail(e.to_string()))?;
    let table = partition::read(disk.clone()).map_err(|e| fail(e.to_string()))?;
    let mut warnings: Vec<Problem> = table
        .notes
        .iter()
        .map(|n| Problem::new("", format!("partition table: {n}")))
        .collect();
    let mut errors: Vec<Problem> = Vec::new();
    let mut not_scanned: Vec<String> = Vec::new();
    if let Some(n) = opts.partition
        && !table.partitions.iter().any(|p| p.index == n)
    {
        return Err(fail(format!(
            "--partition {n}: the image has no partition {n} (it has {})",
            list(&table.partitions)
        )));
    }
    let mut images = Vec::new();
    for part in &table.partitions {
        if opts.partition.is_some_and(|n| n != part.index) {
            continue;
        }
        let what = describe(part);
        match open_partition(path, kind.name(), table.scheme, part, family) {
            Part::Root(image) => images.push(*image),
            Part::Said(reason) => {
                warnings.push(Problem::new("", format!("{what}: {reason}; not scanned")));
                not_scanned.push(format!("{what}: {reason}"));
            }
            Part::Broken(e) => {
                errors.push(Problem::new("", format!("{what}: {e}")));
                not_scanned.push(format!("{what}: {e}"));
            }
            Part::Empty if opts.partition.is_some() => {
                not_scanned.push(format!("{what}: no file system recognised"));
            }
            Part::Empty => {}
        }
    }
    let Some(first) = images.first_mut() else {
        let found = if not_scanned.is_empty() && table.scheme == Scheme::None {
            format!(
                "not a directory, and no disk image sovscan reads: no partition table and no file system at its start (container: {})",
                kind.name()
            )
        } else if not_scanned.is_empty() {
            format!(
                "no partition with a file system ({})",
                list(&table.partitions)
            )
        } else {
            format!("nothing to scan: {}", not_scanned.join("; "))
        };
        return Err(fail(found));
    };
    first.opened.warnings = warnings;
    first.opened.errors = errors;
    Ok(images)
}

/// What a partition turned out to be.
enum Part {
    /// A file system sovscan reads: a root.
    Root(Box<Image>),
    /// Content said as a warning (encrypted, no reader).
    Said(String),
    /// A file system that does not open: an error.
    Broken(String),
    /// No file system (Microsoft reserved, swap, unknown).
    Empty,
}

/// Opens a partition's file system as a root named `FILE#pN` (`FILE` when
/// the disk has no partition table).
fn open_partition<R: ReadAt + Clone + 'static>(
    path: &Path,
    container: &str,
    scheme: Scheme,
    part: &Partition<R>,
    family: Option<Family>,
) -> Part {
    let fs_kind = match part.content {
        Content::FileSystem(k) if readable(k) => k,
        Content::FileSystem(_) => return Part::Said("no reader for this file system".into()),
        Content::Encrypted(_) => {
            return Part::Said("an encrypted volume, not readable without its key".into());
        }
        Content::Unknown => return Part::Empty,
    };
    let src: Arc<dyn ReadAt> = Arc::new(part.slice.clone());
    let fs = match diskfs::open(src) {
        Ok(Some(fs)) => fs,
        Ok(None) => return Part::Empty,
        Err(e) => return Part::Broken(e.to_string()),
    };
    let label = match scheme {
        Scheme::None => path.to_owned(),
        _ => PathBuf::from(format!("{}#p{}", path.display(), part.index)),
    };
    let dev = NEXT_DEV.fetch_add(1, Ordering::Relaxed);
    let root = Arc::new(DiskRoot::new(fs, dev));
    let fs = RootFs::on_disk(&label, root);
    let mut image = Image::detect(label, fs, family);
    image.disk = Some(DiskReport {
        file: path.display().to_string(),
        container: container.to_owned(),
        table: scheme_name(scheme).to_owned(),
        partition: part.index,
        partition_type: part.type_name.clone(),
        label: part.label.clone(),
        filesystem: fs_kind.name().to_owned(),
    });
    Part::Root(Box::new(image))
}

/// What the file systems with a reader are.
fn readable(k: FsKind) -> bool {
    matches!(
        k,
        FsKind::Ntfs
            | FsKind::Ext2
            | FsKind::Ext3
            | FsKind::Ext4
            | FsKind::Fat12
            | FsKind::Fat16
            | FsKind::Fat32
    )
}

fn scheme_name(s: Scheme) -> &'static str {
    match s {
        Scheme::Gpt => "gpt",
        Scheme::Mbr => "mbr",
        Scheme::None => "none",
    }
}

/// "partition 3 (Microsoft basic data, NTFS)".
fn describe<R>(p: &Partition<R>) -> String {
    format!(
        "partition {} ({}, {})",
        p.index,
        p.type_name,
        p.content.name()
    )
}

/// "p1 EFI system (FAT32), p2 Microsoft basic data (NTFS)".
fn list<R>(parts: &[Partition<R>]) -> String {
    if parts.is_empty() {
        return "no partitions".into();
    }
    parts
        .iter()
        .map(|p| format!("p{} {} ({})", p.index, p.type_name, p.content.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_nothing_readable_is_refused_with_its_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blank.img");
        std::fs::write(&path, vec![0u8; 1 << 20]).unwrap();
        let e = open_disk(&path, None, &DiskOptions::default()).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with(&format!("{}: ", path.display())), "{text}");
        assert!(
            text.contains("no partition table and no file system"),
            "{text}"
        );
        let e = open_disk(
            &path,
            None,
            &DiskOptions {
                partition: Some(4),
                parent: None,
            },
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("--partition 4: the image has no partition 4"),
            "{e}"
        );
    }

    #[test]
    fn an_encrypted_volume_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("luks.img");
        let mut bytes = vec![0u8; 1 << 20];
        bytes[..6].copy_from_slice(b"LUKS\xba\xbe");
        std::fs::write(&path, bytes).unwrap();
        let e = open_disk(&path, None, &DiskOptions::default()).unwrap_err();
        assert!(e.to_string().contains("LUKS (encrypted)"), "{e}");
        assert!(e.to_string().contains("encrypted"), "{e}");
    }
}
