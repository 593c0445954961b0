//! Products, not packages (`docs/json.md` § products): what a planner counts
//! on the demo images, and how the components fold into them.

use crate::common::{self, run_ok};
use serde_json::Value;
use std::path::Path;

fn products(r: &Value) -> &Vec<Value> {
    r["products"].as_array().unwrap()
}

fn product<'a>(r: &'a Value, key: &str) -> &'a Value {
    products(r)
        .iter()
        .find(|p| p["key"] == key)
        .unwrap_or_else(|| panic!("no product {key}"))
}

/// The names of a product's member components.
fn members(r: &Value, p: &Value) -> Vec<String> {
    let ids = p["members"].as_array().unwrap();
    let mut names: Vec<String> = r["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| ids.contains(&c["id"]))
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn channels(p: &Value) -> Vec<(String, Option<String>, usize)> {
    p["installations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["channel"].as_str().unwrap().to_owned(),
                i["location"].as_str().map(str::to_owned),
                i["members"].as_array().unwrap().len(),
            )
        })
        .collect()
}

/// Every component is a member of exactly one product of its image, and a
/// product's members are exactly its installations' members.
fn assert_partition(r: &Value) {
    let mut seen = std::collections::HashMap::new();
    for p in products(r) {
        let mut in_installations: Vec<&Value> = p["installations"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["members"].as_array().unwrap())
            .collect();
        let mut listed: Vec<&Value> = p["members"].as_array().unwrap().iter().collect();
        in_installations.sort_by_key(|v| v.to_string());
        listed.sort_by_key(|v| v.to_string());
        assert_eq!(in_installations, listed, "{}", p["key"]);
        assert!(listed.iter().any(|m| **m == p["lead"]), "lead is a member");
        for m in listed {
            assert!(
                seen.insert(m.clone(), p["key"].clone()).is_none(),
                "{m} twice"
            );
        }
    }
    for c in r["components"].as_array().unwrap() {
        let key = &seen[&c["id"]];
        let p = product(r, key.as_str().unwrap());
        assert_eq!(p["image"], c["image"]);
    }
}

#[test]
fn linux_split_packages_and_two_channels_are_one_product() {
    let r = common::scan_json(&[Path::new("fixtures/demo-linux")]);
    assert_partition(&r);
    let lo = product(&r, "product:libreoffice");
    assert_eq!(
        members(&r, lo),
        [
            "libreoffice-common",
            "libreoffice-core",
            "libreoffice-writer"
        ]
    );
    assert_eq!(lo["basis"], "rule");
    assert_eq!(lo["category"], "office");
    assert_eq!(channels(lo), [("system".into(), None, 3)]);
    // AnyDesk: its deb and its unowned /usr/local/bin binary, one product
    // with two installations.
    let anydesk = product(&r, "product:anydesk");
    assert_eq!(
        channels(anydesk),
        [
            ("directory".into(), Some("usr/local/bin/anydesk".into()), 1),
            ("system".into(), None, 1)
        ]
    );
    // Firefox: a deb and a flatpak.
    let firefox = product(&r, "product:firefox");
    let ch: Vec<String> = channels(firefox).into_iter().map(|c| c.0).collect();
    assert_eq!(ch, ["flatpak", "system"]);
    // libc6 for two architectures, and the rest of glibc: one unidentified
    // product named after the source package, never workplace software.
    let glibc = product(&r, "unidentified:dpkg:glibc");
    assert_eq!(glibc["name"], "glibc");
    assert_eq!(glibc["basis"], "unidentified");
    assert_eq!(members(&r, glibc), ["libc6", "libc6"]);
    assert_eq!(glibc["category"], "system");
    // Counted: products, of which workplace ones in the aggregates.
    let s = &r["summary"];
    assert_eq!(s["products"].as_u64().unwrap() as usize, products(&r).len());
    assert!(s["products"].as_u64() < s["components"].as_u64());
    let concentration = s["concentration"]["controllers"].as_array().unwrap();
    let tdf = concentration.iter().find(|c| c["id"] == "tdf").unwrap();
    // LibreOffice counts once: office weight 6 of the resolved role weight.
    let weight = |cat: &str| {
        sovscan::rules::RuleDb::embedded()
            .unwrap()
            .category(cat)
            .unwrap()
            .weight
    };
    let resolved_w: f64 = products(&r)
        .iter()
        .filter(|p| p["controller"].is_object())
        .filter(|p| {
            let db = sovscan::rules::RuleDb::embedded().unwrap();
            p["kind"] == "operating-system"
                || db
                    .category(p["category"].as_str().unwrap())
                    .is_none_or(|c| c.workplace)
        })
        .map(|p| weight(p["category"].as_str().unwrap_or("utility")))
        .sum();
    let share = tdf["share"].as_f64().unwrap();
    assert!(
        (share - weight("office") / resolved_w).abs() < 1e-3,
        "{share}"
    );
}

