//! NTFS, ext4 and FAT read from an image file through `DiskFs`, never
//! mounted: each file system is built at test time with Debian's tools
//! from a source directory, walked whole through the interface and
//! compared with the source (names, kinds, sizes, link targets, content
//! hashes); then damaged to check that the damage is an error naming the
//! structure, never a panic or a hang.

use crate::common::require_tool;
use sha2::{Digest, Sha256};
use sovscan::image::disk::fs::{self as dfs, DiskFs, FsErrorKind, Kind, NodeId};
use sovscan::image::disk::{HostFile, ReadAt};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    File { size: u64, sha256: String },
    Dir,
    Link(String),
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a whole file through `ReadAt` in odd-sized pieces (a piece
/// crosses cluster and extent boundaries), hashing it.
fn hash_reader(r: &dyn ReadAt) -> std::io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 40_009];
    let mut at = 0u64;
    loop {
        let n = r.read_at(&mut buf, at)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        at += n as u64;
    }
    assert_eq!(at, r.size(), "read as many bytes as the size says");
    Ok(hex(&h.finalize()))
}

/// Everything under the root of `fs`, by path, with the errors met on the
/// way (the walk goes on after one). Bounded: 64 levels, 100,000 entries.
fn walk_image(fs: &dyn DiskFs) -> (BTreeMap<String, Seen>, Vec<String>) {
    let mut seen = BTreeMap::new();
    let mut errors = Vec::new();
    let mut todo: Vec<(String, NodeId, usize)> = vec![(String::new(), fs.root(), 0)];
    while let Some((path, dir, depth)) = todo.pop() {
        let entries = match fs.list(dir) {
            Ok(e) => e,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        for e in entries {
            let p = format!("{path}/{}", e.name_lossy());
            if seen.len() > 100_000 {
                errors.push("more than 100,000 entries".into());
                return (seen, errors);
            }
            match e.kind {
                Kind::Dir => {
                    seen.insert(p.clone(), Seen::Dir);
                    if depth < 64 {
                        todo.push((p, e.node, depth + 1));
                    }
                }
                Kind::Symlink => match fs.read_link(e.node) {
                    Ok(t) => {
                        assert_eq!(e.size, t.len() as u64, "{p}: a link's size is its target's");
                        seen.insert(p, Seen::Link(String::from_utf8_lossy(&t).into_owned()));
                    }
                    Err(err) => errors.push(err.to_string()),
                },
                Kind::File => match fs.open(e.node).map(|r| (r.size(), hash_reader(&*r))) {
                    Ok((size, Ok(sha256))) => {
                        assert_eq!(size, e.size, "{p}: opened size = listed size");
                        seen.insert(p, Seen::File { size, sha256 });
                    }
                    Ok((_, Err(err))) => errors.push(format!("{p}: {err}")),
                    Err(err) => errors.push(err.to_string()),
                },
                Kind::Other => {
                    if let Some(d) = e.damage {
                        errors.push(d);
                    }
                }
            }
        }
    }
    (seen, errors)
}

/// The same picture of a host directory.
fn walk_dir(root: &Path) -> BTreeMap<String, Seen> {
    let mut seen = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).min_depth(1) {
        let e = e.unwrap();
        let p = format!("/{}", e.path().strip_prefix(root).unwrap().display());
        let ft = e.file_type();
        let s = if ft.is_dir() {
            Seen::Dir
        } else if ft.is_symlink() {
            Seen::Link(std::fs::read_link(e.path()).unwrap().display().to_string())
        } else {
            let bytes = std::fs::read(e.path()).unwrap();
            Seen::File {
                size: bytes.len() as u64,
                sha256: hex(&Sha256::digest(&bytes)),
            }
        };
        seen.insert(p, s);
    }
    seen
}

