//! `--lang de` (issue 14, item 3): the terminal outputs in German on the
//! demo images. Each is an insta snapshot read line by line, and each is
//! checked for the administration's terms, decimal commas and no English
//! words of the frame left over (the rule database's own texts, such as a
//! law's effect or a rule's rationale, stay as written there).

use crate::common::{scan_to, sovscan};
use std::path::{Path, PathBuf};

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// `sovscan --lang de ARGS` with 120 columns: stdout, which must succeed.
fn german(args: &[&std::ffi::OsStr]) -> String {
    let out = sovscan()
        .env("COLUMNS", "120")
        .env_remove("NO_COLOR")
        .args(["--lang", "de"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

fn run(args: &[std::ffi::OsString]) -> String {
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    german(&refs)
}

/// None of `words` (English phrases the German output must not show).
fn no_english(text: &str, words: &[&str]) {
    for w in words {
        assert!(!text.contains(w), "English `{w}` left in:\n{text}");
    }
}

/// A percentage with a decimal comma (`68,1 %`), and none with a point.
fn decimal_commas(text: &str) {
    // digit, mark, digit, " %"
    let share = |mark: u8| {
        text.as_bytes().windows(5).any(|w| {
            w[0].is_ascii_digit() && w[1] == mark && w[2].is_ascii_digit() && &w[3..] == b" %"
        })
    };
    assert!(share(b','), "no `12,3 %` in:\n{text}");
    assert!(!share(b'.'), "a `12.3 %` in:\n{text}");
}

#[test]
fn the_table_in_german() {
    let t = run(&os(&["scan", "--no-progress", "fixtures/demo-linux"]));
    for w in [
        "Produkt",
        "Anbieter → Kontrolle (Land)",
        "Kategorie",
        "Risiko",
        "Souveränitätsindex:",
        "Open-Source-Anteil der Arbeitsplatzsoftware",
        "Rechtsräume der kontrollierenden Unternehmen",
        "schwächste Stufe",
        "sehr hoch",
        "Nicht bewertet:",
    ] {
        assert!(t.contains(w), "no `{w}` in:\n{t}");
    }
    decimal_commas(&t);
    no_english(
        &t,
        &[
            "vendor →",
            "Sovereignty",
            "Open-source share",
            "weakest level",
            "Not rated",
            "critical",
            "Binaries:",
            " by count",
        ],
    );
    insta::assert_snapshot!("demo-linux-table-de", t);
}

#[test]
fn the_summary_in_german() {
    let t = run(&os(&["summary", "fixtures/demo-linux"]));
    for w in [
        "kontrollierendes Unternehmen",
        "Anteil am Rollengewicht",
        "Souveränitätsindex:",
        "Anbieterkonzentration: HHI",
    ] {
        assert!(t.contains(w), "no `{w}` in:\n{t}");
    }
    decimal_commas(&t);
    no_english(
        &t,
        &["share of role weight", "controller", "Vendor concentration"],
    );
    insta::assert_snapshot!("demo-linux-summary-de", t);
    // Several images: one line per image.
    let two = run(&os(&[
        "summary",
        "fixtures/demo-linux",
        "fixtures/demo-windows",
    ]));
    assert!(two.contains("Abbild 1 ("), "{two}");
    assert!(two.contains(", schwächste Stufe "), "{two}");
    assert!(two.contains(" nach Anzahl"), "{two}");
}

#[test]
fn explain_in_german() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("linux.json");
    scan_to(&scan, demo("demo-linux"));
    let t = run(&[
        "explain".into(),
        "teams".into(),
        scan.as_os_str().to_owned(),
    ]);
    for w in [
        "Fundstellen",
        "Produkt, Anbieter und Kontrolle",
        "Anbieter: Microsoft (microsoft, US",
        "Rechtsraum des letztlich kontrollierenden Unternehmens",
        "Exposition 2,24 × Auswirkung D7 3 = 6,71",
        "Risikostufe: hoch",
        "Alternativen",
    ] {
        assert!(t.contains(w), "no `{w}` in:\n{t}");
    }
    no_english(
        &t,
        &[
            "Evidence",
            "Jurisdiction",
            "exposure",
            "level:",
            "(weight",
            "\n  vendor: ",
            "package name",
            " matches ",
            "(high)",
        ],
    );
    // The scan's path differs per run: the snapshot has a placeholder.
    let t = t.replace(&scan.display().to_string(), "[scan]");
    insta::assert_snapshot!("demo-linux-explain-teams-de", t);
    // A control edge's date, day first.
    let t = run(&[
        "explain".into(),
        "ICAClient".into(),
        scan.as_os_str().to_owned(),
    ]);
    assert!(
        t.contains("vom nächsten kontrolliert seit 30.09.2022"),
        "{t}"
    );
}

#[test]
fn check_in_german() {
    let t = run(&os(&["check", "wps-office"]));
    for w in [
        "Risikostufe hoch als office suite, Exposition 1,76",
        "Kontrollkette:",
        "DSGVO-relevant:",
        "Alternative: LibreOffice",
    ] {
        assert!(t.contains(w), "no `{w}` in:\n{t}");
    }
    no_english(
        &t,
        &["chain:", "GDPR", "alternative:", "level ", "controller "],
    );
    insta::assert_snapshot!("check-wps-office-de", t);
    let md = run(&os(&["check", "wps-office", "-f", "md"]));
    assert!(md.starts_with("# Prüfung: wps-office\n"), "{md}");
    assert!(md.contains("| LibreOffice | gering |"), "{md}");
    no_english(&md, &["control chain", "GDPR", "| level |"]);
    insta::assert_snapshot!("check-wps-office-md-de", md);
}

#[test]
fn the_plan_in_german() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("windows.json");
    scan_to(&scan, demo("demo-windows"));
    let args = |format: &str| {
        let mut a = os(&["plan"]);
        a.push(scan.as_os_str().to_owned());
        a.extend(os(&["--from", "2027", "-f", format]));
        a
    };
    let t = run(&args("table"));
    for w in [
        "Ziel:",
        "Open-Source-Anteil nach Rollengewicht",
        "Heute: Open Source",
    ] {
        assert!(t.contains(w), "no `{w}` in:\n{t}");
    }
    decimal_commas(&t);
    no_english(&t, &["Target:", "Now:", "by role weight", "effort points"]);
    insta::assert_snapshot!("demo-windows-plan-de", t);
    let md = run(&args("md"));
    assert!(md.starts_with("# Migrationsplan\n"), "{md}");
    assert!(md.contains("| heute | 2027 |"), "{md}");
    decimal_commas(&md);
    no_english(
        &md,
        &["Migration plan", "| year |", "after phase", "effort points"],
    );
    insta::assert_snapshot!("demo-windows-plan-md-de", md);
}

#[test]
fn diff_in_german() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    scan_to(&old, demo("demo-linux"));
    scan_to(&new, demo("demo-windows"));
    let t = run(&[
        "diff".into(),
        old.as_os_str().to_owned(),
        new.as_os_str().to_owned(),
    ]);
    for w in [
        "Hinzugekommen (",
        "Entfernt (",
        "Kennzahlen",
        "Souveränitätsindex: ",
    ] {
        assert!(t.contains(w), "no `{w}` in:\n{t}");
    }
    no_english(&t, &["Added", "Removed", "Aggregates", "(vendor "]);
}

/// The gate's lines on stderr speak German, and the day is written day
/// first; the exit code is the same as in English.
#[test]
fn the_gate_verdict_in_german() {
    let out = sovscan()
        .args([
            "--lang",
            "de",
            "scan",
            "-q",
            "-f",
            "json",
            "-o",
            "/dev/null",
        ])
        .args(["--fail-on", "high"])
        .arg(demo("demo-linux"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("sovscan: NICHT BESTANDEN: "), "{err}");
    assert!(last.contains(" Verstöße"), "{err}");
    assert!(err.contains("sovscan: Richtlinie: "), "{err}");
    assert!(err.contains("[Verstoß]"), "{err}");
    assert!(
        !err.contains("FAILED") && !err.contains("[violation]"),
        "{err}"
    );
}
