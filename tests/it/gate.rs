//! CI gates, baselines and drift: the exit codes a pipeline relies on.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn write_policy(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn scan_code(root: &Path, extra: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = sovscan()
        .args(["scan", "-q", "-f", "json"])
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const DENY_ZOOM: &str = "[deny]\nvendors = [\"zoom\"]\n";

/// The last line on stderr: a gated run's verdict.
fn last_line(err: &str) -> &str {
    err.lines().last().unwrap_or("")
}

#[test]
fn denied_allowed_and_expired() {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new("fixtures/demo-linux");
    let deny = write_policy(dir.path(), "deny.toml", DENY_ZOOM);
    let (code, err) = scan_code(demo, &["--policy".as_ref(), deny.as_os_str()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("deny.vendors [violation]: Zoom Workplace (0:product:zoom): vendor or controller `zoom` is denied"), "{err}");
    assert_eq!(last_line(&err), "sovscan: FAILED: 1 violation, 0 allowed");

    let allow = format!(
        "{DENY_ZOOM}\n[[allow]]\nvendor = \"zoom\"\nreason = \"video pilot\"\nexpires = 2999-01-01\n"
    );
    let future = write_policy(dir.path(), "future.toml", &allow);
    let (code, err) = scan_code(demo, &["--policy".as_ref(), future.as_os_str()]);
    assert_eq!(code, Some(0));
    assert_eq!(
        last_line(&err),
        "sovscan: PASSED: 0 violations, 1 allowed (nearest expiry 2999-01-01, vendor:zoom)"
    );

    let past = write_policy(
        dir.path(),
        "past.toml",
        &allow.replace("2999-01-01", "2001-01-01"),
    );
    let out = sovscan()
        .args(["scan", "-f", "json"])
        .arg(demo)
        .arg("--policy")
        .arg(&past)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("allow entry for vendor:zoom expired on 2001-01-01: it allows nothing"),
        "{err}"
    );
    assert_eq!(
        last_line(&err),
        "sovscan: FAILED: 1 violation, 0 allowed, 1 allowlist entry expired"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["policy"]["passed"], false);
    assert_eq!(
        report["policy"]["expired_allows"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn a_malformed_policy_is_exit_2_with_its_position_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_policy(
        dir.path(),
        "bad.toml",
        "[deny]\nvendors = [\"zoom\"]\nmax_level = \"urgent\"\n",
    );
    sovscan()
        .args(["scan", "-q", "fixtures/demo-linux", "--policy"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "sovscan: error: {}:3:13: `urgent` is not a level (low, medium, unknown, high, critical) [P017]\n",
            bad.display()
        )));
    let unknown = write_policy(
        dir.path(),
        "unknown.toml",
        "[deny]\nvendors = [\"no-such-vendor\"]\n",
    );
    sovscan()
        .args(["scan", "-q", "fixtures/demo-linux", "--policy"])
        .arg(&unknown)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown.toml:2:12: unknown vendor id `no-such-vendor` [P014]\n",
        ));
}

#[test]
fn fail_on_and_aggregate_minimums() {
    let demo = Path::new("fixtures/demo-linux");
    assert_eq!(
        scan_code(demo, &["--fail-on".as_ref(), "high".as_ref()]).0,
        Some(1)
    );
    assert_eq!(
        scan_code(demo, &["--fail-on".as_ref(), "critical".as_ref()]).0,
        Some(0)
    );
    sovscan()
        .args(["scan", "fixtures/demo-linux", "--fail-on", "urgent"])
        .assert()
        .code(2);
    let dir = tempfile::tempdir().unwrap();
    let p = write_policy(
        dir.path(),
        "min.toml",
        "[deny]\nmin_index = 90\nmin_oss_share = 0.7\n",
    );
    let (code, err) = scan_code(demo, &["--policy".as_ref(), p.as_os_str()]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("sovereignty index 74.5 is below the minimum 90"),
        "{err}"
    );
    assert!(
        err.contains("open-source share 42.1 % is below the minimum 70.0 %"),
        "{err}"
    );
}

/// A copy of the demo image with: bash updated, ca-certificates removed, and
/// ByteDance's Lark client installed from its .deb.
fn drifted_copy(dir: &Path) -> PathBuf {
    let root = dir.join("demo-drifted");
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg("fixtures/demo-linux")
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let st = root.join("var/lib/dpkg/status");
    let text = std::fs::read_to_string(&st).unwrap();
    let stanzas: Vec<&str> = text
        .split("\n\n")
        .filter(|s| !s.starts_with("Package: ca-certificates\n"))
        .collect();
    let text = stanzas.join("\n\n");
    let text = {
        let i = text.find("Package: bash\n").unwrap();
        let j = i + text[i..].find("\nVersion: ").unwrap() + "\nVersion: ".len();
        let k = j + text[j..].find('\n').unwrap();
        format!("{}5.2.15-2+b8{}", &text[..j], &text[k..])
    };
    let lark = "\n\nPackage: bytedance-lark-stable\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.28.9\nMaintainer: Lark Technologies Pte. Ltd. <support@larksuite.com>\n";
    std::fs::write(&st, format!("{}{lark}", text.trim_end())).unwrap();
    root
}

