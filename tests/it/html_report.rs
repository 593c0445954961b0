//! The HTML report in a real browser: headless Chromium renders the report
//! of `fixtures/demo-windows` (nine high dependencies, two unresolved
//! components) to a screenshot and a DOM, and records its network log.
//!
//! Chromium is an external tool: without it these tests say so and skip,
//! except in CI (`CI` set; `.ci/run` installs it), where they fail
//! (`common::available`).
//!
//! The network check: Chromium itself talks to Google on start (component
//! updater, network time, account list) whatever the flags; those requests
//! have no initiating page ("not an origin") and no `file://` isolation key.
//! Every request *the page* makes carries the page's `file://` origin in its
//! network isolation key. The test asserts there is none, and proves the
//! check can fail on a canary page that loads a stylesheet and an image
//! from 127.0.0.1 (a port nothing listens on: no traffic leaves the host).

use crate::common::{self, sovscan};
use std::path::{Path, PathBuf};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";

/// The Chromium to run: `SOVSCAN_CHROMIUM`, else Debian's.
fn chromium() -> PathBuf {
    std::env::var_os("SOVSCAN_CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from)
}

/// Whether Chromium is there to run these tests (else they skip, or fail in CI).
pub(crate) fn have_chromium() -> bool {
    common::require_tool(
        chromium(),
        "these tests render the HTML report in headless Chromium; run `apt-get install -y chromium` or set SOVSCAN_CHROMIUM to a Chromium binary",
    )
}

/// Runs headless Chromium on `page` with `extra` arguments; returns stdout.
pub(crate) fn run_chromium(page: &Path, profile: &Path, extra: &[String]) -> Vec<u8> {
    let url = format!("file://{}", page.display());
    let out = assert_cmd::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Renders the HTML report of `root` into `dir/report.html`.
fn render(root: &Path, dir: &Path) -> PathBuf {
    let html = dir.join("report.html");
    sovscan()
        .arg("scan")
        .arg(root)
        .arg("-q")
        .arg("-o")
        .arg(format!("html={}", html.display()))
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    html
}

/// The http(s) URLs a page requested, from a Chromium net log: requests
/// whose network isolation key is the `file://` page's (see the module doc).
pub(crate) fn page_requests(net_log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("chromium wrote the net log");
    let log: serde_json::Value = serde_json::from_str(&text).expect("the net log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the net log names its event types");
    let events = log["events"].as_array().expect("the net log has events");
    assert!(!events.is_empty(), "empty net log");
    let mut urls: Vec<String> = events
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            let p = &e["params"];
            let nik = p["network_isolation_key"].as_str().unwrap_or("");
            let initiator = p["initiator"].as_str().unwrap_or("");
            nik.contains("file://") || initiator.starts_with("file:") || initiator == "null"
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .map(str::to_owned)
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

#[test]
fn the_html_report_renders_in_chromium_without_any_network_request() {
    if !have_chromium() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-windows");
    let page = render(&root, dir.path());
    let html = std::fs::read_to_string(&page).unwrap();

    // Self-contained by construction: nothing to load, and a policy that
    // forbids loading anything.
    assert!(html.contains("default-src 'none'"));
    for attr in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "@import",
    ] {
        assert!(!html.contains(attr), "external reference {attr}");
    }
    assert!(!html.contains("<script"), "the report needs no script");
    assert!(!html.contains("<link"), "the report loads no stylesheet");

    // Screenshot and network log.
    let png = dir.path().join("report.png");
    let net = dir.path().join("net.json");
    run_chromium(
        &page,
        &dir.path().join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2400".to_owned(),
            format!("--log-net-log={}", net.display()),
        ],
    );
    if let Some(keep) = std::env::var_os("SOVSCAN_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
    let requests = page_requests(&net);
    assert!(
        requests.is_empty(),
        "the report made network requests: {requests:?}"
    );

    // The screenshot is a real rendering: the page's size, many colours,
    // the header's navy and the chart colours present.
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 2400));
    let channels = info.color_type.samples();
    assert!(
        channels >= 3,
        "colour PNG expected, got {:?}",
        info.color_type
    );
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixel = |x: u32, y: u32| -> [u8; 3] {
        let i = y as usize * info.line_size + x as usize * channels;
        [buf[i], buf[i + 1], buf[i + 2]]
    };
    let mut colours = std::collections::HashSet::new();
    for y in (0..info.height).step_by(3) {
        for x in (0..info.width).step_by(3) {
            colours.insert(pixel(x, y));
        }
    }
    assert!(
        colours.len() > 50,
        "the screenshot has {} colours: blank?",
        colours.len()
    );
    let has = |rgb: [u8; 3]| colours.contains(&rgb);
    assert_eq!(pixel(5, 5), [0x0f, 0x2a, 0x5c], "the header is navy");
    assert!(
        has([0xb9, 0x1c, 0x1c]),
        "the US share in the jurisdiction chart"
    );
    assert!(has([0x1d, 0x4e, 0xd8]), "the EU/EEA share and the bars");

    // The DOM: figures, charts, the critical and high list.
    let dom = String::from_utf8(run_chromium(
        &page,
        &dir.path().join("profile-dom"),
        &["--dump-dom".to_owned()],
    ))
    .unwrap();
    assert!(dom.contains("<h2 id=\"h-figures\">Key figures</h2>"));
    assert!(dom.contains("<p class=\"big\">70.0 <span"), "the index");
    assert!(dom.contains("42.3 % by count"));
    assert!(dom.contains("Target <strong>70.0 %</strong> by 2032"));
    assert!(dom.matches("<svg").count() >= 5, "charts");
    assert_eq!(dom.matches("<figcaption>").count(), 3);
    assert!(dom.contains("<title id=\"fig1-t\">Jurisdiction mix</title>"));
    assert!(dom.contains("US 67.3 %"));
    assert!(dom.contains("Vendor concentration, HHI 1714.4"));
    let deps = dom
        .split("id=\"dependencies\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the dependencies section");
    assert_eq!(deps.matches("<article class=\"dep\"").count(), 9);
    for name in [
        "Citrix Workspace app",
        "Slack",
        "Microsoft 365 Apps (Office)",
        "Microsoft OneDrive",
        "Microsoft Teams",
        "TeamViewer",
        "Zoom Workplace",
        "WhatsApp Desktop",
        "Microsoft Windows 23H2",
    ] {
        assert!(
            deps.contains(name),
            "{name} missing from the critical and high list"
        );
    }
    assert!(deps.contains("<a href=\"#law-us-cloud-act\">CLOUD Act</a>"));
    assert!(dom.contains("<h3 id=\"law-us-cloud-act\"><strong>CLOUD Act</strong>"));
    assert!(
        deps.contains("<strong>LibreOffice</strong>"),
        "an alternative to Office"
    );
    let unresolved = dom.split("id=\"unresolved\"").nth(1).unwrap();
    assert!(unresolved.contains("Program Files/Acme Tools"));
}

