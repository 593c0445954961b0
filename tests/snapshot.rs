//! The whole JSON report of the demo image, as a reviewed snapshot: any
//! change to the contract, a collector, the rules or the risk model shows up
//! here as a diff. After an intended change: `INSTA_UPDATE=always cargo test
//! --test snapshot` (or `cargo insta review`), then read the diff.

mod common;

use std::path::Path;

#[test]
fn demo_linux_report() {
    let report = common::scan_json(&[Path::new("fixtures/demo-linux")]);
    insta::assert_json_snapshot!("demo-linux", report, {
        ".scan.duration_ms" => "[duration]",
        ".tool.version" => "[version]",
    });
}

#[test]
fn demo_linux_table() {
    let out = common::sovscan()
        .args(["scan", "--no-progress", "fixtures/demo-linux"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("demo-linux-table", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn demo_macos_report() {
    let report = common::scan_json(&[Path::new("fixtures/demo-macos")]);
    insta::assert_json_snapshot!("demo-macos", report, {
        ".scan.duration_ms" => "[duration]",
        ".tool.version" => "[version]",
    });
}

/// The demo Windows image (registry, AppX, Chocolatey, Scoop, MSI; its PE
/// files come from the PE generator and show up here once present).
#[test]
fn demo_windows_report() {
    let report = common::scan_json(&[Path::new("fixtures/demo-windows")]);
    insta::assert_json_snapshot!("demo-windows", report, {
        ".scan.duration_ms" => "[duration]",
        ".tool.version" => "[version]",
    });
}
