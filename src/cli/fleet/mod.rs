//! `sovscan fleet`: an administration's figures over the saved scans of its
//! images, weighted by seats (docs/fleet.md). Scans are read one at a time
//! and reduced to sums at once ([`crate::assess::fleet`]); Parquet rows
//! stream to their file as each scan is read.

mod manifest;

use super::inputs::{load_policy, load_rules, read_report};
use super::{Error, FleetArgs, FleetFormat, FleetPeriod, print_stdout};
use crate::assess::fleet::{self, Acc, Row};
use crate::assess::policy::Policy;
use crate::bounded;
use crate::model::fleet::{
    Department, FleetImage, FleetReport, FleetRules, ImageChange, Period, ScanRef, Target,
    TrendPoint,
};
use crate::model::plan::Plan;
use crate::model::risk::ModelParams;
use crate::report::parquet::{RowContext, Writer};
use crate::report::{self, output::OutputError};
use crate::rules::RuleDb;
use manifest::Entry;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

type Sink = Writer<Box<dyn Write + Send>>;

/// Per period, per department: the change of the sums (docs/fleet.md).
type Deltas = BTreeMap<String, BTreeMap<String, Acc>>;

pub fn run(args: FleetArgs) -> Result<ExitCode, Error> {
    let outputs = plan_outputs(args.format, &args.output)?;
    let db = load_rules(&args.rules)?;
    let policy = load_policy(args.policy.as_deref(), &db, false)?;
    let params = policy.params(&db);
    let m = if args.input.is_dir() {
        manifest::from_dir(&args.input)?
    } else {
        manifest::load(&args.input).map_err(Error::Diagnostics)?
    };
    let plan = args.plan.as_deref().map(read_plan).transpose()?;
    let period = match args.period {
        Some(FleetPeriod::Quarter) => Period::Quarter,
        Some(FleetPeriod::Year) => Period::Year,
        None => m.period.unwrap_or_default(),
    };
    // Parquet streams into a temporary file beside its destination (or a
    // buffer for stdout), renamed into place at the end.
    let mut parquet: Vec<(Option<PathBuf>, Option<tempfile::NamedTempFile>, Sink)> = Vec::new();
    for (f, path) in &outputs {
        if *f == FleetFormat::Parquet {
            parquet.push(parquet_sink(path.as_deref())?);
        }
    }
    let cx = Cx {
        db: &db,
        policy: &policy,
        params: &params,
        period,
    };
    let mut deltas = Deltas::new();
    let mut images = Vec::new();
    let mut changes = Vec::new();
    for e in &m.images {
        let (img, ch) = read_image(e, &cx, &mut deltas, &mut parquet)?;
        images.push(img);
        changes.extend(ch);
    }
    let mut fleet = build(&deltas, &cx, plan.as_ref());
    fleet.images = images;
    fleet.changes = changes;
    fleet.name = m.name;
    fleet.source = args.input.display().to_string();
    fleet.rules = FleetRules {
        version: db.meta.version.clone(),
        date: db.meta.date.clone(),
    };
    write_outputs(&outputs, &fleet, parquet)?;
    Ok(ExitCode::SUCCESS)
}

struct Cx<'a> {
    db: &'a RuleDb,
    policy: &'a Policy,
    params: &'a ModelParams,
    period: Period,
}

/// `-o [FORMAT=]FILE` and `-f`: the outputs, files first, then stdout
/// unless a plain `-o FILE` took the `-f` format.
fn plan_outputs(
    format: FleetFormat,
    specs: &[String],
) -> Result<Vec<(FleetFormat, Option<PathBuf>)>, Error> {
    let mut out = Vec::new();
    let mut plain = false;
    for spec in specs {
        let named = spec.split_once('=').and_then(|(f, p)| {
            let f = match f {
                "table" => FleetFormat::Table,
                "json" => FleetFormat::Json,
                "md" => FleetFormat::Md,
                "parquet" => FleetFormat::Parquet,
                _ => return None,
            };
            Some((f, p))
        });
        let (f, p) = match named {
            Some(x) => x,
            None => {
                plain = true;
                (format, spec.as_str())
            }
        };
        if p.is_empty() {
            return Err(OutputError::NoFileName(spec.clone()).into());
        }
        // The same checks as every -o of `scan`, before any scan is read.
        report::output::single("json", Some(PathBuf::from(p)))?;
        out.push((f, Some(PathBuf::from(p))));
    }
    if !plain {
        out.push((format, None));
    }
    Ok(out)
}

