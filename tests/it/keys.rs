//! Stable component keys and the scan date: what joins scans across
//! months (`diff`, `--baseline`) and keeps reports byte-identical.

use crate::common::{self, diff_json, scan_to, sovscan};

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Image root → the keys of its components and products.
fn keys_by_root(r: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let roots: Vec<&str> = r["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["root"].as_str().unwrap())
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let units = r["components"].as_array().unwrap().iter();
    for c in units.chain(r["products"].as_array().unwrap()) {
        let root = roots[c["image"].as_u64().unwrap() as usize];
        let key = c["key"].as_str().unwrap().to_owned();
        assert!(!key.is_empty(), "{c}");
        assert!(
            !key.contains(c["version"].as_str().unwrap_or("\u{0}")),
            "no version in {key}"
        );
        let fresh = out.entry(root.to_owned()).or_default().insert(key.clone());
        assert!(fresh, "{key} twice in {root}");
    }
    out
}

#[test]
fn root_order_on_the_command_line_does_not_change_the_keys() {
    let (a, b) = (
        Path::new("fixtures/demo-linux"),
        Path::new("fixtures/demo-windows"),
    );
    let ab = keys_by_root(&common::scan_json(&[a, b]));
    let ba = keys_by_root(&common::scan_json(&[b, a]));
    assert_eq!(ab, ba);
    assert!(ab["fixtures/demo-linux"].contains("dpkg:firefox-esr:amd64"));
    assert!(ab["fixtures/demo-windows"].contains("registry:hklm-64:7-Zip"));
    assert!(ab["fixtures/demo-windows"].contains("os:windows"));
    assert!(ab["fixtures/demo-linux"].contains("product:libreoffice"));
    assert!(ab["fixtures/demo-linux"].contains("unidentified:dpkg:glibc"));
    assert!(ab["fixtures/demo-windows"].contains("product:7zip"));
}

/// 7-Zip's DisplayName carries its version ("7-Zip 24.09 (x64)"), its
/// uninstall key doesn't: an upgrade is a changed version, not a removal
/// and an addition.
#[test]
fn diff_of_an_upgrade_under_a_versioned_display_name_is_a_change() {
    let t = tempfile::tempdir().unwrap();
    let img = t.path().join("img");
    let st = std::process::Command::new("cp")
        .args(["-a", "fixtures/demo-windows"])
        .arg(&img)
        .status()
        .unwrap();
    assert!(st.success());
    let (old, new) = (t.path().join("old.json"), t.path().join("new.json"));
    scan_to(&old, &img);
    // Same length in UTF-16LE, so the hive's cells keep their sizes.
    let hive = img.join("Windows/System32/config/SOFTWARE");
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut bytes = std::fs::read(&hive).unwrap();
    let (from, to) = (utf16("24.09"), utf16("24.10"));
    let mut i = 0;
    let mut patched = 0;
    while i + from.len() <= bytes.len() {
        if bytes[i..i + from.len()] == from[..] {
            bytes[i..i + from.len()].copy_from_slice(&to);
            patched += 1;
        }
        i += 1;
    }
    assert!(patched >= 2, "DisplayName and DisplayVersion");
    std::fs::write(&hive, bytes).unwrap();
    scan_to(&new, &img);
    let d = diff_json(&old, &new);
    assert_eq!(d["added"], serde_json::json!([]), "{d}");
    assert_eq!(d["removed"], serde_json::json!([]), "{d}");
    // Products by default: 7-Zip the product, its version changed.
    assert_eq!(d["changed"][0]["key"], "0:product:7zip");
    assert_eq!(
        d["changed"][0]["fields"],
        serde_json::json!([["version", "24.09", "24.10"]])
    );
    // And the registry entry, with --components.
    let out = sovscan()
        .args(["diff", "-f", "json", "--components"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["added"], serde_json::json!([]), "{d}");
    assert_eq!(d["removed"], serde_json::json!([]), "{d}");
    assert_eq!(d["changed"][0]["key"], "0:registry:hklm-64:7-Zip");
    assert_eq!(
        d["changed"][0]["fields"],
        serde_json::json!([["version", "24.09", "24.10"]])
    );
    // The gate joins on the same key: with every component a violation
    // (`--fail-on low`), the upgraded 7-Zip is known from the baseline.
    let out = sovscan()
        .args(["scan", "-q", "-f", "json", "--fail-on", "low", "--baseline"])
        .arg(&old)
        .arg(&img)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let violations = r["policy"]["violations"].as_array().unwrap();
    assert!(
        violations
            .iter()
            .any(|v| v["key"] == "fail-on|0:product:7zip"),
        "{violations:?}"
    );
    assert_eq!(
        r["policy"]["failing"],
        serde_json::json!([]),
        "{}",
        r["policy"]
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_scan_date_is_source_date_epoch_when_set() {
    // common::sovscan sets SOURCE_DATE_EPOCH to 2026-12-01 00:00:00 UTC.
    let r = common::scan_json(&[Path::new("fixtures/plain-dir")]);
    assert_eq!(r["scan"]["date"], "2026-12-01");
    let out = sovscan()
        .env("SOURCE_DATE_EPOCH", "1796169599") // 23:59:59 the same day
        .args(["scan", "-q", "-f", "json", "fixtures/plain-dir"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["scan"]["date"], "2026-12-01");
}

#[test]
fn a_source_date_epoch_that_is_not_a_time_is_one_clear_error() {
    let out = sovscan()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["scan", "-q", "fixtures/plain-dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("SOURCE_DATE_EPOCH: `yesterday`"), "{err}");
}

/// A report saved before keys existed (schema 1.1: no `key`, no
/// `scan.date`) still joins: the keys are worked out again from the
/// components' fields, for every source of the demo images.
#[test]
fn a_report_from_before_keys_joins_a_new_scan_component_by_component() {
    let t = tempfile::tempdir().unwrap();
    for demo in [
        "fixtures/demo-linux",
        "fixtures/demo-windows",
        "fixtures/demo-macos",
    ] {
        let mut old = common::scan_json(&[Path::new(demo)]);
        old["schema_version"] = "1.1".into();
        old["scan"].as_object_mut().unwrap().remove("date");
        for c in old["components"].as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("key");
        }
        let old_path = t.path().join("old.json");
        std::fs::write(&old_path, serde_json::to_vec(&old).unwrap()).unwrap();
        let new_path = t.path().join("new.json");
        scan_to(&new_path, demo);
        let d = diff_json(&old_path, &new_path);
        for k in ["added", "removed", "changed"] {
            assert_eq!(d[k], serde_json::json!([]), "{demo} {k}: {d}");
        }
    }
}
