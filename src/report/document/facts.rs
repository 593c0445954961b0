//! What the sovereignty report shows about the components, read from the
//! typed report: their order, and the names and texts the report refers to
//! by id, from the rule database when one is given (laws, gates,
//! controllers in a chain, categories, alternatives).

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
    /// Medium ones whose controller is in the US, China or Russia (short
    /// cards: a US-reduction plan must cover them too), worst first.
    pub medium_foreign: Vec<&'a Component>,
    /// Category → counts per level (in [`Level::WORST_FIRST`] order) of the
    /// workplace products (docs/model.md), categories with the worst
    /// components first.
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
        let medium_foreign = all
            .iter()
            .copied()
            .filter(|c| c.risk.level == Level::Medium && us_cn_ru(c))
            .collect();
        let mut cats: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        // Without the database every product counts (no category is known
        // not to be a workplace one).
        let workplace =
            |c: &Component| db.is_none_or(|db| crate::assess::aggregate::is_workplace(c, db));
        for c in all.iter().filter(|c| workplace(c)) {
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
            medium_foreign,
            unresolved,
            by_category,
        }
    }

    /// The message `id` in the report's language.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// The message `id` with arguments.
    pub fn ta(&self, id: &str, args: &[(&str, crate::i18n::FluentValue<'_>)]) -> String {
        self.lang.ta(id, args)
    }

    /// A model figure in the report's notation (`1,65`).
    pub fn num(&self, x: f64) -> String {
        self.lang.num(x)
    }

    /// A level's name in the report's language.
    pub fn level(&self, l: Level) -> String {
        self.lang.level(l)
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
                    country.unwrap_or_else(|| self.t("rep-no-country")),
                    since
                        .map(|s| self.ta("chain-since", &[("date", s.into())]))
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
                    let licence = match db.license_is_open(&p.license) {
                        Some(true) => "licence-open",
                        Some(false) => "licence-proprietary",
                        None => "licence-not-stated",
                    };
                    Some(
                        self.ta(
                            "alternative-detail",
                            &[
                                ("category", self.category_name(&p.category).into()),
                                ("licence", self.t(licence).into()),
                                ("controller", ctl.name.clone().into()),
                                (
                                    "country",
                                    ctl.country
                                        .clone()
                                        .unwrap_or_else(|| self.t("rep-community"))
                                        .into(),
                                ),
                            ],
                        ),
                    )
                });
                Alternative {
                    name: a.name.clone(),
                    detail,
                }
            })
            .collect()
    }

    /// "exposure 2.24 × impact 3 = 6.71 → high", or the unknown sentence.
    pub fn score_line(&self, c: &Component) -> String {
        let r = &c.risk;
        let level = self.level(r.level);
        match (r.exposure, r.score) {
            (Some(e), Some(sc)) => self.ta(
                "score-line",
                &[
                    ("exposure", self.num(e).into()),
                    (
                        "impact",
                        crate::fmt::json(&r.dimensions.map(|d| d.d7)).into(),
                    ),
                    ("score", self.num(sc).into()),
                    ("level", level.into()),
                ],
            ),
            _ => self.ta("score-line-unknown", &[("level", level.into())]),
        }
    }

    /// The thresholds in force, as one phrase.
    pub fn thresholds(&self) -> String {
        let t = &self.report.model.params.thresholds;
        self.ta(
            "thresholds",
            &[
                ("medium", self.num(t.medium).into()),
                ("high", self.num(t.high).into()),
                ("critical", self.num(t.critical).into()),
            ],
        )
    }

    /// The weights in force, as one phrase.
    pub fn weights(&self) -> String {
        self.dimension_names()
            .iter()
            .zip(self.report.model.params.weights.all())
            .map(|((_, label), w)| format!("{label} {}", self.num(w)))
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

impl Facts<'_> {
    /// The controller for lists: `Microsoft (US)`.
    pub fn controller_short(&self, c: &Component) -> String {
        match &c.controller {
            None => self.t("rep-unknown"),
            Some(p) => format!(
                "{} ({})",
                p.name,
                p.country
                    .clone()
                    .unwrap_or_else(|| self.t("rep-no-country"))
            ),
        }
    }

    /// The licence as one phrase.
    pub fn license(&self, c: &Component) -> String {
        let l = &c.license;
        let text = l.spdx.as_deref().or(l.stated.as_deref());
        let (open, prop) = (self.t("licence-open"), self.t("licence-proprietary"));
        match (text, l.open_source) {
            (Some(t), Some(false)) if t.eq_ignore_ascii_case("proprietary") => prop,
            (Some(t), Some(true)) => format!("{t} ({open})"),
            (Some(t), Some(false)) => format!("{t} ({prop})"),
            (Some(t), None) => t.to_owned(),
            (None, Some(true)) => open,
            (None, Some(false)) => prop,
            (None, None) => self.t("licence-not-stated"),
        }
    }

    /// How HHI reads, after docs/model.md.
    pub fn hhi_reading(&self, hhi: f64) -> String {
        self.t(if hhi > 2500.0 {
            "hhi-high"
        } else if hhi >= 1500.0 {
            "hhi-moderate"
        } else {
            "hhi-low"
        })
    }

    /// D1..D7 as the report names them, short and long (D7 is the impact
    /// of the role).
    pub fn dimension_names(&self) -> [(&'static str, String); 7] {
        ["D1", "D2", "D3", "D4", "D5", "D6", "D7"]
            .map(|d| (d, self.t(&format!("dim-{}", d.to_lowercase()))))
    }
}

/// Whether the component's controller is in the US, China or Russia.
pub fn us_cn_ru(c: &Component) -> bool {
    c.jurisdiction
        .as_ref()
        .is_some_and(|j| matches!(j.country.as_str(), "US" | "CN" | "RU"))
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
