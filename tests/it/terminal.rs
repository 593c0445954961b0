//! The table in a terminal and in a CI log (issue 17): it fits the width
//! (`COLUMNS`, the terminal's, 120 in a pipe, everything with `--wide`),
//! keeps product, vendor → controller and risk, groups the unrated rows
//! last, and colours levels only on a terminal without `NO_COLOR`.

use crate::common::{self, run_ok};

const IMAGES: [&str; 3] = ["demo-linux", "demo-macos", "demo-windows"];
const WIDTHS: [usize; 3] = [80, 120, 200];

/// The table of a demo image with `COLUMNS` set (stdout is a pipe).
fn table(image: &str, columns: Option<usize>, extra: &[&str]) -> String {
    let mut cmd = common::sovscan();
    cmd.env_remove("COLUMNS").env_remove("NO_COLOR");
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let out = run_ok(
        cmd.args(["scan", "--no-progress"])
            .args(extra)
            .arg(format!("fixtures/{image}")),
    );
    String::from_utf8(out.stdout).unwrap()
}

fn widest(text: &str) -> usize {
    text.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap()
}

#[test]
fn table_snapshots_at_80_120_and_200_columns() {
    for image in IMAGES {
        for w in WIDTHS {
            let t = table(image, Some(w), &[]);
            insta::assert_snapshot!(format!("{image}-table-{w}"), t);
        }
    }
}

#[test]
fn no_line_is_wider_than_the_terminal() {
    for image in IMAGES {
        for w in [60, 72, 80, 100, 120, 160, 200] {
            let t = table(image, Some(w), &[]);
            assert!(widest(&t) <= w, "{image} at {w}: {}", widest(&t));
            // Every row keeps the columns that matter.
            let header = t.lines().next().unwrap();
            for col in ["product", "vendor → controller", "risk"] {
                assert!(header.contains(col), "{image} at {w}: {header}");
            }
        }
    }
}

/// Several images: the image column comes first and the table still fits.
#[test]
fn several_images_fit_too() {
    for w in [80, 120] {
        let mut cmd = common::sovscan();
        let out = run_ok(cmd.env("COLUMNS", w.to_string()).args([
            "scan",
            "--no-progress",
            "fixtures/demo-linux",
            "fixtures/demo-macos",
        ]));
        let t = String::from_utf8(out.stdout).unwrap();
        assert!(t.starts_with("image  product"), "{t}");
        assert!(widest(&t) <= w, "{t}");
        assert!(
            t.lines().any(|l| l.starts_with("1      Apple macOS")),
            "{t}"
        );
    }
}

#[test]
fn a_pipe_gets_120_columns_and_wide_gets_everything() {
    let piped = table("demo-linux", None, &[]);
    assert_eq!(piped, table("demo-linux", Some(120), &[]));
    assert!(widest(&piped) <= 120);
    let wide = table("demo-linux", Some(80), &["--wide"]);
    assert!(widest(&wide) > 120, "{wide}");
    for col in ["version", "license", "category"] {
        assert!(wide.lines().next().unwrap().contains(col));
        assert!(
            !table("demo-linux", Some(80), &[])
                .lines()
                .next()
                .unwrap()
                .contains(col)
        );
    }
    // Nothing cut in the wide table, and no colour in a pipe.
    assert!(
        !wide
            .lines()
            .take_while(|l| !l.starts_with("Image"))
            .any(|l| l.contains('…'))
    );
    assert!(!piped.contains('\x1b'));
}

#[test]
fn unrated_rows_come_last_with_a_line_saying_why() {
    let t = table("demo-linux", Some(120), &[]);
    let rows: Vec<&str> = t
        .lines()
        .skip(2)
        .take_while(|l| !l.starts_with('─'))
        .collect();
    let why = rows
        .iter()
        .position(|l| l.starts_with("Not rated: 2 products"))
        .unwrap();
    let level = |l: &&str| l.split_whitespace().last().unwrap_or("").to_owned();
    // Before the line: rated rows only (and a blank line); after it, the
    // notice's own wrapped lines and the two unknown rows.
    let rated: Vec<String> = rows[..why]
        .iter()
        .filter(|l| !l.is_empty())
        .map(level)
        .collect();
    assert_eq!(rated.first().unwrap(), "high");
    assert_eq!(rated.last().unwrap(), "low");
    assert!(!rated.iter().any(|l| l == "unknown"), "{t}");
    let after: Vec<String> = rows[why + 1..]
        .iter()
        .filter(|l| !l.starts_with("  "))
        .map(level)
        .collect();
    assert_eq!(after, ["unknown", "unknown"], "{t}");
    // One licence form per kind: no `LicenseRef-`, `Proprietary`, `?`.
    for bad in ["LicenseRef-", "Proprietary", " ? ", "(OSS)"] {
        assert!(!t.contains(bad), "{bad} in\n{t}");
    }
}

/// Runs the scan under a pseudo-terminal of `cols` columns (`script(1)`),
/// `COLUMNS` unset; returns what the terminal got, line ends normalised.
fn in_terminal(image: &str, cols: usize, no_color: bool) -> Option<String> {
    if !common::require_tool("script", "util-linux (script)") {
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("sovscan");
    let cmd = format!(
        "stty cols {cols} rows 60; {} scan --no-progress fixtures/{image}",
        bin.display()
    );
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("COLUMNS")
        .env("SOURCE_DATE_EPOCH", common::SOURCE_DATE_EPOCH)
        .env("TERM", "xterm");
    if no_color {
        script.env("NO_COLOR", "1");
    } else {
        script.env_remove("NO_COLOR");
    }
    let out = script.output().unwrap();
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n"))
}

/// `text` without SGR colour sequences.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('m').unwrap();
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_terminal_of_each_size_gets_the_same_table_as_columns_with_colours() {
    for image in IMAGES {
        for w in WIDTHS {
            let Some(tty) = in_terminal(image, w, false) else {
                return;
            };
            assert!(tty.contains("\x1b[31mhigh\x1b[0m"), "{image}: no colour");
            assert_eq!(plain(&tty), table(image, Some(w), &[]), "{image} at {w}");
        }
    }
    let Some(tty) = in_terminal("demo-linux", 80, true) else {
        return;
    };
    assert!(!tty.contains('\x1b'), "NO_COLOR is respected");
    assert_eq!(tty, table("demo-linux", Some(80), &[]));
}

/// The notice under the table names the JSON file written, in real
/// plurals; without one it says how to get it.
#[test]
fn the_problems_notice_names_the_real_output() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), "ID=debian\n").unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    // Past the 64 MiB limit for a text file (sparse: no disk used): one error.
    let f = std::fs::File::create(root.join("var/lib/dpkg/status")).unwrap();
    f.set_len(64 * 1024 * 1024 + 1).unwrap();
    let json = dir.path().join("scan.json");
    // The table on stdout, the JSON to a file.
    let out = common::sovscan()
        .args(["scan", "--no-progress", "-o"])
        .arg(format!("json={}", json.display()))
        .arg(&root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "sovscan: 1 error and 0 skipped entries are listed in {}",
            json.display()
        )),
        "{err}"
    );
    let out = common::sovscan()
        .args(["scan", "--no-progress"])
        .arg(&root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sovscan: 1 error and 0 skipped entries are listed in the JSON report (-o json=FILE writes it beside the table)"),
        "{err}"
    );
}
