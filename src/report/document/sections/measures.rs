//! The report's "Measures" section: the migration plan (`sovscan plan`,
//! `docs/plan.md`) when one was asked for (`--plan`, or a policy with
//! `[plan]`): what it leads with, the five actions with the most effect,
//! the timeline chart, and the phases.

use super::super::{Block, Chart, Figure, List, Section};
use super::{cell, col, num_col, para, section, table, text};
use crate::fmt::{index, opt_pct, pct};
use crate::model::plan::{Plan, Replacement};

/// The effect a replacement had when it was made: the index points it
/// gained plus the open-source share points (role weight).
fn effect(r: &Replacement) -> f64 {
    r.gain_index + 100.0 * r.gain_oss
}

fn action(r: &Replacement, year: u16) -> String {
    format!(
        "{year}: {} → {} ({}, {}; effort {}): open-source share +{} points, index +{}",
        r.from_name,
        r.to_name,
        r.to_country.as_deref().unwrap_or("community"),
        r.to_license,
        r.effort.as_str(),
        crate::fmt::num(crate::assess::round(1, 100.0 * r.gain_oss)),
        crate::fmt::num(r.gain_index)
    )
}

pub(in crate::report::document) fn measures(p: &Plan) -> Section {
    let mut blocks: Vec<Block> = p
        .notes
        .iter()
        .map(|n| Block::Para(vec![super::super::Inline::Strong(vec![text(n.clone())])]))
        .collect();
    blocks.push(para(format!(
        "Target: {} open-source share by role weight by {}, from {}. {}",
        pct(p.target_share),
        p.target_year,
        p.start_year,
        match p.reached_year {
            Some(y) if p.reachable => format!("The plan reaches it in {y}."),
            Some(y) => format!("The plan reaches it in {y} at the earliest."),
            None => "The plan does not reach it.".to_owned(),
        }
    )));
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
    if !all.is_empty() {
        blocks.push(Block::Heading(vec![text(
            "The five actions with the most effect",
        )]));
        blocks.push(Block::List(List {
            items: all
                .iter()
                .take(5)
                .map(|(r, y)| vec![text(action(r, *y))])
                .collect(),
            run_in: false,
        }));
    }
    blocks.push(Block::Figure(Figure {
        number: 4,
        caption: "The open-source share by role weight and the index after each phase of the plan; the dashed line is the target share.",
        chart: Chart::Timeline(Box::new(p.clone())),
    }));
    let rows = std::iter::once(("now".to_owned(), p.start_year, String::new(), &p.baseline))
        .chain(p.phases.iter().map(|ph| {
            let switches: Vec<String> = ph
                .replacements
                .iter()
                .map(|r| format!("{} → {}", r.from_name, r.to_name))
                .collect();
            (
                format!("phase {}", ph.number),
                ph.year,
                switches.join("; "),
                &ph.figures,
            )
        }))
        .map(|(label, year, switches, f)| {
            vec![
                cell(label),
                cell(year.to_string()),
                cell(switches),
                cell(opt_pct(f.oss_share_weighted)),
                cell(opt_pct(f.oss_share_count)),
                cell(index(f.index)),
                cell(pct(f.us_share)),
                cell(f.critical.to_string()),
                cell(f.high.to_string()),
            ]
        })
        .collect();
    blocks.push(Block::Table(table(
        vec![
            col("step"),
            num_col("year"),
            col("replacements"),
            num_col("open source (weight)"),
            num_col("open source (count)"),
            num_col("index"),
            num_col("US"),
            num_col("critical"),
            num_col("high"),
        ],
        rows,
    )));
    if !p.kept.is_empty() {
        blocks.push(Block::Heading(vec![text("What stays")]));
        blocks.push(Block::List(List {
            items: p
                .kept
                .iter()
                .map(|k| vec![text(format!("{} ({}): {}", k.name, k.level, k.why))])
                .collect(),
            run_in: false,
        }));
    }
    section("measures", "h-measures", "Measures", "Measures", blocks)
}
