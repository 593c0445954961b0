//! What the sovereignty report shows about the components, read from the
//! typed report: their order, and the names and texts the report refers to
//! by id, from the rule database when one is given (laws, gates,
//! controllers in a chain, categories, alternatives).

use crate::fmt::num;
use crate::i18n::Lang;
use crate::model::report::{Component, ImageReport, Report};
use crate::model::risk::Level;
use crate::rules::RuleDb;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// The report with the database, and the components in the orders the
/// report lists them.
pub struct Facts<'a> {
    pub report: &'a Report,
    pub db: Option<&'a RuleDb>,
    /// Every component, worst first: level, then score, then name.
    pub all: Vec<&'a Component>,
    /// The critical and high ones, worst first.
    pub critical_high: Vec<&'a Component>,
    /// Components with no controller.
    pub unresolved: Vec<&'a Component>,
    /// Category → counts per level (in [`Level::WORST_FIRST`] order),
    /// categories with the worst components first.
    pub by_category: Vec<(String, [usize; 5])>,
    /// The language the report is written in (`--lang`).
    pub lang: Lang,
}

/// One law as the report names it.
pub struct Law {
    pub id: String,
    /// The law's name; its id when the database doesn't know it.
    pub name: String,
    pub effect: Option<String>,
    pub citation: Option<String>,
}

/// An alternative with what the database says about it.
pub struct Alternative {
    pub name: String,
    /// `office suite, open source, controller The Document Foundation (DE)`.
    pub detail: Option<String>,
}

fn worst_first(c: &Component) -> (Reverse<u8>, Reverse<i64>, String, &str) {
    let score = c.risk.score.unwrap_or(0.0);
    (
        Reverse(c.risk.level.severity()),
        Reverse((score * 10_000.0).round() as i64),
        c.name.to_lowercase(),
        &c.id,
    )
}

impl<'a> Facts<'a> {
    /// `units`: what the report lists, the products as rows
    /// ([`Report::units`]).
    pub fn new(report: &'a Report, units: &'a [Component], db: Option<&'a RuleDb>) -> Self {
        let mut all: Vec<&Component> = units.iter().collect();
        all.sort_by_cached_key(|c| worst_first(c));
        let critical_high = all
            .iter()
            .copied()
            .filter(|c| matches!(c.risk.level, Level::Critical | Level::High))
            .collect();
        let unresolved = all
            .iter()
            .copied()
            .filter(|c| c.controller.is_none())
            .collect();
        let mut cats: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        for c in &all {
            let i = Level::WORST_FIRST
                .iter()
                .position(|l| *l == c.risk.level)
                .unwrap_or(2);
            cats.entry(c.category.clone()).or_default()[i] += 1;
        }
        let mut by_category: Vec<(String, [usize; 5])> = cats.into_iter().collect();
        // Worst first: most critical, then most high..., then the name.
        by_category.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Facts {
            lang: Lang::En,
            report,
            db,
            all,
            critical_high,
            unresolved,
            by_category,
        }
    }

    /// The category's name from the database, else its id.
    pub fn category_name(&self, id: &str) -> String {
        self.db
            .and_then(|db| db.category(id))
            .map_or_else(|| id.to_owned(), |c| c.name.clone())
    }

    /// A controller's name by id, from the concentration list or the database.
    pub fn controller_name(&self, id: &str) -> String {
        self.report
            .summary
            .model
            .concentration
            .controllers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .or_else(|| self.db.and_then(|db| db.vendor(id)).map(|v| v.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// The controller chain, vendor first, one text per link:
    /// `Name (COUNTRY, controlled by the next since DATE)`. Names come from
    /// the database; without it, the component's own vendor and controller
    /// name the ends.
    pub fn chain(&self, c: &Component) -> Vec<String> {
        let last = c.controller_chain.len().saturating_sub(1);
        c.controller_chain
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let (name, country, since) = match self.db.and_then(|db| db.vendor(id)) {
                    Some(v) => (
                        v.name.clone(),
                        v.country.clone(),
                        v.parent_since.clone().filter(|_| i < last),
                    ),
                    None => {
                        let party = match i {
                            0 => c.vendor.as_ref(),
                            i if i == last => c.controller.as_ref(),
                            _ => None,
                        };
                        (
                            party.map_or_else(|| id.clone(), |p| p.name.clone()),
                            party.and_then(|p| p.country.clone()),
                            None,
                        )
                    }
                };
                format!(
                    "{name} ({}{})",
                    country.as_deref().unwrap_or("no country"),
                    since
                        .map(|s| format!(", controlled by the next since {s}"))
                        .unwrap_or_default()
                )
            })
            .collect()
    }

    /// The laws of the controller's jurisdiction, by name.
    pub fn laws(&self, c: &Component) -> Vec<Law> {
        let ids = c.jurisdiction.iter().flat_map(|j| &j.laws);
        ids.map(
            |id| match self.db.and_then(|db| db.laws.iter().find(|l| &l.id == id)) {
                Some(l) => Law {
                    id: id.clone(),
                    name: l.name.clone(),
                    effect: Some(l.effect.clone()),
                    citation: Some(l.citation.clone()),
                },
                None => Law {
                    id: id.clone(),
                    name: id.clone(),
                    effect: None,
                    citation: None,
                },
            },
        )
        .collect()
    }

    /// The level a gate raises to, when the database has it (a floor's is
    /// below critical).
    pub fn gate_level(&self, id: &str) -> Option<crate::model::risk::Level> {
        self.db?
            .model
            .gates
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.level)
    }

