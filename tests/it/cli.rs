//! The command line: exit codes, one-line errors, rule-file diagnostics with
//! file:line:col, and atomic output files.

use crate::common::*;
use predicates::prelude::*;
use std::path::Path;

fn rule_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const PRODUCT_WITH_UNKNOWN_VENDOR: &str = r#"# a local addition
[[product]]
id = "local-app"
name = "Local App"
vendor = "no-such-vendor"
category = "office"
license = "proprietary"
source = "local inventory"
as_of = 2026-11-01
"#;

#[test]
fn unknown_vendor_is_reported_with_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let f = rule_file(dir.path(), "local.toml", PRODUCT_WITH_UNKNOWN_VENDOR);
    sovscan()
        .args(["rules", "check"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "sovscan: error: {}:5:10: unknown vendor id `no-such-vendor`",
            f.display()
        )));
}

#[test]
fn every_kind_of_rule_mistake_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "syntax.toml",
            "[[vendor]]\nid = \"x\nname = 1\n",
            "syntax.toml:2:",
        ),
        (
            "country.toml",
            "[[vendor]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"company\"\ncountry = \"Germany\"\nsource = \"s\"\nas_of = 2026-01-01\n",
            "country.toml:5:11: `Germany` is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            "unknown-country.toml",
            "[[vendor]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"company\"\ncountry = \"XX\"\nsource = \"s\"\nas_of = 2026-01-01\n",
            "unknown-country.toml:5:11: unknown country `XX`",
        ),
        (
            "dup.toml",
            "[[vendor]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"company\"\ncountry = \"DE\"\nsource = \"s\"\nas_of = 2026-01-01\n\n[[vendor]]\nid = \"acme\"\nname = \"Acme 2\"\nkind = \"company\"\ncountry = \"DE\"\nsource = \"s\"\nas_of = 2026-01-01\n",
            "dup.toml:10:6: duplicate vendor id `acme`",
        ),
        (
            "glob.toml",
            "[[vendor]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"company\"\ncountry = \"DE\"\nsource = \"s\"\nas_of = 2026-01-01\n[vendor.match]\npackages = [\"acme-[\"]\n",
            "glob.toml:9:13: invalid pattern `acme-[`",
        ),
        (
            "field.toml",
            "[[vendor]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"company\"\ncountry = \"DE\"\nsource = \"s\"\nas_of = 2026-01-01\nheadquarters = \"Berlin\"\n",
            "field.toml:8:1: unknown field `headquarters`",
        ),
        (
            "date.toml",
            "[[vendor]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"company\"\ncountry = \"DE\"\nsource = \"s\"\nas_of = 2026-01-01T10:00:00Z\n",
            "date.toml:7:9: as_of must be a date",
        ),
    ];
    for (name, text, expected) in cases {
        let f = rule_file(dir.path(), name, text);
        let out = sovscan().args(["rules", "check"]).arg(&f).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(expected),
            "{name}: expected {expected:?} in {err}"
        );
    }
}

#[test]
fn embedded_database_checks_clean_and_lists() {
    sovscan()
        .args(["rules", "check"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ok: rule database "));
    sovscan()
        .args(["rules", "list", "--vendors"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("kaspersky").and(predicate::str::contains("products").not()),
        );
    sovscan()
        .args(["rules", "list", "--products"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("google-chrome")
                .and(predicate::str::contains(" vendors\n").not()),
        );
}

#[test]
fn override_replaces_an_embedded_entry_by_id() {
    let dir = tempfile::tempdir().unwrap();
    // Re-home TDF in Switzerland: the override wins over the embedded entry.
    let f = rule_file(
        dir.path(),
        "tdf.toml",
        "[[vendor]]\nid = \"tdf\"\nname = \"The Document Foundation (test)\"\nkind = \"foundation\"\ncountry = \"CH\"\nsource = \"test\"\nas_of = 2026-11-22\n",
    );
    sovscan()
        .args(["rules", "list", "--vendors", "--rules"])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"tdf\s+The Document Foundation \(test\)\s+CH").unwrap());
}

#[test]
fn missing_root_is_one_line_and_exit_2() {
    let out = sovscan().args(["scan", "/no/such/root"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("sovscan: error: /no/such/root: "), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    sovscan().args(["scan"]).assert().code(2);
    sovscan()
        .args(["scan", "--format", "xml", "."])
        .assert()
        .code(2);
    sovscan().args(["frobnicate"]).assert().code(2);
}

#[test]
fn output_is_written_atomically_and_kept_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    write(&root.join("opt/app/app"), &elf(&[9; 20], None), 0o755);
    let out = dir.path().join("scan.json");

    sovscan()
        .args(["scan", "-q", "-f", "json", "-o"])
        .arg(&out)
        .arg(&root)
        .assert()
        .success()
        .stdout("");
    let first = std::fs::read(&out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(json["binaries"][0]["path"], "opt/app/app");

    // A failing run leaves the earlier file as it was, and no temp files.
    sovscan()
        .args(["scan", "-q", "-f", "json", "-o"])
        .arg(&out)
        .arg("/no/such/root")
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&out).unwrap(), first);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".sovscan-"))
        .collect();
    assert!(leftovers.is_empty());

    // An output directory that doesn't exist is a clear error before scanning.
    sovscan()
        .args(["scan", "-q", "-o"])
        .arg(dir.path().join("nope/scan.json"))
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("output directory does not exist"));
}

