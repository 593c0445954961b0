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
