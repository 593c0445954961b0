//! The fleet report for people (`sovscan fleet`, table and Markdown): the
//! overall figures, per department, critical and high products with their
//! seats, the trend and the changes by key. Every human-readable word is in
//! [`Labels`] (one set, [`EN`]), so that a translation is one more set.

use super::md::esc;
use crate::fmt;
use crate::model::fleet::{Affected, Figures, FleetReport, TrendPoint};
use std::fmt::Write as _;

/// Every text the fleet views print.
pub struct Labels {
    pub title: &'static str,
    pub period: &'static str,
    pub rules: &'static str,
    pub overall: &'static str,
    pub departments: &'static str,
    pub department: &'static str,
    pub images: &'static str,
    pub seats: &'static str,
    pub index: &'static str,
    pub oss_weighted: &'static str,
    pub oss_count: &'static str,
    pub us: &'static str,
    pub eu: &'static str,
    pub cn_ru: &'static str,
    pub community: &'static str,
    pub unknown: &'static str,
    pub hhi: &'static str,
    pub largest: &'static str,
    pub single_points: &'static str,
    pub weakest: &'static str,
    pub critical: &'static str,
    pub high: &'static str,
    pub product: &'static str,
    pub controller: &'static str,
    pub none: &'static str,
    pub trend: &'static str,
    pub target_line: &'static str,
    pub plan: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub changes: &'static str,
    pub image: &'static str,
    pub target: &'static str,
    pub year: &'static str,
    pub quarter: &'static str,
}

pub const EN: Labels = Labels {
    title: "Fleet sovereignty report",
    period: "trend by",
    rules: "rule database",
    overall: "Overall",
    departments: "Departments",
    department: "department",
    images: "images",
    seats: "seats",
    index: "sovereignty index",
    oss_weighted: "open-source share (role-weighted)",
    oss_count: "open-source share (by count)",
    us: "US",
    eu: "EU/EEA",
    cn_ru: "CN/RU",
    community: "community",
    unknown: "unknown",
    hhi: "concentration (HHI)",
    largest: "largest controller",
    single_points: "single points of dependency",
    weakest: "weakest level",
    critical: "Critical products",
    high: "High-risk products",
    product: "product",
    controller: "controller",
    none: "none",
    trend: "Trend",
    target_line: "target line",
    plan: "plan",
    added: "added",
    removed: "removed",
    changes: "Changes per image",
    image: "image",
    target: "target",
    year: "year",
    quarter: "quarter",
};

fn figure_rows(f: &Figures, l: &Labels) -> Vec<(String, String)> {
    let j = &f.jurisdictions;
    let largest = f.concentration.controllers.first().map_or_else(
        || "—".to_owned(),
        |c| format!("{} ({})", c.name, fmt::pct(c.share)),
    );
    vec![
        (l.images.into(), f.images.to_string()),
        (l.seats.into(), f.seats.to_string()),
        (l.index.into(), fmt::index(f.index)),
        (l.oss_weighted.into(), fmt::opt_pct(f.oss_share.weighted)),
        (l.oss_count.into(), fmt::opt_pct(f.oss_share.count)),
        (
            format!(
                "{} / {} / {} / {} / {}",
                l.eu, l.us, l.cn_ru, l.community, l.unknown
            ),
            [j.eu, j.us, j.cn_ru, j.community, j.unknown]
                .map(fmt::pct)
                .join(" / "),
        ),
        (l.hhi.into(), fmt::num(f.concentration.hhi)),
        (l.largest.into(), largest),
        (
            l.single_points.into(),
            if f.concentration.single_points.is_empty() {
                l.none.to_owned()
            } else {
                // By name: the controllers list holds every one of them.
                let name = |id: &String| {
                    f.concentration
                        .controllers
                        .iter()
                        .find(|c| c.id == *id)
                        .map_or(id.clone(), |c| c.name.clone())
                };
                let names: Vec<String> = f.concentration.single_points.iter().map(name).collect();
                names.join(", ")
            },
        ),
        (
            l.weakest.into(),
            f.weakest_level.map_or("—", |x| x.as_str()).to_owned(),
        ),
    ]
}

fn affected(o: &mut String, title: &str, list: &[Affected], l: &Labels, md: bool) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}{title}\n", if md { "## " } else { "" });
    if md {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            l.product, l.controller, l.seats, l.images
        );
        let _ = writeln!(o, "|---|---|---:|---:|");
    }
    for a in list {
        let ctl = a.controller.as_deref().unwrap_or("—");
        if md {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                esc(&a.name),
                esc(ctl),
                a.seats,
                a.images
            );
        } else {
            let _ = writeln!(
                o,
                "  {:<40} {:<28} {:>7} {} {:>4} {}",
                fmt::short(&a.name, 40),
                fmt::short(ctl, 28),
                a.seats,
                l.seats,
                a.images,
                l.images
            );
        }
    }
}