fn open_image(path: &Path) -> Box<dyn DiskFs> {
    let src: Arc<dyn ReadAt> = Arc::new(HostFile::new(std::fs::File::open(path).unwrap()).unwrap());
    dfs::open(src)
        .unwrap()
        .expect("a file system is recognised")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn tools(list: &[(&str, &str)]) -> bool {
    list.iter()
        .all(|(tool, pkg)| require_tool(tool, &format!("apt-get install {pkg}")))
}

// ---------------------------------------------------------------- NTFS

fn ntfs_tools() -> bool {
    tools(&[("mkntfs", "ntfs-3g"), ("wimlib-imagex", "wimtools")])
}

/// An NTFS image holding `src`: mkntfs on a sparse file, then wimlib
/// captures `src` and applies it through libntfs-3g (no mount).
fn make_ntfs(src: &Path, dir: &Path, mib: u64) -> PathBuf {
    let img = dir.join("ntfs.img");
    let wim = dir.join("src.wim");
    std::fs::File::create(&img)
        .unwrap()
        .set_len(mib << 20)
        .unwrap();
    run(Command::new("mkntfs").args(["-F", "-f", "-q"]).arg(&img));
    run(Command::new("wimlib-imagex")
        .arg("capture")
        .arg(src)
        .arg(&wim));
    run(Command::new("wimlib-imagex")
        .arg("apply")
        .arg(&wim)
        .arg("1")
        .arg(&img));
    img
}

#[test]
fn ntfs_demo_windows_reads_as_its_source() {
    if !ntfs_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("demo-windows");
    let img = make_ntfs(&src, tmp.path(), 16);
    let fs = open_image(&img);
    assert_eq!(fs.name(), "ntfs");
    assert!(fs.case_insensitive());
    let (seen, errors) = walk_image(&*fs);
    assert!(errors.is_empty(), "{errors:#?}");
    let want = walk_dir(&src);
    // wimlib stores the absolute link target from the volume root.
    assert_eq!(seen, want);
    // NTFS's metadata files are not in the root listing.
    assert!(
        !seen.keys().any(|k| k.starts_with("/$")),
        "{:?}",
        seen.keys()
    );
    // Case-insensitive lookup, through the link in the path.
    let e = fs
        .lookup("/users/ALICE/scoop/apps/git/current")
        .unwrap()
        .expect("the link resolves");
    assert_eq!(e.kind, Kind::Dir);
    let listed: Vec<_> = fs
        .list(e.node)
        .unwrap()
        .into_iter()
        .map(|e| e.name_lossy().into_owned())
        .collect();
    let mut want: Vec<_> = std::fs::read_dir(src.join("Users/alice/scoop/apps/git/2.47.1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    want.sort();
    let mut listed = listed;
    listed.sort();
    assert_eq!(listed, want);
    assert!(fs.lookup("/Users/nobody").unwrap().is_none());
}

/// A small tree with what a Windows image has and demo-windows lacks: a
/// hard link, a relative and an absolute symbolic link, a directory link,
/// a file spanning many clusters, an empty file, a resident one.
fn links_tree(root: &Path) {
    let app = root.join("Program Files/App");
    std::fs::create_dir_all(&app).unwrap();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(app.join("app.exe"), &big).unwrap();
    std::fs::write(app.join("tiny.txt"), b"resident in the MFT record").unwrap();
    std::fs::write(app.join("empty.dat"), b"").unwrap();
    std::fs::hard_link(app.join("app.exe"), app.join("app-alias.exe")).unwrap();
    std::os::unix::fs::symlink("app.exe", app.join("rel-link.exe")).unwrap();
    std::os::unix::fs::symlink("/Program Files/App/tiny.txt", root.join("abs-link.txt")).unwrap();
    std::os::unix::fs::symlink("Program Files/App", root.join("AppDir")).unwrap();
    std::fs::create_dir_all(root.join("Users/bob/Downloads")).unwrap();
    std::fs::write(root.join("Users/bob/Downloads/setup.exe"), b"MZ setup").unwrap();
}

#[test]
fn ntfs_hard_links_share_a_file_id_and_links_keep_their_targets() {
    if !ntfs_tools() || !tools(&[("ntfscp", "ntfs-3g")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    links_tree(&src);
    let img = make_ntfs(&src, tmp.path(), 8);
    // The download mark Windows puts on setup.exe, written as an alternate
    // data stream by ntfs-3g (no mount), and another stream that is ignored.
    let zone = tmp.path().join("zone");
    std::fs::write(
        &zone,
        b"[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://example.org/setup.exe\r\n",
    )
    .unwrap();
    run(Command::new("ntfscp")
        .args(["-f", "-q", "-N", "Zone.Identifier"])
        .arg(&img)
        .arg(&zone)
        .arg("/Users/bob/Downloads/setup.exe"));
    run(Command::new("ntfscp")
        .args(["-f", "-q", "-N", "Other.Stream"])
        .arg(&img)
        .arg(&zone)
        .arg("/Program Files/App/tiny.txt"));

    let fs = open_image(&img);
    let (seen, errors) = walk_image(&*fs);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(seen, walk_dir(&src));

    let app = fs.lookup("/program files/app").unwrap().unwrap();
    let entries = fs.list(app.node).unwrap();
    let by_name = |n: &str| {
        entries
            .iter()
            .find(|e| e.name == n.as_bytes())
            .unwrap()
            .clone()
    };
    let (a, b) = (by_name("app.exe"), by_name("app-alias.exe"));
    assert_eq!(a.file_id, b.file_id, "one MFT record under two names");
    assert_eq!((a.links, b.links), (2, 2));
    assert_ne!(a.file_id, by_name("tiny.txt").file_id);
    assert_eq!(
        by_name("tiny.txt").zone_identifier,
        None,
        "other streams are ignored"
    );
    let setup = fs
        .lookup("/Users/bob/Downloads/setup.exe")
        .unwrap()
        .unwrap();
    let z = setup.zone_identifier.expect("Zone.Identifier is exposed");
    assert!(String::from_utf8_lossy(&z).contains("HostUrl=https://example.org/setup.exe"));
    // Through the directory link, and the absolute link, to the file.
    let tiny = fs.lookup("/AppDir/tiny.txt").unwrap().unwrap();
    assert_eq!(tiny.file_id, by_name("tiny.txt").file_id);
    assert_eq!(
        fs.lookup("/abs-link.txt").unwrap().unwrap().file_id,
        tiny.file_id
    );
}

/// The byte offset of MFT record `n` (from the boot sector; the MFT's
/// first records are contiguous).
fn mft_record_offset(img: &[u8], n: u64) -> (usize, usize) {
    let sector = u64::from(u16::from_le_bytes([img[11], img[12]]));
    let cluster = sector * u64::from(img[13]);
    let mft = u64::from_le_bytes(img[0x30..0x38].try_into().unwrap()) * cluster;
    let raw = img[0x40] as i8;
    let rec = if raw < 0 {
        1u64 << -raw
    } else {
        raw as u64 * cluster
    };
    ((mft + n * rec) as usize, rec as usize)
}

#[test]
fn ntfs_damage_is_an_error_naming_the_structure() {
    if !ntfs_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    links_tree(&src);
    let img = make_ntfs(&src, tmp.path(), 8);
    let fs = open_image(&img);
    let victim = fs
        .lookup("/Program Files/App/tiny.txt")
        .unwrap()
        .unwrap()
        .node
        .0;
    drop(fs);
    let clean = std::fs::read(&img).unwrap();

    // A zeroed MFT record: listing its directory names the record.
    let mut bytes = clean.clone();
    let (at, len) = mft_record_offset(&bytes, victim);
    bytes[at..at + len].fill(0);
    let fs = dfs::NtfsFs::new(Arc::new(bytes)).unwrap();
    let (_, errors) = walk_image(&fs);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("MFT record {victim}"))),
        "{errors:#?}"
    );

    // Truncated at several offsets: an error or fewer files, never a
    // panic; a cut inside the boot sector is no NTFS.
    for cut in [100usize, 4096, 1 << 20, 3 << 20, clean.len() - 4096] {
        let bytes = clean[..cut].to_vec();
        match dfs::open(Arc::new(bytes)) {
            Ok(Some(fs)) => {
                let _ = walk_image(&*fs);
            }
            Ok(None) => assert!(cut < 512),
            Err(e) => assert_eq!(e.kind, FsErrorKind::Corrupt, "{e}"),
        }
    }
}

// ---------------------------------------------------------------- ext4

fn make_ext4(src: &Path, img: &Path, extra: &[&str]) {
    run(Command::new("mke2fs")
        .args(["-q", "-F", "-t", "ext4"])
        .args(extra)
        .arg("-d")
        .arg(src)
        .arg(img)
        .arg("16M"));
}

#[test]
fn ext4_demo_linux_reads_as_its_source_with_1k_and_4k_blocks() {
    if !tools(&[("mke2fs", "e2fsprogs")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("demo-linux");
    let want = walk_dir(&src);
    for block in ["1024", "4096"] {
        let img = tmp.path().join(format!("ext4-{block}.img"));
        make_ext4(&src, &img, &["-b", block]);
        let fs = open_image(&img);
        assert_eq!(fs.name(), "ext4");
        let (mut seen, errors) = walk_image(&*fs);
        assert!(errors.is_empty(), "{errors:#?}");
        seen.remove("/lost+found");
        assert_eq!(seen, want, "block size {block}");
        // Case matters on ext4; relative links resolve from their directory.
        assert!(fs.lookup("/ETC/os-release").unwrap().is_none());
        let os = fs.lookup("/etc/os-release").unwrap().unwrap();
        assert_eq!(os.kind, Kind::File);
        let direct = fs.lookup("/usr/lib/os-release").unwrap().unwrap();
        assert_eq!(os.file_id, direct.file_id);
    }
}

#[test]
fn ext4_hard_links_long_links_holes_and_big_directories() {
    if !tools(&[("mke2fs", "e2fsprogs")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("bin")).unwrap();
    let big: Vec<u8> = (0..1_500_000u32).map(|i| (i * 13 % 253) as u8).collect();
    std::fs::write(src.join("bin/tool"), &big).unwrap();
    std::fs::hard_link(src.join("bin/tool"), src.join("bin/tool-alias")).unwrap();
    // Slow symlink: a target longer than the inode's 60 bytes.
    let long = format!("{}/tool", "../bin/".repeat(12));
    std::os::unix::fs::symlink(&long, src.join("bin/long-link")).unwrap();
    std::os::unix::fs::symlink("tool", src.join("bin/fast-link")).unwrap();
    std::os::unix::fs::symlink("loop-b", src.join("bin/loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", src.join("bin/loop-b")).unwrap();
    // A file with a hole: two extents and nothing between.
    let sparse = std::fs::File::create(src.join("bin/sparse")).unwrap();
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = &sparse;
        f.write_all(b"head").unwrap();
        f.seek(SeekFrom::Start(3 << 20)).unwrap();
        f.write_all(b"tail").unwrap();
    }
    // A directory over one block: an htree index.
    std::fs::create_dir(src.join("many")).unwrap();
    for i in 0..600 {
        std::fs::write(
            src.join(format!("many/file-with-a-longish-name-{i:04}")),
            i.to_string(),
        )
        .unwrap();
    }
    let img = tmp.path().join("ext4.img");
    make_ext4(&src, &img, &[]);
    let fs = open_image(&img);
    let (mut seen, errors) = walk_image(&*fs);
    assert!(errors.is_empty(), "{errors:#?}");
    seen.remove("/lost+found");
    assert_eq!(seen, walk_dir(&src));

    let bin = fs.lookup("/bin").unwrap().unwrap();
    let entries = fs.list(bin.node).unwrap();
    let by = |n: &str| {
        entries
            .iter()
            .find(|e| e.name == n.as_bytes())
            .unwrap()
            .clone()
    };
    assert_eq!(by("tool").file_id, by("tool-alias").file_id);
    assert_eq!(by("tool").links, 2);
    assert_eq!(
        std::fs::metadata(src.join("bin/tool")).unwrap().nlink(),
        u64::from(by("tool").links)
    );
    assert_eq!(fs.read_link(by("long-link").node).unwrap(), long.as_bytes());
    assert_eq!(
        fs.lookup("/bin/long-link").unwrap().unwrap().file_id,
        by("tool").file_id
    );
    let e = fs.lookup("/bin/loop-a").unwrap_err();
    assert!(e.to_string().contains("loop"), "{e}");
    // `..` stops at the root.
    assert_eq!(
        fs.lookup("/../../bin/tool").unwrap().unwrap().file_id,
        by("tool").file_id
    );
}

/// The byte offset of group 0's inode table (64-bit or 32-bit descriptors).
fn ext4_inode_table(img: &[u8]) -> usize {
    let block = 1024usize << u32::from_le_bytes(img[1048..1052].try_into().unwrap());
    let first = u32::from_le_bytes(img[1044..1048].try_into().unwrap()) as usize;
    let gd = (first + 1) * block;
    u32::from_le_bytes(img[gd + 8..gd + 12].try_into().unwrap()) as usize * block
}

#[test]
fn ext4_damage_is_an_error_naming_the_structure() {
    if !tools(&[("mke2fs", "e2fsprogs")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let img = tmp.path().join("ext4.img");
    make_ext4(&fixture("demo-linux"), &img, &[]);
    let clean = std::fs::read(&img).unwrap();

    // A bad superblock magic: not ext4 at all.
    let mut bytes = clean.clone();
    bytes[1080] = 0;
    assert!(dfs::open(Arc::new(bytes.clone())).unwrap().is_none());
    let e = dfs::Ext4Fs::new(Arc::new(bytes)).err().unwrap();
    assert!(e.to_string().starts_with("ext4 superblock"), "{e}");

    // A zeroed inode table: the root inode is named.
    let mut bytes = clean.clone();
    let table = ext4_inode_table(&bytes);
    bytes[table..table + 64 * 256].fill(0);
    let e = dfs::Ext4Fs::new(Arc::new(bytes)).err().unwrap();
    assert!(e.to_string().starts_with("ext4 inode 2"), "{e}");

    // A corrupt extent header in a directory inode (the root's).
    let mut bytes = clean.clone();
    let inode_size = u16::from_le_bytes([bytes[1024 + 88], bytes[1024 + 89]]) as usize;
    let root = table + inode_size; // inode 2
    bytes[root + 40] ^= 0xFF;
    let fs = dfs::Ext4Fs::new(Arc::new(bytes)).unwrap();
    let e = fs.list(fs.root()).unwrap_err();
    assert_eq!(e.to_string(), "ext4 inode 2: extent tree: bad header magic");

    // Truncated at several offsets: errors, never a panic.
    for cut in [1500usize, 4096, 1 << 20, 8 << 20, clean.len() - 1024] {
        match dfs::open(Arc::new(clean[..cut].to_vec())) {
            Ok(Some(fs)) => {
                let (_, errors) = walk_image(&*fs);
                assert!(!errors.is_empty() || cut > 1 << 20, "cut at {cut}");
            }
            Ok(None) => unreachable!("the superblock is there"),
            Err(e) => assert_eq!(e.kind, FsErrorKind::Corrupt, "{e}"),
        }
    }
}

// ---------------------------------------------------------------- FAT

/// What an EFI system partition holds: boot loaders, long and mixed-case
/// names, a file over many clusters, nested directories.
fn esp_tree(root: &Path) {
    let boot = root.join("EFI/BOOT");
    std::fs::create_dir_all(&boot).unwrap();
    std::fs::create_dir_all(root.join("EFI/debian/fw")).unwrap();
    let big: Vec<u8> = (0..700_000u32).map(|i| (i * 31 % 249) as u8).collect();
    std::fs::write(boot.join("BOOTX64.EFI"), &big).unwrap();
    std::fs::write(root.join("EFI/debian/grubx64.efi"), &big[..123_457]).unwrap();
    std::fs::write(
        root.join("EFI/debian/grub.cfg"),
        b"search.fs_uuid 1234 root\n",
    )
    .unwrap();
    std::fs::write(root.join("EFI/debian/fw/A Long Firmware Name.bin"), b"fw").unwrap();
    std::fs::write(root.join("EFI/debian/fw/empty"), b"").unwrap();
    std::fs::write(root.join("MixedCase.Cfg"), b"x").unwrap();
}

#[test]
fn fat_12_16_32_read_as_their_source() {
    if !tools(&[("mkfs.fat", "dosfstools"), ("mcopy", "mtools")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    esp_tree(&src);
    let want = walk_dir(&src);
    for (bits, kib, name) in [
        ("12", "4000", "fat12"),
        ("16", "20000", "fat16"),
        ("32", "40000", "fat32"),
    ] {
        let img = tmp.path().join(format!("fat{bits}.img"));
        let items: Vec<PathBuf> = std::fs::read_dir(&src)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        make_fat(&img, bits, kib, &items);
        let fs = open_image(&img);
        assert_eq!(fs.name(), name);
        let (seen, errors) = walk_image(&*fs);
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(seen, want, "{name}");
        let e = fs.lookup("/efi/boot/bootx64.efi").unwrap().unwrap();
        assert_eq!(e.size, 700_000);
        // Two reads of one file at once, from two threads.
        let r = fs.open(e.node).unwrap();
        std::thread::scope(|s| {
            for off in [0u64, 650_000] {
                let r = &r;
                s.spawn(move || {
                    let mut b = [0u8; 100];
                    r.read_exact_at(&mut b, off).unwrap();
                    assert_eq!(b[0], ((off as u32) * 31 % 249) as u8);
                });
            }
        });
    }
}

#[test]
fn fat_damage_is_an_error_not_a_hang() {
    if !tools(&[("mkfs.fat", "dosfstools"), ("mcopy", "mtools")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    esp_tree(&src);
    let img = tmp.path().join("fat.img");
    make_fat(&img, "16", "20000", &[src.join("EFI")]);
    let clean = std::fs::read(&img).unwrap();
    // Every FAT entry pointing to cluster 2 (every chain loops) and every
    // data cluster full of deleted entries: a directory that never ends,
    // which fatfs would read for ever.
    let sector = 512;
    let reserved = u16::from_le_bytes([clean[14], clean[15]]) as usize * sector;
    let fat_len = u16::from_le_bytes([clean[22], clean[23]]) as usize * sector;
    let root_len = u16::from_le_bytes([clean[17], clean[18]]) as usize * 32;
    let data = reserved + clean[16] as usize * fat_len + root_len;
    let mut bytes = clean.clone();
    for fat in 0..clean[16] as usize {
        let start = reserved + fat * fat_len;
        for e in bytes[start + 4..start + fat_len].chunks_exact_mut(2) {
            e.copy_from_slice(&2u16.to_le_bytes());
        }
    }
    for e in bytes[data..].chunks_exact_mut(32) {
        e.fill(0);
        e[0] = 0xE5;
        e[11] = 0x20;
    }
    let fs = dfs::open(Arc::new(bytes)).unwrap().unwrap();
    let (_, errors) = walk_image(&*fs);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("FAT directory /EFI") && e.contains("budget")),
        "{errors:#?}"
    );
    for cut in [600usize, 8192, 100_000, clean.len() / 2] {
        if let Ok(Some(fs)) = dfs::open(Arc::new(clean[..cut].to_vec())) {
            let _ = walk_image(&*fs);
        }
    }
}

// ------------------------------------------------------- random damage

/// The tools of all three file systems, and a tree with the links of
/// [`links_tree`] and the ESP of [`esp_tree`] (in `tmp/src`).
fn every_tool_and_a_mixed_tree() -> Option<(tempfile::TempDir, PathBuf)> {
    let all = ntfs_tools()
        && tools(&[
            ("mke2fs", "e2fsprogs"),
            ("mkfs.fat", "dosfstools"),
            ("mcopy", "mtools"),
        ]);
    if !all {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    links_tree(&src);
    esp_tree(&src);
    Some((tmp, src))
}

/// A FAT image of `bits` (12, 16, 32) and `kib` KiB holding `items`.
fn make_fat(img: &Path, bits: &str, kib: &str, items: &[PathBuf]) {
    let _ = std::fs::remove_file(img);
    run(Command::new("mkfs.fat")
        .args(["-C", "-F", bits])
        .arg(img)
        .arg(kib)
        .stdout(std::process::Stdio::null()));
    run(Command::new("mcopy")
        .args(["-s", "-i"])
        .arg(img)
        .args(items)
        .arg("::/"));
}

/// The whole tree (bounded), the head and the tail of each file, the links.
fn light_walk(fs: &dyn DiskFs) {
    let mut todo = vec![(fs.root(), 0usize)];
    let mut count = 0;
    let mut buf = [0u8; 4096];
    while let Some((dir, depth)) = todo.pop() {
        let Ok(entries) = fs.list(dir) else { continue };
        for e in entries {
            count += 1;
            assert!(count < 100_000, "a walk that does not end");
            match e.kind {
                Kind::Dir if depth < 64 => todo.push((e.node, depth + 1)),
                Kind::File => {
                    if let Ok(r) = fs.open(e.node) {
                        let _ = r.read_at(&mut buf, 0);
                        let _ = r.read_at(&mut buf, r.size().saturating_sub(5000));
                    }
                }
                Kind::Symlink => {
                    let _ = fs.read_link(e.node);
                }
                _ => {}
            }
        }
    }
}

/// xorshift: the same damage on every run.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Damages the metadata area of `clean` (its first `span` bytes) at 16
/// random places, `rounds` times, and walks each result: errors are fine,
/// a panic fails the test, and every walk ends (the walk is bounded, so a
/// hang would be inside the reader).
fn survive_damage(
    clean: &[u8],
    span: usize,
    rounds: usize,
    open: impl Fn(Vec<u8>) -> Option<Box<dyn DiskFs>>,
) {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let span = span.min(clean.len());
    for _ in 0..rounds {
        let mut bytes = clean.to_vec();
        for _ in 0..16 {
            let at = (next(&mut state) % span as u64) as usize;
            bytes[at] = next(&mut state) as u8;
        }
        if let Some(fs) = open(bytes) {
            light_walk(&*fs);
            let _ = fs.lookup("/Program Files/App/rel-link.exe");
            let _ = fs.lookup("/EFI/BOOT/BOOTX64.EFI");
        }
    }
}

#[test]
fn random_damage_never_panics_or_hangs() {
    let Some((tmp, src)) = every_tool_and_a_mixed_tree() else {
        return;
    };
    let ntfs = std::fs::read(make_ntfs(&src, tmp.path(), 4)).unwrap();
    let (mft, _) = mft_record_offset(&ntfs, 0);
    // The boot sector and the MFT's first 64 records.
    let mut near_mft = ntfs.clone();
    survive_damage(&ntfs, 512, 20, |b| {
        dfs::NtfsFs::new(Arc::new(b)).ok().map(|f| Box::new(f) as _)
    });
    let tail = near_mft.split_off(mft);
    survive_damage(&tail, 64 * 1024, 50, |b| {
        let mut whole = near_mft.clone();
        whole.extend_from_slice(&b);
        dfs::NtfsFs::new(Arc::new(whole))
            .ok()
            .map(|f| Box::new(f) as _)
    });

    let ext4 = tmp.path().join("ext4.img");
    make_ext4(&src, &ext4, &[]);
    let ext4 = std::fs::read(ext4).unwrap();
    survive_damage(&ext4, 256 * 1024, 80, |b| {
        dfs::Ext4Fs::new(Arc::new(b)).ok().map(|f| Box::new(f) as _)
    });

    let fat = tmp.path().join("fat.img");
    make_fat(&fat, "12", "4000", &[src.join("EFI")]);
    let fat = std::fs::read(fat).unwrap();
    survive_damage(&fat, 64 * 1024, 80, |b| {
        dfs::FatFs::new(Arc::new(b)).ok().map(|f| Box::new(f) as _)
    });
}

// ------------------------------------------------------------ laziness

/// A source that counts the bytes read from it.
struct Counting {
    inner: Vec<u8>,
    read: std::sync::atomic::AtomicU64,
}

impl ReadAt for Counting {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        let n = self.inner.read_at(buf, offset)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }

    fn size(&self) -> u64 {
        self.inner.size()
    }
}

/// Opening a file reads nothing of its data, and 4 KiB read from its
/// middle costs 4 KiB plus the metadata on the way (a record or inode,
/// extent or FAT blocks): the scan of a big image reads what it asks for.
fn assert_lazy(img: &Path, path: &str, bound: u64) {
    let src = Arc::new(Counting {
        inner: std::fs::read(img).unwrap(),
        read: Default::default(),
    });
    let fs = dfs::open(src.clone()).unwrap().unwrap();
    let e = fs.lookup(path).unwrap().unwrap();
    let r = fs.open(e.node).unwrap();
    let before = src.read.load(std::sync::atomic::Ordering::Relaxed);
    let mut buf = vec![0u8; 4096];
    r.read_exact_at(&mut buf, e.size / 2).unwrap();
    let cost = src.read.load(std::sync::atomic::Ordering::Relaxed) - before;
    assert!(
        (4096..=bound).contains(&cost),
        "{}: 4 KiB of {path} read {cost} bytes of the image",
        fs.name()
    );
}

#[test]
fn reads_are_lazy() {
    let Some((tmp, src)) = every_tool_and_a_mixed_tree() else {
        return;
    };
    // NTFS: the MFT record (1 KiB) is read again on each read, in cached
    // 4 KiB blocks; then the data.
    assert_lazy(
        &make_ntfs(&src, tmp.path(), 8),
        "/Program Files/App/app.exe",
        16 * 1024,
    );
    let ext4 = tmp.path().join("ext4.img");
    make_ext4(&src, &ext4, &[]);
    assert_lazy(&ext4, "/EFI/BOOT/BOOTX64.EFI", 8 * 1024);
    // FAT: the boot sector, the directories on the path, the FAT blocks of
    // the chain up to the offset, then the data.
    let fat = tmp.path().join("fat.img");
    make_fat(&fat, "32", "40000", &[src.join("EFI")]);
    assert_lazy(&fat, "/EFI/BOOT/BOOTX64.EFI", 64 * 1024);
}
