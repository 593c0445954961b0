//! The management summary: one page that opens the report with the
//! figures, the trend against an earlier report (when there is one), the
//! three most important findings and the plan's top actions (when there is
//! a plan).

use super::super::facts::{Facts, us_cn_ru};
use super::super::{Block, Field, Inline, Section, text};
use super::{badge, list, measures, target_gap, titled};
use crate::model::plan::Plan;
use crate::model::report::{Component, Report};
use crate::model::risk::Level;

/// How many findings and actions the summary names.
const TOP: usize = 3;

pub(super) fn summary(f: &Facts, plan: Option<&Plan>, baseline: Option<&Report>) -> Section {
    let m = &f.report.summary.model;
    let l = f.lang;
    let field = |label: &str, value: Vec<Inline>| Field {
        label: f.t(label),
        value,
        only: None,
    };
    let by = |level: Level| *f.report.summary.by_level.get(level.as_str()).unwrap_or(&0);
    let mut fields = vec![
        field(
            "fig-index",
            vec![Inline::Strong(vec![text(format!(
                "{} / 100",
                l.index(m.index)
            ))])],
        ),
        field(
            "summary-oss",
            vec![
                Inline::Strong(vec![text(l.opt_pct(m.oss_share.weighted))]),
                text(f.ta(
                    "summary-oss-target",
                    &[
                        ("target", l.pct(m.oss_share.target).into()),
                        ("year", m.oss_share.target_year.to_string().into()),
                    ],
                )),
                text(target_gap(f)),
            ],
        ),
        field(
            "summary-us",
            vec![text(f.ta(
                "summary-us-value",
                &[
                    ("us", l.pct(m.jurisdictions.us.share).into()),
                    ("cnru", l.pct(m.jurisdictions.cn_ru.share).into()),
                ],
            ))],
        ),
        field(
            "summary-levels",
            vec![text(f.ta(
                "summary-levels-value",
                &[
                    ("critical", super::n(by(Level::Critical))),
                    ("high", super::n(by(Level::High))),
                    ("medium", super::n(f.medium_foreign.len())),
                ],
            ))],
        ),
    ];
    if let Some(b) = baseline {
        fields.push(field("summary-trend", vec![text(trend(f, b))]));
    }
    let mut blocks = vec![Block::Fields(fields)];
    let findings = findings(f);
    if !findings.is_empty() {
        blocks.push(Block::Heading(vec![text(f.t("summary-findings"))]));
        blocks.push(list(findings));
    }
    if let Some(p) = plan {
        let actions = measures::top_actions(f, p, TOP);
        if !actions.is_empty() {
            blocks.push(Block::Heading(vec![text(f.t("summary-actions"))]));
            blocks.push(list(actions.into_iter().map(|a| vec![text(a)]).collect()));
        }
    }
    titled(f, "summary", "h-summary", "sec-summary", blocks)
}

/// The index and the open-source share now against the earlier report.
fn trend(f: &Facts, b: &Report) -> String {
    let (now, then) = (&f.report.summary.model, &b.summary.model);
    let l = f.lang;
    let delta = match (now.index, then.index) {
        (Some(a), Some(b)) => format!(
            " ({}{})",
            if a >= b { "+" } else { "" },
            l.decimal(&format!("{:.1}", a - b))
        ),
        _ => String::new(),
    };
    let date =
        crate::date::Date::parse(&b.scan.date).map_or_else(|| b.scan.date.clone(), |d| l.date(d));
    f.ta(
        "summary-trend-value",
        &[
            ("then", l.index(then.index).into()),
            ("now", l.index(now.index).into()),
            ("delta", delta.into()),
            ("ossthen", l.opt_pct(then.oss_share.weighted).into()),
            ("ossnow", l.opt_pct(now.oss_share.weighted).into()),
            ("date", date.into()),
        ],
    )
}

/// The three most important findings: the worst critical and high
/// dependencies, then medium ones under US, Chinese or Russian control,
/// each with its controller and its first alternative.
fn findings(f: &Facts) -> Vec<Vec<Inline>> {
    let worst: Vec<&Component> = f
        .critical_high
        .iter()
        .chain(&f.medium_foreign)
        .take(TOP)
        .copied()
        .collect();
    worst
        .into_iter()
        .map(|c| {
            let name = c.product.as_ref().map_or(&c.name, |p| &p.name).clone();
            let mut item = vec![
                Inline::Strong(vec![text(name)]),
                text(" "),
                badge(f, c.risk.level),
                text(": "),
            ];
            let key = if us_cn_ru(c) {
                "finding-foreign"
            } else {
                "finding"
            };
            item.push(text(
                f.ta(key, &[("controller", f.controller_short(c).into())]),
            ));
            if let Some(a) = f.alternatives(c).first() {
                item.push(text(" "));
                item.push(text(
                    f.ta("finding-alternative", &[("name", a.name.clone().into())]),
                ));
            }
            item
        })
        .collect()
}
