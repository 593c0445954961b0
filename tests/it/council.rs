//! The sovereignty report as a council reads it (issue 14, item 4): the
//! management summary first, the cover, each law once, the appendix as
//! `--appendix` asks, and the whole report in German, rendered by headless
//! Chromium (screenshot and DOM).

use crate::common::{scan_to, sovscan};
use crate::html_report::{have_chromium, run_chromium};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The saved scan of `fixtures/demo-windows`, once for all tests here.
fn windows_scan() -> &'static Path {
    static SCAN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = SCAN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.json");
        scan_to(&path, demo("demo-windows"));
        (dir, path)
    });
    path
}

/// `sovscan [--lang LANG] report SCAN -f FORMAT ARGS...` on stdout.
fn report(lang: &str, format: &str, args: &[&str]) -> String {
    let out = sovscan()
        .args(["--lang", lang, "report"])
        .arg(windows_scan())
        .args(["-f", format])
        .args(args)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// The ids of the HTML report's sections, in order.
fn section_ids(html: &str) -> Vec<&str> {
    html.split("<section id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

/// The text of the section `id` (up to the next section).
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    html.split(&format!("<section id=\"{id}\""))
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_else(|| panic!("no section {id}"))
}

#[test]
fn the_management_summary_comes_first_with_the_figures_and_findings() {
    let html = report("en", "html", &[]);
    let ids = section_ids(&html);
    assert_eq!(ids.first(), Some(&"summary"), "{ids:?}");
    assert_eq!(ids.last(), Some(&"appendix"), "{ids:?}");
    let s = section(&html, "summary");
    assert!(s.contains("<h2 id=\"h-summary\">Management summary</h2>"));
    // The same figures as the key figures further down.
    assert!(s.contains("<strong>70.0 / 100</strong>"), "{s}");
    assert!(
        s.contains("by role weight; target 70.0 % by 2032 (27.7 points below the target)")
            || s.contains("points below the target"),
        "{s}"
    );
    assert!(s.contains("The three most important findings"));
    assert_eq!(
        s.split("The three most important findings")
            .nth(1)
            .unwrap()
            .matches("<li>")
            .count(),
        3
    );
    // No baseline, no plan: no trend, no actions.
    assert!(!s.contains("Trend") && !s.contains("top actions"), "{s}");
    // Markdown opens with it too.
    let md = report("en", "md", &[]);
    let first = md.split("\n## ").nth(1).unwrap();
    assert!(first.starts_with("Management summary\n"), "{first}");
}

#[test]
fn a_baseline_and_a_plan_add_the_trend_and_the_top_actions() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    sovscan()
        .args(["scan", "-q", "--plan", "--baseline"])
        .arg(windows_scan())
        .arg("-o")
        .arg(format!("html={}", html.display()))
        .arg(demo("demo-windows"))
        .assert()
        .success();
    let html = std::fs::read_to_string(html).unwrap();
    let s = section(&html, "summary");
    assert!(
        s.contains("index 70.0 → 70.0 (+0.0), open-source share"),
        "{s}"
    );
    assert!(s.contains("The top actions of the plan"), "{s}");
    let actions = s.split("The top actions of the plan").nth(1).unwrap();
    assert_eq!(actions.matches("<li>").count(), 3, "{actions}");
}

#[test]
fn the_cover_names_organisation_period_date_and_rules_from_flags_or_policy() {
    let html = report(
        "en",
        "html",
        &["--organisation", "Bezirksamt <Mitte>", "--period", "2026"],
    );
    let header = html.split("</header>").next().unwrap();
    assert!(
        header.contains("<th scope=\"row\">Organisation</th><td>Bezirksamt &lt;Mitte&gt;</td>"),
        "{header}"
    );
    assert!(header.contains("<th scope=\"row\">Period</th><td>2026</td>"));
    assert!(header.contains("<th scope=\"row\">Rule database</th>"));
    assert!(header.contains("<th scope=\"row\">Date of the scan</th>"));

    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    std::fs::write(
        &policy,
        "[report]\norganisation = \"Stadt A\"\nperiod = \"Q3 2026\"\n",
    )
    .unwrap();
    let p = policy.to_str().unwrap();
    let html = report("de", "html", &["--policy", p, "--period", "2. Halbjahr"]);
    let header = html.split("</header>").next().unwrap();
    assert!(header.contains("<td>Stadt A</td>"), "{header}");
    assert!(header.contains("<th scope=\"row\">Berichtszeitraum</th><td>2. Halbjahr</td>"));

    // A bad value is one located line naming the file.
    std::fs::write(&policy, "[report]\norganisation = \"\"\n").unwrap();
    let out = sovscan()
        .arg("report")
        .arg(windows_scan())
        .args(["--policy", p])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("p.toml:2:16:") && err.contains("[P026]"),
        "{err}"
    );
}