#[test]
fn macos_app_receipt_and_cask_are_one_product() {
    let r = common::scan_json(&[Path::new("fixtures/demo-macos")]);
    assert_partition(&r);
    let word = product(&r, "product:microsoft-word");
    assert_eq!(
        members(&r, word),
        ["Microsoft Word", "com.microsoft.package.Microsoft_Word.app"]
    );
    assert_eq!(channels(word), [("macos".into(), None, 2)]);
    let firefox = product(&r, "product:firefox");
    assert_eq!(members(&r, firefox).len(), 2, "Firefox.app and its cask");
    assert_eq!(channels(firefox), [("macos".into(), None, 2)]);
    // zoom.us.app and its receipt us.zoom.pkg.videomeeting.
    let zoom = product(&r, "product:zoom");
    assert_eq!(members(&r, zoom).len(), 2);
    assert_eq!(zoom["risk"]["level"], "high");
}

#[test]
fn windows_entry_folder_updates_and_runtimes_fold() {
    let r = common::scan_json(&[Path::new("fixtures/demo-windows")]);
    assert_partition(&r);
    // 7-Zip: the registry entry with the binaries of its folder.
    let seven = product(&r, "product:7zip");
    assert_eq!(members(&r, seven), ["7-Zip 24.09 (x64)"]);
    assert_eq!(
        channels(seven),
        [("windows".into(), Some("Program Files/7-Zip".into()), 1)]
    );
    assert!(seven["binaries"].as_u64().unwrap() >= 1, "{seven}");
    // The Office hotfix registered on its own is a member of Office, not a
    // product (the update with ParentKeyName folds already in the hive).
    let office = product(&r, "product:microsoft-365");
    assert_eq!(
        members(&r, office),
        [
            "Microsoft Office Professional Plus 2016",
            "Update for Microsoft Office 2016 (KB5002700) 64-Bit Edition"
        ]
    );
    assert!(
        !products(&r)
            .iter()
            .any(|p| p["name"].as_str().unwrap().contains("KB5002700")),
        "no product of its own"
    );
    // The hidden Minimum Runtime belongs to the redistributable.
    let vc = product(&r, "product:msvc-redist");
    assert_eq!(members(&r, vc).len(), 2);
    assert_eq!(vc["category"], "library");
    // Teams: AppX, the per-user registry entry with its MSI add-in.
    let teams = product(&r, "product:microsoft-teams");
    assert_eq!(members(&r, teams).len(), 3);
    let ch: Vec<String> = channels(teams).into_iter().map(|c| c.0).collect();
    assert_eq!(ch, ["appx", "windows"]);
}

#[test]
fn a_product_folds_the_same_from_a_saved_report_without_products() {
    // A report older than schema 1.3 has no products: they are folded when
    // it is read, as the scan folds them.
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.json");
    common::scan_to(&new, "fixtures/demo-linux");
    let mut old: Value = serde_json::from_slice(&std::fs::read(&new).unwrap()).unwrap();
    let want = old["products"].clone();
    old.as_object_mut().unwrap().remove("products");
    old["schema_version"] = "1.2".into();
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, serde_json::to_vec(&old).unwrap()).unwrap();
    let out = run_ok(
        common::sovscan()
            .args(["report", "-f", "ndjson"])
            .arg(&old_path),
    );
    let got: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("image_root");
            v
        })
        .collect();
    assert_eq!(Value::Array(got), want);
    // And diff of the old against the new: nothing changed.
    let d = common::diff_json(&old_path, &new);
    assert_eq!(d["added"], serde_json::json!([]));
    assert_eq!(d["removed"], serde_json::json!([]));
    assert_eq!(d["changed"], serde_json::json!([]));
}
