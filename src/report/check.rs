//! `sovscan check` as text for a terminal and as Markdown. JSON is the
//! [`Check`] itself.

use super::md::esc as m;
use super::table::{date, level_name};
use crate::i18n::{FluentValue, Lang};
use crate::model::plan::{Check, ProductCheck};
use std::fmt::Write;

fn chain(p: &ProductCheck, lang: Lang) -> String {
    p.chain
        .iter()
        .map(|l| {
            let since = l
                .controlled_since
                .as_deref()
                .map(|s| lang.ta("check-since", &[("date", date(s, lang).into())]))
                .unwrap_or_default();
            let country = l
                .country
                .clone()
                .unwrap_or_else(|| lang.t("explain-no-country"));
            lang.ta(
                "check-link",
                &[
                    ("name", l.name.as_str().into()),
                    ("country", country.into()),
                    ("since", since.into()),
                    ("source", l.source.as_str().into()),
                    ("asof", date(&l.as_of, lang).into()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn gdpr(p: &ProductCheck, lang: Lang) -> Vec<String> {
    let g = &p.gdpr;
    let mut out = Vec::new();
    if g.processing_outside_eu {
        out.push(lang.t("check-gdpr-outside-eu"));
    }
    if !g.cloud_dependency.is_empty() {
        out.push(lang.ta(
            "check-gdpr-cloud",
            &[("names", g.cloud_dependency.join(", ").into())],
        ));
    }
    if g.telemetry {
        out.push(lang.t("check-gdpr-telemetry"));
    }
    if g.us_cloud_act_fisa702 {
        out.push(lang.t("check-gdpr-us"));
    }
    if g.prc_intelligence_law {
        out.push(lang.t("check-gdpr-prc"));
    }
    if out.is_empty() {
        out.push(lang.t("check-none"));
    }
    out
}

fn headline(p: &ProductCheck, lang: Lang) -> String {
    let open = lang.t(match p.open_source {
        Some(true) => "table-open-source",
        Some(false) => "table-proprietary",
        None => "check-licence-unknown",
    });
    let exposure = p
        .exposure
        .map(|e| {
            let e = lang.decimal(&format!("{e:.2}"));
            lang.ta("check-exposure", &[("exposure", e.into())])
        })
        .unwrap_or_default();
    let country = p
        .controller_country
        .clone()
        .unwrap_or_else(|| lang.t("table-community"));
    lang.ta(
        "check-headline",
        &[
            ("name", p.name.as_str().into()),
            ("id", p.id.as_str().into()),
            ("level", level_name(&p.level, lang).into()),
            ("role", p.role.as_str().into()),
            ("exposure", exposure.into()),
            ("license", licence(&p.license, lang).into()),
            ("open", open.into()),
            ("country", country.into()),
            ("bloc", p.bloc.as_str().into()),
        ],
    )
}

/// A product's licence as the rule database writes it, with the word
/// `proprietary` in `lang`.
fn licence(text: &str, lang: Lang) -> String {
    if text == "proprietary" {
        lang.t("table-proprietary")
    } else {
        text.to_owned()
    }
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
pub fn table(c: &Check, lang: Lang) -> String {
    let mut o = String::new();
    let line = |o: &mut String, indent: &str, id: &str, args: &[(&str, FluentValue<'_>)]| {
        let _ = writeln!(o, "{indent}{}", lang.ta(id, args));
    };
    for p in &c.products {
        let _ = writeln!(o, "{}", headline(p, lang));
        line(
            &mut o,
            "  ",
            "check-chain",
            &[("chain", chain(p, lang).into())],
        );
        let laws: Vec<String> = p.laws.iter().map(|l| l.name.clone()).collect();
        let laws = if laws.is_empty() {
            lang.t("check-none")
        } else {
            laws.join("; ")
        };
        line(&mut o, "  ", "check-laws", &[("laws", laws.into())]);
        for w in &p.warnings {
            let args = [
                ("name", w.name.as_str().into()),
                ("effect", w.effect.as_str().into()),
            ];
            line(&mut o, "  ", "check-warning", &args);
        }
        let args = [
            ("dims", dims(p).into()),
            ("rules", p.rules.join(", ").into()),
        ];
        line(&mut o, "  ", "check-dimensions", &args);
        let g = gdpr(p, lang).join("; ");
        line(&mut o, "  ", "check-gdpr", &[("traits", g.into())]);
        if let Some(mg) = &p.migration {
            let args = [
                ("effort", mg.effort.as_str().into()),
                ("reason", mg.reason.as_str().into()),
            ];
            line(&mut o, "  ", "check-migration", &args);
        }
        for v in &p.violations {
            line(&mut o, "  ", "check-policy", &[("text", v.as_str().into())]);
        }
        if let Some(r) = &p.no_alternative_reason {
            line(
                &mut o,
                "  ",
                "check-no-alternative",
                &[("why", r.as_str().into())],
            );
        }
        for a in &p.alternatives {
            let h = headline(a, lang);
            line(&mut o, "  ", "check-alternative", &[("headline", h.into())]);
            let g = gdpr(a, lang).join("; ");
            line(&mut o, "      ", "check-gdpr", &[("traits", g.into())]);
        }
        o.push('\n');
    }
    o
}

/// Markdown.
pub fn markdown(c: &Check, lang: Lang) -> String {
    let title = lang.ta("check-md-title", &[("query", m(&c.query).into())]);
    let mut o = format!("# {title}\n\n");
    let item = |o: &mut String, id: &str, args: &[(&str, FluentValue<'_>)]| {
        let _ = writeln!(o, "- {}", lang.ta(id, args));
    };
    for p in &c.products {
        let _ = writeln!(o, "## {}\n\n{}\n", m(&p.name), m(&headline(p, lang)));
        item(
            &mut o,
            "check-md-chain",
            &[("chain", m(&chain(p, lang)).into())],
        );
        for l in &p.laws {
            let args = [
                ("name", m(&l.name).into()),
                ("citation", m(&l.citation).into()),
                ("effect", m(&l.effect).into()),
            ];
            item(&mut o, "check-md-law", &args);
        }
        for w in &p.warnings {
            let args = [("name", m(&w.name).into()), ("effect", m(&w.effect).into())];
            item(&mut o, "check-md-warning", &args);
        }
        let args = [
            ("dims", dims(p).into()),
            ("rules", m(&p.rules.join(", ")).into()),
        ];
        item(&mut o, "check-md-dimensions", &args);
        let g = m(&gdpr(p, lang).join("; "));
        item(&mut o, "check-gdpr", &[("traits", g.into())]);
        if let Some(mg) = &p.migration {
            let args = [
                ("effort", mg.effort.as_str().into()),
                ("reason", m(&mg.reason).into()),
                ("source", m(&mg.source).into()),
            ];
            item(&mut o, "check-md-migration", &args);
        }
        for v in &p.violations {
            item(&mut o, "check-md-violation", &[("text", m(v).into())]);
        }
        if let Some(r) = &p.no_alternative_reason {
            item(&mut o, "check-no-alternative", &[("why", m(r).into())]);
        }
        if !p.alternatives.is_empty() {
            let _ = writeln!(
                o,
                "\n| {} |\n|---|---|---|---|---|",
                lang.t("check-md-columns")
            );
            for a in &p.alternatives {
                let country = a
                    .controller_country
                    .clone()
                    .unwrap_or_else(|| lang.t("table-community"));
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {country} ({}) | {} |",
                    m(&a.name),
                    level_name(&a.level, lang),
                    m(&licence(&a.license, lang)),
                    a.bloc,
                    m(&gdpr(a, lang).join("; "))
                );
            }
        }
        o.push('\n');
    }
    o
}
