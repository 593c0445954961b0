//! The pipeline for one scan, orchestration only: for each root, collect
//! packages and walk the tree in parallel ([`collect`], [`walk`],
//! [`fingerprint`]), attach binaries to the packages that own them
//! ([`attach`]), identify product and vendor ([`identify`]), judge licence,
//! role and risk into components ([`assess`](crate::assess)), and assemble the report.
//! Component ids are made unique across images, keys within their image,
//! and everything that reaches the report is sorted, so the same image gives
//! the same bytes (with `scan.date` pinned by `SOURCE_DATE_EPOCH`).

use crate::assess::aggregate::aggregate;
use crate::assess::policy::Policy;
use crate::assess::{Context, component, product};
use crate::attach;
use crate::collect;
use crate::date::Date;
use crate::fingerprint;
use crate::identify::{self, ClaimCheck};
use crate::image::Image;
use crate::model::binary::Binary;
use crate::model::inventory::{Family, Inventory, Problem};
use crate::model::report::*;
use crate::model::risk::ModelParams;
use crate::progress::Progress;
use crate::rules::RuleDb;
use crate::walk;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Options {
    pub walk: walk::Options,
    pub max_binary_size: u64,
    /// Model overrides and mitigations (an empty policy by default).
    pub policy: Policy,
    /// The scan's day (`scan.date`); `None` for the clock's. The CLI sets
    /// it from `SOURCE_DATE_EPOCH`.
    pub date: Option<Date>,
    /// Scan every root as this family, whatever its markers say (`--os`).
    pub os: Option<Family>,
    /// Which partition of a disk image file, and its parent (`--partition`,
    /// `--parent`).
    pub disk: crate::image::DiskOptions,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            walk: walk::Options::default(),
            max_binary_size: fingerprint::DEFAULT_MAX_SIZE,
            policy: Policy::default(),
            date: None,
            os: None,
            disk: Default::default(),
        }
    }
}

/// Scans every root. Fails only when a root can't be opened at all; every
/// other problem is an entry in the report.
pub fn scan(
    roots: &[PathBuf],
    db: &RuleDb,
    opts: &Options,
    progress: &Progress,
) -> Result<Report, crate::image::OpenError> {
    let started = Instant::now();
    let images: Vec<Image> = crate::image::open_roots(roots, opts.os, &opts.disk)?;
    Ok(scan_images(&images, db, opts, progress, started))
}

/// Scans roots already opened (a directory, a partition of a disk image).
pub fn scan_images(
    images: &[Image],
    db: &RuleDb,
    opts: &Options,
    progress: &Progress,
    started: Instant,
) -> Report {
    let params = opts.policy.params(db);
    let cx = context(db, &params, &opts.policy);
    let mut report = new_report(db, &params, &opts.policy);
    for (idx, image) in images.iter().enumerate() {
        scan_image(idx, image, &cx, opts, progress, &mut report);
    }
    progress.stage("reporting");
    finish(&mut report, db, opts, started);
    report
}

/// The judgement's context: the database, the policy's model parameters and
/// mitigations, the database's date.
pub(crate) fn context<'a>(
    db: &'a RuleDb,
    params: &'a ModelParams,
    policy: &'a Policy,
) -> Context<'a> {
    Context {
        db,
        params,
        mitigations: &policy.mitigations,
        db_date: Date::parse(&db.meta.date).unwrap_or_else(Date::today),
    }
}

/// An empty report naming the database and the model it will be judged by.
pub(crate) fn new_report(db: &RuleDb, params: &ModelParams, policy: &Policy) -> Report {
    Report::new(
        RulesInfo {
            version: db.meta.version.clone(),
            date: db.meta.date.clone(),
            files: db.meta.files.clone(),
        },
        ModelInfo {
            params: params.clone(),
            policy: policy.path.clone(),
            mitigations: policy.mitigations.len(),
        },
    )
}

