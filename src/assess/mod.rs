//! Risk assessment. Risk v1: one level per component from the controller's
//! jurisdiction, the licence and the category's impact, with every step
//! stated as a reason. The assessment-model issue replaces the body of
//! [`assess`]; its inputs and output are the interface.
//!
//! The procedure, in order (also in `docs/model.md`):
//! 1. No vendor identified → `unknown`. An unresolved component is never low.
//! 2. Base level from the ultimate controller:
//!    - an official warning names the vendor or a controller in its chain
//!      (BSI §7 against Kaspersky) → `critical`, whatever else applies;
//!    - its country has a law of kind `cooperation` or `warning`
//!      (a general duty to assist intelligence services, an official
//!      warning) → `critical`;
//!    - a law of kind `disclosure` or `surveillance` (compelled access to
//!      data held abroad) → `high`;
//!    - an adequacy country with no such law, or an EU/EEA controller → `low`;
//!    - any other country → `medium`;
//!    - a community project with no controlling company → `low`.
//! 3. Open source as shipped lowers the level one step (not below `low`):
//!    the code can be audited, forked and rebuilt, so the controller has
//!    less leverage over an installed copy.
//! 4. A proprietary product in a very-high-impact role (OS, security agent,
//!    remote access, identity) raises `medium` or `high` one step.

use crate::rules::{Category, Jurisdiction, Law, LawKind, RuleDb, Vendor, VendorKind};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
    /// No vendor could be identified.
    Unknown,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
            Level::Unknown => "unknown",
        }
    }

    /// Sort key for "worst first" listings: critical, high, unknown, medium, low.
    /// Unknown sits above medium because an unidentified vendor may be anything.
    pub fn severity(self) -> u8 {
        match self {
            Level::Critical => 4,
            Level::High => 3,
            Level::Unknown => 2,
            Level::Medium => 1,
            Level::Low => 0,
        }
    }

    fn down(self) -> Self {
        match self {
            Level::Critical => Level::High,
            Level::High => Level::Medium,
            Level::Medium | Level::Low => Level::Low,
            Level::Unknown => Level::Unknown,
        }
    }

    fn up(self) -> Self {
        match self {
            Level::Low => Level::Medium,
            Level::Medium => Level::High,
            Level::High | Level::Critical => Level::Critical,
            Level::Unknown => Level::Unknown,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Risk {
    pub level: Level,
    pub reasons: Vec<String>,
}

/// What the assessment looks at for one component.
pub struct Subject<'a> {
    /// The ultimate controller, when a vendor was identified.
    pub controller: Option<&'a Vendor>,
    /// The distribution channel, when that is all that was identified.
    pub channel: Option<&'a Vendor>,
    /// Official warnings on the vendor or anyone in its control chain.
    pub warnings: Vec<&'a Law>,
    pub jurisdiction: Option<&'a Jurisdiction>,
    pub open_source: Option<bool>,
    pub license: Option<&'a str>,
    pub category: Option<&'a Category>,
}

/// Risk v1. Deterministic: the same subject always gives the same reasons.
pub fn assess(s: &Subject, db: &RuleDb) -> Risk {
    let mut reasons = Vec::new();
    let Some(controller) = s.controller else {
        let reason = match s.channel {
            Some(c) => format!(
                "published through {}, a channel for other publishers' software; the publisher is not identified",
                c.name
            ),
            None => {
                "vendor not identified: no rule matched the component's name, supplier or binaries"
                    .into()
            }
        };
        return Risk {
            level: Level::Unknown,
            reasons: vec![reason],
        };
    };

    let laws: Vec<&Law> = s
        .jurisdiction
        .map(|j| j.laws.iter().map(|&i| &db.laws[i]).collect())
        .unwrap_or_default();
    let named = |kinds: &[LawKind]| -> Vec<String> {
        laws.iter()
            .filter(|l| kinds.contains(&l.kind))
            .map(|l| format!("{} ({})", l.name, l.id))
            .collect()
    };
    let mut level = match (s.jurisdiction, controller.kind) {
        (None, VendorKind::Community) => {
            reasons.push(format!(
                "{} is a community project with no controlling company",
                controller.name
            ));
            Level::Low
        }
        (None, _) => {
            reasons.push(format!(
                "controller {} has no jurisdiction on record",
                controller.name
            ));
            Level::Medium
        }
        (Some(j), _) => {
            let coop = named(&[LawKind::Cooperation, LawKind::Warning]);
            let disclose = named(&[LawKind::Disclosure, LawKind::Surveillance]);
            if !coop.is_empty() {
                reasons.push(format!(
                    "controller {} is subject to {} law obliging cooperation with state authorities: {}",
                    controller.name,
                    j.country,
                    coop.join(", ")
                ));
                Level::Critical
            } else if !disclose.is_empty() {
                reasons.push(format!(
                    "controller {} is subject to {} law that compels access to data held abroad: {}",
                    controller.name,
                    j.country,
                    disclose.join(", ")
                ));
                Level::High
            } else {
                use crate::rules::Bloc;
                match j.bloc {
                    Bloc::Eu => {
                        reasons.push(format!(
                            "controller {} is in the EU/EEA ({})",
                            controller.name, j.country
                        ));
                        Level::Low
                    }
                    Bloc::Adequacy => {
                        reasons.push(format!(
                            "controller {} is in {}, which has an EU adequacy decision",
                            controller.name, j.name
                        ));
                        Level::Low
                    }
                    Bloc::Other => {
                        reasons.push(format!(
                            "controller {} is outside the EU in {}",
                            controller.name, j.name
                        ));
                        Level::Medium
                    }
                }
            }
        }
    };
    if !s.warnings.is_empty() {
        let w: Vec<String> = s
            .warnings
            .iter()
            .map(|l| format!("{} ({})", l.name, l.id))
            .collect();
        reasons.push(format!("official warning: {}", w.join(", ")));
        level = Level::Critical;
    }
    let gated = !s.warnings.is_empty();
    match s.open_source {
        Some(true) => {
            let before = level;
            if !gated {
                level = level.down();
            }
            if level != before {
                reasons.push(format!(
                    "open source as shipped ({}): auditable and forkable, one level lower",
                    s.license.unwrap_or("OSI-approved")
                ));
            } else {
                reasons.push(format!(
                    "open source as shipped ({})",
                    s.license.unwrap_or("OSI-approved")
                ));
            }
        }
        Some(false) => reasons.push(format!(
            "proprietary licence ({})",
            s.license.unwrap_or("proprietary")
        )),
        None => reasons.push("licence not stated".into()),
    }
    if let Some(cat) = s.category
        && cat.impact == crate::rules::Impact::VeryHigh
        && s.open_source != Some(true)
        && matches!(level, Level::Medium | Level::High)
    {
        level = level.up();
        reasons.push(format!(
            "very-high-impact role ({}): one level higher",
            cat.name
        ));
    }
    Risk { level, reasons }
}
