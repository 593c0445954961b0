//! The sovereignty report (`-o md=`, `-o html=`, `sovscan report`): its
//! sections and figures for the demo images, escaping of hostile names,
//! `sovscan report` rendering a saved scan in every format byte for byte as
//! the scan wrote it, and bad inputs.

use crate::common::{scan_json, sovscan};
use std::path::Path;

fn demo(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Scans `root` once, writing json, md and html; returns their texts.
fn scan_outputs(root: &Path, dir: &Path) -> (String, String, String) {
    let (j, m, h) = (
        dir.join("scan.json"),
        dir.join("report.md"),
        dir.join("report.html"),
    );
    sovscan()
        .arg("scan")
        .arg(root)
        .arg("-q")
        .arg("-o")
        .arg(format!("json={}", j.display()))
        .arg("-o")
        .arg(format!("md={}", m.display()))
        .arg("-o")
        .arg(format!("html={}", h.display()))
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    (read(&j), read(&m), read(&h))
}

#[test]
fn markdown_of_demo_linux_has_every_section_and_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (json, md, _) = scan_outputs(&demo("demo-linux"), dir.path());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();

    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Management summary",
            "## Image",
            "## Key figures",
            "## Jurisdiction mix",
            "## Vendor concentration",
            "## Levels by category",
            "## Critical and high dependencies",
            "## Medium dependencies on US, Chinese or Russian vendors",
            "## Laws with reach abroad",
            "## Unresolved products",
            "## Model in force",
            "## Appendix: evidence",
        ]
    );
    // Image facts, rule database, model (docs/model.md's worked example).
    assert!(
        md.contains("/fixtures/demo-linux | linux, Debian GNU/Linux 12"),
        "{md}"
    );
    assert!(md.contains("- Rule database: 2026."));
    assert!(md.contains("| Sovereignty index | **74.5 / 100**"));
    assert!(md.contains("| Weakest level | **high** |"));
    assert!(md.contains("42.1 % of workplace products (target 70.0 % by 2032)"));
    assert!(
        md.contains("| Open-source share by role weight | 50.5 % (19.5 points below the target) |")
    );
    assert!(md.contains("| EU/EEA | 5 | 27.4 % |"));
    assert!(md.contains("| US | 10 | 53.7 % |"));
    assert!(md.contains("| community (no controlling company) | "));
    assert!(md.contains("Herfindahl–Hirschman index **822.1** of 10,000 (not concentrated)"));
    assert!(md.contains("| The Document Foundation | DE | 6.5 % |"));
    assert!(md.contains("- Weights: D1 legal exposure 10, D2 control stability 15"));
    assert!(md.contains("levels: medium from 2, high from 4, critical from 8"));

    // One explained entry per critical or high product, worst first.
    let high = v["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["risk"]["level"] == "high" || c["risk"]["level"] == "critical")
        .count();
    assert_eq!(high, 6);
    let section = md
        .split("## Critical and high dependencies")
        .nth(1)
        .unwrap()
        .split("## Medium dependencies")
        .next()
        .unwrap();
    assert_eq!(section.matches("\n### ").count(), high, "{section}");
    assert!(section.contains("### 1. Citrix Workspace app 24.8.0.98-0 — high"));
    assert!(section.contains("### 2. Microsoft Teams 1.5.00.23861-1 — high"));
    // Teams: controller, laws by name with their effect, rules with their
    // rationale, the score line, the alternatives from the rule database.
    let teams = section
        .split("### 2.")
        .nth(1)
        .unwrap()
        .split("### 3.")
        .next()
        .unwrap();
    assert!(
        teams.contains("- **Controller:** Microsoft (US)"),
        "{teams}"
    );
    // The laws by name; their text once, in "Laws with reach abroad".
    assert!(teams.contains(
        "laws with reach abroad: Stored Communications Act, CLOUD Act, FISA Section 702"
    ));
    let laws = md.split("## Laws with reach abroad").nth(1).unwrap();
    assert!(laws.contains("**CLOUD Act** (us.cloud\\_act)"));
    assert!(laws.contains("\nSCA obligations reach data"));
    assert_eq!(md.matches("SCA obligations reach data").count(), 1);
    assert!(teams.contains("JUR-US-CONTROL D1 = 3: US-controlled"));
    assert!(teams.contains("OPS-REMOTE-CUTOFF D4 = 4"));
    assert!(teams.contains("- **Assessment:** exposure "));
    assert!(teams.contains(" × impact 3 = "));
    assert!(teams.contains("→ high"));
    assert!(teams.contains("  - Jitsi Meet: "));
    assert!(teams.contains("open source"));
    assert!(teams.contains("- **Evidence:** var/lib/rpm/rpmdb.sqlite"));

    // Unresolved products with their evidence paths.
    let unresolved = md
        .split("## Unresolved products")
        .nth(1)
        .unwrap()
        .split("## Model in force")
        .next()
        .unwrap();
    assert!(unresolved.contains("| vendor-tool 2.1 | binary | unknown role | opt/vendor-tool<br>opt/vendor-tool/bin/tool |"), "{unresolved}");
    assert!(unresolved.contains("org.freedesktop.Platform"));

    // The appendix (summary, the default) lists the 20 worst products with
    // their members' evidence.
    let appendix = md.split("## Appendix: evidence").nth(1).unwrap();
    let n = v["products"].as_array().unwrap().len();
    assert_eq!(appendix.matches("\n### ").count(), n.min(20) + 1);
    assert!(appendix.contains(&format!("{} more products", n - 20)));
    assert!(
        appendix
            .contains("- match: product:microsoft-teams — package name “teams” matches “teams”")
    );
    assert!(
        md.ends_with("them all.\n") && !md.ends_with("\n\n"),
        "one trailing newline"
    );
}

