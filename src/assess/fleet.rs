//! Fleet figures (`sovscan fleet`, `docs/fleet.md`): the scan's aggregates
//! over many images, each image's product rows counted once per seat.
//!
//! Memory stays bounded by products, not by scans: a scan is reduced to its
//! product rows ([`rows`]) and then to sums. Every figure is a ratio of
//! sums over (image, product) pairs weighted by the image's seats, so an
//! image's contribution is added to an [`Acc`] and can be taken out again
//! (`sign` −1). The trend keeps, per period and department, only the
//! *change* of those sums (an image's new scan in, its scan before out);
//! the state at each period is the running total of the changes up to it.

use super::aggregate::is_workplace;
use super::policy::Policy;
use super::round;
use crate::model::fleet::{
    Affected, Blocs, Concentration, ControllerShare, Figures, OssShare, Seats,
};
use crate::model::report::{Component, ControlBloc, Report};
use crate::model::risk::{Impact, Level, ModelParams};
use crate::rules::RuleDb;
use std::collections::{BTreeMap, BTreeSet};

/// One product of one scan, reduced to what the fleet figures count.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub name: String,
    /// `(id, name, country)` of the controller, when resolved.
    pub controller: Option<(String, String, Option<String>)>,
    pub bloc: ControlBloc,
    pub level: Level,
    pub workplace: bool,
    /// Role weight of its category (policy, else database).
    pub weight: f64,
    /// Exposure, the model's `unknown_exposure` when unknown.
    pub exposure: f64,
    pub open: bool,
    /// Its category, when that is a high or very-high role.
    pub high_role: Option<String>,
}

/// The product rows of a saved scan, as the scan's aggregates see them:
/// all of its images together.
pub fn rows(report: &Report, db: &RuleDb, policy: &Policy, params: &ModelParams) -> Vec<Row> {
    report
        .units(false)
        .iter()
        .map(|c| row(c, db, policy, params))
        .collect()
}

pub fn row(c: &Component, db: &RuleDb, policy: &Policy, params: &ModelParams) -> Row {
    let high = db
        .category(&c.category)
        .is_some_and(|cat| cat.impact >= Impact::High);
    Row {
        key: c.key.clone(),
        name: c.name.clone(),
        controller: c
            .controller
            .as_ref()
            .map(|p| (p.id.clone(), p.name.clone(), p.country.clone())),
        bloc: c.control_bloc(),
        level: c.risk.level,
        workplace: is_workplace(c, db),
        weight: policy.role_weight(db, &c.category),
        exposure: c.risk.exposure.unwrap_or(params.unknown_exposure),
        open: c.license.open_source == Some(true),
        high_role: high.then(|| c.category.clone()),
    }
}

#[derive(Debug, Clone, Default)]
struct Ctl {
    name: String,
    country: Option<String>,
    /// Σ seats · role weight.
    w: f64,
    /// High role → seats holding it.
    roles: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Default)]
struct Prod {
    name: String,
    controller: Option<String>,
    seats: i64,
    /// Level severity → (seats, images).
    levels: BTreeMap<u8, (i64, i64)>,
}

/// Sums over (image, product) pairs, each weighted by the image's seats.
/// Additive: [`Acc::add`] with sign −1 undoes a +1.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    images: i64,
    seats: i64,
    /// Σ seats · w, Σ seats · w · e, Σ seats · w · [open] over workplace rows.
    w: f64,
    we: f64,
    w_open: f64,
    /// Σ seats over workplace rows, and over the open ones.
    n: i64,
    n_open: i64,
    bloc: [f64; 7],
    ctl: BTreeMap<String, Ctl>,
    prod: BTreeMap<String, Prod>,
}

const EPS: f64 = 1e-9;

impl Acc {
    /// Adds (`sign` 1) or takes out (`sign` −1) one image of `seats` seats
    /// whose scan has `rows`.
    pub fn add(&mut self, rows: &[Row], seats: u64, sign: i64) {
        let s = seats as i64 * sign;
        let sf = s as f64;
        self.images += sign;
        self.seats += s;
        for r in rows {
            let p = self.prod.entry(r.key.clone()).or_insert_with(|| Prod {
                name: r.name.clone(),
                controller: r.controller.as_ref().map(|c| c.1.clone()),
                ..Default::default()
            });
            p.seats += s;
            let l = p.levels.entry(r.level.severity()).or_default();
            l.0 += s;
            l.1 += sign;
            if !r.workplace {
                continue;
            }
            self.w += sf * r.weight;
            self.we += sf * r.weight * r.exposure;
            self.n += s;
            if r.open {
                self.w_open += sf * r.weight;
                self.n_open += s;
            }
            let b = ControlBloc::ALL
                .iter()
                .position(|b| *b == r.bloc)
                .unwrap_or(6);
            self.bloc[b] += sf * r.weight;
            if let Some((id, name, country)) = &r.controller {
                let c = self.ctl.entry(id.clone()).or_insert_with(|| Ctl {
                    name: name.clone(),
                    country: country.clone(),
                    ..Default::default()
                });
                c.w += sf * r.weight;
                if let Some(role) = &r.high_role {
                    *c.roles.entry(role.clone()).or_default() += s;
                }
            }
        }
    }

