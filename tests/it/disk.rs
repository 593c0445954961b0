//! Disk containers and partition tables (issue 16, below the file
//! systems): images made with qemu-img, sgdisk, sfdisk and the mkfs tools
//! are read back byte for byte, and corrupt ones give errors, never
//! panics.

use std::path::Path;
use std::sync::Arc;

use sovscan::image::disk::container::{self, Kind, Options};
use sovscan::image::disk::partition::{self, Scheme};
use sovscan::image::disk::probe::{Content, FsKind};
use sovscan::image::disk::{CountingReader, DiskError, HostFile, ReadAt};

use crate::disk_support::{
    MIB, MKE2FS, MKFS_FAT, MKNTFS, QEMU, QEMU_IO, SFDISK, SGDISK, convert, file_system, have,
    noise, patch, peek, raw_disk, run,
};

fn open(path: &Path) -> Result<container::Opened, DiskError> {
    container::open_path(path, None)
}

/// Every byte, in reads of odd sizes, and 300 reads at random offsets
/// crossing clusters, grains and blocks, from two threads at once.
fn assert_same(disk: &dyn ReadAt, want: &[u8], what: &str) {
    assert_eq!(disk.size(), want.len() as u64, "{what}: size");
    let mut got = vec![0u8; want.len()];
    let mut at = 0;
    for step in [1, 511, 4096, 65537, 3 * MIB].iter().cycle() {
        if at >= got.len() {
            break;
        }
        let n = (*step).min(got.len() - at);
        disk.read_exact_at(&mut got[at..at + n], at as u64).unwrap();
        at += n;
    }
    assert!(
        got == want,
        "{what}: the full read differs from the raw image"
    );
    let r = noise(7, 300 * 16);
    std::thread::scope(|s| {
        for half in r.chunks(150 * 16) {
            s.spawn(move || {
                for c in half.chunks(16) {
                    let off = u64::from_le_bytes(c[..8].try_into().unwrap()) % want.len() as u64;
                    let len = (u64::from_le_bytes(c[8..].try_into().unwrap()) % 200_000) as usize;
                    let mut buf = vec![0u8; len];
                    let n = disk.read_at(&mut buf, off).unwrap();
                    let end = (off as usize + len).min(want.len());
                    assert_eq!(n, end - off as usize, "{what}: read at {off}");
                    assert!(
                        buf[..n] == want[off as usize..end],
                        "{what}: {len} bytes at {off}"
                    );
                }
            });
        }
    });
    let mut past = [0u8; 8];
    assert_eq!(
        disk.read_at(&mut past, want.len() as u64).unwrap(),
        0,
        "{what}: read at the end"
    );
}

/// (file name, qemu-img format, -o options, -c, expected kind)
const FORMATS: &[(&str, &str, &str, bool, Kind)] = &[
    (
        "v3.qcow2",
        "qcow2",
        "compat=1.1,cluster_size=65536",
        false,
        Kind::Qcow2,
    ),
    (
        "v2.qcow2",
        "qcow2",
        "compat=0.10,cluster_size=4096",
        false,
        Kind::Qcow2,
    ),
    ("compressed.qcow2", "qcow2", "", true, Kind::Qcow2),
    (
        "dynamic.vhdx",
        "vhdx",
        "subformat=dynamic,block_size=1M",
        false,
        Kind::Vhdx,
    ),
    ("fixed.vhdx", "vhdx", "subformat=fixed", false, Kind::Vhdx),
    (
        "sparse.vmdk",
        "vmdk",
        "subformat=monolithicSparse",
        false,
        Kind::VmdkSparse,
    ),
    (
        "stream.vmdk",
        "vmdk",
        "subformat=streamOptimized",
        false,
        Kind::VmdkStream,
    ),
    (
        "flat.vmdk",
        "vmdk",
        "subformat=monolithicFlat",
        false,
        Kind::VmdkFlat,
    ),
];