/// Every format `scan -o` writes.
const FORMATS: [&str; 9] = [
    "json",
    "table",
    "cyclonedx",
    "sarif",
    "ndjson",
    "csv",
    "md",
    "html",
    "pdf",
];

/// `sovscan report SCAN.json -f F` gives, for every format, the bytes the
/// scan that wrote SCAN.json wrote for F in the same run.
#[test]
fn report_renders_every_format_as_the_scan_wrote_it() {
    for image in ["demo-linux", "demo-windows", "demo-macos"] {
        let dir = tempfile::tempdir().unwrap();
        let file = |f: &str| dir.path().join(format!("scan.{f}"));
        let mut scan = sovscan();
        scan.args(["scan", "-q", "--sarif-min-level", "medium"])
            .arg(demo(image));
        for f in FORMATS {
            scan.arg("-o").arg(format!("{f}={}", file(f).display()));
        }
        scan.timeout(std::time::Duration::from_secs(120))
            .assert()
            .success();
        for f in FORMATS {
            let written = std::fs::read(file(f)).unwrap();
            assert!(written.len() > 100, "{image}: scan wrote little {f}");
            let mut report = sovscan();
            report.args(["report", "-f", f]).arg(file("json"));
            if f == "sarif" {
                report.args(["--sarif-min-level", "medium"]);
            }
            let out = report.assert().success().get_output().stdout.clone();
            assert!(
                out == written,
                "{image}: sovscan report -f {f} differs from scan -o {f}="
            );
        }
        // -o FILE writes the same bytes, and nothing to stdout.
        let again = dir.path().join("again.html");
        sovscan()
            .arg("report")
            .arg(file("json"))
            .arg("-o")
            .arg(&again)
            .assert()
            .success()
            .stdout("");
        assert_eq!(
            std::fs::read(&again).unwrap(),
            std::fs::read(file("html")).unwrap()
        );
    }
}

/// The SARIF threshold of `report` is its own option: without it, the
/// default (high) applies whatever the scan used.
#[test]
fn report_takes_the_sarif_threshold_as_scan_does() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("scan.json");
    std::fs::write(
        &saved,
        serde_json::to_vec(&scan_json(&[&demo("demo-windows")])).unwrap(),
    )
    .unwrap();
    let results = |extra: &[&str]| {
        let out = sovscan()
            .args(["report", "-f", "sarif"])
            .arg(&saved)
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        v["runs"][0]["results"].as_array().unwrap().len()
    };
    // demo-windows: nine high products, two unknown, six medium (eleven
    // high components: Teams is three of them).
    assert_eq!(results(&[]), 9);
    assert_eq!(results(&["--sarif-min-level", "unknown"]), 11);
    assert_eq!(results(&["--sarif-min-level", "medium"]), 17);
    assert_eq!(results(&["--components"]), 11);
    let out = sovscan()
        .args(["report", "-f", "sarif", "--sarif-min-level", "severe"])
        .arg(&saved)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("severe"));
}