/// The policy's warnings, the products folded from the components, the
/// aggregates per image and overall, the date and the duration.
pub(crate) fn finish(report: &mut Report, db: &RuleDb, opts: &Options, started: Instant) {
    let params = opts.policy.params(db);
    for w in &opts.policy.warnings {
        report.warnings.push(ImageProblem {
            image: 0,
            path: opts.policy.path.clone().unwrap_or_default(),
            message: w.clone(),
        });
    }
    report.products = product::fold(&report.components);
    let units = report.units(false).into_owned();
    for img in &mut report.images {
        let mine: Vec<&Component> = units.iter().filter(|c| c.image == img.id).collect();
        img.summary = aggregate(&mine, db, &params, &opts.policy);
    }
    let all: Vec<&Component> = units.iter().collect();
    let model = aggregate(&all, db, &params, &opts.policy);
    report.summary = crate::assess::aggregate::summary(
        &report.components,
        &units,
        &report.binaries,
        (
            report.errors.len(),
            report.warnings.len(),
            report.skipped.len(),
        ),
        model,
    );
    report.scan.date = opts.date.unwrap_or_else(Date::today).to_string();
    report.scan.duration_ms = started.elapsed().as_millis() as u64;
}

/// One image through the stages: collect and walk (in parallel), attach,
/// identify, assess; its components, binaries and problems are appended
/// to the report in a stable order.
fn scan_image(
    idx: usize,
    image: &Image,
    cx: &Context,
    opts: &Options,
    progress: &Progress,
    report: &mut Report,
) {
    let db = cx.db;
    progress.stage(format!("scanning {}", image.root.display()));
    let Found {
        inventory,
        walked,
        binaries,
        mut errors,
    } = collect_and_walk(image, opts, progress, || {
        // A set that cannot compile was refused where its rules loaded.
        let _ = db.matcher.compile();
    });

    progress.stage("matching");
    let mut binaries = attach::expand_hard_links(binaries, walked.aliases, &mut errors);
    let units = attach::attach(image, inventory.packages, &binaries);
    let mut units = identify::split_payloads(units, &binaries, db);
    let embedded = attach::embedded(&units, &binaries);
    units.extend(embedded);
    // Each binary's own claims first: a company name the binary's signature
    // contradicts must not label its component.
    let checks: Vec<ClaimCheck> = binaries
        .par_iter()
        .map(|b| identify::check_claims(b, db))
        .collect();
    for (b, check) in binaries.iter_mut().zip(&checks) {
        if let Some(f) = check.flag {
            b.flag(f);
        }
    }
    // Each unit is judged on its own: on every core, in order.
    let mut components: Vec<Component> = units
        .par_iter()
        .map(|u| {
            let hits = identify::hits(u, &image.os, &binaries, db);
            component::build(idx, u, identify::identify(&hits, db), &binaries, cx)
        })
        .collect();
    unique_ids(
        report.components.iter().map(|c| c.id.clone()).collect(),
        components.iter_mut().map(|c| &mut c.id),
    );

    // Every binary is in exactly one unit, so each gets its component.
    let mut component_of: Vec<Option<String>> = vec![None; binaries.len()];
    for (u, c) in units.iter().zip(&components) {
        for &bi in &u.binaries {
            component_of[bi] = Some(c.id.clone());
        }
    }
    // Reserved at once: grown by doubling, the largest list of the report
    // would hold up to twice its size at the scan's peak.
    report.binaries.reserve(binaries.len());
    report.binaries.par_extend(
        binaries
            .into_par_iter()
            .zip(checks)
            .zip(component_of)
            .map(|((b, check), component)| BinaryReport::new(idx, b, component, check.vendor)),
    );
    components.sort_by(|a, b| {
        (a.kind, a.source, &a.name, &a.arch, &a.version, &a.id)
            .cmp(&(b.kind, b.source, &b.name, &b.arch, &b.version, &b.id))
    });
    // Keys are unique within an image: a repeat (one package name in two
    // flatpak installations) is numbered in the sorted order, which
    // doesn't depend on where the root was on the command line.
    unique_ids(HashSet::new(), components.iter_mut().map(|c| &mut c.key));
    if report.components.is_empty() {
        // The first image's list is moved, not copied.
        report.components = components;
    } else {
        report.components.extend(components);
    }

    let problems = Problems {
        skipped: walked.skipped,
        errors,
        warnings: inventory.warnings,
    };
    problems.report(idx, image, report);
    report.images.push(ImageReport {
        id: idx,
        root: image.root.display().to_string(),
        os: OsReport {
            family: image.family(),
            id: image.os.id.clone(),
            name: image.os.name.clone(),
            version: image.os.version.clone(),
            evidence: image.os.evidence.clone(),
        },
        stats: walked.stats,
        summary: Default::default(),
        sbom: None,
        disk: image.disk.clone(),
    });
}