fn trend_line(t: &TrendPoint, l: &Labels) -> String {
    let mut s = format!(
        "{:<8} {} {:>6}  {} {:>8}  {} {:>8}",
        t.period,
        l.index,
        fmt::index(t.figures.index),
        "OSS",
        fmt::opt_pct(t.figures.oss_share.weighted),
        l.target_line,
        fmt::opt_pct(t.target_line),
    );
    if let Some(p) = t.plan {
        let _ = write!(s, "  {} {:>8}", l.plan, fmt::pct(p));
    }
    let _ = write!(s, "  {} {}", l.seats, t.figures.seats);
    s
}

/// The terminal view.
pub fn table(r: &FleetReport) -> String {
    let l = &EN;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}{}",
        l.title,
        r.name
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    );
    let _ = writeln!(o, "{}", heading(r, l));
    let _ = writeln!(o, "\n{}", l.overall);
    for (k, v) in figure_rows(&r.overall, l) {
        let _ = writeln!(o, "  {k:<40} {v}");
    }
    let _ = writeln!(o, "\n{}", l.departments);
    for d in &r.departments {
        let f = &d.figures;
        let _ = writeln!(
            o,
            "  {:<28} {:>7} {}  {} {:>6}  OSS {:>8}  {} {:>8}",
            fmt::short(&d.name, 28),
            f.seats,
            l.seats,
            l.index,
            fmt::index(f.index),
            fmt::opt_pct(f.oss_share.weighted),
            l.us,
            fmt::pct(f.jurisdictions.us)
        );
    }
    affected(&mut o, l.critical, &r.overall.critical, l, false);
    affected(&mut o, l.high, &r.overall.high, l, false);
    let _ = writeln!(o, "\n{}", l.trend);
    for t in &r.trend {
        let _ = writeln!(o, "  {}", trend_line(t, l));
        for (word, list) in [(l.added, &t.added), (l.removed, &t.removed)] {
            if !list.is_empty() {
                let names: Vec<String> = list
                    .iter()
                    .map(|s| format!("{} ({})", s.key, s.seats))
                    .collect();
                let _ = writeln!(o, "    {word}: {}", names.join(", "));
            }
        }
    }
    o
}

/// The line under the title: the trend's period, the rule database, the
/// target.
fn heading(r: &FleetReport, l: &Labels) -> String {
    let period = match r.period {
        crate::model::fleet::Period::Year => l.year,
        crate::model::fleet::Period::Quarter => l.quarter,
    };
    format!(
        "{} {period} · {} {} ({}) · {} {} {}",
        l.period,
        l.rules,
        r.rules.version,
        r.rules.date,
        l.target,
        fmt::pct(r.target.share),
        r.target.year
    )
}

/// The Markdown view.
pub fn markdown(r: &FleetReport) -> String {
    let l = &EN;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# {}{}\n",
        l.title,
        r.name
            .as_deref()
            .map(|n| format!(": {}", esc(n)))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "{}\n\n## {}\n\n| | |\n|---|---|",
        heading(r, l),
        l.overall
    );
    for (k, v) in figure_rows(&r.overall, l) {
        let _ = writeln!(o, "| {k} | {} |", esc(&v));
    }
    let _ = writeln!(
        o,
        "\n## {}\n\n| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|",
        l.departments, l.department, l.seats, l.index, l.oss_weighted, l.us
    );
    for d in &r.departments {
        let f = &d.figures;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            esc(&d.name),
            f.seats,
            fmt::index(f.index),
            fmt::opt_pct(f.oss_share.weighted),
            fmt::pct(f.jurisdictions.us)
        );
    }
    affected(&mut o, l.critical, &r.overall.critical, l, true);
    affected(&mut o, l.high, &r.overall.high, l, true);
    let _ = writeln!(
        o,
        "\n## {}\n\n| | {} | {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|---|---|",
        l.trend, l.index, l.oss_weighted, l.target_line, l.plan, l.added, l.removed
    );
    for t in &r.trend {
        let keys = |v: &[crate::model::fleet::Seats]| {
            v.iter()
                .map(|s| format!("{} ({})", esc(&s.key), s.seats))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            t.period,
            fmt::index(t.figures.index),
            fmt::opt_pct(t.figures.oss_share.weighted),
            fmt::opt_pct(t.target_line),
            fmt::opt_pct(t.plan),
            keys(&t.added),
            keys(&t.removed)
        );
    }
    if !r.changes.is_empty() {
        let _ = writeln!(o, "\n## {}\n", l.changes);
        for c in &r.changes {
            let _ = writeln!(
                o,
                "- {} {} → {}: {} {}; {} {}",
                esc(&c.image),
                c.from,
                c.to,
                l.added,
                esc(&c.added.join(", ")),
                l.removed,
                esc(&c.removed.join(", "))
            );
        }
    }
    o
}
