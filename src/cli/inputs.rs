//! What the commands read before they work: the rule database with the
//! `--rules` layers, the policy, a saved report, or a fresh scan of roots.

use super::{Error, RuleArgs, ScanOpts};
use crate::assess::policy::Policy;
use crate::bounded;
use crate::date::Date;
use crate::formats::nesting::{MAX_REPORT_DEPTH, check_json};
use crate::model::inventory::Family;
use crate::model::report::Report;
use crate::progress::Progress;
use crate::rules::{self, RuleDb};
use crate::{scan, walk};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Loads the embedded database and the `--rules` layers. Every error of
/// every file is collected; the first few are shown.
pub fn load_rules(args: &RuleArgs) -> Result<RuleDb, Error> {
    if args.rules.is_empty() && !args.no_default_rules {
        // Its patterns compile on first use (`rules/matcher.rs`).
        return RuleDb::embedded().map_err(Error::Diagnostics);
    }
    let mut layers = Vec::new();
    if !args.no_default_rules {
        layers.push(rules::embedded_sources());
    }
    layers.extend(rules::load_paths(&args.rules)?);
    rules::load(layers).map_err(Error::Diagnostics)
}

/// Loads `--policy` (or an empty policy), printing its warnings (expired
/// mitigations) to stderr unless quiet.
pub fn load_policy(path: Option<&Path>, db: &RuleDb, quiet: bool) -> Result<Policy, Error> {
    let Some(path) = path else {
        return Ok(Policy::default());
    };
    // Mitigations expire by the scan's day, so a pinned SOURCE_DATE_EPOCH
    // judges them as the report's `scan.date` says.
    let p = Policy::load(path, db, scan_date()?).map_err(Error::Diagnostics)?;
    if !quiet {
        for w in &p.warnings {
            eprintln!("sovscan: warning: {w}");
        }
    }
    Ok(p)
}

/// Loads the rules and policy and scans the roots on a pool of `--jobs`
/// workers.
pub fn scan_roots(roots: &[PathBuf], args: &ScanOpts) -> Result<(RuleDb, Policy, Report), Error> {
    let db = load_rules(&args.rules)?;
    let exclude = exclude_globs(&args.exclude)?;
    let policy = load_policy(args.policy.as_deref(), &db, args.quiet)?;
    for root in roots {
        check_root(root, args.allow_empty)?;
    }
    let opts = scan::Options {
        policy: policy.clone(),
        walk: walk::Options {
            cross_filesystems: args.cross_filesystems,
            exclude,
            // The scan sets the fingerprinter's.
            head_filter: None,
        },
        max_binary_size: args.max_binary_size,
        date: Some(scan_date()?),
        os: args.os,
        disk: crate::image::DiskOptions {
            partition: args.partition,
            parent: args.parent.clone(),
        },
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("sovscan-{i}"))
        .build()?;
    let progress =
        Progress::new(!args.no_progress && !args.quiet && std::io::stderr().is_terminal());
    let result = pool.install(|| scan::scan(roots, &db, &opts, &progress));
    progress.finish();
    let report = result?;
    if !args.allow_empty {
        check_found(&report)?;
    }
    Ok((db, policy, report))
}

/// Refuses an image in which the scan found no operating system and no
/// component: a mount point with nothing (or only `lost+found`) on it, a
/// wrong directory. Its report would pass any gate with nothing in it.
/// A disk image file counts as one: a partition with nothing on it (a
/// recovery partition, an empty ESP) is refused only when every partition
/// of its file is empty.
fn check_found(report: &Report) -> Result<(), Error> {
    let empty = |img: &crate::model::report::ImageReport| {
        img.os.family == Family::Directory && !report.components.iter().any(|c| c.image == img.id)
    };
    for img in &report.images {
        let refused = match &img.disk {
            None => empty(img),
            Some(d) => report
                .images
                .iter()
                .filter(|i| i.disk.as_ref().is_some_and(|o| o.file == d.file))
                .all(empty),
        };
        if refused {
            let path = img.disk.as_ref().map_or(&img.root, |d| &d.file);
            return Err(Error::Root {
                path: path.into(),
                reason: "no operating system and no software found (an empty mount point or the wrong directory?); --allow-empty accepts it".to_owned(),
            });
        }
    }
    Ok(())
}