/// One image's entries for the report's `skipped[]`, `errors[]` and
/// `warnings[]`: the walk's, the fingerprinters' and collectors', what
/// opening the image file found, what OS detection assumed.
struct Problems {
    skipped: Vec<walk::Skipped>,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Problems {
    /// Appends them to the report, each list in a stable order.
    fn report(self, idx: usize, image: &Image, report: &mut Report) {
        let mut skipped: Vec<Located> = self
            .skipped
            .into_iter()
            .map(|s| Located {
                image: idx,
                path: s.path,
                reason: s.reason,
            })
            .collect();
        skipped.sort();
        report.skipped.extend(skipped);
        let mut errs: Vec<ImageProblem> = self
            .errors
            .into_iter()
            .chain(image.opened.errors.iter().cloned())
            .map(|p| located(idx, p))
            .collect();
        errs.sort();
        errs.dedup();
        report.errors.extend(errs);
        let detection = image
            .os
            .warnings
            .iter()
            .map(|(path, message)| ImageProblem {
                image: idx,
                path: path.clone(),
                message: message.clone(),
            });
        let mut warns: Vec<ImageProblem> = self
            .warnings
            .into_iter()
            .chain(image.opened.warnings.iter().cloned())
            .map(|p| located(idx, p))
            .chain(detection)
            .collect();
        warns.sort();
        report.warnings.extend(warns);
    }
}

/// What the first stages found in one image.
struct Found {
    inventory: Inventory,
    walked: walk::Outcome,
    binaries: Vec<Binary>,
    /// Per-file problems of the walk, the fingerprinter and the collectors.
    errors: Vec<Problem>,
}

/// Collects the packages and walks the tree at the same time, fingerprinting
/// candidate binaries as the walk finds them; large PE files wait until the
/// walk is done and then go largest first ([`Deferred`]).
///
/// `prepare` (compiling the rule patterns, 12 ms) runs after the
/// collectors, on their core while the walk goes on, when they found
/// packages to match: off the critical path, and not at all for an empty
/// tree.
fn collect_and_walk(
    image: &Image,
    opts: &Options,
    progress: &Progress,
    prepare: impl Fn() + Sync,
) -> Found {
    let counters = progress.counters();
    let found: Mutex<Vec<Binary>> = Mutex::new(Vec::new());
    let problems: Mutex<Vec<Problem>> = Mutex::new(Vec::new());
    let fingerprint_one =
        |c: walk::Candidate| match fingerprint::fingerprint(&c, opts.max_binary_size) {
            fingerprint::Outcome::NotBinary => {
                counters.not_binaries.fetch_add(1, Relaxed);
            }
            fingerprint::Outcome::Binary(b, p) => {
                counters.binaries.fetch_add(1, Relaxed);
                lock(&found).push(*b);
                if !p.is_empty() {
                    lock(&problems).extend(p);
                }
            }
            fingerprint::Outcome::Failed(p) => lock(&problems).push(p),
        };
    let deferred = Deferred::default();
    let on_candidate = |c: walk::Candidate| {
        if let Some(c) = deferred.offer(c) {
            fingerprint_one(c);
        }
    };
    // Binaries are found by their first bytes, whatever their names.
    let walk_opts = walk::Options {
        head_filter: Some(fingerprint::looks_binary),
        ..opts.walk.clone()
    };
    let (mut inventory, mut walked) = rayon::join(
        || {
            let inventory = collect::run(image);
            if !inventory.packages.is_empty() {
                prepare();
            }
            inventory
        },
        || {
            let mut walked = walk::walk(&image.fs, &walk_opts, counters, &on_candidate);
            // The walk's counts are taken when it ends: the held files' too.
            let counts = || {
                let (b, n) = (&counters.binaries, &counters.not_binaries);
                (b.load(Relaxed), n.load(Relaxed))
            };
            let before = counts();
            deferred.run(&fingerprint_one);
            let after = counts();
            walked.stats.binaries_parsed += after.0 - before.0;
            walked.stats.not_binaries += after.1 - before.1;
            walked
        },
    );
    // Language packages, from the manifests the walk found by name; after
    // the package databases, so a file a database lists stays its own.
    inventory.extend(collect::lang::run(
        image,
        &std::mem::take(&mut walked.manifests),
    ));
    let binaries = found.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut errors = problems.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.append(&mut walked.errors);
    errors.append(&mut inventory.errors);
    Found {
        inventory,
        walked,
        binaries,
        errors,
    }
}

/// Large PE files, held (open) until the walk is done, then fingerprinted
/// largest first on every worker.
///
/// Reading, parsing and above all hashing a PE file for its Authenticode
/// digest cost in proportion to its size, and the digest is most of the
/// cpu time of a Windows image. Fingerprinted where the walk finds them, a
/// 100 MB `node.exe` met last keeps one core busy while the other idles.
/// Taken in order of size, largest first, from one queue, the workers end
/// within about the time of the smallest of them of each other (the
/// longest-processing-time rule). The walk's own work (small files,
/// directories) and the package collectors fill the cores meanwhile.
///
/// Every PE file from [`DEFER_FROM`] bytes is held, not only those with a
/// certificate table: finding the table would cost a read of the PE
/// headers per file, and an unsigned file's read and parse also grow with
/// its size. Memory stays bounded: a held file is its descriptor and its
/// first bytes, at most [`MAX_DEFERRED`] of them (more are fingerprinted at
/// once, as before), and only one file per worker is read at a time.
#[derive(Default)]
struct Deferred(Mutex<Vec<walk::Candidate>>);

/// PE files of this size and more wait for the end of the walk.
const DEFER_FROM: u64 = 1 << 20;
/// At most this many files wait, each with its descriptor open.
const MAX_DEFERRED: usize = 256;

impl Deferred {
    /// Holds a large PE file and returns `None`, or gives the candidate
    /// back to be fingerprinted now.
    fn offer(&self, c: walk::Candidate) -> Option<walk::Candidate> {
        let large_pe = c.size >= DEFER_FROM
            && fingerprint::sniff(&c.head)
                == fingerprint::Sniff::Binary(crate::model::binary::Format::Pe);
        if !large_pe {
            return Some(c);
        }
        let mut held = lock(&self.0);
        if held.len() >= MAX_DEFERRED {
            return Some(c);
        }
        held.push(c);
        None
    }

