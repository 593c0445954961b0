//! The whole JSON report of the demo image, as a reviewed snapshot: any
//! change to the contract, a collector, the rules or the risk model shows up
//! here as a diff. After an intended change: `INSTA_UPDATE=always cargo test
//! --test it snapshot::` (or `cargo insta review`), then read the diff.

use crate::common::{self, run_ok};

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
    // A pipe without COLUMNS: the table at 120 columns.
    let out = run_ok(common::sovscan().env_remove("COLUMNS").args([
        "scan",
        "--no-progress",
        "fixtures/demo-linux",
    ]));
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

/// Runs `sovscan scan -f FORMAT fixtures/demo-linux` and parses stdout.
fn demo_linux_as(format: &str) -> serde_json::Value {
    let out = run_ok(common::sovscan().args([
        "scan",
        "--no-progress",
        "-f",
        format,
        "fixtures/demo-linux",
    ]));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn demo_linux_cyclonedx() {
    // The serial number is derived from the content, the tool version
    // included, so it is redacted with it.
    insta::assert_json_snapshot!("demo-linux-cyclonedx", demo_linux_as("cyclonedx"), {
        ".serialNumber" => "[serial]",
        ".metadata.tools.components[].version" => "[version]",
    });
}

#[test]
fn demo_linux_sarif() {
    insta::assert_json_snapshot!("demo-linux-sarif", demo_linux_as("sarif"), {
        ".runs[].tool.driver.version" => "[version]",
        ".runs[].tool.driver.semanticVersion" => "[version]",
    });
}