#[test]
fn the_appendix_is_none_a_summary_or_everything() {
    let [none, summary, full] =
        ["none", "summary", "full"].map(|a| report("en", "html", &["--appendix", a]));
    assert_eq!(report("en", "html", &[]), summary, "summary is the default");
    assert!(!section_ids(&none).contains(&"appendix"));
    assert!(!none.contains("href=\"#appendix\""));
    let s = section(&summary, "appendix");
    assert!(
        s.contains("<th scope=\"col\">source</th>") && s.contains("evidence items"),
        "{s}"
    );
    assert!(s.contains("The 20 worst products"), "{s}");
    let f = section(&full, "appendix");
    assert!(f.contains("Every product, worst first"));
    // The full appendix has a row per product, the summary at most 20.
    let rows = |t: &str| t.matches("<span class=\"muted path\">").count();
    let products =
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(windows_scan()).unwrap())
            .unwrap()["summary"]["products"]
            .as_u64()
            .unwrap() as usize;
    assert_eq!(rows(f), products);
    assert_eq!(rows(s), products.min(20));
    assert!(
        products > 20,
        "the demo has more products than the summary lists"
    );
    assert!(s.contains(&format!("{} more products", products - 20)));
    assert!(none.len() < summary.len() && summary.len() < full.len());
    // Markdown follows the same choice.
    let md_none = report("en", "md", &["--appendix", "none"]);
    assert!(!md_none.contains("## Appendix"));
}

#[test]
fn each_law_is_explained_once_and_the_cards_refer_to_it() {
    let db = sovscan::rules::RuleDb::embedded().unwrap();
    let html = report("en", "html", &[]);
    let cloud = db.laws.iter().find(|l| l.id == "us.cloud_act").unwrap();
    assert_eq!(
        html.matches(&*sovscan::report::html::esc(&cloud.effect))
            .count(),
        1
    );
    let laws = section(&html, "laws");
    for law in db.laws.iter().filter(|l| {
        laws.contains(&format!(
            "<strong>{}</strong>",
            sovscan::report::html::esc(&l.name)
        ))
    }) {
        assert_eq!(
            html.matches(&*sovscan::report::html::esc(&law.effect))
                .count(),
            1,
            "{}",
            law.id
        );
        assert_eq!(
            html.matches(&*sovscan::report::html::esc(&law.citation))
                .count(),
            1,
            "{}",
            law.id
        );
    }
    // Nine cards, each linking to the law rather than repeating it.
    let deps = section(&html, "dependencies");
    assert!(
        deps.matches("<a href=\"#law-us-cloud-act\">CLOUD Act</a>")
            .count()
            >= 5,
        "{deps}"
    );
    assert!(laws.contains("<h3 id=\"law-us-cloud-act\">"));
}

#[test]
fn levels_by_category_count_workplace_products_only() {
    let html = report("en", "html", &["--appendix", "none"]);
    let cats = section(&html, "categories");
    let db = sovscan::rules::RuleDb::embedded().unwrap();
    for c in db.categories.iter().filter(|c| !c.workplace) {
        assert!(
            !cats.contains(&format!("<td>{}</td>", sovscan::report::html::esc(&c.name))),
            "{} is no workplace category",
            c.id
        );
    }
}