#[test]
fn bad_exclude_glob_is_a_usage_error() {
    sovscan()
        .args(["scan", "--exclude", "a[", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--exclude \"a[\""));
}

#[test]
fn exclude_skips_a_subtree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("opt/keep/app"), &elf(&[1; 20], None), 0o755);
    write(&root.join("opt/drop/app"), &elf(&[2; 20], None), 0o755);
    let out = sovscan()
        .args(["scan", "-f", "json", "--exclude", "opt/drop"])
        .arg(root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths = binary_paths(&json);
    assert_eq!(paths, vec!["opt/keep/app"]);
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    sovscan()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_sovscan()").and(predicate::str::contains("explain")));
    sovscan()
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef sovscan"));
    sovscan()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH sovscan 1").and(predicate::str::contains("summary")));
}

/// Completions for the four shells an administrator uses; the bash script
/// is valid bash.
#[test]
fn completions_for_bash_zsh_fish_and_powershell() {
    for (shell, marker) in [
        ("bash", "complete -F _sovscan"),
        ("zsh", "#compdef sovscan"),
        ("fish", "complete -c sovscan"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = sovscan().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("fail-on") && text.contains("wide"), "{shell}");
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("sovscan.bash");
    let out = sovscan().args(["completions", "bash"]).output().unwrap();
    std::fs::write(&script, out.stdout).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success(), "bash -n rejects the completion script");
}

/// `man --dir` into a missing directory, or a file: one line naming it,
/// exit 2, nothing written.
#[test]
fn man_into_a_missing_directory_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    for target in [dir.path().join("missing"), file] {
        let out = sovscan()
            .args(["man", "--dir"])
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            err,
            format!(
                "sovscan: error: {}: output directory does not exist\n",
                target.display()
            )
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// `sovscan man --dir DIR`: a page per command and subcommand, each with
/// EXIT STATUS, ENVIRONMENT and FILES, the main ones with EXAMPLES; every
/// page the top page refers to exists; `man -l` renders them and `mandoc
/// -T lint` finds no error.
#[test]
fn man_pages_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    sovscan()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    let want = [
        "sovscan-assess.1",
        "sovscan-check.1",
        "sovscan-completions.1",
        "sovscan-diff.1",
        "sovscan-explain.1",
        "sovscan-fleet.1",
        "sovscan-man.1",
        "sovscan-plan.1",
        "sovscan-report.1",
        "sovscan-rules-check.1",
        "sovscan-rules-coverage.1",
        "sovscan-rules-list.1",
        "sovscan-rules.1",
        "sovscan-scan.1",
        "sovscan-summary.1",
        "sovscan.1",
    ];
    assert_eq!(pages, want);
    for p in &pages {
        let text = std::fs::read_to_string(dir.path().join(p)).unwrap();
        for section in [
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            "NO_COLOR",
        ] {
            assert!(text.contains(section), "{p}: no {section}");
        }
        // Every page it refers to is there.
        for r in text.split(|c: char| c.is_whitespace() || c == ',') {
            if let Some(name) = r.strip_suffix("(1)").filter(|n| n.starts_with("sovscan")) {
                let file = format!("{}.1", name.replace("\\-", "-"));
                assert!(pages.contains(&file), "{p} refers to {name}(1)");
            }
        }
    }
    for p in [
        "sovscan-scan.1",
        "sovscan-explain.1",
        "sovscan-diff.1",
        "sovscan-report.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(p)).unwrap();
        assert!(text.contains(".SH EXAMPLES"), "{p}");
    }
    let scan = std::fs::read_to_string(dir.path().join("sovscan-scan.1")).unwrap();
    assert!(
        scan.contains("sovscan scan /mnt/golden \\-\\-fail\\-on critical"),
        "{scan}"
    );
    if require_tool("man", "apt-get install -y man-db groff-base") {
        for p in &pages {
            let out = std::process::Command::new("man")
                .arg("-l")
                .arg(dir.path().join(p))
                .env("MANWIDTH", "80")
                .env("MANPAGER", "cat")
                .env("PAGER", "cat")
                .output()
                .unwrap();
            assert!(out.status.success(), "man -l {p}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("EXIT STATUS") && text.contains("ENVIRONMENT"),
                "{p}: {text}"
            );
        }
    }
    if require_tool("mandoc", "apt-get install -y mandoc") {
        for p in &pages {
            let out = std::process::Command::new("mandoc")
                .args(["-T", "lint", "-W", "error"])
                .arg(dir.path().join(p))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "mandoc -T lint {p}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

/// `--help` of the main commands ends with examples.
#[test]
fn help_shows_examples() {
    for cmd in ["scan", "explain", "diff", "report", "summary"] {
        sovscan()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  sovscan "));
    }
}
