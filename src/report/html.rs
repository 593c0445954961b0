//! The sovereignty report as one self-contained HTML file: inline CSS,
//! inline SVG charts, no script, and no external request of any kind (no
//! fonts, images, styles or scripts from anywhere; a Content-Security-Policy
//! forbids them too, so even a mistake can't load anything). Semantic
//! headings and tables, `<figure>`s with captions and a data table beside
//! every chart, contrast of at least 4.5:1 for text, a print stylesheet.
//!
//! Content and order come from [`super::sovereignty`], as for Markdown.
//! Every string from the report goes through [`esc`]: names come from the
//! image and can be hostile.

use super::sovereignty::{
    BLOCS, DIMENSIONS, Doc, LEVELS, index_text, level_of, num, opt_pct, pct, s,
};
use crate::model::risk::Level;
use crate::rules::RuleDb;
use serde_json::Value;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
/// Written by hand: five replacements (the OWASP set) don't need a
/// dependency; control characters other than whitespace, which HTML
/// forbids, become U+FFFD.
pub fn esc(text: &str) -> String {
    let mut o = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' | '\t' => o.push(ch),
            c if c.is_control() => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

/// Colour of a level (white text on it has at least 4.5:1 contrast).
fn level_colour(l: Level) -> &'static str {
    match l {
        Level::Critical => "#7f1d1d",
        Level::High => "#b93c0a",
        Level::Unknown => "#4b5563",
        Level::Medium => "#8a5a06",
        Level::Low => "#166534",
    }
}

/// Colours of the jurisdiction buckets, in [`BLOCS`] order.
const BLOC_COLOURS: [&str; 7] = [
    "#1d4ed8", "#0e7490", "#b91c1c", "#581c87", "#a16207", "#166534", "#6b7280",
];