#[test]
fn medium_us_dependencies_get_short_cards() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("linux.json");
    scan_to(&json, demo("demo-linux"));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let expected: Vec<&str> = saved["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["risk"]["level"] == "medium")
        .filter(|c| {
            matches!(
                c["jurisdiction"]["country"].as_str(),
                Some("US" | "CN" | "RU")
            )
        })
        .filter_map(|c| c["name"].as_str())
        .collect();
    let out = sovscan().arg("report").arg(&json).assert().success();
    let html = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    if expected.is_empty() {
        assert!(!section_ids(&html).contains(&"medium"));
        return;
    }
    let m = section(&html, "medium");
    for name in &expected {
        assert!(m.contains(&sovscan::report::html::esc(name)), "{name}");
    }
    // Short: who controls it, the laws by reference, the alternatives; no
    // rules table, no evidence.
    assert!(m.contains("<dt>Controller</dt>") && m.contains("<dt>Alternatives</dt>"));
    assert!(!m.contains("<dt>Rules fired</dt>") && !m.contains("<dt>Evidence</dt>"));
}

#[test]
fn the_german_report_renders_in_chromium_with_german_words_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bericht.html");
    std::fs::write(
        &page,
        report("de", "html", &["--organisation", "Bezirksamt Mitte"]),
    )
    .unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<html lang=\"de\">"));
    if !have_chromium() {
        return;
    }
    let png = dir.path().join("bericht.png");
    run_chromium(
        &page,
        &dir.path().join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_owned(),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let info = decoder.read_info().expect("a PNG").info().clone();
    assert_eq!((info.width, info.height), (1280, 2000));
    let dom = String::from_utf8(run_chromium(
        &page,
        &dir.path().join("profile-dom"),
        &["--dump-dom".to_owned()],
    ))
    .unwrap();
    // The first section is the summary, in German.
    assert_eq!(section_ids(&dom).first(), Some(&"summary"));
    for heading in [
        "<h1>Souveränitätsbericht</h1>",
        "<h2 id=\"h-summary\">Zusammenfassung für die Leitung</h2>",
        "<h2 id=\"h-figures\">Kennzahlen</h2>",
        "<h2 id=\"h-dep\">Kritische Abhängigkeiten (sehr hoch und hoch)</h2>",
        "<h2 id=\"h-laws\">Gesetze mit Wirkung über die Grenzen hinaus</h2>",
        "<h2 id=\"h-app\">Anhang: Nachweise</h2>",
        "<h3>Die drei wichtigsten Befunde</h3>",
    ] {
        assert!(dom.contains(heading), "{heading}");
    }
    // Decimal commas and the German level names.
    assert!(dom.contains("<strong>70,0 / 100</strong>"));
    assert!(
        dom.contains("<p class=\"big\">70,0 <span"),
        "the index card"
    );
    assert!(dom.contains("42,3 % nach Anzahl"));
    assert!(dom.contains("<strong>70,0 %</strong> bis 2032"));
    assert!(dom.contains("USA 67,3 %"));
    assert!(dom.contains(">hoch</span>"), "a badge");
    assert!(dom.contains("Herfindahl-Hirschman-Index <strong>1714,4</strong> von 10.000"));
    assert!(dom.contains("Abbildung 1."));
    for english in [
        "70.0 ",
        "42.3 %",
        "Key figures",
        "Sovereignty",
        ">high</span>",
    ] {
        assert!(!dom.contains(english), "{english}");
    }
    // The date of the scan is day first.
    let date = dom.split("Datum des Scans</th><td>").nth(1).unwrap();
    let date = &date[..10];
    assert!(
        date.as_bytes()[2] == b'.' && date.as_bytes()[5] == b'.',
        "{date}"
    );
}