/// A Parquet writer into a temporary file: beside its destination, renamed
/// into place at the end; for stdout in the temporary folder, printed at
/// the end.
fn parquet_sink(
    path: Option<&Path>,
) -> Result<(Option<PathBuf>, Option<tempfile::NamedTempFile>, Sink), Error> {
    let shown = path.unwrap_or(Path::new("-"));
    let cannot = |source| {
        Error::Output(OutputError::CannotWrite {
            path: shown.to_owned(),
            source,
        })
    };
    let dir = match path {
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_owned(),
        None => std::env::temp_dir(),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".sovscan-")
        .tempfile_in(dir)
        .map_err(cannot)?;
    let f = tmp.reopen().map_err(cannot)?;
    let w: Box<dyn Write + Send> = Box::new(std::io::BufWriter::new(f));
    let sink = Writer::new(w).map_err(|source| {
        Error::Output(OutputError::Render {
            format: "parquet",
            source,
        })
    })?;
    Ok((path.map(Path::to_owned), Some(tmp), sink))
}

/// Reads one image's scans, one at a time: Parquet rows out, the latest
/// scan of each period kept as rows, then its changes of the sums into
/// `deltas`.
fn read_image(
    e: &Entry,
    cx: &Cx,
    deltas: &mut Deltas,
    parquet: &mut [(Option<PathBuf>, Option<tempfile::NamedTempFile>, Sink)],
) -> Result<(FleetImage, Vec<ImageChange>), Error> {
    let mut latest: BTreeMap<String, (String, Vec<Row>)> = BTreeMap::new();
    let mut scans = Vec::new();
    for path in &e.scans {
        let report = read_report(path)?;
        let date = report.scan.date.clone();
        let Some(p) = cx.period.of(&date) else {
            return Err(Error::Usage(format!(
                "{}: scan.date `{date}` is not a date (YYYY-MM-DD)",
                path.display()
            )));
        };
        let row_cx = RowContext {
            image: &e.name,
            department: Some(&e.department),
            seats: Some(e.seats),
            scan_date: Some(&date),
            db: Some(cx.db),
            policy: cx.policy,
        };
        for (_, _, sink) in parquet.iter_mut() {
            for c in report.units(false).iter() {
                sink.push(c, &row_cx)
                    .map_err(|source| OutputError::Render {
                        format: "parquet",
                        source,
                    })?;
            }
        }
        let rows = fleet::rows(&report, cx.db, cx.policy, cx.params);
        drop(report);
        // The later scan of a period counts; on the same day, the one
        // listed later.
        if latest.get(&p).is_none_or(|(d, _)| *d <= date) {
            latest.insert(p, (date.clone(), rows));
        }
        scans.push(ScanRef {
            path: path.display().to_string(),
            date,
        });
    }
    scans.sort_by(|a, b| a.date.cmp(&b.date));
    let mut changes = Vec::new();
    let mut prev: Option<&(String, Vec<Row>)> = None;
    for (p, cur) in &latest {
        let d = deltas
            .entry(p.clone())
            .or_default()
            .entry(e.department.clone())
            .or_default();
        d.add(&cur.1, e.seats, 1);
        if let Some(before) = prev {
            d.add(&before.1, e.seats, -1);
            let (added, removed) = fleet::key_changes(&before.1, &cur.1);
            changes.push(ImageChange {
                image: e.name.clone(),
                from: before.0.clone(),
                to: cur.0.clone(),
                added,
                removed,
            });
        }
        prev = Some(cur);
    }
    let img = FleetImage {
        name: e.name.clone(),
        department: e.department.clone(),
        seats: e.seats,
        tags: e.tags.clone(),
        scans,
    };
    Ok((img, changes))
}