    /// Adds every sum of `other`.
    pub fn merge(&mut self, other: &Acc) {
        self.images += other.images;
        self.seats += other.seats;
        self.w += other.w;
        self.we += other.we;
        self.w_open += other.w_open;
        self.n += other.n;
        self.n_open += other.n_open;
        for (a, b) in self.bloc.iter_mut().zip(other.bloc) {
            *a += b;
        }
        for (id, o) in &other.ctl {
            let c = self.ctl.entry(id.clone()).or_insert_with(|| Ctl {
                name: o.name.clone(),
                country: o.country.clone(),
                ..Default::default()
            });
            c.w += o.w;
            for (role, n) in &o.roles {
                *c.roles.entry(role.clone()).or_default() += n;
            }
        }
        for (key, o) in &other.prod {
            let p = self.prod.entry(key.clone()).or_insert_with(|| Prod {
                name: o.name.clone(),
                controller: o.controller.clone(),
                ..Default::default()
            });
            p.seats += o.seats;
            for (sev, (s, i)) in &o.levels {
                let l = p.levels.entry(*sev).or_default();
                l.0 += s;
                l.1 += i;
            }
        }
    }

    /// The products on some seat, with their seats.
    pub fn present(&self) -> BTreeMap<&str, (&str, u64)> {
        self.prod
            .iter()
            .filter(|(_, p)| p.seats > 0)
            .map(|(k, p)| (k.as_str(), (p.name.as_str(), p.seats as u64)))
            .collect()
    }

    /// The figures of these sums (docs/fleet.md, "Figures").
    pub fn figures(&self, single_point_roles: usize) -> Figures {
        let w = self.w;
        let share = |x: f64| round(4, x / w);
        let mut f = Figures {
            images: self.images.max(0) as u64,
            seats: self.seats.max(0) as u64,
            ..Default::default()
        };
        if w > EPS {
            f.index = Some(round(1, 100.0 * (1.0 - self.we / (4.0 * w))));
            f.oss_share = OssShare {
                count: (self.n > 0).then(|| round(4, self.n_open as f64 / self.n as f64)),
                weighted: Some(share(self.w_open)),
            };
            let b = self.bloc;
            f.jurisdictions = Blocs {
                eu: share(b[0]),
                adequacy: share(b[1]),
                us: share(b[2]),
                cn_ru: share(b[3]),
                other: share(b[4]),
                community: share(b[5]),
                unknown: share(b[6]),
            };
        }
        f.concentration = self.concentration(single_point_roles);
        f.weakest_level = Level::WORST_FIRST.into_iter().find(|l| {
            self.prod
                .values()
                .any(|p| p.levels.get(&l.severity()).is_some_and(|x| x.0 > 0))
        });
        f.critical = self.affected(Level::Critical);
        f.high = self.affected(Level::High);
        f
    }

    fn concentration(&self, single_point_roles: usize) -> Concentration {
        let live: Vec<(&String, &Ctl)> = self.ctl.iter().filter(|(_, c)| c.w > EPS).collect();
        let total: f64 = live.iter().map(|(_, c)| c.w).sum();
        if total <= EPS {
            return Concentration::default();
        }
        let mut shares: Vec<ControllerShare> = live
            .iter()
            .map(|(id, c)| ControllerShare {
                id: (*id).clone(),
                name: c.name.clone(),
                country: c.country.clone(),
                share: round(4, c.w / total),
                high_roles: c
                    .roles
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(r, _)| r.clone())
                    .collect(),
            })
            .collect();
        shares.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.id.cmp(&b.id)));
        let hhi = live
            .iter()
            .map(|(_, c)| (100.0 * c.w / total).powi(2))
            .sum();
        Concentration {
            hhi: round(1, hhi),
            single_points: shares
                .iter()
                .filter(|s| s.high_roles.len() >= single_point_roles)
                .map(|s| s.id.clone())
                .collect(),
            controllers: shares,
        }
    }

    fn affected(&self, level: Level) -> Vec<Affected> {
        let mut out: Vec<Affected> = self
            .prod
            .iter()
            .filter_map(|(key, p)| {
                let (seats, images) = *p.levels.get(&level.severity())?;
                (seats > 0).then(|| Affected {
                    key: key.clone(),
                    name: p.name.clone(),
                    controller: p.controller.clone(),
                    seats: seats as u64,
                    images: images.max(0) as u64,
                })
            })
            .collect();
        out.sort_by(|a, b| b.seats.cmp(&a.seats).then_with(|| a.key.cmp(&b.key)));
        out
    }
}