#[test]
fn every_container_reads_back_the_raw_image_byte_for_byte() {
    if !have(&[QEMU]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("disk.raw");
    let want = raw_disk(1);
    std::fs::write(&raw, &want).unwrap();
    let opened = open(&raw).unwrap();
    assert_eq!(opened.kind, Kind::Raw);
    assert_same(&*opened.disk, &want, "raw");
    for (name, format, opts, compress, kind) in FORMATS {
        let path = dir.path().join(name);
        convert(&raw, format, opts, *compress, &path);
        let opened = open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(opened.kind, *kind, "{name}");
        assert_same(&*opened.disk, &want, name);
    }
}

#[test]
fn a_read_touches_only_the_metadata_and_the_data_it_needs() {
    if !have(&[QEMU]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("disk.raw");
    let want = raw_disk(2);
    std::fs::write(&raw, &want).unwrap();
    for (name, format, opts, compress, _) in FORMATS.iter().filter(|f| f.4 != Kind::VmdkFlat) {
        let path = dir.path().join(name);
        convert(&raw, format, opts, *compress, &path);
        let host = Arc::new(CountingReader::new(
            HostFile::new(std::fs::File::open(&path).unwrap()).unwrap(),
        ));
        let opened = container::open_source(host.clone(), Options::default()).unwrap();
        let opened_with = host.bytes();
        let mut buf = [0u8; 4096];
        opened
            .disk
            .read_exact_at(&mut buf, (9 * MIB + 12345) as u64)
            .unwrap();
        assert_eq!(
            &buf[..],
            &want[9 * MIB + 12345..9 * MIB + 12345 + 4096],
            "{name}"
        );
        let one_read = host.bytes() - opened_with;
        // A 64 KiB metadata page or two, and the data: never the disk.
        assert!(
            one_read <= 3 * 65536 + 4096,
            "{name}: one 4 KiB read took {one_read} bytes of the file"
        );
        // The same read again: the tables are cached, only the data is read
        // (compressed units come from the inflated-cluster cache).
        let before = host.bytes();
        opened
            .disk
            .read_exact_at(&mut buf, (9 * MIB + 12345) as u64)
            .unwrap();
        assert!(
            host.bytes() - before <= 4096,
            "{name}: a repeated read re-read metadata"
        );
        assert!(
            opened_with < 300 * 1024,
            "{name}: opening read {opened_with} bytes"
        );
        eprintln!("{name}: open {opened_with} B, one 4 KiB read {one_read} B of the file");
    }
}

#[test]
fn a_qcow2_backing_file_is_read_only_when_named() {
    if !have(&[QEMU, QEMU_IO]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.raw");
    let base_bytes = raw_disk(3);
    let mut changed_bytes = base_bytes.clone();
    changed_bytes[5 * MIB..5 * MIB + 70_000].fill(0xab);
    std::fs::write(&base, &base_bytes).unwrap();
    let overlay = dir.path().join("overlay.qcow2");
    let (b, o) = (base.to_str().unwrap(), overlay.to_str().unwrap());
    run(
        "qemu-img",
        &["create", "-q", "-f", "qcow2", "-b", b, "-F", "raw", o],
    );
    // qemu-io writes 70,000 bytes of 0xab into the overlay only.
    run(
        "qemu-io",
        &["-f", "qcow2", "-c", "write -q -P 0xab 5242880 70000", o],
    );
    assert!(std::fs::metadata(&overlay).unwrap().len() < 2 * MIB as u64);
    let e = open(&overlay).unwrap_err();
    assert!(matches!(e, DiskError::Missing { .. }), "{e}");
    assert!(
        e.to_string().contains("backing file") && e.to_string().contains("base.raw"),
        "{e}"
    );
    let parent: Arc<dyn ReadAt> = open(&base).unwrap().disk;
    let with = container::open_path(&overlay, Some(parent)).unwrap();
    assert_same(&*with.disk, &changed_bytes, "qcow2 over its backing file");
}

/// The file offset of a VHDX region (BAT or metadata) from the region
/// table at 192 KiB.
fn vhdx_region(path: &Path, guid: &str) -> u64 {
    let id = sovscan::image::disk::guid::guid(guid);
    let table = peek(path, 192 * 1024, 64 * 1024);
    let at = table.windows(16).position(|w| w == id).unwrap();
    u64::from_le_bytes(table[at + 16..at + 24].try_into().unwrap())
}

const VHDX_BAT: &str = "2DC27766-F623-4200-9D64-115E9BFD4A08";
const VHDX_METADATA: &str = "8B7CA206-4790-4B9A-B8FE-575F050F886E";

#[test]
fn a_differencing_vhdx_reads_absent_blocks_from_its_parent() {
    if !have(&[QEMU]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The child holds MiB 0 and 3..12; MiB 1 and 2 are absent from it:
    // zeros in the raw file, which qemu-img marks ZERO and the test turns
    // into NOT_PRESENT, the state a differencing disk gives blocks it never
    // wrote.
    let child_raw = dir.path().join("child.raw");
    let child_bytes = raw_disk(4);
    std::fs::write(&child_raw, &child_bytes).unwrap();
    let child = dir.path().join("child.vhdx");
    convert(
        &child_raw,
        "vhdx",
        "subformat=dynamic,block_size=1M",
        false,
        &child,
    );
    // Mark it differencing: the HasParent bit of the file parameters item
    // (the metadata region has no checksum).
    let meta = vhdx_region(&child, VHDX_METADATA);
    let table = peek(&child, meta, 64 * 1024);
    let fp = sovscan::image::disk::guid::guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    let at = table.windows(16).position(|w| w == fp).unwrap();
    let item = u64::from(u32::from_le_bytes(
        table[at + 16..at + 20].try_into().unwrap(),
    ));
    let flags = peek(&child, meta + item + 4, 1)[0];
    patch(&child, meta + item + 4, &[flags | 2]);
    let bat = vhdx_region(&child, VHDX_BAT);
    for block in [1u64, 2] {
        assert_eq!(
            peek(&child, bat + block * 8, 1)[0] & 7,
            2,
            "block {block} is ZERO"
        );
        patch(&child, bat + block * 8, &0u64.to_le_bytes());
    }

    let e = open(&child).unwrap_err();
    assert!(e.to_string().contains("parent disk"), "{e}");
    let parent_bytes = noise(5, 12 * MIB);
    let parent: Arc<dyn ReadAt> = Arc::new(parent_bytes.clone());
    let opened = container::open_path(&child, Some(parent)).unwrap();
    let mut want = child_bytes.clone();
    want[MIB..3 * MIB].copy_from_slice(&parent_bytes[MIB..3 * MIB]);
    assert_same(&*opened.disk, &want, "differencing vhdx");
}

#[test]
fn a_vhdx_with_an_unreplayed_log_is_refused() {
    if !have(&[QEMU]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("disk.raw");
    std::fs::write(&raw, raw_disk(6)).unwrap();
    let path = dir.path().join("dirty.vhdx");
    convert(&raw, "vhdx", "subformat=dynamic", false, &path);
    // Both headers get a log GUID and a correct checksum.
    for at in [64 * 1024u64, 128 * 1024] {
        let mut h = peek(&path, at, 4096);
        h[48..64].copy_from_slice(&noise(1, 16));
        h[4..8].fill(0);
        let crc = sovscan::image::disk::container::vhdx::crc32c(&h);
        h[4..8].copy_from_slice(&crc.to_le_bytes());
        patch(&path, at, &h);
    }
    let e = open(&path).unwrap_err();
    assert!(matches!(e, DiskError::DirtyLog), "{e}");
    assert!(e.to_string().contains("must be replayed"), "{e}");
}

#[test]
fn corrupt_tables_are_errors_naming_the_structure() {
    if !have(&[QEMU]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("disk.raw");
    std::fs::write(&raw, raw_disk(8)).unwrap();

    // qcow2: the first L2 entry points 1 TiB past the end.
    let q = dir.path().join("bad-l2.qcow2");
    convert(&raw, "qcow2", "", false, &q);
    let l1 = u64::from_be_bytes(peek(&q, 40, 8).try_into().unwrap());
    let l2 = u64::from_be_bytes(peek(&q, l1, 8).try_into().unwrap()) & 0x00ff_ffff_ffff_fe00;
    patch(&q, l2, &((1u64 << 40) | (1 << 63)).to_be_bytes());
    let disk = open(&q).unwrap().disk;
    let e = disk.read_exact_at(&mut [0u8; 512], 0).unwrap_err();
    assert!(
        e.to_string().contains("L2 table") && e.to_string().contains("past the end"),
        "{e}"
    );
    // Other clusters still read.
    disk.read_exact_at(&mut [0u8; 512], 3 * MIB as u64).unwrap();

    // VHDX: BAT entry 0 fully present at 1 TiB.
    let v = dir.path().join("bad-bat.vhdx");
    convert(&raw, "vhdx", "subformat=dynamic,block_size=1M", false, &v);
    let bat = vhdx_region(&v, VHDX_BAT);
    patch(&v, bat, &((1u64 << 40) | 6).to_le_bytes());
    let e = open(&v)
        .unwrap()
        .disk
        .read_exact_at(&mut [0u8; 512], 0)
        .unwrap_err();
    assert!(
        e.to_string().contains("vhdx") && e.to_string().contains("BAT"),
        "{e}"
    );
    // A state that does not exist.
    patch(&v, bat, &5u64.to_le_bytes());
    let e = open(&v)
        .unwrap()
        .disk
        .read_exact_at(&mut [0u8; 512], 0)
        .unwrap_err();
    assert!(e.to_string().contains("state 5"), "{e}");

    // qcow2: a cluster size out of range.
    let c = dir.path().join("bad-cluster.qcow2");
    std::fs::copy(&q, &c).unwrap();
    patch(&c, 20, &40u32.to_be_bytes());
    let e = open(&c).unwrap_err();
    assert!(e.to_string().contains("cluster size"), "{e}");
}

#[test]
fn truncated_containers_fail_cleanly() {
    if !have(&[QEMU]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("disk.raw");
    std::fs::write(&raw, raw_disk(10)).unwrap();
    for (name, format, opts, compress, _) in FORMATS.iter().filter(|f| f.4 != Kind::VmdkFlat) {
        let full = dir.path().join(name);
        convert(&raw, format, opts, *compress, &full);
        let len = std::fs::metadata(&full).unwrap().len();
        let mut failed = 0;
        for cut in [100, 70 * 1024, 200 * 1024, 300 * 1024, len / 2, len - 600] {
            let t = dir.path().join(format!("cut-{name}"));
            std::fs::copy(&full, &t).unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&t)
                .unwrap()
                .set_len(cut)
                .unwrap();
            let Ok(opened) = open(&t) else {
                failed += 1;
                continue;
            };
            // Every read either works or errs; none panics or hangs.
            let mut buf = vec![0u8; MIB];
            let mut errors = 0;
            for at in (0..opened.disk.size()).step_by(MIB) {
                errors += usize::from(opened.disk.read_at(&mut buf, at).is_err());
            }
            failed += usize::from(errors > 0);
        }
        assert!(
            failed >= 4,
            "{name}: only {failed} of 6 truncations were noticed"
        );
    }
}

/// A 70 MiB GPT disk: EFI system (FAT32), basic data (NTFS), Linux (ext4).
fn gpt_disk(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("gpt.img");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(70 * MIB as u64)
        .unwrap();
    let p = path.to_str().unwrap();
    run(
        "sgdisk",
        &[
            "-o",
            "-n1:2048:+36M",
            "-t1:ef00",
            "-c1:EFI system partition",
            "-n2:0:+16M",
            "-t2:0700",
            "-c2:Basic data partition",
            "-n3:0:0",
            "-t3:8300",
            p,
        ],
    );
    let fat = file_system(dir, "p1", 36, "mkfs.fat", &["-F", "32", "-s", "1", "{}"]);
    patch(&path, 2048 * 512, &fat);
    let ntfs = file_system(dir, "p2", 16, "mkntfs", &["-q", "-F", "-f", "{}"]);
    patch(&path, (2048 + 36 * 2048) * 512, &ntfs);
    let ext = file_system(dir, "p3", 16, "mke2fs", &["-q", "-F", "-t", "ext4", "{}"]);
    patch(&path, (2048 + 52 * 2048) * 512, &ext);
    path
}

#[test]
fn a_gpt_disk_lists_its_partitions_and_file_systems() {
    if !have(&[QEMU, SGDISK, MKFS_FAT, MKNTFS, MKE2FS]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = gpt_disk(dir.path());
    // Through a qcow2, as a golden image would ship.
    let q = dir.path().join("gpt.qcow2");
    convert(&raw, "qcow2", "", false, &q);
    for path in [&raw, &q] {
        let t = partition::read(open(path).unwrap().disk).unwrap();
        assert_eq!(t.scheme, Scheme::Gpt);
        assert!(t.notes.is_empty(), "{:?}", t.notes);
        let got: Vec<_> = t
            .partitions
            .iter()
            .map(|p| (p.index, p.start, p.type_name.as_str(), p.content))
            .collect();
        assert_eq!(
            got,
            [
                (
                    1,
                    2048 * 512,
                    "EFI system",
                    Content::FileSystem(FsKind::Fat32)
                ),
                (
                    2,
                    (2048 + 36 * 2048) * 512,
                    "Microsoft basic data",
                    Content::FileSystem(FsKind::Ntfs)
                ),
                (
                    3,
                    (2048 + 52 * 2048) * 512,
                    "Linux filesystem",
                    Content::FileSystem(FsKind::Ext4)
                ),
            ]
        );
        assert_eq!(t.partitions[0].len, 36 * MIB as u64);
        assert_eq!(
            t.partitions[0].label.as_deref(),
            Some("EFI system partition")
        );
        // The slice reads the partition: the NTFS boot sector's OEM id.
        let mut oem = [0u8; 8];
        t.partitions[1].slice.read_exact_at(&mut oem, 3).unwrap();
        assert_eq!(&oem, b"NTFS    ");
    }
}

#[test]
fn a_bad_primary_gpt_falls_back_to_the_backup_and_says_so() {
    if !have(&[SGDISK, MKFS_FAT, MKNTFS, MKE2FS]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let raw = gpt_disk(dir.path());
    let good = partition::read(open(&raw).unwrap().disk).unwrap();
    // One byte of the disk GUID: the header CRC no longer matches.
    let b = peek(&raw, 512 + 56, 1)[0];
    patch(&raw, 512 + 56, &[b ^ 0xff]);
    let t = partition::read(open(&raw).unwrap().disk).unwrap();
    assert_eq!(t.notes.len(), 1, "{:?}", t.notes);
    assert!(
        t.notes[0].contains("CRC") && t.notes[0].contains("backup"),
        "{:?}",
        t.notes
    );
    let starts = |t: &partition::Table<_>| {
        t.partitions
            .iter()
            .map(|p| (p.index, p.start, p.len))
            .collect::<Vec<_>>()
    };
    assert_eq!(starts(&t), starts(&good));
    // The backup broken too: an error naming both.
    let last = 70 * MIB as u64 - 512;
    patch(&raw, last + 56, &[0xAA]);
    let Err(e) = partition::read(open(&raw).unwrap().disk) else {
        panic!("both GPT headers bad, yet read")
    };
    assert!(
        e.to_string().contains("gpt") && e.to_string().contains("backup"),
        "{e}"
    );
}

#[test]
fn an_mbr_disk_with_logical_partitions() {
    if !have(&[SFDISK, MKFS_FAT, MKE2FS]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mbr.img");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(40 * MIB as u64)
        .unwrap();
    let layout = "label: dos\n\
        start=2048, size=16384, type=6\n\
        start=18432, size=32768, type=83\n\
        start=51200, type=5\n\
        start=53248, size=8192, type=83\n\
        start=63488, size=4096, type=1\n";
    let mut child = std::process::Command::new("sfdisk")
        .args(["-q", path.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .or_else(|_| {
            std::process::Command::new("/usr/sbin/sfdisk")
                .args(["-q", path.to_str().unwrap()])
                .stdin(std::process::Stdio::piped())
                .spawn()
        })
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(layout.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let fs = |name, mib, tool, args: &[&str]| file_system(dir.path(), name, mib, tool, args);
    patch(
        &path,
        2048 * 512,
        &fs("p1", 8, "mkfs.fat", &["-F", "16", "-s", "1", "{}"]),
    );
    patch(
        &path,
        18432 * 512,
        &fs("p2", 16, "mke2fs", &["-q", "-F", "-t", "ext3", "{}"]),
    );
    patch(
        &path,
        53248 * 512,
        &fs("p5", 4, "mke2fs", &["-q", "-F", "-t", "ext2", "{}"]),
    );
    patch(
        &path,
        63488 * 512,
        &fs("p6", 2, "mkfs.fat", &["-F", "12", "{}"]),
    );
    let t = partition::read(open(&path).unwrap().disk).unwrap();
    assert_eq!(t.scheme, Scheme::Mbr);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
    let got: Vec<_> = t
        .partitions
        .iter()
        .map(|p| (p.index, p.start / 512, p.len / 512, p.content))
        .collect();
    assert_eq!(
        got,
        [
            (1, 2048, 16384, Content::FileSystem(FsKind::Fat16)),
            (2, 18432, 32768, Content::FileSystem(FsKind::Ext3)),
            (5, 53248, 8192, Content::FileSystem(FsKind::Ext2)),
            (6, 63488, 4096, Content::FileSystem(FsKind::Fat12)),
        ]
    );
    assert_eq!(t.partitions[1].type_name, "MBR type 0x83 (Linux)");
}

#[test]
fn a_file_system_on_the_whole_disk_is_one_partition() {
    if !have(&[MKE2FS, MKFS_FAT]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (tool, args, kind) in [
        (
            "mke2fs",
            &["-q", "-F", "-t", "ext4", "{}"][..],
            FsKind::Ext4,
        ),
        // A FAT boot sector ends in 55 AA like an MBR: it must not be read
        // as one.
        ("mkfs.fat", &["-F", "16", "{}"][..], FsKind::Fat16),
    ] {
        let bytes = file_system(dir.path(), "whole", 16, tool, args);
        let t = partition::read(Arc::new(bytes)).unwrap();
        assert_eq!(t.scheme, Scheme::None, "{tool}");
        assert_eq!(t.partitions.len(), 1);
        assert_eq!(
            (
                t.partitions[0].index,
                t.partitions[0].start,
                t.partitions[0].len
            ),
            (1, 0, 16 * MIB as u64)
        );
        assert_eq!(t.partitions[0].content, Content::FileSystem(kind), "{tool}");
    }
}