    /// Fingerprints the held files, largest first, on every worker of the
    /// pool; returns when all are done.
    fn run(&self, fingerprint_one: &(impl Fn(walk::Candidate) + Sync)) {
        let mut held = std::mem::take(&mut *lock(&self.0));
        held.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.rel.cmp(&b.rel)));
        let queue = Mutex::new(held.into_iter());
        let next = || lock(&queue).next();
        rayon::scope(|s| {
            for _ in 0..rayon::current_num_threads() {
                s.spawn(|_| {
                    while let Some(c) = next() {
                        fingerprint_one(c);
                    }
                });
            }
        });
    }
}

/// Makes new ids unique across the report: a repeat of an id `seen`
/// before becomes `ID#2`, `ID#3`..., in order.
pub(crate) fn unique_ids<'a>(
    mut seen: HashSet<String>,
    ids: impl IntoIterator<Item = &'a mut String>,
) {
    for id in ids {
        if !seen.insert(id.clone()) {
            let base = id.clone();
            let mut n = 2;
            while !seen.insert(format!("{base}#{n}")) {
                n += 1;
            }
            *id = format!("{base}#{n}");
        }
    }
}

fn located(image: usize, p: Problem) -> ImageProblem {
    ImageProblem {
        image,
        path: p.path,
        message: p.message,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::{DEFER_FROM, Deferred, MAX_DEFERRED, unique_ids};
    use crate::walk::Candidate;
    use std::fs::File;
    use std::io::Write;
    use std::path::Path;
    use std::sync::Mutex;

    /// A sparse file of `size` bytes starting with `head`, as the walk
    /// hands it over.
    fn candidate(dir: &Path, name: &str, head: &[u8], size: u64) -> Candidate {
        let path = dir.join(name);
        let mut f = File::create(&path).unwrap();
        f.write_all(head).unwrap();
        f.set_len(size).unwrap();
        let file = crate::image::ImageFile::host(File::open(&path).unwrap());
        let meta = file.snapshot().unwrap();
        Candidate {
            head: head.to_vec(),
            rel: format!("/{name}"),
            size,
            mode: meta.mode,
            dev: meta.dev,
            ino: meta.ino,
            file,
            meta,
            zone: None,
        }
    }

    /// A large PE file, fingerprinted after the walk, is in the image's
    /// binaries and counted in its stats as any other.
    #[test]
    fn a_large_pe_file_is_found_and_counted() {
        use crate::fingerprint::embedded::writer;
        let dir = tempfile::tempdir().unwrap();
        let code = vec![0xc3u8; 2 << 20];
        let pe = writer::pe_with_sections(&[(".text", &code)]);
        std::fs::write(dir.path().join("big.exe"), &pe).unwrap();
        std::fs::write(dir.path().join("small.exe"), writer::pe_with_sections(&[])).unwrap();
        let image = crate::image::Image::open_as(dir.path(), None).unwrap();
        let progress = crate::progress::Progress::hidden();
        let found = super::collect_and_walk(&image, &super::Options::default(), &progress, || {});
        let mut paths: Vec<&str> = found.binaries.iter().map(|b| b.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["big.exe", "small.exe"]);
        assert_eq!(found.walked.stats.binaries_parsed, 2);
        assert_eq!(found.walked.stats.not_binaries, 0);
    }

    /// Large PE files wait and then go largest first (one worker here, so
    /// the order is the queue's); others, and any past the bound, are
    /// given back at once.
    #[test]
    fn large_pe_files_wait_and_go_largest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut pe = b"MZ".to_vec();
        pe.resize(64, 0);
        let deferred = Deferred::default();
        let sizes = [("b.dll", 1), ("a.exe", 3), ("c.exe", 2), ("d.dll", 2)];
        for (name, mib) in sizes {
            let c = candidate(dir.path(), name, &pe, mib * DEFER_FROM);
            assert!(deferred.offer(c).is_none(), "{name}");
        }
        let small = candidate(dir.path(), "small.dll", &pe, DEFER_FROM - 1);
        assert!(deferred.offer(small).is_some());
        let elf = candidate(
            dir.path(),
            "big.so",
            b"\x7fELF\x02\x01\x01\0",
            4 * DEFER_FROM,
        );
        assert!(deferred.offer(elf).is_some());
        let order = Mutex::new(Vec::new());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        pool.install(|| deferred.run(&|c: Candidate| order.lock().unwrap().push(c.rel)));
        assert_eq!(
            order.into_inner().unwrap(),
            ["/a.exe", "/c.exe", "/d.dll", "/b.dll"]
        );
        // Emptied by the run; the bound holds descriptors in check.
        for i in 0..MAX_DEFERRED {
            let c = candidate(dir.path(), &format!("{i}.dll"), &pe, DEFER_FROM);
            assert!(deferred.offer(c).is_none());
        }
        let over = candidate(dir.path(), "over.dll", &pe, DEFER_FROM);
        assert_eq!(
            deferred.offer(over).map(|c| c.rel).as_deref(),
            Some("/over.dll")
        );
    }

    #[test]
    fn repeated_ids_are_numbered_in_order() {
        let earlier = ["0:dpkg:a@1".to_owned()].into_iter().collect();
        let mut ids = ["0:dpkg:a@1", "1:dpkg:b", "0:dpkg:a@1", "1:dpkg:b"].map(str::to_owned);
        unique_ids(earlier, &mut ids);
        assert_eq!(
            ids,
            ["0:dpkg:a@1#2", "1:dpkg:b", "0:dpkg:a@1#3", "1:dpkg:b#2"]
        );
    }
}
