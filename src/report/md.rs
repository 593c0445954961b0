//! The sovereignty report in Markdown (CommonMark with GitHub tables):
//! the figures as tables, the critical and high dependencies explained, the
//! unresolved components, the model in force and an evidence appendix.
//! Content and order come from [`super::sovereignty`]; `html.rs` lays out
//! the same content.
//!
//! Every string from the report is escaped: names come from the image and
//! may contain Markdown or HTML (`<script>` in a package name).

use super::sovereignty::{BLOCS, DIMENSIONS, Doc, LEVELS, index_text, num, opt_pct, pct, s};
use crate::rules::RuleDb;
use serde_json::Value;
use std::fmt::Write;

/// Escapes text for inline Markdown: every ASCII punctuation character that
/// starts markup in CommonMark or GitHub tables (emphasis, code, links,
/// HTML, entities, table cells, headings, strike-through) gets a backslash
/// (CommonMark allows one before any ASCII punctuation), so a name renders
/// as the text it is and never as markup or HTML; line breaks become spaces.
/// `(`, `)` and `!` need none once `[` and `]` are escaped.
/// Written by hand: it is one pass over the characters, and the Markdown
/// crates escape for their own renderers, not for generated documents.
pub fn esc(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' | '\r' | '\t' => o.push(' '),
            c if c.is_control() => o.push('\u{fffd}'),
            c => o.push(c),
        }
    }
    o
}