    /// A gate's rationale, when the database has it.
    pub fn gate_rationale(&self, id: &str) -> Option<String> {
        self.db?
            .model
            .gates
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.rationale.clone())
    }

    pub fn alternatives(&self, c: &Component) -> Vec<Alternative> {
        c.alternatives
            .iter()
            .map(|a| {
                let detail = self.db.and_then(|db| {
                    let p = db.product(&a.id)?;
                    let ctl = &db.vendors[db.controller(p.vendor)];
                    Some(format!(
                        "{}, {}, controller {} ({})",
                        self.category_name(&p.category),
                        match db.license_is_open(&p.license) {
                            Some(true) => "open source",
                            Some(false) => "proprietary",
                            None => "licence not stated",
                        },
                        ctl.name,
                        ctl.country.as_deref().unwrap_or("community")
                    ))
                });
                Alternative {
                    name: a.name.clone(),
                    detail,
                }
            })
            .collect()
    }

    /// "exposure 2.24 × impact 3 = 6.71 → high", or the unknown sentence.
    pub fn score_line(c: &Component) -> String {
        let r = &c.risk;
        match (r.exposure, r.score) {
            (Some(e), Some(sc)) => format!(
                "exposure {} × impact {} = {} → {}",
                num(e),
                crate::fmt::json(&r.dimensions.map(|d| d.d7)),
                num(sc),
                r.level.as_str()
            ),
            _ => format!("no vendor identified → {}", r.level.as_str()),
        }
    }

    /// The thresholds in force, as one phrase.
    pub fn thresholds(&self) -> String {
        let t = &self.report.model.params.thresholds;
        format!(
            "medium from {}, high from {}, critical from {}",
            num(t.medium),
            num(t.high),
            num(t.critical)
        )
    }

    /// The weights in force, as one phrase.
    pub fn weights(&self) -> String {
        dimension_names()
            .iter()
            .zip(self.report.model.params.weights.all())
            .map(|((_, label), w)| format!("{label} {}", num(w)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Components and binaries of an image.
    pub fn counts(&self, img: &ImageReport) -> (usize, usize) {
        (
            self.all.iter().filter(|c| c.image == img.id).count(),
            self.report
                .binaries
                .iter()
                .filter(|b| b.image == img.id)
                .count(),
        )
    }
}

/// The image's operating system: `linux, Debian GNU/Linux 12 (bookworm)`,
/// the version added when the name doesn't hold it.
pub fn image_line(img: &ImageReport) -> String {
    let mut os = img.os.family.as_str().to_owned();
    if let Some(n) = &img.os.name {
        os.push_str(", ");
        os.push_str(n);
    }
    if let Some(v) = img.os.version.as_ref().filter(|v| {
        img.os
            .name
            .as_deref()
            .is_none_or(|n| !n.contains(v.as_str()))
    }) {
        os.push(' ');
        os.push_str(v);
    }
    os
}

/// The controller for lists: `Microsoft (US)`.
pub fn controller_short(c: &Component) -> String {
    match &c.controller {
        None => "unknown".to_owned(),
        Some(p) => format!(
            "{} ({})",
            p.name,
            p.country.as_deref().unwrap_or("no country")
        ),
    }
}

/// The licence as one phrase.
pub fn license(c: &Component) -> String {
    let l = &c.license;
    let text = l.spdx.as_deref().or(l.stated.as_deref());
    match (text, l.open_source) {
        (Some(t), Some(false)) if t.eq_ignore_ascii_case("proprietary") => "proprietary".into(),
        (Some(t), Some(true)) => format!("{t} (open source)"),
        (Some(t), Some(false)) => format!("{t} (proprietary)"),
        (Some(t), None) => t.to_owned(),
        (None, Some(true)) => "open source".into(),
        (None, Some(false)) => "proprietary".into(),
        (None, None) => "not stated".into(),
    }
}

/// The component's name and version: `Microsoft Teams classic 1.7`.
pub fn title(c: &Component) -> String {
    match &c.version {
        Some(v) => format!("{} {v}", c.name),
        None => c.name.clone(),
    }
}

/// The title with the product's name when it differs:
/// `teams 1.5.00.23861-1 [Microsoft Teams]`.
pub fn heading(c: &Component) -> String {
    match product(c) {
        Some(p) => format!("{} [{p}]", title(c)),
        None => title(c),
    }
}

/// The product's name, when it is not the component's.
pub fn product(c: &Component) -> Option<&str> {
    c.product
        .as_ref()
        .map(|p| p.name.as_str())
        .filter(|p| *p != c.name)
}

/// How HHI reads, after docs/model.md.
pub fn hhi_reading(hhi: f64) -> &'static str {
    if hhi > 2500.0 {
        "highly concentrated"
    } else if hhi >= 1500.0 {
        "moderately concentrated"
    } else {
        "not concentrated"
    }
}

/// D1..D7 as the report names them, short and long (D7 is the impact of
/// the role).
pub fn dimension_names() -> [(&'static str, &'static str); 7] {
    use crate::model::risk::Dimension::{self, *};
    let [d1, d2, d3, d4, d5, d6] = [D1, D2, D3, D4, D5, D6].map(Dimension::label);
    [
        ("D1", d1),
        ("D2", d2),
        ("D3", d3),
        ("D4", d4),
        ("D5", d5),
        ("D6", d6),
        ("D7", "D7 role and privilege (impact)"),
    ]
}
