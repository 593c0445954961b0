//! The sovereignty report's content, shared by the Markdown (`md.rs`) and
//! HTML (`html.rs`) renderers: what is shown, in which order, with which
//! words. The renderers only lay it out.
//!
//! It reads the report's JSON (`serde_json::Value`), like `explain.rs`, so a
//! saved scan (`sovscan report scan.json`) renders exactly as a fresh one.
//! The rule database, when given, supplies the names and texts the JSON
//! refers to by id: laws, gates, controllers in a chain, alternatives.

use crate::model::report::{ImageReport, RulesInfo, Summary};
use crate::model::risk::Level;
use crate::rules::RuleDb;
use serde_json::Value;
use std::collections::BTreeMap;

/// Levels, worst first, as the report lists them.
pub const LEVELS: [Level; 5] = [
    Level::Critical,
    Level::High,
    Level::Unknown,
    Level::Medium,
    Level::Low,
];

/// The jurisdiction buckets of `summary.jurisdictions`: key, label.
pub const BLOCS: [(&str, &str); 7] = [
    ("eu", "EU/EEA"),
    ("adequacy", "EU adequacy"),
    ("us", "US"),
    ("cn_ru", "CN/RU"),
    ("other", "other third countries"),
    ("community", "community (no controlling company)"),
    ("unknown", "unknown"),
];

/// Dimension ids and labels, D1..D7.
pub const DIMENSIONS: [(&str, &str); 7] = [
    ("d1", "D1 legal exposure"),
    ("d2", "D2 control stability"),
    ("d3", "D3 data flows"),
    ("d4", "D4 operational autonomy"),
    ("d5", "D5 openness and exit"),
    ("d6", "D6 supply chain"),
    ("d7", "D7 role and privilege (impact)"),
];

/// Everything the report shows, read from the report's JSON.
pub struct Doc<'a> {
    pub report: &'a Value,
    pub db: Option<&'a RuleDb>,
    pub images: Vec<ImageReport>,
    pub summary: Summary,
    pub rules: RulesInfo,
    /// Critical and high components, worst first.
    pub critical_high: Vec<&'a Value>,
    /// Components whose vendor is unknown.
    pub unresolved: Vec<&'a Value>,
    /// Every component, worst first (the evidence appendix).
    pub all: Vec<&'a Value>,
    /// Category → counts per level (in [`LEVELS`] order), categories by
    /// their worst components first.
    pub by_category: Vec<(String, [usize; 5])>,
}

/// One law as the report names it.
pub struct LawText {
    pub id: String,
    /// The law's name; its id when the database doesn't know it.
    pub name: String,
    pub effect: Option<String>,
    pub citation: Option<String>,
}

/// One link of a controller chain.
pub struct ChainLink {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    /// "controlled by the next since DATE", when recorded.
    pub since: Option<String>,
}

impl ChainLink {
    /// `Name (COUNTRY, controlled by the next since DATE)`, each part passed
    /// through the output format's escaping.
    pub fn text(&self, esc: impl Fn(&str) -> String) -> String {
        format!(
            "{} ({}{})",
            esc(&self.name),
            esc(self.country.as_deref().unwrap_or("no country")),
            self.since
                .as_deref()
                .map(|s| format!(", controlled by the next since {}", esc(s)))
                .unwrap_or_default()
        )
    }
}

/// An alternative with what the database says about it.
pub struct AltText {
    pub id: String,
    pub name: String,
    /// `office, open source, controller The Document Foundation (DE)`.
    pub detail: Option<String>,
}

