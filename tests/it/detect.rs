//! Root detection by marker files.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn windows_root_is_detected_and_reported_as_an_os() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("Windows/System32/config/SOFTWARE"),
        b"regf",
        0o644,
    );
    let r = scan_json(&[dir.path()]);
    assert_eq!(r["images"][0]["os"]["family"], "windows");
    let os = &r["components"][0];
    assert_eq!(os["source"], "os");
    assert_eq!(os["name"], "windows");
    assert_eq!(os["kind"], "operating-system");
}

#[test]
fn macos_root_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path()
            .join("System/Library/CoreServices/SystemVersion.plist"),
        b"<plist/>",
        0o644,
    );
    let r = scan_json(&[dir.path()]);
    assert_eq!(r["images"][0]["os"]["family"], "macos");
}

#[test]
fn usr_lib_os_release_is_enough_for_linux() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("usr/lib/os-release"),
        b"ID=fedora\nVERSION_ID=40\nNAME=\"Fedora Linux\"\n",
        0o644,
    );
    let r = scan_json(&[dir.path()]);
    assert_eq!(r["images"][0]["os"]["id"], "fedora");
    assert_eq!(r["images"][0]["os"]["evidence"], "usr/lib/os-release");
}

#[test]
fn an_os_release_link_pointing_outside_is_resolved_inside() {
    // etc/os-release -> /usr/lib/os-release must read ROOT/usr/lib/os-release,
    // never the host's file.
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("usr/lib/os-release"),
        b"ID=alpine\nVERSION_ID=3.20\n",
        0o644,
    );
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::os::unix::fs::symlink("/usr/lib/os-release", dir.path().join("etc/os-release")).unwrap();
    let r = scan_json(&[dir.path()]);
    assert_eq!(r["images"][0]["os"]["id"], "alpine");
}

#[test]
fn a_file_is_not_a_root() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("image.qcow2");
    std::fs::write(&f, b"QFI\xfb").unwrap();
    sovscan()
        .arg("scan")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("image.qcow2: not a directory"));
}

#[test]
fn a_missing_rules_path_names_the_path() {
    sovscan()
        .args(["scan", "--rules", "/no/such/rules.toml", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/no/such/rules.toml:1:1: cannot read rules",
        ));
}
