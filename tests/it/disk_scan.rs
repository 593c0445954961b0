//! `sovscan scan IMAGE-FILE`: the demo images written into NTFS and ext4
//! with Debian's tools (no mount), partitioned with sgdisk beside an EFI
//! system partition, converted by qemu-img to qcow2, VHDX and VMDK, scan
//! as the directories they were built from; damage and encryption are
//! said, never a crash; a scan reads the metadata and the fingerprinted
//! bytes, not the image.

use crate::common::{run_ok, sovscan};
use crate::disk_support::{
    MIB, MKE2FS, MKFS_FAT, MKNTFS, QEMU, SGDISK, convert, have, patch, peek, run,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

const WIMLIB: (&str, &str) = ("wimlib-imagex", "wimtools");
const MCOPY: (&str, &str) = ("mcopy", "mtools");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// `sovscan scan -f json ARGS…`, which must succeed.
fn scan(args: &[&std::ffi::OsStr]) -> Value {
    let mut cmd = sovscan();
    cmd.args(["scan", "-f", "json", "--no-progress"]).args(args);
    let out = run_ok(cmd.timeout(std::time::Duration::from_secs(120)));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A report without what names where the tree was read from (roots, the
/// disk, timing) and without the walk's counts, which the callers compare
/// apart: what is left must not depend on it.
fn normalised(mut r: Value) -> Value {
    r["scan"]["duration_ms"] = Value::from(0);
    for img in r["images"].as_array_mut().unwrap() {
        let o = img.as_object_mut().unwrap();
        o.insert("root".into(), Value::from("ROOT"));
        o.remove("disk");
        o.remove("stats");
    }
    r
}

/// The counts of the walk that must agree between a directory and its
/// image (`dirs` differs on ext4 by `lost+found`).
fn counts(r: &Value) -> Vec<u64> {
    let s = &r["images"][0]["stats"];
    [
        "files",
        "symlinks",
        "bytes",
        "sniffed",
        "candidates",
        "binaries_parsed",
        "hardlinks_deduplicated",
    ]
    .iter()
    .map(|k| s[k].as_u64().unwrap())
    .collect()
}

fn assert_same_scan(image: &Value, dir: &Value, what: &str) {
    assert_eq!(counts(image), counts(dir), "{what}: walk counts");
    let (a, b) = (normalised(image.clone()), normalised(dir.clone()));
    if a != b {
        let (a, b) = (
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap(),
        );
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        let show = |t: &str| {
            t.lines()
                .skip(first.saturating_sub(5))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{what}: the image's report differs from the directory's at line {first}:\n--- image\n{}\n--- directory\n{}",
            show(&a),
            show(&b)
        );
    }
}

/// An NTFS file system of `mib` MiB holding `src`: mkntfs on a sparse
/// file, then wimlib captures `src` and applies it through libntfs-3g.
fn ntfs_of(src: &Path, dir: &Path, mib: u64) -> PathBuf {
    let img = dir.join("ntfs.img");
    let wim = dir.join("src.wim");
    std::fs::File::create(&img)
        .unwrap()
        .set_len(mib << 20)
        .unwrap();
    run("mkntfs", &["-F", "-f", "-q", img.to_str().unwrap()]);
    run(
        "wimlib-imagex",
        &["capture", src.to_str().unwrap(), wim.to_str().unwrap()],
    );
    run(
        "wimlib-imagex",
        &["apply", wim.to_str().unwrap(), "1", img.to_str().unwrap()],
    );
    std::fs::remove_file(&wim).unwrap();
    img
}

/// Copies `len` bytes of `from` into `to` at `offset`.
fn place(from: &Path, to: &Path, offset: u64) {
    use std::io::Read;
    let mut src = std::fs::File::open(from).unwrap();
    let mut buf = vec![0u8; MIB];
    let mut at = offset;
    loop {
        let n = src.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        patch(to, at, &buf[..n]);
        at += n as u64;
    }
}

/// A GPT disk as Windows setup lays it out: partition 1 an EFI system
/// partition (FAT32, holding a PE file as `EFI/BOOT/BOOTX64.EFI`),
/// partition 2 Microsoft basic data with demo-windows on NTFS, partition 3
/// an empty NTFS recovery partition. Returns the raw disk.
fn windows_disk(dir: &Path) -> PathBuf {
    let ntfs = ntfs_of(&fixture("demo-windows"), dir, 24);
    let esp = dir.join("esp.img");
    std::fs::File::create(&esp)
        .unwrap()
        .set_len(36 << 20)
        .unwrap();
    let e = esp.to_str().unwrap();
    run("mkfs.fat", &["-F", "32", "-s", "1", "-n", "ESP", e]);
    run("mmd", &["-i", e, "::/EFI", "::/EFI/BOOT"]);
    let pe = fixture("demo-windows/Windows/System32/notepad.exe");
    run(
        "mcopy",
        &["-i", e, pe.to_str().unwrap(), "::/EFI/BOOT/BOOTX64.EFI"],
    );
    let recovery = dir.join("recovery.img");
    std::fs::File::create(&recovery)
        .unwrap()
        .set_len(8 << 20)
        .unwrap();
    run("mkntfs", &["-F", "-f", "-q", recovery.to_str().unwrap()]);
    let disk = dir.join("disk.raw");
    std::fs::File::create(&disk)
        .unwrap()
        .set_len(72 << 20)
        .unwrap();
    let d = disk.to_str().unwrap();
    run(
        "sgdisk",
        &[
            "-n",
            "1:2048:+36M",
            "-t",
            "1:ef00",
            "-c",
            "1:EFI system partition",
            "-n",
            "2:0:+24M",
            "-t",
            "2:0700",
            "-c",
            "2:Basic data partition",
            "-n",
            "3:0:+8M",
            "-t",
            "3:2700",
            "-c",
            "3:Recovery",
            d,
        ],
    );
    place(&esp, &disk, 2048 * 512);
    place(&ntfs, &disk, (2048 + 36 * 2048) * 512);
    place(&recovery, &disk, (2048 + 60 * 2048) * 512);
    std::fs::remove_file(&esp).unwrap();
    std::fs::remove_file(&recovery).unwrap();
    std::fs::remove_file(&ntfs).unwrap();
    disk
}

fn windows_tools() -> bool {
    have(&[QEMU, MKNTFS, WIMLIB, SGDISK, MKFS_FAT, MCOPY])
}

#[test]
fn windows_image_files_scan_as_their_directory() {
    if !windows_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let raw = windows_disk(tmp.path());
    let dir = scan(&[fixture("demo-windows").as_os_str()]);
    assert!(dir["binaries"].as_array().unwrap().len() >= 10);
    let mut files = vec![("raw", raw.clone())];
    for (name, format, opts, compress) in [
        ("disk.qcow2", "qcow2", "compat=1.1", false),
        ("disk-compressed.qcow2", "qcow2", "", true),
        ("disk.vhdx", "vhdx", "subformat=dynamic", false),
        ("disk.vmdk", "vmdk", "subformat=streamOptimized", false),
        (
            "disk-sparse.vmdk",
            "vmdk",
            "subformat=monolithicSparse",
            false,
        ),
    ] {
        let out = tmp.path().join(name);
        convert(&raw, format, opts, compress, &out);
        files.push((name, out));
    }
    for (name, file) in &files {
        let report = scan(&["--partition".as_ref(), "2".as_ref(), file.as_os_str()]);
        let img = &report["images"][0];
        assert_eq!(
            img["root"].as_str().unwrap(),
            format!("{}#p2", file.display())
        );
        assert_eq!(img["disk"]["partition"], 2);
        assert_eq!(img["disk"]["table"], "gpt");
        assert_eq!(img["disk"]["filesystem"], "NTFS");
        assert_eq!(img["disk"]["partition_type"], "Microsoft basic data");
        assert_eq!(img["os"]["name"], "Windows 11 Pro");
        assert_same_scan(&report, &dir, name);
    }

    // Every partition: the ESP is a root of its own, with its boot loader;
    // the empty recovery partition is one too, and fails nothing.
    let qcow2 = &files[1].1;
    let report = scan(&[qcow2.as_os_str()]);
    let images = report["images"].as_array().unwrap();
    assert_eq!(images.len(), 3, "{images:#?}");
    assert_eq!(images[2]["root"], format!("{}#p3", qcow2.display()));
    assert_eq!(images[2]["disk"]["partition_type"], "Windows recovery");
    assert_eq!(images[2]["os"]["family"], "directory");
    assert_eq!(images[0]["root"], format!("{}#p1", qcow2.display()));
    assert_eq!(images[0]["disk"]["filesystem"], "FAT32");
    assert_eq!(images[0]["disk"]["partition_type"], "EFI system");
    assert_eq!(images[0]["disk"]["label"], "EFI system partition");
    assert_eq!(images[0]["disk"]["container"], "qcow2");
    assert_eq!(images[1]["os"]["family"], "windows");
    let boot: Vec<&Value> = report["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["image"] == 0)
        .collect();
    assert_eq!(boot.len(), 1, "{boot:#?}");
    assert_eq!(boot[0]["path"], "EFI/BOOT/BOOTX64.EFI");
    assert_eq!(boot[0]["format"], "pe");

    // The table says which partitions it found and what each holds.
    let out = run_ok(
        sovscan()
            .args(["scan", "--no-progress"])
            .arg(qcow2)
            .timeout(std::time::Duration::from_secs(120)),
    );
    let table = String::from_utf8_lossy(&out.stdout);
    for part in [
        "#p1 (directory; qcow2, GPT p1 EFI system, FAT32)",
        "#p2 (windows, Windows 11 Pro; qcow2, GPT p2 Microsoft basic data, NTFS)",
        "#p3 (directory; qcow2, GPT p3 Windows recovery, NTFS)",
    ] {
        assert!(table.contains(part), "{part} in\n{table}");
    }
}

/// A 32 MiB ext4 file system holding `src`, written by `mke2fs -d` to the
/// whole of `raw` (no partition table, no mount).
fn ext4_of(src: &Path, raw: &Path) -> PathBuf {
    std::fs::File::create(raw)
        .unwrap()
        .set_len(32 << 20)
        .unwrap();
    let (s, r) = (src.to_str().unwrap(), raw.to_str().unwrap());
    run("mke2fs", &["-q", "-F", "-t", "ext4", "-d", s, r]);
    raw.to_owned()
}

#[test]
fn linux_image_files_scan_as_their_directory() {
    if !have(&[QEMU, MKE2FS]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("demo-linux");
    let raw = ext4_of(&src, &tmp.path().join("linux.raw"));
    let dir = scan(&[src.as_os_str()]);
    let vhdx = tmp.path().join("linux.vhdx");
    convert(&raw, "vhdx", "subformat=dynamic", false, &vhdx);
    let vmdk = tmp.path().join("linux.vmdk");
    convert(&raw, "vmdk", "subformat=monolithicSparse", false, &vmdk);
    for file in [&raw, &vhdx, &vmdk] {
        let report = scan(&[file.as_os_str()]);
        let img = &report["images"][0];
        // A file system on the whole disk: the root is the file itself.
        assert_eq!(img["root"].as_str().unwrap(), file.display().to_string());
        assert_eq!(img["disk"]["table"], "none");
        assert_eq!(img["disk"]["filesystem"], "ext4");
        assert_eq!(img["os"]["family"], "linux");
        assert_same_scan(&report, &dir, &file.display().to_string());
    }
}

#[test]
fn ntfs_hard_links_are_two_binary_records_read_once() {
    if !have(&[MKNTFS, WIMLIB]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("tree");
    let a = src.join("Program Files/App");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::copy(
        fixture("demo-windows/Program Files/7-Zip/7zFM.exe"),
        a.join("app.exe"),
    )
    .unwrap();
    std::fs::hard_link(a.join("app.exe"), a.join("app-copy.exe")).unwrap();
    let img = ntfs_of(&src, tmp.path(), 8);
    let report = scan(&["--os".as_ref(), "dir".as_ref(), img.as_os_str()]);
    let bins = report["binaries"].as_array().unwrap();
    let paths: Vec<&str> = bins.iter().map(|b| b["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "Program Files/App/app-copy.exe",
            "Program Files/App/app.exe"
        ]
    );
    assert_eq!(bins[0]["sha256"], bins[1]["sha256"]);
    let stats = &report["images"][0]["stats"];
    assert_eq!(stats["binaries_parsed"], 1, "{stats}");
    assert_eq!(stats["hardlinks_deduplicated"], 1, "{stats}");
}

/// `sovscan scan FILE`, which must exit 0; its report.
fn scan_damaged(file: &Path) -> Value {
    scan(&[file.as_os_str()])
}

fn messages(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn damage_is_said_and_the_rest_still_scanned() {
    if !windows_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let raw = windows_disk(tmp.path());
    let p2 = (2048 + 36 * 2048) * 512u64;

    // A bad primary GPT header CRC: the backup is used, and said.
    let bad_gpt = tmp.path().join("bad-gpt.raw");
    std::fs::copy(&raw, &bad_gpt).unwrap();
    let mut crc = peek(&bad_gpt, 512 + 16, 4);
    crc[0] ^= 0xff;
    patch(&bad_gpt, 512 + 16, &crc);
    let report = scan_damaged(&bad_gpt);
    assert_eq!(report["images"].as_array().unwrap().len(), 3);
    let warnings = messages(&report, "warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("partition table:") && w.contains("backup")),
        "{warnings:#?}"
    );

    // An NTFS whose MFT record of one binary is zeroed: that file is an
    // error naming the record, every other binary is still found.
    let bad_mft = tmp.path().join("bad-mft.raw");
    std::fs::copy(&raw, &bad_mft).unwrap();
    let target = "7zFM.exe"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect::<Vec<u8>>();
    let part = peek(&bad_mft, p2, 24 * MIB);
    let at = find_mft_record_naming(&part, &target).expect("the MFT record of 7zFM.exe");
    patch(&bad_mft, p2 + at as u64, &[0u8; 1024]);
    let report = scan(&["--partition".as_ref(), "2".as_ref(), bad_mft.as_os_str()]);
    let errors = messages(&report, "errors");
    assert!(
        errors.iter().any(|e| e.contains("MFT record")),
        "{errors:#?}"
    );
    let paths: Vec<&str> = report["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths.contains(&"Program Files/7-Zip/7zFM.exe"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"Program Files/Mozilla Firefox/firefox.exe"),
        "{paths:?}"
    );

    // A qcow2 cut short at several places: an error naming the file (exit
    // 2) or a report with error entries, never a crash or a hang.
    let qcow2 = tmp.path().join("disk.qcow2");
    convert(&raw, "qcow2", "", false, &qcow2);
    let len = std::fs::metadata(&qcow2).unwrap().len();
    for cut in [100, 4096, 70_000, len / 3, len / 2, len - 4096] {
        let short = tmp.path().join("short.qcow2");
        std::fs::copy(&qcow2, &short).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&short)
            .unwrap()
            .set_len(cut)
            .unwrap();
        let out = sovscan()
            .args(["scan", "-f", "json", "--no-progress"])
            .arg(&short)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            code == Some(0) || code == Some(2),
            "cut at {cut}: {code:?} {stderr}"
        );
        if code == Some(2) {
            assert!(
                stderr.contains(&short.display().to_string()) && stderr.lines().count() == 1,
                "cut at {cut}: {stderr}"
            );
        }
    }

    // A disk whose only partitions are encrypted: exit 2, said as such.
    let luks = tmp.path().join("luks.raw");
    std::fs::copy(&raw, &luks).unwrap();
    let mut header = vec![0u8; 4096];
    header[..6].copy_from_slice(b"LUKS\xba\xbe");
    patch(&luks, 2048 * 512, &header);
    let report = scan_damaged(&luks);
    let warnings = messages(&report, "warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("partition 1") && w.contains("encrypted")),
        "{warnings:#?}"
    );
    assert_eq!(report["images"].as_array().unwrap().len(), 2);
    patch(&luks, p2, &header);
    patch(&luks, (2048 + 60 * 2048) * 512, &header);
    let out = sovscan()
        .args(["scan", "-f", "json", "--no-progress"])
        .arg(&luks)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nothing to scan") && stderr.contains("LUKS (encrypted)"),
        "{stderr}"
    );
}

/// The offset of the MFT record (1 KiB, `FILE` signature) whose file name
/// attribute holds `name` (UTF-16LE).
fn find_mft_record_naming(part: &[u8], name: &[u8]) -> Option<usize> {
    (0..part.len() / 1024).map(|i| i * 1024).find(|&at| {
        let rec = &part[at..at + 1024];
        rec.starts_with(b"FILE") && rec.windows(name.len()).any(|w| w == name)
    })
}

/// The bytes a scan reads: counted under the container, through the
/// library, on a tree whose bulk is large files that are no binaries.
#[test]
fn a_scan_reads_the_metadata_and_the_fingerprinted_bytes_only() {
    use sovscan::image::disk::{CountingReader, HostFile, ReadAt};
    use std::sync::Arc;
    if !have(&[QEMU, MKNTFS, WIMLIB]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("tree");
    copy_tree(&fixture("demo-windows"), &src);
    // 24 MiB of data no fingerprinter reads past its first bytes.
    let data = src.join("Users/alice/Documents");
    std::fs::create_dir_all(&data).unwrap();
    for i in 0..12 {
        let bytes = crate::disk_support::noise(i + 7, 2 * MIB);
        std::fs::write(data.join(format!("video-{i}.mp4")), bytes).unwrap();
    }
    let ntfs = ntfs_of(&src, tmp.path(), 64);
    let vhdx = tmp.path().join("disk.vhdx");
    convert(&ntfs, "vhdx", "subformat=dynamic", false, &vhdx);
    let file = HostFile::new(std::fs::File::open(&vhdx).unwrap()).unwrap();
    let counted = Arc::new(CountingReader::new(file));
    let images = sovscan::image::open_disk_from(
        &vhdx,
        counted.clone() as Arc<dyn ReadAt>,
        None,
        &Default::default(),
    )
    .unwrap();
    let db = sovscan::rules::RuleDb::embedded().unwrap();
    let progress = sovscan::progress::Progress::new(false);
    let report = sovscan::scan::scan_images(
        &images,
        &db,
        &Default::default(),
        &progress,
        std::time::Instant::now(),
    );
    let read = counted.bytes();
    // What the scan had to read: every binary whole (PE files are hashed
    // whole for their Authenticode digest), the files the collectors read
    // (the registry hives, MSI packages, manifests), the MFT records of
    // every file and directory, and a cluster of every other file.
    let stats = &report.images[0].stats;
    let binaries: u64 = report.binaries.iter().map(|b| b.size).sum();
    let collected: u64 = [
        "Windows/System32/config/SOFTWARE",
        "Users/alice/NTUSER.DAT",
        "Users/bob/NTUSER.DAT",
    ]
    .iter()
    .chain(&[
        "Windows/Installer/7f3a91.msi",
        "Windows/Installer/4b1c2e.msi",
    ])
    .map(|p| {
        std::fs::metadata(fixture("demo-windows").join(p))
            .unwrap()
            .len()
    })
    .sum();
    let metadata = (stats.files + stats.dirs + 64) * 1024 + 8 * MIB as u64;
    let others = stats.sniffed * 64 * 1024;
    let bound = binaries + collected + metadata + others;
    assert!(
        read <= bound,
        "read {read} bytes; binaries {binaries}, collected {collected}, metadata {metadata}, sniffed {others}"
    );
    // And far less than the image holds: the 24 MiB of data are not read.
    assert!(
        read < 12 * MIB as u64,
        "read {read} bytes of a {} byte image",
        counted.size()
    );
    assert!(stats.binaries_parsed >= 10);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        let dest = to.join(e.file_name());
        if t.is_dir() {
            copy_tree(&e.path(), &dest);
        } else if t.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn a_downloaded_binary_carries_its_zone_identifier() {
    if !have(&[MKNTFS, WIMLIB, ("ntfscp", "ntfs-3g")]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("tree");
    let downloads = src.join("Users/alice/Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let putty = fixture("demo-windows/Users/alice/Downloads/putty.exe");
    std::fs::copy(&putty, downloads.join("putty.exe")).unwrap();
    std::fs::copy(&putty, downloads.join("copied.exe")).unwrap();
    let img = ntfs_of(&src, tmp.path(), 8);
    let zone = tmp.path().join("zone");
    std::fs::write(
        &zone,
        "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://www.example.org/putty/\r\nHostUrl=https://dl.example.org/putty/putty.exe\r\n",
    )
    .unwrap();
    run(
        "ntfscp",
        &[
            "-f",
            "-q",
            "-N",
            "Zone.Identifier",
            img.to_str().unwrap(),
            zone.to_str().unwrap(),
            "/Users/alice/Downloads/putty.exe",
        ],
    );
    let report = scan(&["--os".as_ref(), "dir".as_ref(), img.as_os_str()]);
    let bin = |p: &str| {
        report["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["path"] == p)
            .unwrap_or_else(|| panic!("{p} in {report:#}"))
            .clone()
    };
    let d = &bin("Users/alice/Downloads/putty.exe")["download"];
    assert_eq!(d["zone"], 3, "{d}");
    assert_eq!(d["host_url"], "https://dl.example.org/putty/putty.exe");
    assert_eq!(d["referrer_url"], "https://www.example.org/putty/");
    assert_eq!(d["evidence"], "NTFS stream Zone.Identifier");
    // A file without the stream has no download record.
    assert!(
        bin("Users/alice/Downloads/copied.exe")
            .get("download")
            .is_none()
    );
}

/// A qcow2 overlay reads its backing file only when the user names it
/// (`--parent`): without it the scan says which file it needs.
#[test]
fn an_overlay_is_scanned_with_the_parent_the_user_names() {
    if !have(&[QEMU, MKE2FS]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("demo-linux");
    let raw = ext4_of(&src, &tmp.path().join("base.raw"));
    let base = tmp.path().join("base.qcow2");
    convert(&raw, "qcow2", "", false, &base);
    let overlay = tmp.path().join("overlay.qcow2");
    run(
        "qemu-img",
        &[
            "create",
            "-q",
            "-f",
            "qcow2",
            "-b",
            "base.qcow2",
            "-F",
            "qcow2",
            overlay.to_str().unwrap(),
        ],
    );
    let out = sovscan()
        .args(["scan", "--no-progress"])
        .arg(&overlay)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("needs its backing file \"base.qcow2\", which was not given"),
        "{stderr}"
    );
    let report = scan(&["--parent".as_ref(), base.as_os_str(), overlay.as_os_str()]);
    let dir = scan(&[src.as_os_str()]);
    assert_eq!(report["images"][0]["disk"]["container"], "qcow2");
    assert_same_scan(&report, &dir, "overlay with its parent");
}

/// A FAT directory whose entries point back at itself (twice, so each
/// level doubles): the scan ends, each cut an error naming the directory.
#[test]
fn a_fat_directory_loop_ends_with_an_error() {
    if !have(&[MKFS_FAT, MCOPY]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let img = tmp.path().join("esp.img");
    let i = img.to_str().unwrap();
    run("mkfs.fat", &["-C", "-F", "16", i, "20000"]);
    run("mmd", &["-i", i, "::/LOOP", "::/LOOP/SUB", "::/LOOP/SUB2"]);
    let mut bytes = std::fs::read(&img).unwrap();
    // 8.3 directory entries: the name (11 bytes), attributes 0x10, the
    // first cluster's low half at offset 26.
    let entry = |bytes: &[u8], name: &[u8; 11]| {
        (0..bytes.len() - 32)
            .step_by(32)
            .find(|&at| &bytes[at..at + 11] == name && bytes[at + 11] & 0x10 != 0)
            .expect("the directory entry")
    };
    let lp = entry(&bytes, b"LOOP       ");
    let cluster = [bytes[lp + 26], bytes[lp + 27]];
    for name in [b"SUB        ", b"SUB2       "] {
        let at = entry(&bytes, name);
        bytes[at + 26..at + 28].copy_from_slice(&cluster);
    }
    std::fs::write(&img, &bytes).unwrap();
    let out = sovscan()
        .args(["scan", "-f", "json", "--no-progress", "--allow-empty"])
        .arg(&img)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = messages(&report, "errors");
    assert!(
        errors.iter().any(|e| e.contains("a directory loop")),
        "{errors:#?}"
    );
}
