//! The PDF report read back by poppler's tools, as a reader's viewer would:
//! `pdftotext` finds the headings and the key figures (the text is real,
//! selectable text), `pdftoppm` renders page 1, `pdffonts` shows the fonts
//! embedded, `pdfinfo` counts the pages, and German text with umlauts comes
//! back out as it went in.
//!
//! poppler-utils is an external tool: without it these tests say so and
//! skip, except in CI (`CI` set; `.ci/run` installs it), where they fail
//! (`common::available`).

use crate::common::{self, sovscan};
use sovscan::report::document::{Block, Document, Inline, Section};
use std::path::{Path, PathBuf};

fn have_poppler() -> bool {
    common::require_tool(
        "pdftotext",
        "these tests read the PDF report with poppler's tools; run `apt-get install -y poppler-utils`",
    )
}

/// Runs a poppler tool; its stdout as text.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Renders page 1 of `pdf` to `PREFIX.png` at 50 dpi with `pdftoppm`; its
/// path. poppler says on stderr what it could not draw: there must be
/// nothing.
fn page_one_png(pdf: &Path, prefix: &Path) -> PathBuf {
    let out = std::process::Command::new("pdftoppm")
        .args(["-f", "1", "-l", "1", "-r", "50", "-png", "-singlefile"])
        .arg(pdf)
        .arg(prefix)
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    prefix.with_extension("png")
}

/// Scans the demo Windows image to a PDF and its JSON; their paths.
fn scan(dir: &Path) -> (PathBuf, serde_json::Value) {
    scan_with(dir, &[])
}

/// [`scan`] with more arguments (`--lang de`).
fn scan_with(dir: &Path, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let pdf = dir.join("report.pdf");
    let json = dir.join("scan.json");
    sovscan()
        .args(["scan", "-q", "--no-progress"])
        .args(extra)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/demo-windows"
        ))
        .arg("-o")
        .arg(format!("pdf={}", pdf.display()))
        .arg("-o")
        .arg(format!("json={}", json.display()))
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    let report = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    (pdf, report)
}

/// `pdftotext` words joined by single spaces (its line breaks are the
/// layout's, not the text's).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_pdf_of_a_demo_scan_reads_back() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (pdf, report) = scan(dir.path());
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.7"));
    // PDF/A-2b is declared in the XMP metadata (krilla validated it).
    let xmp = String::from_utf8_lossy(&bytes);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"));

    // Page 1: the title, the first sections and the key figures.
    let page1 = words(&poppler("pdftotext", &["-f", "1", "-l", "1"], &pdf));
    let summary = &report["summary"];
    let index = format!("{:.1} / 100", summary["index"].as_f64().unwrap());
    let share = format!(
        "{:.1} %",
        100.0 * summary["oss_share"]["weighted"].as_f64().unwrap()
    );
    for want in [
        "Sovereignty report",
        "fixtures/demo-windows",
        "Key figures",
        "Sovereignty index",
        index.as_str(),
        "Open-source share",
        share.as_str(),
    ] {
        assert!(page1.contains(want), "page 1 lacks {want:?}: {page1}");
    }
    // Every section heading, in order, somewhere in the document.
    let all = words(&poppler("pdftotext", &[], &pdf));
    let mut at = 0;
    for heading in [
        "Image",
        "Key figures",
        "Jurisdiction mix",
        "Vendor concentration",
        "Levels by category",
        "Critical and high dependencies",
        "Unresolved products",
        "Model in force",
        "Appendix: evidence",
    ] {
        let found = all[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading:?} after byte {at}"));
        at += found + heading.len();
    }
    // A component from the image and the caption of a chart.
    assert!(all.contains("Microsoft Teams"), "{all}");
    assert!(all.contains("Figure 1."));

    // The page count, and every page numbered "i / n" in its footer.
    let info = poppler("pdfinfo", &[], &pdf);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo gives the page count")
        .trim()
        .parse()
        .unwrap();
    assert!((5..=40).contains(&pages), "{pages} pages");
    assert!(info.contains("A4"), "{info}");
    for i in 1..=pages {
        let p = i.to_string();
        let text = words(&poppler("pdftotext", &["-f", &p, "-l", &p], &pdf));
        assert!(
            text.ends_with(&format!("{i} / {pages}")),
            "page {i}: {text}"
        );
    }

    // The fonts are embedded (and subsetted): DejaVu Sans, regular and bold.
    let fonts = poppler("pdffonts", &[], &pdf);
    let embedded: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().rev().nth(4) == Some("yes"))
        .collect();
    assert_eq!(embedded.len(), 2, "{fonts}");
    assert!(
        embedded.iter().any(|l| l.contains("+DejaVuSans-Bold ")),
        "{fonts}"
    );
    assert!(
        embedded.iter().any(|l| l.contains("+DejaVuSans ")),
        "{fonts}"
    );
}

