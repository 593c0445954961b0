//! Walk guarantees that need a tree built on the spot: hard links,
//! symlinked binaries, and file-system boundaries.

use crate::common::*;
use std::os::unix::fs::symlink;
use std::path::Path;

#[test]
fn hard_links_are_fingerprinted_once_and_every_name_is_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("usr/bin/gzip"), &elf(&[5; 20], None), 0o755);
    std::fs::hard_link(root.join("usr/bin/gzip"), root.join("usr/bin/gunzip")).unwrap();
    std::fs::hard_link(root.join("usr/bin/gzip"), root.join("usr/bin/zcat")).unwrap();
    let r = scan_json(&[root]);
    assert_eq!(
        binary_paths(&r),
        ["usr/bin/gunzip", "usr/bin/gzip", "usr/bin/zcat"]
    );
    // Each record lists the file's other names, whichever thread saw which
    // name first.
    for (path, links) in [
        ("usr/bin/gunzip", ["usr/bin/gzip", "usr/bin/zcat"]),
        ("usr/bin/gzip", ["usr/bin/gunzip", "usr/bin/zcat"]),
        ("usr/bin/zcat", ["usr/bin/gunzip", "usr/bin/gzip"]),
    ] {
        let b = binary(&r, path);
        assert_eq!(b["links"], serde_json::json!(links), "{path}");
        assert_eq!(
            b["elf"]["build_id"],
            "0505050505050505050505050505050505050505"
        );
    }
    let stats = &r["images"][0]["stats"];
    assert_eq!(stats["hardlinks_deduplicated"], 2);
    assert_eq!(stats["binaries_parsed"], 1);
}

#[test]
fn a_symlink_to_a_binary_is_not_a_second_binary() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("opt/google/chrome/chrome"),
        &elf(&[6; 20], None),
        0o755,
    );
    std::fs::create_dir_all(root.join("usr/bin")).unwrap();
    symlink(
        "/opt/google/chrome/chrome",
        root.join("usr/bin/google-chrome"),
    )
    .unwrap();
    let r = scan_json(&[root]);
    let paths = binary_paths(&r);
    assert_eq!(paths, vec!["opt/google/chrome/chrome"]);
    // The absolute link resolves inside the image, so it is not listed as dangling.
    assert_eq!(r["skipped"], serde_json::json!([]));
    assert_eq!(r["images"][0]["stats"]["symlinks"], 1);
}

struct Unmount<'a>(&'a Path);
impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.0).status();
    }
}

#[test]
fn other_file_systems_are_skipped_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("opt/app/app"), &elf(&[7; 20], None), 0o755);
    let mnt = root.join("mnt/usb");
    std::fs::create_dir_all(&mnt).unwrap();
    // Needs root and a kernel that lets us mount; otherwise say so and skip
    // (CI runs as root, `.ci/run`: there the test must run, see `available`).
    let mounted = unsafe { libc::geteuid() } == 0
        && std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success());
    if !available(mounted, "cannot mount a tmpfs here (needs root)") {
        return;
    }
    let _guard = Unmount(&mnt);
    write(&mnt.join("foreign"), &elf(&[8; 20], None), 0o755);

    let r = scan_json(&[root]);
    let paths = binary_paths(&r);
    assert_eq!(paths, vec!["opt/app/app"]);
    let skipped = r["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["path"] == "mnt/usb"
            && s["reason"].as_str().unwrap().contains("another filesystem"))
    );

    let out = sovscan()
        .args(["scan", "-f", "json", "--cross-filesystems"])
        .arg(root)
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["binaries"].as_array().unwrap().len(), 2);
}

/// A host directory bind-mounted into the image, on the same file system:
/// the device number is the same, the mount id is not. Skipped unless
/// `--cross-filesystems` (before: walked, the host's binary inventoried).
#[test]
fn bind_mounts_of_the_same_file_system_are_skipped_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (root, host) = (dir.path().join("img"), dir.path().join("host"));
    write(&root.join("opt/app/app"), &elf(&[7; 20], None), 0o755);
    write(&host.join("hostbin"), &elf(&[8; 20], None), 0o755);
    let mnt = root.join("mnt/bind");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = unsafe { libc::geteuid() } == 0
        && std::process::Command::new("mount")
            .arg("--bind")
            .arg(&host)
            .arg(&mnt)
            .status()
            .is_ok_and(|s| s.success());
    if !available(mounted, "cannot bind-mount here (needs root)") {
        return;
    }
    let _guard = Unmount(&mnt);

    let r = scan_json(&[&root]);
    assert_eq!(binary_paths(&r), vec!["opt/app/app"]);
    let skipped = r["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(
            |s| s["path"] == "mnt/bind" && s["reason"].as_str().unwrap().contains("bind mount")
        ),
        "{skipped:?}"
    );

    let out = sovscan()
        .args(["scan", "-f", "json", "--cross-filesystems"])
        .arg(&root)
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(binary_paths(&r), vec!["mnt/bind/hostbin", "opt/app/app"]);
}