#[test]
fn the_network_check_sees_a_page_that_loads_from_elsewhere() {
    if !have_chromium() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("canary.html");
    // Port 9 (discard): nothing listens; nothing leaves the host.
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"http://127.0.0.1:9/x.css\"></head>\
         <body><img src=\"https://127.0.0.1:9/a.png\" alt=\"\">canary</body></html>",
    )
    .unwrap();
    let net = dir.path().join("net.json");
    run_chromium(
        &page,
        &dir.path().join("profile"),
        &[
            format!("--screenshot={}", dir.path().join("c.png").display()),
            "--window-size=400,300".to_owned(),
            format!("--log-net-log={}", net.display()),
        ],
    );
    assert_eq!(
        page_requests(&net),
        ["http://127.0.0.1:9/x.css", "https://127.0.0.1:9/a.png"]
    );
}

#[test]
fn hostile_names_stay_text_in_the_browser() {
    if !have_chromium() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("image");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::write(root.join("etc/os-release"), "ID=debian\nVERSION_ID=12\n").unwrap();
    std::fs::write(
        root.join("var/lib/dpkg/status"),
        "Package: <script>document.title='pwned'</script><img src=x onerror=alert(1)>\n\
         Status: install ok installed\nVersion: 1\nArchitecture: amd64\nDescription: x\n\n",
    )
    .unwrap();
    let page = render(&root, dir.path());
    let dom = String::from_utf8(run_chromium(
        &page,
        &dir.path().join("profile"),
        &["--dump-dom".to_owned()],
    ))
    .unwrap();
    assert!(
        !dom.contains("<script"),
        "a script element from a package name"
    );
    assert!(!dom.contains("<img"), "an element from a package name");
    assert!(!dom.contains("pwned</title>"));
    assert!(dom.contains(
        "&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    ));
}