#[test]
fn page_one_renders_to_png() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (pdf, _) = scan(dir.path());
    let png = page_one_png(&pdf, &dir.path().join("page"));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let info = reader.next_frame(&mut buf).unwrap();
    // A4 (595 × 842 pt) at 50 dpi, rounded up.
    assert_eq!((info.width, info.height), (414, 585));
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut ink = 0usize;
    for px in buf[..info.buffer_size()].chunks(channels) {
        colours.insert([px[0], px[1], px[2]]);
        ink += usize::from(px[..3] != [255, 255, 255]);
    }
    // Text and charts: many colours, and a real share of the page inked.
    assert!(colours.len() > 30, "{} colours", colours.len());
    let share = ink as f64 / f64::from(info.width * info.height);
    assert!((0.05..0.6).contains(&share), "{share}");
}

/// `--lang de`: page 1 renders, and its text is German, with the figures
/// of the JSON report in German notation (decimal comma, day-first date).
#[test]
fn a_german_pdf_has_german_headings_and_decimal_commas_on_page_one() {
    if !have_poppler() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (pdf, report) = scan_with(dir.path(), &["--lang", "de"]);
    let png = page_one_png(&pdf, &dir.path().join("seite"));
    assert!(std::fs::metadata(png).unwrap().len() > 1000);

    let page1 = words(&poppler("pdftotext", &["-f", "1", "-l", "1"], &pdf));
    let summary = &report["summary"];
    let index = format!("{:.1} / 100", summary["index"].as_f64().unwrap()).replace('.', ",");
    let share = format!(
        "{:.1} %",
        100.0 * summary["oss_share"]["weighted"].as_f64().unwrap()
    )
    .replace('.', ",");
    let date = report["scan"]["date"]
        .as_str()
        .and_then(|d| d.get(..10))
        .map(|d| format!("{}.{}.{}", &d[8..10], &d[5..7], &d[..4]))
        .expect("the scan's date");
    for want in [
        "Souveränitätsbericht",
        "Zusammenfassung für die Leitung",
        "Souveränitätsindex",
        index.as_str(),
        "Open-Source-Anteil",
        share.as_str(),
        date.as_str(),
    ] {
        assert!(page1.contains(want), "page 1 lacks {want:?}: {page1}");
    }
    for english in [
        "Sovereignty report",
        "Management summary",
        "Open-source share",
    ] {
        assert!(!page1.contains(english), "page 1 has {english:?}: {page1}");
    }
}

/// German text with umlauts, ß, typographic quotes, a dash and the euro
/// sign goes through the layout and the embedded fonts and comes back out
/// of `pdftotext` as it went in.
#[test]
fn german_text_round_trips() {
    if !have_poppler() {
        return;
    }
    let sentence = "Die Maßnahmen senken den Anteil „kritischer“ Abhängigkeiten – Kosten: 1.200 € für Ämter in Görlitz und Düsseldorf.";
    let doc = Document {
        lang: sovscan::i18n::Lang::De,
        title: "Souveränitätsbericht".into(),
        contents: "Inhalt".into(),
        subject: "Größere Behörde".into(),
        lead: vec![Block::Para(vec![Inline::Text(sentence.into())])],
        sections: vec![Section {
            id: "massnahmen",
            heading_id: "h-massnahmen",
            nav: "Maßnahmen".into(),
            title: "Maßnahmen und Übergänge".into(),
            blocks: vec![Block::Para(vec![Inline::Text(
                "Open-Source-Anteil: 68,1 % (gewichtet nach Rolle); Souveränitätsindex 74,5 / 100."
                    .into(),
            )])],
        }],
        footer: vec![Inline::Text("Erstellt mit sovscan.".into())],
    };
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("de.pdf");
    std::fs::write(
        &pdf,
        sovscan::report::pdf::pdf(&doc, (2026, 12, 7)).unwrap(),
    )
    .unwrap();
    let text = words(&poppler("pdftotext", &[], &pdf));
    for want in [
        "Souveränitätsbericht",
        sentence,
        "Maßnahmen und Übergänge",
        "Open-Source-Anteil: 68,1 % (gewichtet nach Rolle); Souveränitätsindex 74,5 / 100.",
        "Größere Behörde",
    ] {
        assert!(text.contains(want), "lacks {want:?}: {text}");
    }
    // The document's title is in the metadata too.
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(
        info.contains("Souveränitätsbericht: Größere Behörde"),
        "{info}"
    );
}