#[test]
fn rendering_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (_, md1, html1) = scan_outputs(&demo("demo-macos"), a.path());
    let (_, md2, html2) = scan_outputs(&demo("demo-macos"), b.path());
    assert_eq!(md1, md2);
    assert_eq!(html1, html2);
}

/// An image whose package database holds markup in every field.
fn hostile_image(root: &Path) {
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=debian\nNAME=\"Debian <b>GNU</b>\"\nVERSION_ID=12\n",
    )
    .unwrap();
    std::fs::write(
        root.join("var/lib/dpkg/status"),
        "Package: <script>alert(\"x\")</script>\nStatus: install ok installed\n\
         Version: 1.0&<i>|x\nArchitecture: amd64\n\
         Maintainer: Evil | Corp <img src=x onerror=alert(1)>\nDescription: hostile\n\n",
    )
    .unwrap();
}

/// Every `<` in the Markdown is escaped, except the line breaks it writes
/// itself (`<br>` between evidence paths in a table cell).
fn escaped_md(md: &str) -> bool {
    md.match_indices('<')
        .all(|(i, _)| md[..i].ends_with('\\') || md[i..].starts_with("<br>"))
}

#[test]
fn hostile_names_are_escaped_in_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("image");
    hostile_image(&root);
    let (_, md, html) = scan_outputs(&root, dir.path());
    // The HTML has no script at all, so any `<script` would be injected.
    assert!(!html.contains("<script"), "unescaped name in HTML");
    assert!(!html.contains("<b>GNU"));
    assert!(!html.contains("<i>"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 1.0&amp;&lt;i&gt;|x"));
    assert!(html.contains("Debian &lt;b&gt;GNU&lt;/b&gt;"));
    assert!(escaped_md(&md), "unescaped name in Markdown");
    assert!(
        md.contains("\\<script\\>alert(\"x\")\\</script\\> 1.0\\&\\<i\\>\\|x"),
        "{md}"
    );

    // The same with hostile names in every place a saved report can hold
    // them: a high component, its controller, product, laws, alternatives,
    // evidence, category, the concentration chart.
    let mut v = scan_json(&[&demo("demo-windows")]);
    let evil = "<script>alert(1)</script>\"'&";
    for c in v["components"].as_array_mut().unwrap() {
        c["name"] = evil.into();
        c["category"] = evil.into();
        // Only where the report has them: a reader refuses a controller
        // without an id.
        if c["controller"].is_object() {
            c["controller"]["name"] = evil.into();
        }
        if c["product"].is_object() {
            c["product"]["name"] = evil.into();
        }
        if c["jurisdiction"].is_object() {
            c["jurisdiction"]["laws"] = serde_json::json!([evil]);
        }
        c["alternatives"] = serde_json::json!([{"id": evil, "name": evil}]);
        c["evidence"][0]["path"] = evil.into();
        c["risk"]["gates"] = serde_json::json!([evil]);
    }
    for c in v["summary"]["concentration"]["controllers"]
        .as_array_mut()
        .unwrap()
    {
        c["name"] = evil.into();
    }
    v["images"][0]["root"] = evil.into();
    let saved = dir.path().join("evil.json");
    std::fs::write(&saved, serde_json::to_vec(&v).unwrap()).unwrap();
    for format in ["html", "md"] {
        let out = sovscan()
            .args(["report", "-f", format])
            .arg(&saved)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        if format == "html" {
            assert!(!text.contains("<script"), "{format}: unescaped");
        } else {
            assert!(escaped_md(&text), "{format}: unescaped");
        }
        assert!(!text.contains("\"'&"), "{format}: unescaped quotes");
        if format == "html" {
            assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
            // Inside the SVG too.
            let svg = text
                .split("<svg")
                .find(|x| x.contains("fig2-t"))
                .expect("the concentration chart");
            assert!(svg.contains("&lt;script&gt;"), "concentration chart");
        }
    }
}

#[test]
fn report_rejects_bad_inputs_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = |args: &[&std::ffi::OsStr]| {
        let out = sovscan().arg("report").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let e = String::from_utf8(out.stderr).unwrap();
        assert_eq!(e.lines().count(), 1, "{e}");
        e
    };
    let missing = dir.path().join("missing.json");
    assert!(err(&[missing.as_os_str()]).contains("missing.json"));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema_version\": \"1.1\",\n oops").unwrap();
    let e = err(&[bad.as_os_str()]);
    assert!(e.contains("bad.json:2:"), "{e}");
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"bomFormat\": \"CycloneDX\"}").unwrap();
    assert!(err(&[other.as_os_str()]).contains("not a sovscan report of schema 1.x"));
    let partial = dir.path().join("partial.json");
    std::fs::write(&partial, "{\"schema_version\": \"1.1\", \"images\": 3}").unwrap();
    let e = err(&[partial.as_os_str()]);
    assert!(
        e.contains("partial.json:1:37: not a complete sovscan report: invalid type: integer `3`, expected a sequence"),
        "{e}"
    );
    // An unwritable output is refused before anything is read.
    let v = scan_json(&[&demo("demo-macos")]);
    let good = dir.path().join("good.json");
    std::fs::write(&good, serde_json::to_vec(&v).unwrap()).unwrap();
    let e = err(&[
        good.as_os_str(),
        "-o".as_ref(),
        dir.path().join("no/such/dir/r.html").as_os_str(),
    ]);
    assert!(e.contains("output directory does not exist"), "{e}");
}

