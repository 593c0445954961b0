//! `sovscan fleet` (issue 14): the seat-weighted figures of the demo
//! images against a hand computation from each scan's CSV rows, a trend
//! over three dated scans of one image with its changes by key, the
//! Parquet file read by DuckDB with the SQL of docs/fleet.md, and the
//! one-line errors of a bad manifest.

use crate::common::{run_ok, scan_to, sovscan};
use crate::plan::{built_image, demo};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `sovscan fleet ARGS -f json`, which must succeed, parsed.
fn fleet_json(args: &[&std::ffi::OsStr]) -> Value {
    let out = run_ok(sovscan().arg("fleet").args(args).args(["-f", "json"]));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One workplace row of a scan's CSV: role weight, exposure as the index
/// counts it, open source, bloc.
struct CsvRow {
    key: String,
    level: String,
    workplace: bool,
    weight: f64,
    exposure: f64,
    open: bool,
    bloc: String,
}

/// The CSV of a saved scan (`sovscan report -f csv`), by the header's names.
fn csv_rows(scan: &Path) -> Vec<CsvRow> {
    let out = run_ok(sovscan().args(["report", "-f", "csv"]).arg(scan));
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    rdr.records()
        .map(|r| {
            let rec = r.unwrap();
            let get = |n: &str| rec[col(n)].to_owned();
            CsvRow {
                key: get("key"),
                level: get("risk_level"),
                workplace: get("workplace") == "true",
                weight: get("role_weight").parse().unwrap(),
                exposure: get("exposure").parse().unwrap_or(4.0),
                open: get("open_source") == "true",
                bloc: get("jurisdiction_bloc"),
            }
        })
        .collect()
}

fn round(decimals: i32, x: f64) -> f64 {
    let s = 10f64.powi(decimals);
    (x * s).round() / s
}

/// The demo images as a fleet: three images, two departments.
fn demo_fleet(dir: &Path) -> PathBuf {
    for d in ["linux", "windows", "macos"] {
        scan_to(&dir.join(format!("{d}.json")), demo(&format!("demo-{d}")));
    }
    let manifest = dir.join("fleet.toml");
    std::fs::write(
        &manifest,
        "name = \"Bezirksamt Demo\"\n\
         [[image]]\nname = \"desk-linux\"\ndepartment = \"Bürgerdienste\"\nseats = 120\nscans = [\"linux.json\"]\n\
         [[image]]\nname = \"desk-windows\"\ndepartment = \"Finanzen\"\nseats = 300\nscans = [\"windows.json\"]\ntags = [\"back office\"]\n\
         [[image]]\nname = \"mac\"\ndepartment = \"Finanzen\"\nseats = 15\nscans = [\"macos.json\"]\n",
    )
    .unwrap();
    manifest
}

#[test]
fn fleet_figures_equal_a_hand_computation_over_seats() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = demo_fleet(dir.path());
    let f = fleet_json(&[manifest.as_os_str()]);
    assert_eq!(f["fleet_version"], "1.0");
    let images = [
        ("linux", 120.0, "Bürgerdienste"),
        ("windows", 300.0, "Finanzen"),
        ("macos", 15.0, "Finanzen"),
    ];
    // By hand: Σ over images of seats × Σ over workplace rows.
    let mut sums: BTreeMap<&str, [f64; 5]> = BTreeMap::new();
    let mut high_seats: BTreeMap<String, f64> = BTreeMap::new();
    for (d, seats, dept) in images {
        for r in csv_rows(&dir.path().join(format!("{d}.json"))) {
            if r.level == "high" {
                *high_seats.entry(r.key.clone()).or_default() += seats;
            }
            if !r.workplace {
                continue;
            }
            for key in ["all", dept] {
                let s = sums.entry(key).or_default();
                s[0] += seats * r.weight;
                s[1] += seats * r.weight * r.exposure;
                s[2] += seats * r.weight * f64::from(u8::from(r.open));
                s[3] += seats * r.weight * f64::from(u8::from(r.bloc == "us"));
                s[4] += seats;
            }
        }
    }
    let check = |figures: &Value, s: &[f64; 5]| {
        assert_eq!(
            figures["index"].as_f64().unwrap(),
            round(1, 100.0 * (1.0 - s[1] / (4.0 * s[0])))
        );
        assert_eq!(
            figures["oss_share"]["weighted"].as_f64().unwrap(),
            round(4, s[2] / s[0])
        );
        assert_eq!(
            figures["jurisdictions"]["us"].as_f64().unwrap(),
            round(4, s[3] / s[0])
        );
    };
    check(&f["overall"], &sums["all"]);
    assert_eq!(f["overall"]["seats"], 435);
    for d in f["departments"].as_array().unwrap() {
        check(&d["figures"], &sums[d["name"].as_str().unwrap()]);
    }
    // One image alone in its department: the scan's own figures
    // (docs/model.md: demo-linux 74.5, 50.5 %).
    let linux = &f["departments"][0];
    assert_eq!(linux["name"], "Bürgerdienste");
    assert_eq!(linux["figures"]["index"], 74.5);
    assert_eq!(linux["figures"]["oss_share"]["weighted"], 0.5053);
    // The hand computation's numbers, as printed.
    assert_eq!(f["overall"]["index"], 71.2);
    assert_eq!(f["overall"]["oss_share"]["weighted"], 0.3749);
    // High products with the seats they reach, most seats first.
    let high: BTreeMap<String, f64> = f["overall"]["high"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["key"].as_str().unwrap().to_owned(),
                a["seats"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(high, high_seats);
    assert_eq!(f["overall"]["high"][0]["key"], "product:zoom");
    assert_eq!(f["overall"]["high"][0]["seats"], 435);
    assert_eq!(
        f["overall"]["concentration"]["controllers"][0]["id"],
        "microsoft"
    );
    // The table prints the same figures.
    let out = sovscan().arg("fleet").arg(&manifest).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("sovereignty index                        71.2"),
        "{table}"
    );
    assert!(
        table.contains("open-source share (role-weighted)        37.5 %"),
        "{table}"
    );
}

/// `demo-linux` as it was on three days: as generated; without AnyDesk;
/// without AnyDesk and with Kaspersky's endpoint agent (critical). Each is
/// scanned at the same root, so a directory of the scans is one image.
fn three_dated_scans(dir: &Path) -> [PathBuf; 3] {
    let work = dir.join("work");
    let first = dir.join("scans/2024.json");
    std::fs::create_dir_all(dir.join("scans")).unwrap();
    let empty = serde_json::json!({"products": [], "components": []});
    let days = [
        ("2024", "1717200000", &[][..], &[][..]),
        ("2025", "1748736000", &["anydesk"][..], &[][..]),
        ("2026", "1780272000", &["anydesk"][..], &["kesl"][..]),
    ];
    let mut out = Vec::new();
    for (year, epoch, removed, added) in days {
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let base: Value = if removed.is_empty() {
            empty.clone()
        } else {
            serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap()
        };
        let root = built_image(&base, removed, added, &work);
        let scan = dir.join(format!("scans/{year}.json"));
        sovscan()
            .env("SOURCE_DATE_EPOCH", epoch)
            .args(["scan", "-q", "-f", "json", "-o"])
            .arg(&scan)
            .arg(&root)
            .assert()
            .success();
        out.push(scan);
    }
    let _ = std::fs::remove_dir_all(&work);
    out.try_into().unwrap()
}

#[test]
fn a_trend_over_three_dated_scans_shows_the_changes_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let scans = three_dated_scans(dir.path());
    // A second image scanned once, in 2024, counts in every later period.
    sovscan()
        .env("SOURCE_DATE_EPOCH", "1717200000")
        .args(["scan", "-q", "-f", "json", "-o"])
        .arg(dir.path().join("windows.json"))
        .arg(demo("demo-windows"))
        .assert()
        .success();
    let manifest = dir.path().join("fleet.toml");
    std::fs::write(
        &manifest,
        "[[image]]\nname = \"desk\"\ndepartment = \"IT\"\nseats = 10\n\
         scans = [\"scans/2026.json\", \"scans/2024.json\", \"scans/2025.json\"]\n\
         [[image]]\nname = \"win\"\ndepartment = \"IT\"\nseats = 50\nscans = [\"windows.json\"]\n",
    )
    .unwrap();
    let f = fleet_json(&[manifest.as_os_str()]);
    let trend = f["trend"].as_array().unwrap();
    let periods: Vec<&str> = trend
        .iter()
        .map(|t| t["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2024", "2025", "2026"]);
    let keys = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(keys(&trend[0]["added"]).is_empty());
    assert_eq!(keys(&trend[1]["removed"]), ["product:anydesk"]);
    assert!(keys(&trend[1]["added"]).is_empty());
    assert!(
        keys(&trend[2]["added"]).contains(&"product:kaspersky-endpoint".to_owned()),
        "{}",
        trend[2]["added"]
    );
    assert_eq!(trend[1]["removed"][0]["seats"], 10);
    assert_eq!(
        (
            trend[0]["figures"]["seats"].as_u64(),
            trend[2]["figures"]["seats"].as_u64()
        ),
        (Some(60), Some(60))
    );
    // Kaspersky is critical on the desk's 10 seats from 2026 on.
    assert_eq!(trend[2]["figures"]["critical"][0]["seats"], 10);
    assert!(
        trend[1]["figures"]["critical"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The desk's scans sorted by date, and its changes between them.
    let ch = f["changes"].as_array().unwrap();
    assert_eq!(ch.len(), 2);
    assert_eq!(
        (ch[0]["from"].as_str(), ch[0]["to"].as_str()),
        (Some("2024-06-01"), Some("2025-06-01"))
    );
    assert_eq!(ch[0]["removed"], serde_json::json!(["product:anydesk"]));
    assert!(
        ch[1]["added"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "product:kaspersky-endpoint")
    );
    // The target line starts at the first period's share and reaches the
    // model's 70 % in 2032.
    let s0 = trend[0]["figures"]["oss_share"]["weighted"]
        .as_f64()
        .unwrap();
    assert_eq!(trend[0]["target_line"].as_f64().unwrap(), s0);
    assert_eq!(
        trend[1]["target_line"].as_f64().unwrap(),
        round(4, s0 + (0.7 - s0) / 8.0)
    );
    // A saved plan from 2024: its share after the phases of each year.
    let plan_path = dir.path().join("plan.json");
    run_ok(
        sovscan()
            .args(["plan", "-f", "json", "--from", "2024", "--by", "2032", "-o"])
            .arg(&plan_path)
            .arg(&scans[0]),
    );
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
    let with_plan = fleet_json(&[
        manifest.as_os_str(),
        "--plan".as_ref(),
        plan_path.as_os_str(),
    ]);
    for (t, year) in with_plan["trend"]
        .as_array()
        .unwrap()
        .iter()
        .zip([2024, 2025, 2026])
    {
        let phase = plan["phases"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|p| p["year"].as_u64().unwrap() <= year);
        let expected =
            phase.map_or(&plan["baseline"], |p| &p["figures"])["oss_share_weighted"].clone();
        assert_eq!(t["plan"], expected, "{year}");
    }
    assert!(with_plan["trend"][0]["plan"].is_number());
    assert!(f["trend"][0]["plan"].is_null());
    // By quarter; and a directory of the scans is one image of one seat.
    let q = fleet_json(&[
        manifest.as_os_str(),
        "--period".as_ref(),
        "quarter".as_ref(),
    ]);
    let periods: Vec<&str> = q["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2024-Q2", "2025-Q2", "2026-Q2"]);
    let d = fleet_json(&[dir.path().join("scans").as_os_str()]);
    assert_eq!(d["images"].as_array().unwrap().len(), 1);
    assert_eq!(d["overall"]["seats"], 1);
    for (a, b) in d["changes"].as_array().unwrap().iter().zip(ch) {
        assert_eq!((&a["added"], &a["removed"]), (&b["added"], &b["removed"]));
    }
    assert_eq!(d["changes"].as_array().unwrap().len(), 2);
    // The latest scan alone gives the desk's figures: a fleet of one.
    let latest: Value = serde_json::from_str(&std::fs::read_to_string(&scans[2]).unwrap()).unwrap();
    assert_eq!(d["overall"]["index"], latest["summary"]["index"]);
    assert_eq!(
        d["overall"]["oss_share"]["weighted"],
        latest["summary"]["oss_share"]["weighted"]
    );
}

/// The DuckDB query under "## Reproducing the figures" of docs/fleet.md.
fn documented_sql() -> String {
    let doc = include_str!("../../docs/fleet.md");
    let (_, rest) = doc.split_once("## Reproducing the figures").unwrap();
    let (_, rest) = rest.split_once("```sql\n").unwrap();
    rest.split_once("```").unwrap().0.to_owned()
}

/// The rows of a DuckDB query, one line each, values separated by spaces
/// (Python's `print`).
fn duckdb(sql: &str) -> String {
    let out = run_ok(std::process::Command::new("python3").args([
        "-c",
        "import duckdb, sys\nfor row in duckdb.sql(sys.argv[1]).fetchall(): print(*row)",
        sql,
    ]));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn duckdb_reproduces_the_fleet_figures_from_the_parquet_file() {
    let has_duckdb = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .status()
        .is_ok_and(|s| s.success());
    if !crate::common::available(has_duckdb, "DuckDB for Python (pip install duckdb)") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifest = demo_fleet(dir.path());
    // An older scan of the Linux desk (with other content: the Windows
    // image's): the query must take the latest scan of each image only.
    let old = dir.path().join("linux-old.json");
    sovscan()
        .env("SOURCE_DATE_EPOCH", "1748736000")
        .args(["scan", "-q", "-f", "json", "-o"])
        .arg(&old)
        .arg(demo("demo-windows"))
        .assert()
        .success();
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "scans = [\"linux.json\"]",
        "scans = [\"linux-old.json\", \"linux.json\"]",
    );
    std::fs::write(&manifest, text).unwrap();
    let pq = dir.path().join("fleet.parquet");
    let f = fleet_json(&[
        manifest.as_os_str(),
        "-o".as_ref(),
        format!("parquet={}", pq.display()).as_ref(),
    ]);
    let sql = documented_sql().replace("fleet.parquet", &pq.display().to_string());
    let got = duckdb(&sql);
    let expected = format!(
        "{} {}\n",
        f["overall"]["index"].as_f64().unwrap(),
        f["overall"]["oss_share"]["weighted"].as_f64().unwrap()
    );
    assert_eq!(got, expected);
    // Lists as lists: alternatives and signers as {signer, count}.
    let q = format!(
        "SELECT count(*), count(DISTINCT image), max(len(alternatives)), \
         sum(len(signers)) > 0, min(signers[1].count) >= 1 FROM '{}' WHERE image = 'desk-windows'",
        pq.display()
    );
    let got = duckdb(&q);
    let windows: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("windows.json")).unwrap())
            .unwrap();
    let n = windows["products"].as_array().unwrap().len();
    assert!(got.starts_with(&format!("{n} 1 ")), "{got}");
    assert!(got.trim_end().ends_with("True True"), "{got}");
}