#[test]
fn baseline_fails_only_on_new_violations() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    scan_to(&base, "fixtures/demo-linux");
    // The same image against itself: violations exist but none is new.
    let p = write_policy(
        dir.path(),
        "p.toml",
        "[deny]\nvendors = [\"zoom\", \"bytedance\"]\n",
    );
    let demo = Path::new("fixtures/demo-linux");
    assert_eq!(
        scan_code(demo, &["--policy".as_ref(), p.as_os_str()]).0,
        Some(1)
    );
    let (code, err) = scan_code(
        demo,
        &[
            "--policy".as_ref(),
            p.as_os_str(),
            "--baseline".as_ref(),
            base.as_os_str(),
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        last_line(&err),
        "sovscan: PASSED: 0 new violations, 1 known from the baseline, 0 allowed"
    );
    // A new denied component (ByteDance's Lark) fails.
    let drifted = drifted_copy(dir.path());
    let (code, err) = scan_code(
        &drifted,
        &[
            "--policy".as_ref(),
            p.as_os_str(),
            "--baseline".as_ref(),
            base.as_os_str(),
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("Lark / Feishu (0:product:lark)") && err.contains("`bytedance` is denied"),
        "{err}"
    );
    assert!(
        err.contains("[known from the baseline]: Zoom Workplace"),
        "{err}"
    );
    assert_eq!(
        last_line(&err),
        "sovscan: FAILED: 1 new violation, 1 known from the baseline, 0 allowed"
    );
}

#[test]
fn diff_lists_exactly_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    scan_to(&old, "fixtures/demo-linux");
    let drifted = drifted_copy(dir.path());
    scan_to(&new, &drifted);
    let d = diff_json(&old, &new);
    let names = |k: &str| -> Vec<String> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("added"), vec!["Lark / Feishu"]);
    assert_eq!(d["added"][0]["vendor"], "bytedance");
    assert_eq!(names("removed"), vec!["ca-certificates"]);
    assert_eq!(names("changed"), vec!["bash"]);
    assert_eq!(
        d["changed"][0]["fields"],
        serde_json::json!([["version", "5.2.15-2+b7", "5.2.15-2+b8"]])
    );
    assert!(
        d["index"]["delta"].as_f64().unwrap() < 0.0,
        "a CN-controlled collaboration tool lowers the index"
    );
    sovscan()
        .args(["diff", "-f", "md"])
        .arg(&old)
        .arg(&new)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("## Added (1)").and(predicate::str::contains(
                "- ~ bash: version 5.2.15-2+b7 → 5.2.15-2+b8",
            )),
        );
}

/// A gate on nothing is no pass: an empty root, and a root that yields no
/// OS and no software (a fresh file system with only `lost+found`), exit 2
/// with one line, also with `--fail-on critical`; `--allow-empty` gives 0.
#[test]
fn an_empty_root_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let fresh = dir.path().join("fresh");
    std::fs::create_dir_all(fresh.join("lost+found")).unwrap();
    std::fs::write(fresh.join("README.txt"), "nothing here\n").unwrap();
    for (root, why) in [
        (&empty, "the root directory is empty"),
        (&fresh, "no operating system and no software found"),
    ] {
        let (code, err) = scan_code(root, &["--fail-on".as_ref(), "critical".as_ref()]);
        assert_eq!(code, Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("sovscan: error: {}: {why}", root.display()))
                && err.contains("--allow-empty"),
            "{err}"
        );
        let (code, err) = scan_code(
            root,
            &[
                "--fail-on".as_ref(),
                "critical".as_ref(),
                "--allow-empty".as_ref(),
            ],
        );
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(last_line(&err), "sovscan: PASSED: 0 violations, 0 allowed");
    }
}

/// In GitHub Actions the verdict is also appended to the job summary.
#[test]
fn the_verdict_goes_to_the_github_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let deny = write_policy(dir.path(), "deny.toml", DENY_ZOOM);
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = sovscan()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["scan", "-q", "-f", "json", "--policy"])
        .arg(&deny)
        .arg("fixtures/demo-linux")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n### sovscan: FAILED\n\n1 violation, 0 allowed\n\n| rule | state | finding |\n"),
        "{md}"
    );
    assert!(
        md.contains("| `deny.vendors` | violation | Zoom Workplace (0:product:zoom)"),
        "{md}"
    );
}
