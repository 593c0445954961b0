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

/// A file root is read as a disk image; one that is none is an error
/// naming it and why, on one line, exit 2; a FIFO is not opened.
#[test]
fn a_file_that_is_no_disk_image_is_not_a_root() {
    let dir = tempfile::tempdir().unwrap();
    let qcow2 = dir.path().join("image.qcow2");
    std::fs::write(&qcow2, b"QFI\xfb").unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, b"hello\n").unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (file, says) in [
        (
            &qcow2,
            "image.qcow2: qcow2: corrupt header: the file is truncated",
        ),
        (
            &text,
            "notes.txt: not a directory, and no disk image sovscan reads",
        ),
        (&fifo, "fifo: not a directory or a disk image file"),
    ] {
        let out = sovscan()
            .arg("scan")
            .arg(file)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", file.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
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

/// The messages of the report's warnings about `path`.
fn warnings_about<'a>(r: &'a serde_json::Value, path: &str) -> Vec<&'a str> {
    r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["path"] == path)
        .map(|w| w["message"].as_str().unwrap())
        .collect()
}

#[test]
fn windows_tree_without_its_software_hive_is_windows_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    // Extracted in another case: Windows doesn't care, neither does detection.
    write(
        &dir.path().join("WINDOWS/system32/notepad.exe"),
        b"MZ",
        0o644,
    );
    write(&dir.path().join("Program Files/App/app.exe"), b"MZ", 0o644);
    let r = scan_json(&[dir.path()]);
    assert_eq!(r["images"][0]["os"]["family"], "windows");
    assert_eq!(r["images"][0]["os"]["id"], "windows");
    assert_eq!(r["images"][0]["os"]["evidence"], serde_json::Value::Null);
    let warns = warnings_about(&r, "Windows/System32/config/SOFTWARE");
    assert_eq!(warns.len(), 1, "{}", r["warnings"]);
    assert!(
        warns[0].starts_with("no SOFTWARE registry hive"),
        "{warns:?}"
    );
    let os = &r["components"][0];
    assert_eq!(
        (&os["source"], &os["key"]),
        (&"os".into(), &"os:windows".into())
    );
}

#[test]
fn macos_volume_without_system_version_is_macos_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("System/Library/Frameworks")).unwrap();
    std::fs::create_dir_all(dir.path().join("Applications/Safari.app/Contents")).unwrap();
    let r = scan_json(&[dir.path()]);
    assert_eq!(r["images"][0]["os"]["family"], "macos");
    let warns = warnings_about(&r, "System/Library/CoreServices/SystemVersion.plist");
    assert_eq!(warns.len(), 1, "{}", r["warnings"]);
    assert!(warns[0].starts_with("no SystemVersion.plist"), "{warns:?}");
    // The app is an app bundle, not a top-level folder of binaries.
    let sources: Vec<&str> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"os"), "{sources:?}");
}

#[test]
fn a_system_library_folder_alone_is_not_macos() {
    // Without an application bundle, System/Library is just a folder name.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("System/Library")).unwrap();
    std::fs::create_dir_all(dir.path().join("Applications/notes.txt.d")).unwrap();
    // No OS and no software: refused unless --allow-empty.
    sovscan()
        .args(["scan", "-q"])
        .arg(dir.path())
        .assert()
        .code(2);
    let out = run_ok(
        sovscan()
            .args(["scan", "-q", "-f", "json", "--allow-empty"])
            .arg(dir.path()),
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["images"][0]["os"]["family"], "directory");
    assert_eq!(r["warnings"], serde_json::json!([]));
}

#[test]
fn os_option_overrides_detection_and_warns_when_the_markers_disagree() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("etc/os-release"), b"ID=debian\n", 0o644);
    let scan = |os: &str| -> serde_json::Value {
        let out = run_ok(
            sovscan()
                .args(["scan", "-q", "-f", "json", "--allow-empty", "--os", os])
                .arg(dir.path()),
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let r = scan("dir");
    assert_eq!(r["images"][0]["os"]["family"], "directory");
    let warns = warnings_about(&r, "etc/os-release");
    assert_eq!(
        warns,
        ["scanned as directory (--os), although etc/os-release says linux"]
    );
    assert!(
        r["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["source"] != "os"),
        "a plain directory has no OS component"
    );
    // Agreeing with the markers: the facts are read, nothing to warn about.
    let r = scan("linux");
    assert_eq!(r["images"][0]["os"]["id"], "debian");
    assert_eq!(r["warnings"], serde_json::json!([]));
    // A forced family whose marker is there reads its facts.
    write(
        &dir.path()
            .join("System/Library/CoreServices/SystemVersion.plist"),
        b"<plist/>",
        0o644,
    );
    let r = scan("macos");
    assert_eq!(r["images"][0]["os"]["family"], "macos");
    assert_eq!(
        r["images"][0]["os"]["evidence"],
        "System/Library/CoreServices/SystemVersion.plist"
    );
}

#[test]
fn an_unknown_os_value_is_a_usage_error() {
    sovscan()
        .args(["scan", "--os", "beos", "fixtures/plain-dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`beos` is not an OS: linux, windows, macos, dir",
        ));
}