/// The running totals of the changes, period by period: the trend, and the
/// state after the last period (every image's latest scan).
fn build(deltas: &Deltas, cx: &Cx, plan: Option<&Plan>) -> FleetReport {
    let spr = cx.params.single_point_roles;
    let mut running: BTreeMap<String, Acc> = BTreeMap::new();
    let mut before = Acc::default();
    let mut trend: Vec<TrendPoint> = Vec::new();
    let target = Target {
        share: cx.params.oss_target,
        year: cx.params.oss_target_year,
    };
    for (period, by_dept) in deltas {
        for (dept, d) in by_dept {
            running.entry(dept.clone()).or_default().merge(d);
        }
        let mut all = Acc::default();
        running.values().for_each(|a| all.merge(a));
        let figures = all.figures(spr);
        let (added, removed) = if trend.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            fleet::added_removed(&before, &all)
        };
        let target_line = trend
            .first()
            .map_or(figures.oss_share.weighted, |t| t.figures.oss_share.weighted)
            .and_then(|s0| {
                let first = trend.first().map_or(period.as_str(), |t| t.period.as_str());
                fleet::target_line(first, s0, period, target.share, target.year)
            });
        trend.push(TrendPoint {
            period: period.clone(),
            plan: plan.and_then(|p| plan_share(p, period)),
            figures,
            added,
            removed,
            target_line,
        });
        before = all;
    }
    FleetReport {
        fleet_version: crate::model::fleet::FLEET_VERSION.to_owned(),
        tool: crate::model::report::Tool {
            name: "sovscan".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        rules: FleetRules {
            version: String::new(),
            date: String::new(),
        },
        source: String::new(),
        name: None,
        period: cx.period,
        target,
        images: Vec::new(),
        overall: before.figures(spr),
        departments: running
            .iter()
            .map(|(name, a)| Department {
                name: name.clone(),
                figures: a.figures(spr),
            })
            .collect(),
        trend,
        changes: Vec::new(),
    }
}

/// The plan's share by role weight after its last phase in or before the
/// period's year; its baseline before the first phase. None before the
/// plan's start year.
fn plan_share(plan: &Plan, period: &str) -> Option<f64> {
    let year: u16 = period.get(..4)?.parse().ok()?;
    if year < plan.start_year {
        return None;
    }
    plan.phases
        .iter()
        .rfind(|p| p.year <= year)
        .map_or(plan.baseline.oss_share_weighted, |p| {
            p.figures.oss_share_weighted
        })
}

fn read_plan(path: &Path) -> Result<Plan, Error> {
    let text = bounded::read_to_string(path, bounded::DATABASE, bounded::Links::Follow).map_err(
        |source| Error::Read {
            path: path.to_owned(),
            source,
        },
    )?;
    serde_json::from_str(&text).map_err(|e| Error::Report {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        what: "not a sovscan plan (sovscan plan -f json)",
        message: e
            .to_string()
            .rsplit_once(" at line ")
            .map_or(e.to_string(), |(m, _)| m.to_owned()),
    })
}

fn write_outputs(
    outputs: &[(FleetFormat, Option<PathBuf>)],
    fleet: &FleetReport,
    parquet: Vec<(Option<PathBuf>, Option<tempfile::NamedTempFile>, Sink)>,
) -> Result<(), Error> {
    let render = |source| OutputError::Render {
        format: "parquet",
        source,
    };
    let mut stdout: Option<Vec<u8>> = None;
    for (path, tmp, sink) in parquet {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from("-"));
        let cannot = |source| OutputError::CannotWrite {
            path: shown.clone(),
            source,
        };
        let mut w = sink.finish().map_err(render)?;
        w.flush().map_err(cannot)?;
        drop(w);
        let Some(tmp) = tmp else { continue };
        match path {
            Some(p) => crate::report::persist(tmp, &p).map_err(cannot)?,
            None => stdout = Some(std::fs::read(tmp.path()).map_err(cannot)?),
        }
    }
    for (f, path) in outputs {
        let bytes = match f {
            FleetFormat::Parquet => continue,
            FleetFormat::Json => super::json_lines(fleet)?,
            FleetFormat::Table => report::fleet::table(fleet).into_bytes(),
            FleetFormat::Md => report::fleet::markdown(fleet).into_bytes(),
        };
        match path {
            Some(p) => {
                report::write_atomic(p, &bytes).map_err(|source| OutputError::CannotWrite {
                    path: p.clone(),
                    source,
                })?
            }
            None => stdout = Some(bytes),
        }
    }
    if let Some(b) = stdout {
        print_stdout(&b)?;
    }
    Ok(())
}