/// The value when it is an object. Index the result, not a `Map`: a
/// `Map` panics on a missing key, a `Value` gives null (a hand-edited
/// report may lack any field).
pub fn obj(v: &Value) -> Option<&Value> {
    v.is_object().then_some(v)
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

pub fn level_of(c: &Value) -> Level {
    Level::parse(s(&c["risk"]["level"])).unwrap_or(Level::Unknown)
}

fn sort_key(
    c: &Value,
) -> (
    std::cmp::Reverse<u8>,
    std::cmp::Reverse<i64>,
    String,
    String,
) {
    let score = c["risk"]["score"].as_f64().unwrap_or(0.0);
    (
        std::cmp::Reverse(level_of(c).severity()),
        std::cmp::Reverse((score * 10_000.0).round() as i64),
        s(&c["name"]).to_lowercase(),
        s(&c["id"]).to_owned(),
    )
}

impl<'a> Doc<'a> {
    pub fn new(report: &'a Value, db: Option<&'a RuleDb>) -> Result<Self, serde_json::Error> {
        let images: Vec<ImageReport> = serde_json::from_value(report["images"].clone())?;
        let summary: Summary = serde_json::from_value(report["summary"].clone())?;
        let rules: RulesInfo = serde_json::from_value(report["rules"].clone())?;
        let mut all: Vec<&Value> = report["components"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        all.sort_by_cached_key(|c| sort_key(c));
        let critical_high = all
            .iter()
            .copied()
            .filter(|c| matches!(level_of(c), Level::Critical | Level::High))
            .collect();
        let unresolved = all
            .iter()
            .copied()
            .filter(|c| c["controller"].is_null())
            .collect();
        let mut cats: BTreeMap<String, [usize; 5]> = BTreeMap::new();
        for c in &all {
            let i = LEVELS.iter().position(|l| *l == level_of(c)).unwrap_or(2);
            cats.entry(s(&c["category"]).to_owned()).or_default()[i] += 1;
        }
        let mut by_category: Vec<(String, [usize; 5])> = cats.into_iter().collect();
        // Worst first: most critical, then most high..., then the name.
        by_category.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Doc {
            report,
            db,
            images,
            summary,
            rules,
            critical_high,
            unresolved,
            all,
            by_category,
        })
    }

    pub fn model(&self) -> &'a Value {
        &self.report["model"]
    }

    /// The category's name from the database, else its id.
    pub fn category_name(&self, id: &str) -> String {
        self.db
            .and_then(|db| db.category(id))
            .map_or_else(|| id.to_owned(), |c| c.name.clone())
    }

    /// A controller's name by id, from the concentration list or the database.
    pub fn controller_name(&self, id: &str) -> String {
        self.summary
            .model
            .concentration
            .controllers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .or_else(|| self.db.and_then(|db| db.vendor(id)).map(|v| v.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// The controller chain, vendor first. Names come from the database;
    /// without it, the component's own vendor and controller name the ends.
    pub fn chain(&self, c: &Value) -> Vec<ChainLink> {
        let ids: Vec<&str> = c["controller_chain"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let last = ids.len().saturating_sub(1);
        ids.iter()
            .enumerate()
            .map(|(i, id)| {
                if let Some(v) = self.db.and_then(|db| db.vendor(id)) {
                    return ChainLink {
                        id: (*id).to_owned(),
                        name: v.name.clone(),
                        country: v.country.clone(),
                        since: if i < last {
                            v.parent_since.clone()
                        } else {
                            None
                        },
                    };
                }
                let party = if i == 0 {
                    &c["vendor"]
                } else if i == last {
                    &c["controller"]
                } else {
                    &Value::Null
                };
                ChainLink {
                    id: (*id).to_owned(),
                    name: party["name"].as_str().unwrap_or(id).to_owned(),
                    country: party["country"].as_str().map(str::to_owned),
                    since: None,
                }
            })
            .collect()
    }

    /// The laws of the controller's jurisdiction, by name.
    pub fn laws(&self, c: &Value) -> Vec<LawText> {
        c["jurisdiction"]["laws"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(
                |id| match self.db.and_then(|db| db.laws.iter().find(|l| l.id == id)) {
                    Some(l) => LawText {
                        id: id.to_owned(),
                        name: l.name.clone(),
                        effect: Some(l.effect.clone()),
                        citation: Some(l.citation.clone()),
                    },
                    None => LawText {
                        id: id.to_owned(),
                        name: id.to_owned(),
                        effect: None,
                        citation: None,
                    },
                },
            )
            .collect()
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

    pub fn alternatives(&self, c: &Value) -> Vec<AltText> {
        c["alternatives"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                let id = s(&a["id"]);
                let detail = self.db.and_then(|db| {
                    let p = db.product(id)?;
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
                AltText {
                    id: id.to_owned(),
                    name: a["name"].as_str().unwrap_or(id).to_owned(),
                    detail,
                }
            })
            .collect()
    }

    /// "exposure 2.24 × impact 3 = 6.71 → high", or the unknown sentence.
    pub fn score_line(&self, c: &Value) -> String {
        let r = &c["risk"];
        match (r["exposure"].as_f64(), r["score"].as_f64()) {
            (Some(e), Some(sc)) => format!(
                "exposure {} × impact {} = {} → {}",
                num(e),
                r["dimensions"]["d7"],
                num(sc),
                s(&r["level"])
            ),
            _ => format!("no vendor identified → {}", s(&r["level"])),
        }
    }

    /// The thresholds in force, as one phrase.
    pub fn thresholds(&self) -> String {
        let t = &self.model()["thresholds"];
        let f = |v: &Value| v.as_f64().map_or_else(|| "-".to_owned(), num);
        format!(
            "medium from {}, high from {}, critical from {}",
            f(&t["medium"]),
            f(&t["high"]),
            f(&t["critical"])
        )
    }

    /// The weights in force, as one phrase.
    pub fn weights(&self) -> String {
        let w = &self.model()["weights"];
        DIMENSIONS[..6]
            .iter()
            .map(|(k, label)| {
                format!(
                    "{label} {}",
                    w[*k].as_f64().map_or_else(|| "-".to_owned(), num)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The image's name line: `fixtures/demo-linux: linux, Debian GNU/Linux 12 (bookworm) 12`.
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

    /// A short description of the controller for lists: `Microsoft (US)`.
    pub fn controller_short(c: &Value) -> String {
        match super::sovereignty::obj(&c["controller"]) {
            None => "unknown".to_owned(),
            Some(p) => format!(
                "{} ({})",
                s(&p["name"]),
                p["country"].as_str().unwrap_or("no country")
            ),
        }
    }

    /// The licence as one phrase.
    pub fn license(c: &Value) -> String {
        let l = &c["license"];
        let text = l["spdx"].as_str().or(l["stated"].as_str());
        match (text, l["open_source"].as_bool()) {
            (Some(t), Some(false)) if t.eq_ignore_ascii_case("proprietary") => "proprietary".into(),
            (Some(t), Some(true)) => format!("{t} (open source)"),
            (Some(t), Some(false)) => format!("{t} (proprietary)"),
            (Some(t), None) => t.to_owned(),
            (None, Some(true)) => "open source".into(),
            (None, Some(false)) => "proprietary".into(),
            (None, None) => "not stated".into(),
        }
    }

    /// The component's display name: `Microsoft Teams classic [Microsoft Teams] 1.7`.
    pub fn title(c: &Value) -> String {
        let mut t = s(&c["name"]).to_owned();
        if let Some(v) = c["version"].as_str() {
            t.push(' ');
            t.push_str(v);
        }
        t
    }

    /// The title with the product's name when it differs:
    /// `teams 1.5.00.23861-1 [Microsoft Teams]`.
    pub fn heading(c: &Value) -> String {
        match Self::product(c) {
            Some(p) => format!("{} [{p}]", Self::title(c)),
            None => Self::title(c),
        }
    }

    pub fn product(c: &Value) -> Option<&str> {
        c["product"]["name"]
            .as_str()
            .filter(|p| *p != s(&c["name"]))
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
}

/// A number as the report shows it: up to two decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let t = format!("{x:.2}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" { "0".into() } else { t.to_owned() }
}

/// A share as a percentage with one decimal.
pub fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

pub fn opt_pct(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), pct)
}

pub fn index_text(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |i| format!("{i:.1}"))
}