/// The products present in `now` and not in `before` (added), and the
/// reverse (removed), with their seats (in `now`, resp. `before`).
pub fn added_removed(before: &Acc, now: &Acc) -> (Vec<Seats>, Vec<Seats>) {
    let (b, n) = (before.present(), now.present());
    let seats = |m: &BTreeMap<&str, (&str, u64)>, other: &BTreeMap<&str, (&str, u64)>| {
        m.iter()
            .filter(|(k, _)| !other.contains_key(*k))
            .map(|(k, (name, seats))| Seats {
                key: (*k).to_owned(),
                name: (*name).to_owned(),
                seats: *seats,
            })
            .collect::<Vec<_>>()
    };
    (seats(&n, &b), seats(&b, &n))
}

/// The keys of `now` not in `before` (added) and the reverse (removed).
pub fn key_changes(before: &[Row], now: &[Row]) -> (Vec<String>, Vec<String>) {
    let b: BTreeSet<&str> = before.iter().map(|r| r.key.as_str()).collect();
    let n: BTreeSet<&str> = now.iter().map(|r| r.key.as_str()).collect();
    (
        n.difference(&b).map(|k| (*k).to_owned()).collect(),
        b.difference(&n).map(|k| (*k).to_owned()).collect(),
    )
}

/// The target line's share in `period` (`2027`, `2027-Q3`): straight from
/// `start` (the first period's share) to `target` in `target_year`, flat
/// after it; `None` when the first period is not before the target year.
pub fn target_line(
    first: &str,
    start: f64,
    period: &str,
    target: f64,
    target_year: u16,
) -> Option<f64> {
    let at = |p: &str| -> Option<f64> {
        let year: f64 = p.get(..4)?.parse().ok()?;
        let quarter = p
            .get(6..7)
            .and_then(|q| q.parse::<f64>().ok())
            .unwrap_or(1.0);
        Some(year + (quarter - 1.0) / 4.0)
    };
    let (y0, y) = (at(first)?, at(period)?);
    let ty = f64::from(target_year);
    if ty <= y0 {
        return None;
    }
    let t = ((y - y0) / (ty - y0)).clamp(0.0, 1.0);
    Some(round(4, start + (target - start) * t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(key: &str, w: f64, e: f64, open: bool, ctl: Option<&str>, level: Level) -> Row {
        Row {
            key: key.into(),
            name: key.into(),
            controller: ctl.map(|c| (c.to_owned(), c.to_owned(), None)),
            bloc: if ctl.is_some() {
                ControlBloc::Us
            } else {
                ControlBloc::Unknown
            },
            level,
            workplace: true,
            weight: w,
            exposure: e,
            open,
            high_role: None,
        }
    }

    #[test]
    fn add_then_take_out_leaves_nothing() {
        let rows = [
            r("a", 10.0, 2.5, false, Some("m"), Level::High),
            r("b", 5.0, 1.0, true, None, Level::Low),
        ];
        let mut acc = Acc::default();
        acc.add(&rows, 30, 1);
        acc.add(&rows[..1], 10, 1);
        // (30·(10·2.5+5·1) + 10·10·2.5) / (4·(30·15 + 10·10)) = 1150/2200
        let f = acc.figures(3);
        assert_eq!(f.index, Some(round(1, 100.0 * (1.0 - 1150.0 / 2200.0))));
        assert_eq!(f.oss_share.weighted, Some(round(4, 150.0 / 550.0)));
        assert_eq!(f.oss_share.count, Some(round(4, 30.0 / 70.0)));
        assert_eq!(f.high[0].seats, 40);
        acc.add(&rows, 30, -1);
        acc.add(&rows[..1], 10, -1);
        let f = acc.figures(3);
        assert_eq!((f.index, f.seats, f.images), (None, 0, 0));
        assert!(f.high.is_empty() && acc.present().is_empty());
    }

    #[test]
    fn the_target_line_runs_from_the_first_period_to_the_target() {
        assert_eq!(target_line("2026", 0.3, "2026", 0.7, 2030), Some(0.3));
        assert_eq!(target_line("2026", 0.3, "2028", 0.7, 2030), Some(0.5));
        assert_eq!(target_line("2026", 0.3, "2031", 0.7, 2030), Some(0.7));
        assert_eq!(target_line("2026-Q1", 0.3, "2027-Q1", 0.7, 2030), Some(0.4));
        assert_eq!(target_line("2030", 0.3, "2031", 0.7, 2030), None);
    }
}
