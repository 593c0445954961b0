//! `sovscan check` as text for a terminal and as Markdown. JSON is the
//! [`Check`] itself.

use super::md::esc as m;
use crate::model::plan::{Check, ProductCheck};
use std::fmt::Write;

fn chain(p: &ProductCheck) -> String {
    p.chain
        .iter()
        .map(|l| {
            let since = l
                .controlled_since
                .as_deref()
                .map(|s| format!(", controlled since {s}"))
                .unwrap_or_default();
            format!(
                "{} ({}{since}; source: {}, {})",
                l.name,
                l.country.as_deref().unwrap_or("no country"),
                l.source,
                l.as_of
            )
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn gdpr(p: &ProductCheck) -> Vec<String> {
    let g = &p.gdpr;
    let mut out = Vec::new();
    if g.processing_outside_eu {
        out.push("content processed in the vendor's cloud, controller outside the EU/EEA".into());
    }
    if !g.cloud_dependency.is_empty() {
        out.push(format!(
            "cloud dependency: {}",
            g.cloud_dependency.join(", ")
        ));
    }
    if g.telemetry {
        out.push("telemetry by default".into());
    }
    if g.us_cloud_act_fisa702 {
        out.push("controller subject to the US CLOUD Act / FISA §702".into());
    }
    if g.prc_intelligence_law {
        out.push("controller subject to the PRC National Intelligence Law".into());
    }
    if out.is_empty() {
        out.push("none on record".into());
    }
    out
}

fn headline(p: &ProductCheck) -> String {
    let open = match p.open_source {
        Some(true) => "open source",
        Some(false) => "proprietary",
        None => "licence unknown",
    };
    let exposure = p
        .exposure
        .map(|e| format!(", exposure {e:.2}"))
        .unwrap_or_default();
    format!(
        "{} [{}]: level {} as {}{exposure}; {} ({open}); controller {} ({})",
        p.name,
        p.id,
        p.level,
        p.role,
        p.license,
        p.controller_country.as_deref().unwrap_or("community"),
        p.bloc
    )
}

fn dims(p: &ProductCheck) -> String {
    p.dimensions.map_or_else(String::new, |d| {
        format!(
            "D1 {} D2 {} D3 {} D4 {} D5 {} D6 {} D7 {}",
            d.d1, d.d2, d.d3, d.d4, d.d5, d.d6, d.d7
        )
    })
}

/// For a terminal.
pub fn table(c: &Check) -> String {
    let mut o = String::new();
    for p in &c.products {
        let _ = writeln!(o, "{}", headline(p));
        let _ = writeln!(o, "  chain: {}", chain(p));
        let laws: Vec<String> = p.laws.iter().map(|l| l.name.clone()).collect();
        let _ = writeln!(
            o,
            "  laws: {}",
            if laws.is_empty() {
                "none on record".into()
            } else {
                laws.join("; ")
            }
        );
        for w in &p.warnings {
            let _ = writeln!(o, "  warning: {} ({})", w.name, w.effect);
        }
        let _ = writeln!(
            o,
            "  dimensions: {}; rules: {}",
            dims(p),
            p.rules.join(", ")
        );
        let _ = writeln!(o, "  GDPR-relevant: {}", gdpr(p).join("; "));
        if let Some(mg) = &p.migration {
            let _ = writeln!(
                o,
                "  migration away: effort {} ({})",
                mg.effort.as_str(),
                mg.reason
            );
        }
        for v in &p.violations {
            let _ = writeln!(o, "  POLICY: {v}");
        }
        if let Some(r) = &p.no_alternative_reason {
            let _ = writeln!(o, "  no alternative: {r}");
        }
        for a in &p.alternatives {
            let _ = writeln!(o, "  alternative: {}", headline(a));
            let _ = writeln!(o, "      GDPR-relevant: {}", gdpr(a).join("; "));
        }
        o.push('\n');
    }
    o
}

/// Markdown.
pub fn markdown(c: &Check) -> String {
    let mut o = format!("# Check: {}\n\n", m(&c.query));
    for p in &c.products {
        let _ = writeln!(o, "## {}\n\n{}\n", m(&p.name), m(&headline(p)));
        let _ = writeln!(o, "- control chain: {}", m(&chain(p)));
        for l in &p.laws {
            let _ = writeln!(
                o,
                "- law: {} ({}): {}",
                m(&l.name),
                m(&l.citation),
                m(&l.effect)
            );
        }
        for w in &p.warnings {
            let _ = writeln!(o, "- warning: {}: {}", m(&w.name), m(&w.effect));
        }
        let _ = writeln!(
            o,
            "- dimensions: {}; rules fired: {}",
            dims(p),
            m(&p.rules.join(", "))
        );
        let _ = writeln!(o, "- GDPR-relevant: {}", m(&gdpr(p).join("; ")));
        if let Some(mg) = &p.migration {
            let _ = writeln!(
                o,
                "- migration away: effort {}: {} (source: {})",
                mg.effort.as_str(),
                m(&mg.reason),
                m(&mg.source)
            );
        }
        for v in &p.violations {
            let _ = writeln!(o, "- **policy violation**: {}", m(v));
        }
        if let Some(r) = &p.no_alternative_reason {
            let _ = writeln!(o, "- no alternative: {}", m(r));
        }
        if !p.alternatives.is_empty() {
            o.push_str("\n| alternative | level | licence | controller | GDPR-relevant |\n|---|---|---|---|---|\n");
            for a in &p.alternatives {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} ({}) | {} |",
                    m(&a.name),
                    a.level,
                    m(&a.license),
                    a.controller_country.as_deref().unwrap_or("community"),
                    a.bloc,
                    m(&gdpr(a).join("; "))
                );
            }
        }
        o.push('\n');
    }
    o
}
