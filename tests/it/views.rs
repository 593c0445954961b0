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
    let out = run_ok(sovscan().args(["summary", "-f", "json"]).arg(&scan));
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
fn rules_check_refuses_products_without_alternatives() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("local.toml");
    std::fs::write(
        &f,
        "[[product]]\nid = \"acme-crm\"\nname = \"Acme CRM\"\nvendor = \"google\"\ncategory = \"productivity\"\nlicense = \"proprietary\"\nsource = \"inventory\"\nas_of = 2026-11-22\n",
    )
    .unwrap();
    // R038: a workplace product no plan could replace fails the check...
    sovscan()
        .args(["rules", "check"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {}:2:6: workplace product `acme-crm` is not open source and names no open-source or EU-controlled alternative",
            f.display()
        )));
    // ...and passes with an alternative or a reason; a scan never stops on it.
    let with_reason = std::fs::read_to_string(&f).unwrap()
        + "no_alternative_reason = \"the only CRM for our procedure\"\n";
    std::fs::write(&f, with_reason).unwrap();
    sovscan()
        .args(["rules", "check"])
        .arg(&f)
        .assert()
        .success();
    // A mistyped vendor gets the nearest ids.
    std::fs::write(
        &f,
        "[[product]]\nid = \"acme-crm\"\nname = \"Acme CRM\"\nvendor = \"gogle\"\ncategory = \"productivity\"\nlicense = \"proprietary\"\nsource = \"inventory\"\nas_of = 2026-11-22\n",
    )
    .unwrap();
    sovscan()
        .args(["rules", "check"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown vendor id `gogle`; did you mean `google`",
        ));
}

#[test]
fn rules_list_searches_filters_by_category_and_writes_json() {
    let out = run_ok(sovscan().args([
        "rules",
        "list",
        "--search",
        "FIRE",
        "--category",
        "browser",
        "-f",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("vendors").is_none(), "--category lists products only");
    let ids: Vec<&str> = v["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["firefox"]);
    assert_eq!(v["products"][0]["vendor"], "mozilla");
    let out = sovscan()
        .args(["rules", "list", "--vendors", "--search", "alphabet"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("alphabet") && text.ends_with("1 vendor\n"),
        "{text}"
    );
    sovscan()
        .args(["rules", "list", "--category", "browsr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `browser`?"));
}

#[test]
fn explain_suggests_names_and_lists_a_groups_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let scan = saved_scan(dir.path());
    sovscan()
        .args(["explain", "chrome"])
        .arg(&scan)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("did you mean")
                .and(predicate::str::contains("`google-chrome-stable`")),
        );
    // Zoom: a flatpak and a folder of three binaries.
    sovscan()
        .args(["explain", "zoom"])
        .arg(&scan)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Binaries (4)\n")
                .and(predicate::str::contains("  opt/zoom/cef/libcef.so\n")),
        );
    // A group of 30: the first 20 by path, then how many more.
    let mut report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&scan).unwrap()).unwrap();
    let bins = report["binaries"].as_array_mut().unwrap();
    let zoom = bins
        .iter()
        .find(|b| b["path"] == "opt/zoom/zoom")
        .unwrap()
        .clone();
    for i in 0..26 {
        let mut b = zoom.clone();
        b["path"] = format!("opt/zoom/plugins/p{i:02}.so").into();
        bins.push(b);
    }
    std::fs::write(&scan, serde_json::to_vec(&report).unwrap()).unwrap();
    let out = sovscan()
        .args(["explain", "zoom"])
        .arg(&scan)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Binaries (30)\n"), "{text}");
    assert!(text.contains("  … and 10 more\n"), "{text}");
    let listed = text
        .lines()
        .skip_while(|l| !l.starts_with("Binaries"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.contains("more"))
        .count();
    assert_eq!(listed, 20, "{text}");
}

#[test]
fn zero_jobs_is_a_usage_error() {
    sovscan()
        .args(["scan", "-j", "0", "fixtures/demo-linux"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`0` is not a number of threads"));
}