#[test]
fn a_bad_manifest_or_a_missing_scan_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("fleet.toml");
    let run = |text: &str| {
        std::fs::write(&m, text).unwrap();
        let out = sovscan().arg("fleet").arg(&m).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };
    let e = run("[[image]]\nname = \"a\"\ndepartment = \"IT\"\nseats = -3\nscans = [\"a.json\"]\n");
    assert_eq!(
        e,
        format!(
            "sovscan: error: {}:4:9: image `a`: `seats` must be at least 1, not -3 [F004]\n",
            m.display()
        )
    );
    let e =
        run("[[image]]\nname = \"a\"\ndepartment = \"IT\"\nseats = 3\nscans = [\"gone.json\"]\n");
    let gone = dir.path().join("gone.json");
    assert!(
        e.starts_with(&format!("sovscan: error: {}: ", gone.display())),
        "{e}"
    );
    let e = run("[[image]]\nname = \"a\"\n");
    assert!(
        e.contains("fleet.toml:1:1: missing field `department` [F002]"),
        "{e}"
    );
}

#[test]
fn a_scan_writes_parquet_and_csv_with_the_planner_columns() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("scan.parquet");
    let csv = dir.path().join("scan.csv");
    sovscan()
        .args(["scan", "-q", "--no-progress"])
        .arg("-o")
        .arg(format!("parquet={}", pq.display()))
        .arg("-o")
        .arg(format!("csv={}", csv.display()))
        .arg(demo("demo-linux"))
        .assert()
        .success();
    let bytes = std::fs::read(&pq).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    let mut rdr = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header[27..],
        ["key", "alternatives", "workplace", "role_weight"]
    );
    let recs: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let anydesk = recs.iter().find(|r| r[27] == "product:anydesk").unwrap();
    assert_eq!(
        anydesk[28..],
        ["rustdesk".to_owned(), "true".into(), "5".into()]
    );
}
