//! `sovscan summary` and `sovscan explain`, from roots and from saved
//! reports; `rules check` lints.

use crate::common::*;
use predicates::prelude::*;

fn saved_scan(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("scan.json");
    scan_to(&out, "fixtures/demo-linux");
    out
}

#[test]
fn summary_of_a_saved_scan_equals_the_scan_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scan = saved_scan(dir.path());
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&scan).unwrap()).unwrap();
    let out = sovscan()
        .args(["summary", "-f", "json"])
        .arg(&scan)
        .output()
        .unwrap();
    assert!(out.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary, report["summary"]);

    sovscan()
        .arg("summary")
        .arg(&scan)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Sovereignty index: 74.5 / 100")
                .and(predicate::str::contains("target 70.0 % by 2032"))
                .and(predicate::str::contains("The Document Foundation")),
        );
    // Scanning the root gives the same view.
    sovscan()
        .args(["summary", "fixtures/demo-linux"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Sovereignty index: 74.5 / 100"));
}

#[test]
fn explain_traces_a_component_from_a_saved_scan() {
    let dir = tempfile::tempdir().unwrap();
    let scan = saved_scan(dir.path());
    sovscan()
        .args(["explain", "teams"])
        .arg(&scan)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("var/lib/rpm/rpmdb.sqlite")
                .and(predicate::str::contains("vendor: Microsoft (microsoft, US"))
                .and(predicate::str::contains("CLOUD Act (us.cloud_act)"))
                .and(predicate::str::contains("D4 OPS-REMOTE-CUTOFF = 4"))
                .and(predicate::str::contains(
                    "exposure 2.24 × impact D7 3 = 6.71",
                ))
                .and(predicate::str::contains("level: high"))
                .and(predicate::str::contains("US (bloc us)"))
                .and(predicate::str::contains("Alternatives")),
        );
    // Control edges carry their dates.
    sovscan()
        .args(["explain", "ICAClient"])
        .arg(&scan)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "controlled by the next since 2022-09-30",
        ));
}

/// An unresolved vendor's dimensions are all there, scored as unknown,
/// with no exposure line; an assumed role and a floor are named.
#[test]
fn explain_shows_unknown_dimensions_assumed_roles_and_floors() {
    sovscan()
        .args(["explain", "vendor-tool", "fixtures/demo-linux"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("D1 4 (weight 10.0) · D2 4 (weight 15.0)")
                .and(predicate::str::contains(
                    "D1..D6 unknown, each scored as unknown; impact D7 2: no exposure, the level stays unknown",
                ))
                .and(predicate::str::contains("exposure null").not())
                .and(predicate::str::contains("level: unknown")),
        );
    sovscan()
        .args([
            "explain",
            "com.microsoft.package.Microsoft_AutoUpdate.app",
            "fixtures/demo-macos",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("role assumed: office")
                .and(predicate::str::contains(
                    "exposure 0.71 × impact D7 3 = 2.12",
                ))
                .and(predicate::str::contains(
                    "gate FLOOR-UNIDENTIFIED-FOREIGN-PRODUCT (at least medium)",
                ))
                .and(predicate::str::contains("level: medium")),
        );
}

#[test]
fn explain_refuses_ambiguous_and_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let scan = saved_scan(dir.path());
    sovscan()
        .args(["explain", "libc6"])
        .arg(&scan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "2 products or components match `libc6`",
        ));
    // Its product, glibc (an unidentified product: the packages of one
    // source package), is one.
    sovscan()
        .args(["explain", "glibc"])
        .arg(&scan)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("id: 0:unidentified:dpkg:glibc")
                .and(predicate::str::contains("Product: 2 members")),
        );
    sovscan()
        .args(["explain", "no-such-thing"])
        .arg(&scan)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no product or component `no-such-thing`",
        ));
    // A file that isn't a report is named with its position.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema_version\": \"1.0\",\n oops}").unwrap();
    sovscan()
        .args(["summary"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json:2:2: not a JSON report"));
}

#[test]
fn rules_check_warns_about_products_without_alternatives() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("local.toml");
    std::fs::write(
        &f,
        "[[product]]\nid = \"acme-crm\"\nname = \"Acme CRM\"\nvendor = \"google\"\ncategory = \"productivity\"\nlicense = \"proprietary\"\nsource = \"inventory\"\nas_of = 2026-11-22\n",
    )
    .unwrap();
    sovscan()
        .args(["rules", "check"])
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: {}:2: product `acme-crm` has no alternative",
            f.display()
        )));
}