/// The scan's day: `SOURCE_DATE_EPOCH` (seconds since 1970, the
/// reproducible-builds convention) when set and not empty, so two runs give
/// the same bytes; else today (UTC). A value that isn't a time is an error,
/// not a silent fallback to the clock.
pub fn scan_date() -> Result<Date, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Date::from_unix_seconds)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH: `{v}` is not a number of seconds since 1970-01-01"
                ))
            }),
        _ => Ok(Date::today()),
    }
}

/// Refuses a root directory that can't be listed (the walk would find
/// nothing and the scan exit 0 with an empty inventory) or that is empty,
/// unless `allow_empty`. A root that is not a directory at all is left to
/// [`crate::image::Image::open`], which says so.
fn check_root(root: &Path, allow_empty: bool) -> Result<(), Error> {
    if !root.is_dir() {
        return Ok(());
    }
    let refuse = |reason: String| Error::Root {
        path: root.to_owned(),
        reason,
    };
    let mut entries = std::fs::read_dir(root)
        .map_err(|e| refuse(format!("cannot read the root directory: {e}")))?;
    match entries.next() {
        Some(Err(e)) => Err(refuse(format!("cannot read the root directory: {e}"))),
        None if !allow_empty => Err(refuse(
            "the root directory is empty, nothing to scan (--allow-empty accepts it)".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// `--exclude` globs, relative to the image root.
fn exclude_globs(globs: &[String]) -> Result<Option<globset::GlobSet>, Error> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::GlobBuilder::new(g.trim_start_matches('/'))
            .literal_separator(true)
            .build()
            .map_err(|e| Error::Usage(format!("--exclude {g:?}: {}", e.kind())))?;
        b.add(glob);
    }
    b.build()
        .map(Some)
        .map_err(|e| Error::Usage(format!("--exclude: {e}")))
}

/// Reads a saved JSON report (schema 1.x) as the typed report. A field of
/// the wrong type or a missing one is an error naming the file, line and
/// column: a reader never guesses.
pub fn read_report(path: &Path) -> Result<Report, Error> {
    let text = bounded::read_to_string(path, bounded::DATABASE, bounded::Links::Follow).map_err(
        |source| Error::Read {
            path: path.to_owned(),
            source,
        },
    )?;
    // The nesting bound first: serde_json recurses once per level.
    check_json(text.as_bytes(), MAX_REPORT_DEPTH).map_err(|e| Error::Report {
        path: path.to_owned(),
        line: e.line,
        column: e.column,
        what: "not a sovscan report",
        message: e.to_string(),
    })?;
    let located = |e: serde_json::Error, what: &'static str| {
        let msg = e.to_string();
        // serde_json appends the position; the error puts it first.
        let message = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m)
            .to_owned();
        Error::Report {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            what,
            message,
        }
    };
    #[derive(serde::Deserialize)]
    struct Head {
        schema_version: Option<String>,
    }
    let head: Head = serde_json::from_str(&text).map_err(|e| located(e, "not a JSON report"))?;
    let version = head.schema_version.unwrap_or_default();
    if !version.starts_with("1.") {
        return Err(Error::Schema {
            path: path.to_owned(),
            version,
        });
    }
    let mut report: Report =
        serde_json::from_str(&text).map_err(|e| located(e, "not a complete sovscan report"))?;
    // A report older than schema 1.3 has no products: they are folded from
    // its components as a scan would, so views, `diff` and `--baseline`
    // count products on old and new reports alike.
    if report.products.is_empty() {
        report.products = crate::assess::product::fold(&report.components);
    }
    Ok(report)
}

/// A report from `inputs`: one saved JSON report, or roots to scan now.
pub fn obtain_report(inputs: &[PathBuf], args: &ScanOpts) -> Result<(RuleDb, Report), Error> {
    if let [one] = inputs
        && one.is_file()
    {
        let db = load_rules(&args.rules)?;
        return Ok((db, read_report(one)?));
    }
    let (db, _, report) = scan_roots(inputs, args)?;
    Ok((db, report))
}