/// Issue 12, case 7: a tree deeper than `PATH_MAX` (4,096 bytes: about
/// 2,037 levels of one-letter names), built here with `mkdirat` relative
/// to each new directory since no path string reaches the bottom. The walk
/// opens every directory relative to its parent's descriptor, so the
/// binary at the bottom is found (before: the walk stopped with
/// "File name too long" near level 2,000).
#[test]
fn a_tree_deeper_than_path_max_is_walked_to_the_bottom() {
    use rustix::fs::{Mode, OFlags};
    const LEVELS: usize = 2_500;
    // The test's own clean-up (std's `remove_dir_all`) holds a descriptor a
    // level; the scan raises its own limit.
    let mut lim = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    lim.current = lim.maximum;
    let _ = rustix::process::setrlimit(rustix::process::Resource::Nofile, lim);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("etc/os-release"), b"ID=debian\n", 0o644);
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut fd = rustix::fs::open(root, flags, Mode::empty()).unwrap();
    for _ in 0..LEVELS {
        rustix::fs::mkdirat(&fd, "d", Mode::from_raw_mode(0o755)).unwrap();
        fd = rustix::fs::openat(&fd, "d", flags, Mode::empty()).unwrap();
    }
    let create = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC;
    let tool = rustix::fs::openat(&fd, "tool", create, Mode::from_raw_mode(0o755)).unwrap();
    std::io::Write::write_all(&mut std::fs::File::from(tool), &elf(&[3; 20], None)).unwrap();
    let deep = format!("{}tool", "d/".repeat(LEVELS));
    assert!(root.join(&deep).as_os_str().len() > 4096);

    let r = scan_json(&[root]);
    assert_eq!(binary_paths(&r), [deep.as_str()]);
    assert_eq!(r["images"][0]["stats"]["dirs"], LEVELS as u64 + 2);
    assert_eq!(r["errors"], serde_json::json!([]));
}

/// Issue 11, part 1: binaries are found by their first bytes, whatever
/// their names and modes: GRUB modules and images, Python and Node
/// extensions, a signed EFI loader, Windows drivers, type libraries,
/// DirectShow filters and visual styles, a Mach-O without an exec bit.
/// Files that only look alike are not taken: a Java class (`CAFEBABE`
/// with its version where a fat Mach-O has its architecture count), text
/// that starts with `MZ`, a file too small to hold a header.
#[test]
fn binaries_are_found_by_content_not_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pe = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pe-samples/hello32.exe"),
    )
    .unwrap();
    let elf_files = [
        "boot/grub/x86_64-efi/normal.mod",
        "boot/grub/i386-pc/kernel.img",
        "usr/lib/python3/dist-packages/_speedups.cpython-311-x86_64-linux-gnu.so.bak",
        "opt/app/node_modules/sharp/build/Release/sharp.node",
    ];
    for (i, p) in elf_files.iter().enumerate() {
        write(&root.join(p), &elf(&[i as u8 + 1; 20], None), 0o644);
    }
    let pe_files = [
        "Program Files/Python/DLLs/_ctypes.pyd",
        "EFI/BOOT/shimx64.efi.signed",
        "Windows/System32/DriverStore/nvlddmkm.drv",
        "Windows/System32/stdole2.tlb",
        "Windows/System32/ksproxy.ax",
        "Windows/Resources/Themes/aero/aero.msstyles",
    ];
    for p in pe_files {
        write(&root.join(p), &pe, 0o644);
    }
    let macho_file = "Applications/Tool.app/Contents/Frameworks/libtool.data";
    write(&root.join(macho_file), &macho(&[0; 64], None), 0o644);
    // Look-alikes.
    let mut class = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52];
    class.resize(400, 0);
    write(&root.join("opt/app/lib/Main.class"), &class, 0o644);
    let text = "MZ is where the notes begin; this file is plain text, long enough for a header.\n";
    write(&root.join("home/alice/notes.txt"), text.as_bytes(), 0o644);
    write(&root.join("home/alice/tiny"), b"\x7fELF\x02\x01\x01", 0o644);

    let r = scan_json(&[root]);
    let mut want: Vec<&str> = elf_files.iter().chain(&pe_files).copied().collect();
    want.push(macho_file);
    want.sort();
    assert_eq!(binary_paths(&r), want);
    for p in &elf_files {
        assert_eq!(binary(&r, p)["format"], "elf", "{p}");
    }
    for p in &pe_files {
        assert_eq!(binary(&r, p)["format"], "pe", "{p}");
    }
    assert_eq!(binary(&r, macho_file)["format"], "macho");
    assert_eq!(r["errors"], serde_json::json!([]));
    let stats = &r["images"][0]["stats"];
    // Every file but the tiny one had its first bytes read.
    assert_eq!(stats["files"], 14);
    assert_eq!(stats["sniffed"], 13);
    assert_eq!(stats["candidates"], 11);
}