pub fn render(report: &Value, db: Option<&RuleDb>) -> Result<String, serde_json::Error> {
    let d = Doc::new(report, db)?;
    let mut o = String::new();
    let sm = &d.summary;
    let m = &sm.model;

    let _ = writeln!(o, "# Sovereignty report\n");
    let _ = writeln!(
        o,
        "How dependent {} on foreign-controlled software vendors? Produced by {} {} \
         with rule database {} ({}); the model is documented in `docs/model.md`.\n",
        if d.images.len() == 1 {
            "is this workstation image"
        } else {
            "are these workstation images"
        },
        esc(s(&report["tool"]["name"])),
        esc(s(&report["tool"]["version"])),
        esc(&d.rules.version),
        esc(&d.rules.date)
    );

    let _ = writeln!(o, "## Image\n");
    let _ = writeln!(
        o,
        "| image | root | operating system | identified by | components | binaries |\n|---|---|---|---|---:|---:|"
    );
    for img in &d.images {
        let comps = d
            .all
            .iter()
            .filter(|c| c["image"].as_u64() == Some(img.id as u64))
            .count();
        let bins = report["binaries"].as_array().map_or(0, |b| {
            b.iter()
                .filter(|x| x["image"].as_u64() == Some(img.id as u64))
                .count()
        });
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {comps} | {bins} |",
            img.id,
            esc(&img.root),
            esc(&Doc::image_line(img)),
            esc(img.os.evidence.as_deref().unwrap_or("-")),
        );
    }
    o.push('\n');

    let _ = writeln!(o, "## Key figures\n");
    let _ = writeln!(o, "| figure | value |\n|---|---|");
    let _ = writeln!(
        o,
        "| Sovereignty index | **{} / 100** (100: no exposure; role-weighted over {} workplace components) |",
        index_text(m.index),
        m.workplace_components
    );
    let _ = writeln!(
        o,
        "| Weakest level | **{}** |",
        m.weakest_level.map_or("n/a", |l| l.as_str())
    );
    let oss = &m.oss_share;
    let _ = writeln!(
        o,
        "| Open-source share by count | {} of workplace components (target {} by {}) |",
        opt_pct(oss.count),
        pct(oss.target),
        oss.target_year
    );
    let _ = writeln!(
        o,
        "| Open-source share by role weight | {}{} |",
        opt_pct(oss.weighted),
        oss.weighted
            .map(|w| if w >= oss.target {
                " (target reached)".to_owned()
            } else {
                format!(" ({:.1} points below the target)", (oss.target - w) * 100.0)
            })
            .unwrap_or_default()
    );
    let levels: Vec<String> = LEVELS
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l.as_str(),
                sm.by_level.get(l.as_str()).unwrap_or(&0)
            )
        })
        .collect();
    let _ = writeln!(o, "| Components by level | {} |", levels.join(" · "));
    let _ = writeln!(
        o,
        "| Components | {} ({} resolved to a controller, {} unknown vendor; coverage {}) |",
        sm.components,
        sm.resolved,
        sm.unknown,
        opt_pct(m.coverage)
    );
    let _ = writeln!(
        o,
        "| Binaries | {} ({} not owned by a package) |",
        sm.binaries, sm.binaries_unowned
    );
    let _ = writeln!(
        o,
        "| Problems | {} errors, {} skipped, {} warnings (listed in the JSON report) |",
        sm.errors, sm.skipped, sm.warnings
    );
    o.push('\n');
    if d.images.len() > 1 {
        let _ = writeln!(
            o,
            "| image | index | weakest level | open source by count | open source by role weight |\n|---|---:|---|---:|---:|"
        );
        for img in &d.images {
            let a = &img.summary;
            let _ = writeln!(
                o,
                "| {} {} | {} | {} | {} | {} |",
                img.id,
                esc(&img.root),
                index_text(a.index),
                a.weakest_level.map_or("n/a", |l| l.as_str()),
                opt_pct(a.oss_share.count),
                opt_pct(a.oss_share.weighted)
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Jurisdiction mix\n");
    let _ = writeln!(
        o,
        "The ultimate controllers' jurisdictions, weighted by the role of each workplace component.\n"
    );
    let _ = writeln!(
        o,
        "| jurisdiction | components | share (role-weighted) |\n|---|---:|---:|"
    );
    let j = &m.jurisdictions;
    for ((_, label), b) in BLOCS.iter().zip([
        &j.eu,
        &j.adequacy,
        &j.us,
        &j.cn_ru,
        &j.other,
        &j.community,
        &j.unknown,
    ]) {
        let _ = writeln!(o, "| {label} | {} | {} |", b.count, pct(b.share));
    }
    o.push('\n');

    let _ = writeln!(o, "## Vendor concentration\n");
    let c = &m.concentration;
    let _ = writeln!(
        o,
        "Herfindahl–Hirschman index **{}** of 10,000 ({}).{}\n",
        num(c.hhi),
        Doc::hhi_reading(c.hhi),
        if c.single_points.is_empty() {
            " No single point of dependency.".to_owned()
        } else {
            format!(
                " Single points of dependency (three or more high or very-high roles): **{}**.",
                c.single_points
                    .iter()
                    .map(|id| esc(&d.controller_name(id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    if !c.controllers.is_empty() {
        let _ = writeln!(
            o,
            "| controller | country | share of role weight | high and very-high roles |\n|---|---|---:|---|"
        );
        for x in &c.controllers {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                esc(&x.name),
                esc(x.country.as_deref().unwrap_or("none")),
                pct(x.share),
                esc(&x.high_roles.join(", "))
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Levels by category\n");
    let _ = writeln!(
        o,
        "| category | critical | high | unknown | medium | low | total |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (cat, n) in &d.by_category {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            esc(&d.category_name(cat)),
            n[0],
            n[1],
            n[2],
            n[3],
            n[4],
            n.iter().sum::<usize>()
        );
    }
    o.push('\n');

    let _ = writeln!(o, "## Critical and high dependencies\n");
    if d.critical_high.is_empty() {
        let _ = writeln!(o, "None: no component is rated critical or high.\n");
    }
    for (i, c) in d.critical_high.iter().enumerate() {
        dependency(&d, c, i + 1, &mut o);
    }

    let _ = writeln!(o, "## Unresolved components\n");
    if d.unresolved.is_empty() {
        let _ = writeln!(o, "None: every component was resolved to a controller.\n");
    } else {
        let _ = writeln!(
            o,
            "No rule identified the vendor of these components; they count with the highest exposure \
             ({}) in the index until a rule names them.\n",
            report["model"]["unknown_exposure"]
                .as_f64()
                .map_or("-".into(), num)
        );
        let _ = writeln!(
            o,
            "| component | source | category | evidence |\n|---|---|---|---|"
        );
        for c in &d.unresolved {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                esc(&Doc::title(c)),
                esc(s(&c["source"])),
                esc(&d.category_name(s(&c["category"]))),
                evidence_paths(c).join("<br>")
            );
        }
        o.push('\n');
    }

    let _ = writeln!(o, "## Model in force\n");
    let model = &report["model"];
    let _ = writeln!(o, "- Weights: {}", d.weights());
    let _ = writeln!(
        o,
        "- Risk score = exposure × impact; levels: {}",
        d.thresholds()
    );
    let _ = writeln!(
        o,
        "- Exposure of an unresolved component: {}; single point of dependency from {} high or very-high roles",
        model["unknown_exposure"].as_f64().map_or("-".into(), num),
        model["single_point_roles"]
    );
    let _ = writeln!(
        o,
        "- Open-source target: {} by {}",
        pct(oss.target),
        oss.target_year
    );
    let _ = writeln!(
        o,
        "- Policy: {}; mitigations in force: {}",
        model["policy"].as_str().map_or("none".to_owned(), esc),
        model["mitigations"]
    );
    let _ = writeln!(
        o,
        "- Rule database: {} ({}), {} files\n",
        esc(&d.rules.version),
        esc(&d.rules.date),
        d.rules.files.len()
    );

    let _ = writeln!(o, "## Appendix: evidence\n");
    let _ = writeln!(
        o,
        "Every component, worst first: where it was found and which rule patterns identified it.\n"
    );
    for c in &d.all {
        let _ = writeln!(
            o,
            "### {} ({})\n",
            esc(&Doc::heading(c)),
            esc(s(&c["risk"]["level"]))
        );
        let _ = writeln!(
            o,
            "- id: {}; source {}; category {}; controller {}",
            esc(s(&c["id"])),
            esc(s(&c["source"])),
            esc(&d.category_name(s(&c["category"]))),
            esc(&Doc::controller_short(c))
        );
        for e in c["evidence"].as_array().into_iter().flatten() {
            let _ = writeln!(
                o,
                "- evidence: {} \\[{}\\] {}",
                esc(s(&e["path"])),
                esc(s(&e["kind"])),
                esc(s(&e["detail"]))
            );
        }
        match super::sovereignty::obj(&c["match"]) {
            None => {
                let _ = writeln!(o, "- match: no rule matched");
            }
            Some(mt) => {
                for h in mt["evidence"].as_array().into_iter().flatten() {
                    let _ = writeln!(
                        o,
                        "- match: {} — {} “{}” matches “{}” ({} confidence)",
                        esc(s(&h["rule"])),
                        esc(s(&h["field"])),
                        esc(s(&h["value"])),
                        esc(s(&h["pattern"])),
                        esc(s(&h["confidence"]))
                    );
                }
            }
        }
        o.push('\n');
    }
    // One trailing newline.
    while o.ends_with("\n\n") {
        o.pop();
    }
    Ok(o)
}

fn evidence_paths(c: &Value) -> Vec<String> {
    c["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| esc(s(&e["path"])))
        .collect()
}

/// One critical or high dependency with its explanation.
fn dependency(d: &Doc, c: &Value, n: usize, o: &mut String) {
    let r = &c["risk"];
    let _ = writeln!(
        o,
        "### {n}. {} — {}\n",
        esc(&Doc::heading(c)),
        esc(s(&r["level"]))
    );
    let product = match Doc::product(c) {
        Some(p) => format!("{}, ", esc(p)),
        None => String::new(),
    };
    let _ = writeln!(
        o,
        "- **Product and role:** {product}{}; licence {}",
        esc(&d.category_name(s(&c["category"]))),
        esc(&Doc::license(c))
    );
    let chain: Vec<String> = d.chain(c).iter().map(|l| l.text(esc)).collect();
    let _ = writeln!(
        o,
        "- **Controller:** {}; chain: {}",
        esc(&Doc::controller_short(c)),
        if chain.is_empty() {
            "not identified".to_owned()
        } else {
            chain.join(" → ")
        }
    );
    match super::sovereignty::obj(&c["jurisdiction"]) {
        None => {
            let _ = writeln!(o, "- **Jurisdiction:** none (no controlling company)");
        }
        Some(j) => {
            let laws = d.laws(c);
            let _ = writeln!(
                o,
                "- **Jurisdiction:** {}{}",
                esc(s(&j["country"])),
                if laws.is_empty() {
                    "; no law with extraterritorial reach on record".to_owned()
                } else {
                    "; laws with reach abroad:".to_owned()
                }
            );
            for l in laws {
                let _ = write!(o, "  - **{}** ({})", esc(&l.name), esc(&l.id));
                if let Some(e) = &l.effect {
                    let _ = write!(o, ": {}", esc(e));
                }
                if let Some(ci) = &l.citation {
                    let _ = write!(o, " \\[{}\\]", esc(ci));
                }
                o.push('\n');
            }
        }
    }
    let _ = writeln!(o, "- **Rules fired:**");
    for f in r["rules"].as_array().into_iter().flatten() {
        let _ = writeln!(
            o,
            "  - {} {} = {}: {}",
            esc(s(&f["id"])),
            s(&f["dimension"]).to_uppercase(),
            f["score"],
            esc(s(&f["rationale"]))
        );
    }
    for mi in r["mitigations"].as_array().into_iter().flatten() {
        let _ = writeln!(
            o,
            "  - mitigation for {}: {} {} → {} ({}; approved by {} until {})",
            esc(s(&mi["target"])),
            s(&mi["dimension"]).to_uppercase(),
            mi["from"],
            mi["to"],
            esc(s(&mi["justification"])),
            esc(s(&mi["approver"])),
            esc(s(&mi["expires"]))
        );
    }
    if let Some(dims) = super::sovereignty::obj(&r["dimensions"]) {
        let parts: Vec<String> = DIMENSIONS
            .iter()
            .map(|(k, _)| {
                format!(
                    "{} {}",
                    k.to_uppercase(),
                    dims.get(*k).unwrap_or(&Value::Null)
                )
            })
            .collect();
        let _ = writeln!(o, "- **Dimensions:** {}", parts.join(" · "));
    }
    let _ = writeln!(o, "- **Assessment:** {}", esc(&d.score_line(c)));
    for g in r["gates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let _ = writeln!(
            o,
            "- **Hard gate {}:** {}",
            esc(g),
            esc(&d
                .gate_rationale(g)
                .unwrap_or_else(|| "the level is critical".into()))
        );
    }
    let alts = d.alternatives(c);
    if alts.is_empty() {
        let _ = writeln!(o, "- **Alternatives:** none in the rule database");
    } else {
        let _ = writeln!(o, "- **Alternatives:**");
        for a in alts {
            let _ = writeln!(
                o,
                "  - {}{}",
                esc(&a.name),
                a.detail
                    .map(|x| format!(": {}", esc(&x)))
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(o, "- **Evidence:** {}\n", evidence_paths(c).join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>a|b</script>"),
            "\\<script\\>a\\|b\\</script\\>"
        );
        assert_eq!(esc("a*b_c\nd"), "a\\*b\\_c d");
        assert_eq!(esc("Zoom Workplace (64-bit)"), "Zoom Workplace (64-bit)");
        assert_eq!(
            esc("[x](javascript:y) &lt;"),
            "\\[x\\](javascript:y) \\&lt;"
        );
    }
}