/// Every reader of a saved report reads it as the typed report: a field
/// of the wrong type, or a required one missing, is refused with exit 2 and
/// one line naming the file, line and column, never rendered as if absent
/// (a renamed field must not make the CI gate pass silently).
#[test]
fn every_reader_refuses_a_report_with_a_field_missing_or_of_the_wrong_type() {
    let dir = tempfile::tempdir().unwrap();
    let v = scan_json(&[&demo("demo-windows")]);
    let good = dir.path().join("good.json");
    std::fs::write(&good, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    // A required field removed: the risk level of the first component.
    let mut missing = v.clone();
    missing["components"][0]["risk"]
        .as_object_mut()
        .unwrap()
        .remove("level");
    // A field of the wrong type: a controller chain that is a string.
    let mut wrong = v.clone();
    wrong["components"][1]["controller_chain"] = "microsoft".into();
    for (name, bad, want) in [
        ("missing.json", missing, "missing field `level`"),
        (
            "wrong.json",
            wrong,
            "invalid type: string \"microsoft\", expected a sequence",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&bad).unwrap()).unwrap();
        let p = path.as_os_str();
        let g = good.as_os_str();
        let runs: Vec<Vec<&std::ffi::OsStr>> = vec![
            vec!["report".as_ref(), "-f".as_ref(), "md".as_ref(), p],
            vec!["summary".as_ref(), p],
            vec!["explain".as_ref(), "Slack".as_ref(), p],
            vec!["diff".as_ref(), g, p],
            vec!["diff".as_ref(), p, g],
            vec![
                "scan".as_ref(),
                "-q".as_ref(),
                "--fail-on".as_ref(),
                "critical".as_ref(),
                "--baseline".as_ref(),
                p,
                "fixtures/demo-windows".as_ref(),
            ],
        ];
        for args in runs {
            let out = sovscan().args(&args).output().unwrap();
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            let at = format!("{}:", path.display());
            assert!(err.contains(&at) && err.contains(want), "{args:?}: {err}");
            // file:line:col, with a line and a column.
            let rest = &err[err.find(&at).unwrap() + at.len()..];
            let mut parts = rest.splitn(3, ':');
            assert!(parts.next().unwrap().parse::<u32>().unwrap() > 1, "{err}");
            assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{err}");
        }
    }
}