/// A file that begins `MZ` but holds no PE header (a DOS program, a
/// stand-in, data) is not a binary: counted in `stats.not_binaries`, with
/// no `binaries[]` record and no error entry. A real PE beside it is read,
/// and a PE whose header is there but broken is still an error.
#[test]
fn mz_files_without_a_pe_header_are_counted_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pe = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pe-samples/hello32.exe"),
    )
    .unwrap();
    write(&root.join("Windows/System32/hello.exe"), &pe, 0o644);
    // `MZ` and zeros (e_lfanew 0: no `PE\0\0` at offset 0).
    let mut zeros = b"MZ".to_vec();
    zeros.resize(1024, 0);
    write(&root.join("Windows/WinSxS/a/stub.dll"), &zeros, 0o644);
    // A DOS program: e_lfanew points inside the file, at no PE signature.
    let mut dos = b"MZ".to_vec();
    dos.resize(512, 0x90);
    dos[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
    write(&root.join("DOS/EDIT.COM.exe"), &dos, 0o644);
    // e_lfanew past the end of the file.
    let mut past = b"MZ".to_vec();
    past.resize(200, 0);
    past[0x3c..0x40].copy_from_slice(&0x1000u32.to_le_bytes());
    write(&root.join("Windows/WinSxS/b/past.dll"), &past, 0o644);
    // A PE signature whose headers are cut off: a broken PE, an error.
    let mut broken = pe[..0x100.min(pe.len())].to_vec();
    let lfanew = u32::from_le_bytes(broken[0x3c..0x40].try_into().unwrap()) as usize;
    broken.truncate(lfanew + 8);
    write(&root.join("Windows/System32/broken.dll"), &broken, 0o644);

    let r = scan_json(&[root]);
    assert_eq!(
        binary_paths(&r),
        ["Windows/System32/hello.exe"],
        "{:#}",
        r["errors"]
    );
    let errors: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["Windows/System32/broken.dll"]);
    let stats = &r["images"][0]["stats"];
    assert_eq!(stats["candidates"], 5);
    assert_eq!(stats["binaries_parsed"], 1);
    assert_eq!(stats["not_binaries"], 3);
}

/// Sets a path's access time to 2020 and its modification time to 2021:
/// under `relatime` the next read of it updates the access time.
fn age(path: &Path) {
    use rustix::fs::{AtFlags, CWD, Timespec, Timestamps, utimensat};
    let at = |secs| Timespec {
        tv_sec: secs,
        tv_nsec: 0,
    };
    let times = Timestamps {
        last_access: at(1_577_836_800),
        last_modification: at(1_609_459_200),
    };
    utimensat(CWD, path, &times, AtFlags::empty()).unwrap();
}

fn atime(path: &Path) -> i64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().atime()
}

#[test]
fn the_walk_leaves_access_times_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = root.join("opt/data");
    write(&data.join("blob.bin"), &[7u8; 4096], 0o644);
    write(&data.join("tool"), &elf(&[9; 20], None), 0o755);
    let os_release = root.join("etc/os-release");
    write(&os_release, b"ID=debian\nVERSION_ID=\"12\"\n", 0o644);
    // The premise, so that this test can fail: on this file system a read
    // of an aged file updates its access time.
    age(&data.join("blob.bin"));
    std::fs::read(data.join("blob.bin")).unwrap();
    if atime(&data.join("blob.bin")) == 1_577_836_800 {
        eprintln!("skipped: this file system does not update access times (noatime)");
        return;
    }
    let aged = [
        &data,
        &data.join("blob.bin"),
        &data.join("tool"),
        &os_release,
    ];
    for p in aged {
        age(p);
    }
    let r = scan_json(&[root]);
    assert_eq!(binary_paths(&r), ["opt/data/tool"]);
    assert_eq!(r["images"][0]["os"]["id"], "debian");
    // Opened with O_NOATIME (the tests run as the files' owner): the
    // directory listed, the file sniffed, the binary read whole and the
    // file a collector read keep their access times; the same where the
    // kernel's `openat2` is not used.
    for p in aged {
        assert_eq!(atime(p), 1_577_836_800, "{}", p.display());
    }
    sovscan()
        .env("SOVSCAN_NO_OPENAT2", "1")
        .args(["scan", "-q", "-f", "json"])
        .arg(root)
        .assert()
        .success();
    for p in aged {
        assert_eq!(atime(p), 1_577_836_800, "fallback: {}", p.display());
    }
}