const CSS: &str = r#"
:root{--ink:#1f2937;--muted:#4b5563;--line:#d1d5db;--soft:#f3f4f6;--accent:#1d4ed8}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif;color:var(--ink);background:#fff;line-height:1.45}
body{margin:0}
header.top{background:#0f2a5c;color:#fff;padding:1.6rem 2rem 1.2rem}
header.top h1{margin:0 0 .3rem;font-size:1.9rem}
header.top p{margin:.15rem 0;color:#e5e7eb}
nav.toc{padding:.6rem 2rem;background:var(--soft);border-bottom:1px solid var(--line);font-size:.92rem}
nav.toc a{color:#1e3a8a;margin-right:1rem;white-space:nowrap}
main{max-width:72rem;margin:0 auto;padding:0 2rem 2rem}
h2{font-size:1.4rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;border-bottom:2px solid var(--line)}
h3{font-size:1.12rem;margin:0 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.appendix{table-layout:fixed}
table.appendix td{overflow-wrap:anywhere}
td ul{margin:0;padding-left:1rem}
code.rid{white-space:nowrap;overflow-wrap:normal}
code,.path{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem}
.card{border:1px solid var(--line);border-radius:.5rem;padding:.9rem 1rem}
.card h3{font-size:.95rem;color:var(--muted);font-weight:600}
.card .big{font-size:2rem;font-weight:700;margin:.1rem 0}
.card p{margin:.2rem 0;font-size:.9rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.8rem;color:#fff;font-size:.8rem;font-weight:600;vertical-align:middle;text-transform:uppercase;letter-spacing:.02em}
figure{margin:1rem 0;padding:0}
figcaption{font-size:.9rem;color:var(--muted);margin-top:.3rem}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:inherit}
article.dep{border:1px solid var(--line);border-left-width:6px;border-radius:.4rem;padding:.9rem 1.1rem;margin:0 0 1.1rem}
article.dep dl{display:grid;grid-template-columns:11rem minmax(0,1fr);gap:.35rem 1rem;margin:.6rem 0 0}
article.dep dt{font-weight:600;color:var(--muted)}
article.dep dd{margin:0}
article.dep ul{margin:.1rem 0;padding-left:1.1rem}
.score{font-weight:600;margin:.2rem 0}
.muted{color:var(--muted)}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;align-items:start}
footer{max-width:72rem;margin:0 auto;padding:1rem 2rem 2rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
@media (max-width:52rem){.cols{grid-template-columns:1fr}article.dep dl{grid-template-columns:1fr}}
@media print{
 @page{margin:15mm}
 html{font-size:10pt}
 header.top{background:none;color:#000;padding:0 0 .5rem;border-bottom:2px solid #000}
 header.top p{color:#000}
 nav.toc{display:none}
 main{max-width:none;padding:0}
 h2{break-after:avoid}
 figure,article.dep,.card,tr{break-inside:avoid}
 .badge,svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
 a{color:inherit;text-decoration:none}
}
"#;

fn badge(l: Level) -> String {
    format!(
        r#"<span class="badge" style="background:{}">{}</span>"#,
        level_colour(l),
        l.as_str()
    )
}

/// Shortens a label for a chart (the full text goes into a `<title>`).
fn short(t: &str, max: usize) -> String {
    if t.chars().count() <= max {
        t.to_owned()
    } else {
        let mut o: String = t.chars().take(max - 1).collect();
        o.push('…');
        o
    }
}

pub fn render(report: &Value, db: Option<&RuleDb>) -> Result<String, serde_json::Error> {
    let d = Doc::new(report, db)?;
    let sm = &d.summary;
    let m = &sm.model;
    let mut o = String::new();
    let roots: Vec<&str> = d.images.iter().map(|i| i.root.as_str()).collect();

    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing may load from anywhere: styles are inline, images are inline SVG.
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(
        o,
        "<title>Sovereignty report: {}</title>",
        esc(&roots.join(", "))
    );
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");

    let _ = writeln!(
        o,
        "<header class=\"top\">\n<h1>Sovereignty report</h1>\n<p>How dependent {} <strong>{}</strong> on foreign-controlled software vendors?</p>\n<p>{} {} · rule database {} ({}) · model: docs/model.md</p>\n</header>",
        if roots.len() == 1 { "is" } else { "are" },
        esc(&roots.join(", ")),
        esc(s(&report["tool"]["name"])),
        esc(s(&report["tool"]["version"])),
        esc(&d.rules.version),
        esc(&d.rules.date)
    );
    o.push_str("<nav class=\"toc\" aria-label=\"Contents\"><a href=\"#image\">Image</a><a href=\"#figures\">Key figures</a><a href=\"#jurisdictions\">Jurisdictions</a><a href=\"#concentration\">Concentration</a><a href=\"#categories\">Levels by category</a><a href=\"#dependencies\">Critical and high</a><a href=\"#unresolved\">Unresolved</a><a href=\"#model\">Model</a><a href=\"#appendix\">Evidence</a></nav>\n<main>\n");

    // Image facts.
    o.push_str("<section id=\"image\" aria-labelledby=\"h-image\">\n<h2 id=\"h-image\">Image</h2>\n<table>\n<thead><tr><th scope=\"col\">image</th><th scope=\"col\">root</th><th scope=\"col\">operating system</th><th scope=\"col\">identified by</th><th scope=\"col\" class=\"n\">components</th><th scope=\"col\" class=\"n\">binaries</th></tr></thead>\n<tbody>\n");
    for img in &d.images {
        let id = Some(img.id as u64);
        let comps = d.all.iter().filter(|c| c["image"].as_u64() == id).count();
        let bins = report["binaries"].as_array().map_or(0, |b| {
            b.iter().filter(|x| x["image"].as_u64() == id).count()
        });
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"path\">{}</td><td>{}</td><td class=\"path\">{}</td><td class=\"n\">{comps}</td><td class=\"n\">{bins}</td></tr>",
            img.id,
            esc(&img.root),
            esc(&Doc::image_line(img)),
            esc(img.os.evidence.as_deref().unwrap_or("-"))
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");

    // Key figures.
    let oss = &m.oss_share;
    o.push_str("<section id=\"figures\" aria-labelledby=\"h-figures\">\n<h2 id=\"h-figures\">Key figures</h2>\n<div class=\"cards\">\n");
    let _ = writeln!(
        o,
        "<div class=\"card\"><h3>Sovereignty index</h3><p class=\"big\">{} <span class=\"muted\" style=\"font-size:1rem\">/ 100</span></p>{}<p>100 means no exposure; role-weighted over {} workplace components.</p></div>",
        index_text(m.index),
        meter(
            m.index.map(|i| i / 100.0),
            None,
            "#1d4ed8",
            "sovereignty index"
        ),
        m.workplace_components
    );
    let weakest = m.weakest_level;
    let _ = writeln!(
        o,
        "<div class=\"card\"><h3>Weakest level</h3><p class=\"big\">{}</p><p>{}</p></div>",
        weakest.map_or("n/a".to_owned(), badge),
        LEVELS
            .iter()
            .map(|l| format!(
                "{} {}",
                l.as_str(),
                sm.by_level.get(l.as_str()).unwrap_or(&0)
            ))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    let _ = writeln!(
        o,
        "<div class=\"card\"><h3>Open-source share</h3><p class=\"big\">{}</p>{}<p>by role weight; {} by count. Target <strong>{}</strong> by {}{}.</p></div>",
        opt_pct(oss.weighted),
        meter(
            oss.weighted,
            Some(oss.target),
            "#166534",
            "open-source share against the target"
        ),
        opt_pct(oss.count),
        pct(oss.target),
        oss.target_year,
        oss.weighted
            .filter(|w| *w < oss.target)
            .map(|w| format!(": {:.1} points to go", (oss.target - w) * 100.0))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "<div class=\"card\"><h3>Coverage</h3><p class=\"big\">{}</p><p>{} components, {} resolved to a controller, {} with an unknown vendor. {} binaries ({} not owned by a package). {} errors, {} skipped.</p></div>",
        opt_pct(m.coverage),
        sm.components,
        sm.resolved,
        sm.unknown,
        sm.binaries,
        sm.binaries_unowned,
        sm.errors,
        sm.skipped
    );
    o.push_str("</div>\n");
    if d.images.len() > 1 {
        o.push_str("<table>\n<caption>Per image</caption>\n<thead><tr><th scope=\"col\">image</th><th scope=\"col\" class=\"n\">index</th><th scope=\"col\">weakest level</th><th scope=\"col\" class=\"n\">open source by count</th><th scope=\"col\" class=\"n\">open source by role weight</th></tr></thead>\n<tbody>\n");
        for img in &d.images {
            let a = &img.summary;
            let _ = writeln!(
                o,
                "<tr><td>{} <span class=\"path\">{}</span></td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                img.id,
                esc(&img.root),
                index_text(a.index),
                a.weakest_level.map_or("n/a".to_owned(), badge),
                opt_pct(a.oss_share.count),
                opt_pct(a.oss_share.weighted)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");

    // Jurisdiction mix.
    let j = &m.jurisdictions;
    let buckets = [
        &j.eu,
        &j.adequacy,
        &j.us,
        &j.cn_ru,
        &j.other,
        &j.community,
        &j.unknown,
    ];
    o.push_str("<section id=\"jurisdictions\" aria-labelledby=\"h-jur\">\n<h2 id=\"h-jur\">Jurisdiction mix</h2>\n<div class=\"cols\">\n<figure>\n");
    jurisdiction_chart(&buckets, &mut o);
    o.push_str("<figcaption>Figure 1. Jurisdictions of the ultimate controllers, weighted by the role of each workplace component.</figcaption>\n</figure>\n");
    o.push_str("<table>\n<thead><tr><th scope=\"col\">jurisdiction</th><th scope=\"col\" class=\"n\">components</th><th scope=\"col\" class=\"n\">share</th></tr></thead>\n<tbody>\n");
    for (i, ((_, label), b)) in BLOCS.iter().zip(buckets).enumerate() {
        let _ = writeln!(
            o,
            "<tr><td><span aria-hidden=\"true\" style=\"color:{}\">■</span> {label}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            BLOC_COLOURS[i],
            b.count,
            pct(b.share)
        );
    }
    o.push_str("</tbody>\n</table>\n</div>\n</section>\n");

    // Vendor concentration.
    let c = &m.concentration;
    o.push_str("<section id=\"concentration\" aria-labelledby=\"h-conc\">\n<h2 id=\"h-conc\">Vendor concentration</h2>\n");
    let _ = writeln!(
        o,
        "<p>Herfindahl–Hirschman index <strong>{}</strong> of 10,000: {}. {}</p>",
        num(c.hhi),
        Doc::hhi_reading(c.hhi),
        if c.single_points.is_empty() {
            "No controller is a single point of dependency.".to_owned()
        } else {
            format!(
                "Single points of dependency (three or more high or very-high roles): <strong>{}</strong>.",
                c.single_points
                    .iter()
                    .map(|id| esc(&d.controller_name(id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    if !c.controllers.is_empty() {
        o.push_str("<figure>\n");
        concentration_chart(c, &mut o);
        o.push_str("<figcaption>Figure 2. Controllers' shares of the role weight of the resolved workplace components (largest first; single points of dependency in red).</figcaption>\n</figure>\n");
        o.push_str("<table>\n<thead><tr><th scope=\"col\">controller</th><th scope=\"col\">country</th><th scope=\"col\" class=\"n\">share of role weight</th><th scope=\"col\">high and very-high roles</th></tr></thead>\n<tbody>\n");
        for x in &c.controllers {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&x.name),
                esc(x.country.as_deref().unwrap_or("none")),
                pct(x.share),
                esc(&x.high_roles.join(", "))
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");

    // Levels by category.
    o.push_str("<section id=\"categories\" aria-labelledby=\"h-cat\">\n<h2 id=\"h-cat\">Levels by category</h2>\n<figure>\n");
    category_chart(&d, &mut o);
    o.push_str("<figcaption>Figure 3. Components per category, by risk level (all components, worst categories first).</figcaption>\n</figure>\n");
    o.push_str("<table>\n<thead><tr><th scope=\"col\">category</th>");
    for l in LEVELS {
        let _ = write!(o, "<th scope=\"col\" class=\"n\">{}</th>", l.as_str());
    }
    o.push_str("<th scope=\"col\" class=\"n\">total</th></tr></thead>\n<tbody>\n");
    for (cat, n) in &d.by_category {
        let _ = write!(o, "<tr><td>{}</td>", esc(&d.category_name(cat)));
        for x in n {
            let _ = write!(o, "<td class=\"n\">{x}</td>");
        }
        let _ = writeln!(o, "<td class=\"n\">{}</td></tr>", n.iter().sum::<usize>());
    }
    o.push_str("</tbody>\n</table>\n</section>\n");

    // Critical and high dependencies.
    o.push_str("<section id=\"dependencies\" aria-labelledby=\"h-dep\">\n<h2 id=\"h-dep\">Critical and high dependencies</h2>\n");
    if d.critical_high.is_empty() {
        o.push_str("<p>None: no component is rated critical or high.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<p>{} components, worst first. Each with its explanation: who controls it, which laws reach that controller, which rules of the model fired, how the level follows, and the alternatives the rule database knows.</p>",
            d.critical_high.len()
        );
    }
    for (i, comp) in d.critical_high.iter().enumerate() {
        dependency(&d, comp, i + 1, &mut o);
    }
    o.push_str("</section>\n");

    // Unresolved.
    o.push_str("<section id=\"unresolved\" aria-labelledby=\"h-unres\">\n<h2 id=\"h-unres\">Unresolved components</h2>\n");
    if d.unresolved.is_empty() {
        o.push_str("<p>None: every component was resolved to a controller.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<p>No rule identified the vendor of these {} components; they count with the highest exposure ({}) in the index until a rule names them.</p>",
            d.unresolved.len(),
            report["model"]["unknown_exposure"]
                .as_f64()
                .map_or("-".into(), num)
        );
        o.push_str("<table>\n<thead><tr><th scope=\"col\">component</th><th scope=\"col\">source</th><th scope=\"col\">category</th><th scope=\"col\">evidence</th></tr></thead>\n<tbody>\n");
        for comp in &d.unresolved {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&Doc::title(comp)),
                esc(s(&comp["source"])),
                esc(&d.category_name(s(&comp["category"]))),
                evidence_list(comp)
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");

    // Model in force.
    let model = &report["model"];
    o.push_str("<section id=\"model\" aria-labelledby=\"h-model\">\n<h2 id=\"h-model\">Model in force</h2>\n<table>\n<tbody>\n");
    let rows = [
        ("Weights (D1..D6)", esc(&d.weights())),
        (
            "Levels",
            format!("risk score = exposure × impact; {}", esc(&d.thresholds())),
        ),
        (
            "Unresolved components",
            format!(
                "counted with exposure {}",
                model["unknown_exposure"].as_f64().map_or("-".into(), num)
            ),
        ),
        (
            "Single point of dependency",
            format!(
                "a controller with {} or more high or very-high roles",
                model["single_point_roles"]
            ),
        ),
        (
            "Open-source target",
            format!("{} by {}", pct(oss.target), oss.target_year),
        ),
        (
            "Policy",
            format!(
                "{}; mitigations in force: {}",
                model["policy"].as_str().map_or("none".to_owned(), esc),
                model["mitigations"]
            ),
        ),
        (
            "Rule database",
            format!(
                "{} ({}), {} files",
                esc(&d.rules.version),
                esc(&d.rules.date),
                d.rules.files.len()
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    }
    o.push_str("</tbody>\n</table>\n</section>\n");

    // Evidence appendix.
    o.push_str("<section id=\"appendix\" aria-labelledby=\"h-app\">\n<h2 id=\"h-app\">Appendix: evidence</h2>\n<p>Every component, worst first: where it was found and which rule patterns identified it.</p>\n<table class=\"appendix\">\n<colgroup><col style=\"width:22%\"><col style=\"width:9%\"><col style=\"width:13%\"><col style=\"width:30%\"><col style=\"width:26%\"></colgroup>\n<thead><tr><th scope=\"col\">component</th><th scope=\"col\">level</th><th scope=\"col\">controller</th><th scope=\"col\">evidence</th><th scope=\"col\">match</th></tr></thead>\n<tbody>\n");
    for comp in &d.all {
        let mut matches = String::new();
        match super::sovereignty::obj(&comp["match"]) {
            None => matches.push_str("<span class=\"muted\">no rule matched</span>"),
            Some(mt) => {
                matches.push_str("<ul>");
                for h in mt["evidence"].as_array().into_iter().flatten() {
                    let _ = write!(
                        matches,
                        "<li><code>{}</code>: {} “{}” matches “{}” ({})</li>",
                        esc(s(&h["rule"])),
                        esc(s(&h["field"])),
                        esc(s(&h["value"])),
                        esc(s(&h["pattern"])),
                        esc(s(&h["confidence"]))
                    );
                }
                matches.push_str("</ul>");
            }
        }
        let _ = writeln!(
            o,
            "<tr><td>{}<br><span class=\"muted path\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{matches}</td></tr>",
            esc(&Doc::heading(comp)),
            esc(s(&comp["id"])),
            badge(level_of(comp)),
            esc(&Doc::controller_short(comp)),
            evidence_list(comp)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n</main>\n");
    let _ = writeln!(
        o,
        "<footer>Produced by {} {} (report schema {}), offline and read-only. The figures follow the model in docs/model.md; the JSON report holds every detail.</footer>\n</body>\n</html>",
        esc(s(&report["tool"]["name"])),
        esc(s(&report["tool"]["version"])),
        esc(s(&report["schema_version"]))
    );
    Ok(o)
}

fn evidence_list(c: &Value) -> String {
    let mut o = String::from("<ul>");
    for e in c["evidence"].as_array().into_iter().flatten() {
        let _ = write!(
            o,
            "<li><span class=\"path\">{}</span> <span class=\"muted\">[{}] {}</span></li>",
            esc(s(&e["path"])),
            esc(s(&e["kind"])),
            esc(s(&e["detail"]))
        );
    }
    o.push_str("</ul>");
    o
}

/// A horizontal meter 0..1 with an optional target mark.
fn meter(value: Option<f64>, target: Option<f64>, colour: &str, label: &str) -> String {
    const W: f64 = 240.0;
    let v = value.unwrap_or(0.0).clamp(0.0, 1.0);
    let mut o = format!(
        r##"<svg viewBox="0 0 {W} 22" width="{W}" height="22" role="img" aria-label="{}"><rect x="0" y="5" width="{W}" height="12" rx="3" fill="#e5e7eb"/><rect x="0" y="5" width="{:.1}" height="12" rx="3" fill="{colour}"/>"##,
        esc(label),
        v * W
    );
    if let Some(t) = target {
        let x = t.clamp(0.0, 1.0) * W;
        let _ = write!(
            o,
            r##"<line x1="{x:.1}" y1="1" x2="{x:.1}" y2="21" stroke="#111827" stroke-width="2"/>"##
        );
    }
    o.push_str("</svg>");
    o
}

/// Figure 1: one 100 % bar of the jurisdiction buckets and a legend.
fn jurisdiction_chart(buckets: &[&crate::model::aggregates::Share; 7], o: &mut String) {
    const W: f64 = 640.0;
    let legend_rows = BLOCS.len().div_ceil(2);
    let h = 60.0 + legend_rows as f64 * 24.0;
    let desc: Vec<String> = BLOCS
        .iter()
        .zip(buckets)
        .map(|((_, l), b)| format!("{l} {}", pct(b.share)))
        .collect();
    let _ = writeln!(
        o,
        r#"<svg viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-labelledby="fig1-t fig1-d"><title id="fig1-t">Jurisdiction mix</title><desc id="fig1-d">{}</desc>"#,
        esc(&desc.join("; "))
    );
    let total: f64 = buckets.iter().map(|b| b.share).sum();
    let mut x = 0.0;
    if total <= 0.0 {
        let _ = writeln!(
            o,
            r##"<rect x="0" y="8" width="{W}" height="40" fill="#e5e7eb"/><text x="{}" y="33" text-anchor="middle" font-size="14" fill="#374151">no workplace components</text>"##,
            W / 2.0
        );
    }
    for (i, b) in buckets.iter().enumerate() {
        if total <= 0.0 || b.share <= 0.0 {
            continue;
        }
        let w = b.share / total * W;
        let _ = write!(
            o,
            r#"<rect x="{x:.1}" y="8" width="{w:.1}" height="40" fill="{}"><title>{} {}</title></rect>"#,
            BLOC_COLOURS[i],
            BLOCS[i].1,
            pct(b.share)
        );
        if w >= 52.0 {
            let _ = write!(
                o,
                r##"<text x="{:.1}" y="33" text-anchor="middle" font-size="13" font-weight="600" fill="#ffffff">{}</text>"##,
                x + w / 2.0,
                pct(b.share)
            );
        }
        x += w;
        o.push('\n');
    }
    for (i, ((_, label), b)) in BLOCS.iter().zip(buckets).enumerate() {
        let col = (i / legend_rows) as f64;
        let row = (i % legend_rows) as f64;
        let lx = col * (W / 2.0);
        let ly = 64.0 + row * 24.0;
        let _ = writeln!(
            o,
            r##"<rect x="{lx:.1}" y="{:.1}" width="14" height="14" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="13" fill="#1f2937">{label}: {}</text>"##,
            ly,
            BLOC_COLOURS[i],
            lx + 20.0,
            ly + 12.0,
            pct(b.share)
        );
    }
    o.push_str("</svg>\n");
}

/// Figure 2: one bar per controller (the largest twelve, then the rest).
fn concentration_chart(c: &crate::model::aggregates::Concentration, o: &mut String) {
    const W: f64 = 720.0;
    const LABEL: f64 = 260.0;
    const ROW: f64 = 26.0;
    let mut rows: Vec<(String, f64, bool)> = c
        .controllers
        .iter()
        .take(12)
        .map(|x| {
            (
                format!("{} ({})", x.name, x.country.as_deref().unwrap_or("none")),
                x.share,
                c.single_points.contains(&x.id),
            )
        })
        .collect();
    if c.controllers.len() > 12 {
        let rest: f64 = c.controllers[12..].iter().map(|x| x.share).sum();
        rows.push((format!("{} others", c.controllers.len() - 12), rest, false));
    }
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(0.01);
    let bar_w = W - LABEL - 150.0;
    let h = rows.len() as f64 * ROW + 8.0;
    let desc: Vec<String> = rows
        .iter()
        .map(|(n, sh, _)| format!("{n} {}", pct(*sh)))
        .collect();
    let _ = writeln!(
        o,
        r#"<svg viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-labelledby="fig2-t fig2-d"><title id="fig2-t">Vendor concentration, HHI {}</title><desc id="fig2-d">{}</desc>"#,
        num(c.hhi),
        esc(&desc.join("; "))
    );
    for (i, (name, share, single)) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let w = (share / max * bar_w).max(1.0);
        let colour = if *single { "#b91c1c" } else { "#1d4ed8" };
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="13" fill="#1f2937"><title>{}</title>{}</text><rect x="{LABEL}" y="{y:.1}" width="{w:.1}" height="18" rx="2" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="13" fill="#1f2937">{}{}</text>"##,
            LABEL - 8.0,
            y + 14.0,
            esc(name),
            esc(&short(name, 32)),
            LABEL + w + 6.0,
            y + 14.0,
            pct(*share),
            if *single { " · single point" } else { "" }
        );
    }
    o.push_str("</svg>\n");
}

/// Figure 3: stacked bars of the levels per category.
fn category_chart(d: &Doc, o: &mut String) {
    const W: f64 = 720.0;
    const LABEL: f64 = 220.0;
    const ROW: f64 = 24.0;
    let max = d
        .by_category
        .iter()
        .map(|(_, n)| n.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bar_w = W - LABEL - 50.0;
    let h = 30.0 + d.by_category.len() as f64 * ROW + 4.0;
    let desc: Vec<String> = d
        .by_category
        .iter()
        .map(|(cat, n)| {
            let parts: Vec<String> = LEVELS
                .iter()
                .zip(n)
                .filter(|(_, x)| **x > 0)
                .map(|(l, x)| format!("{x} {}", l.as_str()))
                .collect();
            format!("{}: {}", d.category_name(cat), parts.join(", "))
        })
        .collect();
    let _ = writeln!(
        o,
        r#"<svg viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-labelledby="fig3-t fig3-d"><title id="fig3-t">Levels by category</title><desc id="fig3-d">{}</desc>"#,
        esc(&desc.join("; "))
    );
    // Legend.
    let mut lx = LABEL;
    for l in LEVELS {
        let _ = write!(
            o,
            r##"<rect x="{lx:.1}" y="4" width="14" height="14" fill="{}"/><text x="{:.1}" y="16" font-size="13" fill="#1f2937">{}</text>"##,
            level_colour(l),
            lx + 19.0,
            l.as_str()
        );
        lx += 90.0;
    }
    o.push('\n');
    for (i, (cat, n)) in d.by_category.iter().enumerate() {
        let y = 30.0 + i as f64 * ROW;
        let name = d.category_name(cat);
        let _ = write!(
            o,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="13" fill="#1f2937"><title>{}</title>{}</text>"##,
            LABEL - 8.0,
            y + 13.0,
            esc(&name),
            esc(&short(&name, 30))
        );
        let mut x = LABEL;
        for (l, count) in LEVELS.iter().zip(n) {
            if *count == 0 {
                continue;
            }
            let w = *count as f64 / max * bar_w;
            let _ = write!(
                o,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="18" fill="{}" stroke="#ffffff" stroke-width="1"><title>{}: {count} {}</title></rect>"##,
                level_colour(*l),
                esc(&name),
                l.as_str()
            );
            if w >= 16.0 {
                let _ = write!(
                    o,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" font-weight="600" fill="#ffffff">{count}</text>"##,
                    x + w / 2.0,
                    y + 13.5
                );
            }
            x += w;
        }
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#4b5563">{}</text>"##,
            x + 6.0,
            y + 13.5,
            n.iter().sum::<usize>()
        );
    }
    o.push_str("</svg>\n");
}

/// One critical or high dependency with its explanation.
fn dependency(d: &Doc, c: &Value, n: usize, o: &mut String) {
    let r = &c["risk"];
    let level = level_of(c);
    let _ = writeln!(
        o,
        "<article class=\"dep\" id=\"dep-{n}\" style=\"border-left-color:{}\">\n<h3>{n}. {} {}</h3>\n<p class=\"score\">{}</p>\n<dl>",
        level_colour(level),
        esc(&Doc::heading(c)),
        badge(level),
        esc(&d.score_line(c))
    );
    let product = Doc::product(c)
        .map(|p| format!("{}; ", esc(p)))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "<dt>Product and role</dt><dd>{product}{}; licence {}</dd>",
        esc(&d.category_name(s(&c["category"]))),
        esc(&Doc::license(c))
    );
    let chain: Vec<String> = d.chain(c).iter().map(|l| l.text(esc)).collect();
    let _ = writeln!(
        o,
        "<dt>Controller</dt><dd><strong>{}</strong>{}</dd>",
        esc(&Doc::controller_short(c)),
        if chain.len() > 1 {
            format!("; chain: {}", chain.join(" → "))
        } else {
            String::new()
        }
    );
    match super::sovereignty::obj(&c["jurisdiction"]) {
        None => {
            o.push_str("<dt>Jurisdiction</dt><dd>none (no controlling company)</dd>\n");
        }
        Some(j) => {
            let laws = d.laws(c);
            let _ = write!(o, "<dt>Jurisdiction</dt><dd>{}", esc(s(&j["country"])));
            if laws.is_empty() {
                o.push_str("; no law with extraterritorial reach on record");
            } else {
                o.push_str("; laws with reach abroad:<ul>");
                for l in laws {
                    let _ = write!(o, "<li><strong>{}</strong>", esc(&l.name));
                    if let Some(e) = &l.effect {
                        let _ = write!(o, ": {}", esc(e));
                    }
                    if let Some(ci) = &l.citation {
                        let _ = write!(o, " <cite>{}</cite>", esc(ci));
                    }
                    o.push_str("</li>");
                }
                o.push_str("</ul>");
            }
            o.push_str("</dd>\n");
        }
    }
    o.push_str("<dt>Rules fired</dt><dd><table><thead><tr><th scope=\"col\">rule</th><th scope=\"col\">dimension</th><th scope=\"col\" class=\"n\">score</th><th scope=\"col\">rationale</th></tr></thead><tbody>");
    for f in r["rules"].as_array().into_iter().flatten() {
        let dim = s(&f["dimension"]);
        let label = DIMENSIONS
            .iter()
            .find(|(k, _)| *k == dim)
            .map_or(dim, |(_, l)| l);
        let _ = write!(
            o,
            "<tr><td><code class=\"rid\">{}</code></td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(s(&f["id"])),
            esc(label),
            f["score"],
            esc(s(&f["rationale"]))
        );
    }
    o.push_str("</tbody></table></dd>\n");
    if let Some(ms) = r["mitigations"].as_array().filter(|m| !m.is_empty()) {
        o.push_str("<dt>Mitigations</dt><dd><ul>");
        for mi in ms {
            let _ = write!(
                o,
                "<li>{}: {} {} → {} ({}; approved by {} until {})</li>",
                esc(s(&mi["target"])),
                esc(&s(&mi["dimension"]).to_uppercase()),
                mi["from"],
                mi["to"],
                esc(s(&mi["justification"])),
                esc(s(&mi["approver"])),
                esc(s(&mi["expires"]))
            );
        }
        o.push_str("</ul></dd>\n");
    }
    if let Some(dims) = super::sovereignty::obj(&r["dimensions"]) {
        o.push_str("<dt>Dimensions</dt><dd><table><thead><tr>");
        for (k, label) in DIMENSIONS {
            let _ = write!(
                o,
                "<th scope=\"col\" class=\"n\" title=\"{label}\">{}</th>",
                k.to_uppercase()
            );
        }
        o.push_str("<th scope=\"col\" class=\"n\">exposure</th><th scope=\"col\" class=\"n\">score</th></tr></thead><tbody><tr>");
        for (k, _) in DIMENSIONS {
            let _ = write!(
                o,
                "<td class=\"n\">{}</td>",
                dims.get(k).unwrap_or(&Value::Null)
            );
        }
        let _ = writeln!(
            o,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tbody></table>weights D1..D6: {}; levels: {}</dd>",
            r["exposure"].as_f64().map_or("-".into(), num),
            r["score"].as_f64().map_or("-".into(), num),
            esc(&d.weights()),
            esc(&d.thresholds())
        );
    }
    if let Some(gs) = r["gates"].as_array().filter(|g| !g.is_empty()) {
        o.push_str("<dt>Hard gates</dt><dd><ul>");
        for g in gs.iter().filter_map(Value::as_str) {
            let _ = write!(
                o,
                "<li><code>{}</code>: {}</li>",
                esc(g),
                esc(&d
                    .gate_rationale(g)
                    .unwrap_or_else(|| "the level is critical".into()))
            );
        }
        o.push_str("</ul></dd>\n");
    }
    let alts = d.alternatives(c);
    o.push_str("<dt>Alternatives</dt><dd>");
    if alts.is_empty() {
        o.push_str("none in the rule database");
    } else {
        o.push_str("<ul>");
        for a in alts {
            let _ = write!(
                o,
                "<li><strong>{}</strong>{}</li>",
                esc(&a.name),
                a.detail
                    .map(|x| format!(": {}", esc(&x)))
                    .unwrap_or_default()
            );
        }
        o.push_str("</ul>");
    }
    o.push_str("</dd>\n");
    let _ = writeln!(
        o,
        "<dt>Evidence</dt><dd>{}</dd>\n</dl>\n</article>",
        evidence_list(c)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{0}b"), "a\u{fffd}b");
    }
}
