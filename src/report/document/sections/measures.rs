//! The report's "Measures" section: the migration plan (`sovscan plan`,
//! `docs/plan.md`) when one was asked for (`--plan`, or a policy with
//! `[plan]`): what it leads with, the five actions with the most effect,
//! the timeline chart, and the phases.

use super::super::facts::Facts;
use super::super::{Block, Chart, List, Section};
use super::{cell, col, num_col, para, table, text};
use crate::model::plan::{Plan, Replacement};

/// The effect a replacement had when it was made: the index points it
/// gained plus the open-source share points (role weight).
fn effect(r: &Replacement) -> f64 {
    r.gain_index + 100.0 * r.gain_oss
}

/// One action: `2027: Microsoft Teams → Jitsi Meet (DE, Apache-2.0;
/// effort M): open-source share +5.1 points, index +3.2`.
fn action(f: &Facts, r: &Replacement, year: u16) -> String {
    let l = f.lang;
    f.ta(
        "plan-action",
        &[
            ("year", year.to_string().into()),
            ("from", r.from_name.clone().into()),
            ("to", r.to_name.clone().into()),
            (
                "country",
                r.to_country
                    .clone()
                    .unwrap_or_else(|| f.t("rep-community"))
                    .into(),
            ),
            ("licence", r.to_license.clone().into()),
            ("effort", r.effort.as_str().into()),
            (
                "oss",
                l.num(crate::assess::round(1, 100.0 * r.gain_oss)).into(),
            ),
            ("index", l.num(r.gain_index).into()),
        ],
    )
}

/// The `k` actions of the plan with the most effect, as lines.
pub(super) fn top_actions(f: &Facts, p: &Plan, k: usize) -> Vec<String> {
    let mut all: Vec<(&Replacement, u16)> = p
        .phases
        .iter()
        .flat_map(|ph| ph.replacements.iter().map(move |r| (r, ph.year)))
        .collect();
    all.sort_by(|a, b| {
        effect(b.0)
            .total_cmp(&effect(a.0))
            .then_with(|| a.0.from.cmp(&b.0.from))
    });
    all.iter().take(k).map(|(r, y)| action(f, r, *y)).collect()
}

pub(in crate::report::document) fn measures(f: &Facts, p: &Plan) -> Section {
    let l = f.lang;
    let mut blocks: Vec<Block> = p
        .notes
        .iter()
        .map(|n| Block::Para(vec![super::super::Inline::Strong(vec![text(n.clone())])]))
        .collect();
    let reached = match p.reached_year {
        Some(y) if p.reachable => f.ta("plan-reaches", &[("year", y.to_string().into())]),
        Some(y) => f.ta("plan-reaches-earliest", &[("year", y.to_string().into())]),
        None => f.t("plan-not-reached"),
    };
    blocks.push(para(f.ta(
        "rep-plan-target",
        &[
            ("target", l.pct(p.target_share).into()),
            ("year", p.target_year.to_string().into()),
            ("start", p.start_year.to_string().into()),
            ("reached", reached.into()),
        ],
    )));
    let actions = top_actions(f, p, 5);
    if !actions.is_empty() {
        blocks.push(Block::Heading(vec![text(f.t("plan-top-five"))]));
        blocks.push(Block::List(List {
            items: actions.into_iter().map(|a| vec![text(a)]).collect(),
            run_in: false,
        }));
    }
    blocks.push(Block::Figure(super::figure(
        f,
        4,
        "fig4-caption",
        Chart::Timeline(Box::new(p.clone())),
    )));
    let now = f.t("rep-plan-now");
    let rows = std::iter::once((now, p.start_year, String::new(), &p.baseline))
        .chain(p.phases.iter().map(|ph| {
            let switches: Vec<String> = ph
                .replacements
                .iter()
                .map(|r| format!("{} → {}", r.from_name, r.to_name))
                .collect();
            (
                f.ta("rep-plan-phase", &[("number", super::n(ph.number))]),
                ph.year,
                switches.join("; "),
                &ph.figures,
            )
        }))
        .map(|(label, year, switches, x)| {
            vec![
                cell(label),
                cell(year.to_string()),
                cell(switches),
                cell(l.opt_pct(x.oss_share_weighted)),
                cell(l.opt_pct(x.oss_share_count)),
                cell(l.index(x.index)),
                cell(l.pct(x.us_share)),
                cell(x.critical.to_string()),
                cell(x.high.to_string()),
            ]
        })
        .collect();
    let columns = vec![
        col(f.t("plan-col-step")),
        num_col(f.t("plan-col-year")),
        col(f.t("plan-col-replacements")),
        num_col(f.t("plan-col-oss-weight")),
        num_col(f.t("plan-col-oss-count")),
        num_col(f.t("col-index")),
        num_col("US"),
        num_col(f.level(crate::model::risk::Level::Critical)),
        num_col(f.level(crate::model::risk::Level::High)),
    ];
    blocks.push(Block::Table(table(columns, rows)));
    if !p.kept.is_empty() {
        blocks.push(Block::Heading(vec![text(f.t("rep-plan-stays"))]));
        blocks.push(Block::List(List {
            items: p
                .kept
                .iter()
                .map(|k| vec![text(format!("{} ({}): {}", k.name, k.level, k.why))])
                .collect(),
            run_in: false,
        }));
    }
    super::titled(f, "measures", "h-measures", "sec-measures", blocks)
}
