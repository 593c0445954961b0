//! The pipeline for one scan: for each root, collect packages and walk the
//! tree in parallel, attach binaries to the packages that own them, group
//! the rest by install directory, match rules, assess, and assemble the
//! report. Everything that reaches the report is sorted, so the same image
//! gives the same bytes.

use crate::assess::aggregate::aggregate;
use crate::assess::policy::Policy;
use crate::assess::{self, Context, Subject};
use crate::collect;
use crate::date::Date;
use crate::fingerprint;
use crate::image::{DirResolver, Image};
use crate::model::binary::{Binary, Claim, Flag};
use crate::model::inventory::{Evidence, Family, Kind, Package, Problem, Source, Supplier, prop};
use crate::model::report::*;
use crate::progress::Progress;
use crate::rules::{self, Facts, Hit, RuleDb, Target, VendorKind};
use crate::walk;
use std::collections::{BTreeMap, HashMap, HashSet};
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
}

impl Default for Options {
    fn default() -> Self {
        Self {
            walk: walk::Options::default(),
            max_binary_size: fingerprint::DEFAULT_MAX_SIZE,
            policy: Policy::default(),
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
    let images: Vec<Image> = roots
        .iter()
        .map(|r| Image::open(r))
        .collect::<Result<_, _>>()?;
    let params = opts.policy.params(db);
    let cx = Context {
        db,
        params: &params,
        mitigations: &opts.policy.mitigations,
        db_date: Date::parse(&db.meta.date).unwrap_or_else(Date::today),
    };
    let mut report = Report {
        schema_version: SCHEMA_VERSION.to_owned(),
        tool: Tool {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        rules: RulesInfo {
            version: db.meta.version.clone(),
            date: db.meta.date.clone(),
            files: db.meta.files.clone(),
        },
        model: ModelInfo {
            params: params.clone(),
            policy: opts.policy.path.clone(),
            mitigations: opts.policy.mitigations.len(),
        },
        scan: ScanInfo { duration_ms: 0 },
        images: Vec::new(),
        components: Vec::new(),
        binaries: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        summary: Summary::default(),
        policy: None,
    };
    for (idx, image) in images.iter().enumerate() {
        scan_image(idx, image, &cx, opts, progress, &mut report);
    }
    progress.stage("reporting");
    for w in &opts.policy.warnings {
        report.warnings.push(ImageProblem {
            image: 0,
            path: opts.policy.path.clone().unwrap_or_default(),
            message: w.clone(),
        });
    }
    for img in &mut report.images {
        let mine: Vec<&Component> = report
            .components
            .iter()
            .filter(|c| c.image == img.id)
            .collect();
        img.summary = aggregate(&mine, db, &params, &opts.policy);
    }
    let all: Vec<&Component> = report.components.iter().collect();
    let model = aggregate(&all, db, &params, &opts.policy);
    report.summary = crate::assess::aggregate::summary(
        &report.components,
        &report.binaries,
        (
            report.errors.len(),
            report.warnings.len(),
            report.skipped.len(),
        ),
        model,
    );
    report.scan.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

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
    let counters = progress.counters();
    let found: Mutex<Vec<Binary>> = Mutex::new(Vec::new());
    let problems: Mutex<Vec<Problem>> = Mutex::new(Vec::new());
    let on_candidate = |c: walk::Candidate| match fingerprint::fingerprint(&c, opts.max_binary_size)
    {
        fingerprint::Outcome::NotBinary => {}
        fingerprint::Outcome::Binary(b, p) => {
            counters.binaries.fetch_add(1, Relaxed);
            lock(&found).push(*b);
            if !p.is_empty() {
                lock(&problems).extend(p);
            }
        }
        fingerprint::Outcome::Failed(p) => lock(&problems).push(p),
    };
    let (inventory, walked) = rayon::join(
        || collect::run(image),
        || walk::walk(&image.fs, &opts.walk, counters, &on_candidate),
    );
    let mut binaries = found.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut errors = problems.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.extend(walked.errors);
    errors.extend(inventory.errors);

    progress.stage("matching");
    merge_hard_links(&mut binaries, walked.aliases);

    let mut packages = inventory.packages;
    let owners = assign_owners(image, &mut packages, &binaries);
    // Each binary's own vendor and its claim flags first: a company name the
    // binary's signature contradicts must not label its component.
    let bin_vendors: Vec<Option<String>> =
        binaries.iter_mut().map(|b| binary_vendor(b, db)).collect();

    let mut components: Vec<Component> = Vec::new();
    let mut bin_component: Vec<Option<usize>> = vec![None; binaries.len()];
    for (pi, pkg) in packages.iter().enumerate() {
        let bins = &owners.pkg_bins[pi];
        let hits = db
            .matcher
            .matches(&package_facts(pkg, image, bins, &binaries));
        let files = if owners.file_counts[pi] == 0 {
            bins.len()
        } else {
            owners.file_counts[pi]
        };
        let mut c = build_component(idx, pkg, hits, cx, files, bins.len());
        c.signers = signer_counts(bins, &binaries);
        for &bi in bins {
            bin_component[bi] = Some(components.len());
        }
        components.push(c);
    }
    for (group, members) in &owners.groups {
        let pkg = group_package(group, members, &binaries);
        let facts = group_facts(group, members, &binaries);
        let hits = weigh_group_hits(db.matcher.matches(&facts), facts.binaries.len());
        let mut c = build_component(idx, &pkg, hits, cx, members.len(), members.len());
        c.signers = signer_counts(members, &binaries);
        for &bi in members {
            bin_component[bi] = Some(components.len());
        }
        components.push(c);
    }
    // Unique ids, in a stable order.
    let mut seen: HashSet<String> = report.components.iter().map(|c| c.id.clone()).collect();
    for c in &mut components {
        if !seen.insert(c.id.clone()) {
            let base = c.id.clone();
            let mut n = 2;
            while !seen.insert(format!("{base}#{n}")) {
                n += 1;
            }
            c.id = format!("{base}#{n}");
        }
    }

    for (bi, (b, vendor)) in binaries.into_iter().zip(bin_vendors).enumerate() {
        let component = bin_component[bi].map(|ci| components[ci].id.clone());
        report
            .binaries
            .push(BinaryReport::new(idx, b, component, vendor));
    }
    components.sort_by(|a, b| {
        (a.kind, a.source, &a.name, &a.arch, &a.version, &a.id)
            .cmp(&(b.kind, b.source, &b.name, &b.arch, &b.version, &b.id))
    });
    report.components.extend(components);

    let mut skipped: Vec<Located> = walked
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
    let mut errs: Vec<ImageProblem> = errors.into_iter().map(|p| located(idx, p)).collect();
    errs.sort();
    errs.dedup();
    report.errors.extend(errs);
    let mut warns: Vec<ImageProblem> = inventory
        .warnings
        .into_iter()
        .map(|p| located(idx, p))
        .collect();
    warns.sort();
    report.warnings.extend(warns);
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
    });
}

/// Hard links: the smallest name becomes the binary's path, the others its
/// `links`, whichever thread happened to see which name first.
fn merge_hard_links(binaries: &mut [Binary], aliases: Vec<(u64, u64, String)>) {
    let by_inode: HashMap<(u64, u64), usize> = binaries
        .iter()
        .enumerate()
        .map(|(i, b)| ((b.dev, b.ino), i))
        .collect();
    for (dev, ino, alias) in aliases {
        if let Some(&i) = by_inode.get(&(dev, ino)) {
            binaries[i].links.push(alias);
        }
    }
    for b in binaries.iter_mut().filter(|b| !b.links.is_empty()) {
        b.links.push(std::mem::take(&mut b.path));
        b.links.sort();
        b.path = b.links.remove(0);
    }
    binaries.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Who owns each binary: a package (by an owned file or directory), or an
/// install-directory group.
struct Owners {
    /// Binary indices per package.
    pkg_bins: Vec<Vec<usize>>,
    /// Files each package's manifest lists.
    file_counts: Vec<usize>,
    /// Install directory → binary indices, for binaries no package owns.
    groups: BTreeMap<String, Vec<usize>>,
}

/// Only the binaries are indexed; each package's file list is streamed past
/// that index and dropped, so memory doesn't grow with the number of owned
/// files. Manifest paths are canonicalised inside the image (`/lib/x` →
/// `usr/lib/x` on usrmerge). The first package in collector order wins.
fn assign_owners(image: &Image, packages: &mut [Package], binaries: &[Binary]) -> Owners {
    let mut bin_at: HashMap<&str, usize> = HashMap::new();
    for (bi, b) in binaries.iter().enumerate() {
        bin_at.insert(b.path.as_str(), bi);
        for l in &b.links {
            bin_at.insert(l.as_str(), bi);
        }
    }
    let mut bin_owner: Vec<Option<usize>> = vec![None; binaries.len()];
    let mut file_counts: Vec<usize> = vec![0; packages.len()];
    let mut dir_owner: HashMap<String, usize> = HashMap::new();
    let mut resolver = DirResolver::new(&image.fs);
    for (i, p) in packages.iter_mut().enumerate() {
        let files = std::mem::take(&mut p.files);
        file_counts[i] = files.len();
        for f in &files {
            if let Some(&bi) = bin_at.get(resolver.canonical(f).as_str()) {
                bin_owner[bi].get_or_insert(i);
            }
        }
        for d in &p.dirs {
            // Resolve the whole directory path: it is the prefix itself.
            let canon = image
                .fs
                .resolve(d.trim_start_matches('/'))
                .map(|p| crate::paths::display(&p).0)
                .unwrap_or_else(|_| crate::paths::normalize(d));
            dir_owner.entry(canon).or_insert(i);
        }
    }
    let dir_owner_of = |path: &str| -> Option<usize> {
        let mut p = path;
        while let Some(cut) = p.rfind('/') {
            p = &p[..cut];
            if let Some(&i) = dir_owner.get(p) {
                return Some(i);
            }
        }
        None
    };
    let system_root = image.family() != Family::Directory;
    let windows = image.family() == Family::Windows;
    let mut owners = Owners {
        pkg_bins: vec![Vec::new(); packages.len()],
        file_counts,
        groups: BTreeMap::new(),
    };
    for (bi, b) in binaries.iter().enumerate() {
        match bin_owner[bi].or_else(|| dir_owner_of(&b.path)) {
            Some(pi) => owners.pkg_bins[pi].push(bi),
            None => owners
                .groups
                .entry(if windows {
                    windows_install_group(&b.path)
                } else {
                    install_group(&b.path, system_root)
                })
                .or_default()
                .push(bi),
        }
    }
    owners
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

/// Directories that say where a file sits, not what product it belongs to.
const PREFIXES: &[&str] = &[
    "usr/local",
    "opt",
    "srv",
    "usr/lib64",
    "usr/lib",
    "usr/libexec",
    "usr/share",
    "usr",
    "var/lib",
    "root",
    "snap",
];
const TRANSPARENT: &[&str] = &[
    "bin",
    "sbin",
    "lib",
    "lib32",
    "lib64",
    "libexec",
    "share",
    "include",
    "Downloads",
    "Desktop",
    "Documents",
    "Programs",
    "apps",
];

/// The install directory an unowned binary belongs to, so a 200-file tree is
/// one component: the first directory below an install prefix (`opt`,
/// `usr/local`, a home directory...) that is not a generic one (`bin`, `lib`,
/// a multiarch triplet). A binary directly in a generic directory is its own
/// group. In an operating-system root, any other top-level directory
/// (`srv`, `tmp`, `data`...) is treated as a prefix too, so unrelated trees
/// below it don't merge into one component; in a plain directory the root
/// itself is the prefix.
pub fn install_group(rel: &str, system_root: bool) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut i = 0;
    // Home directories: home/USER and its .local, .local/share.
    if parts.first() == Some(&"home") && parts.len() > 2 {
        i = 2;
        if parts.get(2) == Some(&".local") {
            i = 3;
            if parts.get(3) == Some(&"share") {
                i = 4;
            }
        }
    } else {
        for p in PREFIXES {
            let pp: Vec<&str> = p.split('/').collect();
            if parts.len() > pp.len() && parts[..pp.len()] == pp[..] {
                i = pp.len();
                break;
            }
        }
        if i == 0 && system_root && parts.len() > 1 {
            i = 1;
        }
    }
    while i + 1 < parts.len() && (TRANSPARENT.contains(&parts[i]) || is_triplet(parts[i])) {
        i += 1;
    }
    parts[..=i.min(parts.len() - 1)].join("/")
}

/// Windows install prefixes, lower case: the directory below one of these
/// (`*` = any one directory, a user) is an install directory.
const WINDOWS_PREFIXES: &[&[&str]] = &[
    &["program files", "common files"],
    &["program files (x86)", "common files"],
    &["program files", "windowsapps"],
    &["program files"],
    &["program files (x86)"],
    &["programdata", "microsoft", "windows", "start menu"],
    &["programdata"],
    &["users", "*", "appdata", "local", "programs"],
    &["users", "*", "appdata", "local"],
    &["users", "*", "appdata", "roaming"],
    &["users", "*", "appdata", "locallow"],
    &["users", "*", "downloads"],
    &["users", "*", "desktop"],
    &["users", "*", "documents"],
    &["users", "*"],
];

/// Directories below `Program Files` that name a vendor with several
/// products (`Program Files/Microsoft Office/...`, `Program Files/Google/
/// Chrome`): the product directory below them is the install directory.
fn is_vendor_dir(parts: &[&str], i: usize) -> bool {
    parts.len() > i + 2
        && parts[..i].first().is_some_and(|p| {
            p.eq_ignore_ascii_case("program files") || p.eq_ignore_ascii_case("program files (x86)")
        })
        && i == 1
        && !parts[i + 1].eq_ignore_ascii_case("bin")
        && VENDOR_DIRS.iter().any(|v| parts[i].eq_ignore_ascii_case(v))
}

/// Vendor directories under `Program Files` that hold several products.
const VENDOR_DIRS: &[&str] = &[
    "Adobe",
    "Citrix",
    "Google",
    "Microsoft",
    "Mozilla",
    "Oracle",
    "VMware",
    "Cisco",
    "Kaspersky Lab",
    "ESET",
    "Tencent",
    "Common Files",
];

/// [`install_group`] for Windows images, ignoring case: a binary under
/// `Program Files`, `ProgramData`, a user's `AppData/Local/Programs`,
/// `AppData/Roaming` or `Downloads` belongs to the first directory below
/// that prefix (`Program Files/Acme Tools/acmetool.exe` → `Program
/// Files/Acme Tools`; one level deeper below vendor directories like
/// `Program Files/Google/Chrome`); a binary directly in such a prefix
/// (`Downloads/putty.exe`) is its own group; anything else groups by its
/// top-level directory.
pub fn windows_install_group(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    let lower: Vec<String> = parts.iter().map(|p| p.to_lowercase()).collect();
    let mut i = 0;
    for prefix in WINDOWS_PREFIXES {
        if parts.len() > prefix.len()
            && prefix
                .iter()
                .zip(&lower)
                .all(|(want, have)| *want == "*" || want == have)
        {
            i = prefix.len();
            break;
        }
    }
    if i == 0 {
        i = usize::from(parts.len() > 1);
    } else if is_vendor_dir(&parts, i) {
        i += 1;
    }
    parts[..=i.min(parts.len() - 1)].join("/")
}

fn is_triplet(s: &str) -> bool {
    s.contains("-linux-") || s.ends_with("-linux")
}

fn package_facts<'a>(
    pkg: &'a Package,
    image: &'a Image,
    bins: &[usize],
    binaries: &'a [Binary],
) -> Facts<'a> {
    let mut f = Facts::default();
    if pkg.kind == Kind::OperatingSystem {
        f.names.push(("os id", pkg.name.as_str()));
        let source = match image.family() {
            Family::Windows => "windows-registry",
            _ => "os-release",
        };
        for (k, v) in &image.os.fields {
            f.metadata.push(format!("{source}:{k}={v}"));
        }
    } else {
        f.names.push(("package name", pkg.name.as_str()));
        if let Some(src) = pkg.properties.get(prop::SOURCE_PACKAGE) {
            // `Source: glibc (2.36-9)` → glibc
            let src = src.split_whitespace().next().unwrap_or(src);
            f.names.push(("source package", src));
        }
    }
    for (k, v) in &pkg.properties {
        f.metadata.push(format!("{}:{k}={v}", pkg.source));
    }
    // Bundle ids (app bundles, pkg receipts) match `bundle_ids` patterns.
    if let Some(id) = pkg.properties.get(prop::BUNDLE_ID) {
        f.bundle_ids.push(id);
    }
    supplier_facts(&pkg.supplier, &mut f);
    let mut names: Vec<&str> = bins.iter().map(|&b| binaries[b].file_name()).collect();
    names.sort_unstable();
    names.dedup();
    f.binaries = names;
    for &b in bins {
        claim_facts(&binaries[b], &mut f);
    }
    f
}

fn supplier_facts<'a>(s: &'a Supplier, f: &mut Facts<'a>) {
    for (field, v) in s.strings() {
        f.suppliers.push((field, v));
        for d in rules::email_domains(v) {
            f.domains.push(("e-mail domain", d.to_owned()));
        }
    }
    if let Some(h) = s.homepage.as_deref().and_then(rules::url_host) {
        f.domains.push(("homepage domain", h.to_owned()));
    }
}

/// What a binary claims about its maker (package note, signer, Team ID,
/// bundle id, company name), as rule facts.
fn claim_facts<'a>(b: &'a Binary, f: &mut Facts<'a>) {
    // Flagged company names are claims the binary's signature doesn't back.
    let distrust_company = b
        .flags
        .iter()
        .any(|x| matches!(x, Flag::UnsignedVendorClaim | Flag::SignerMismatch));
    for c in &b.claims {
        match c {
            Claim::PackageName(n) => f.names.push(("binary package note", n)),
            Claim::Metadata(m) => f.metadata.push(m.clone()),
            Claim::Signer { name, verified } => f.signers.push((name, *verified)),
            Claim::TeamId(t) => f.team_ids.push(t),
            Claim::BundleId(id) => f.bundle_ids.push(id),
            Claim::Company(c) if !distrust_company => f.companies.push(c),
            Claim::Company(_) => {}
        }
    }
}

fn group_facts<'a>(group: &'a str, members: &[usize], binaries: &'a [Binary]) -> Facts<'a> {
    let mut f = Facts::default();
    let mut names: Vec<&str> = members.iter().map(|&b| binaries[b].file_name()).collect();
    names.sort_unstable();
    names.dedup();
    f.binaries = names;
    f.dirs.push(crate::paths::file_name(group));
    for &b in members {
        claim_facts(&binaries[b], &mut f);
    }
    f
}

/// A pseudo-package for a group of unowned binaries.
fn group_package(group: &str, members: &[usize], binaries: &[Binary]) -> Package {
    let single = members.len() == 1 && binaries[members[0]].path == group;
    let what = if single {
        "unowned binary"
    } else {
        "install directory of unowned binaries"
    };
    let mut pkg = Package::new(
        Source::Binary,
        crate::paths::file_name(group),
        Evidence::new(
            group,
            "install-dir",
            format!("{what}: {} binaries", members.len()),
        ),
    );
    pkg.properties.insert(prop::INSTALL_PATH, group.to_owned());
    // One architecture if all binaries agree.
    let archs: HashSet<&str> = members
        .iter()
        .filter_map(|&b| binaries[b].arch.as_deref())
        .collect();
    if archs.len() == 1 {
        pkg.arch = archs.into_iter().next().map(str::to_owned);
    }
    // A version and name from the package note, if the binaries carry one.
    for &b in members {
        if let Some(serde_json::Value::Object(n)) = binaries[b]
            .elf
            .as_ref()
            .and_then(|e| e.package_note.as_ref())
        {
            if let Some(v) = n.get("version").and_then(|v| v.as_str()) {
                pkg.version.get_or_insert_with(|| v.to_owned());
            }
            if let Some(l) = n.get("license").and_then(|v| v.as_str()) {
                pkg.license.get_or_insert_with(|| l.to_owned());
            }
            if let Some(v) = n.get("vendor").and_then(|v| v.as_str()) {
                pkg.supplier.vendor.get_or_insert_with(|| v.to_owned());
            }
            pkg.evidence.push(Evidence::new(
                &binaries[b].path,
                "elf-note",
                ".note.package",
            ));
            break;
        }
    }
    if members.len() > 1 || !single {
        pkg.kind = Kind::Application;
    } else if binaries[members[0]].has(Flag::SharedLibrary) {
        pkg.kind = Kind::Library;
    }
    pkg
}

fn component_id(image: usize, pkg: &Package) -> String {
    let key = match pkg.properties.get(prop::INSTALL_PATH) {
        Some(p) => p.clone(),
        None => {
            let mut k = pkg.name.clone();
            if let Some(a) = &pkg.arch {
                k.push(':');
                k.push_str(a);
            }
            if let Some(v) = &pkg.version {
                k.push('@');
                k.push_str(v);
            }
            k
        }
    };
    format!("{image}:{}:{key}", pkg.source)
}

/// Binary names are weak evidence for a large group of unowned binaries: one
/// `firefox` in a build tree of 150 binaries doesn't make the tree Firefox.
/// A target's binary-name hits count when the group has at most
/// [`SMALL_GROUP`] distinct binary names, or when they cover at least a tenth
/// of them. Other hits (package notes, the install directory's name) stay.
fn weigh_group_hits(hits: Vec<Hit>, distinct_names: usize) -> Vec<Hit> {
    if distinct_names <= SMALL_GROUP {
        return hits;
    }
    let mut per_target: HashMap<Target, usize> = HashMap::new();
    for h in hits.iter().filter(|h| h.field == BINARY_NAME) {
        *per_target.entry(h.target).or_default() += 1;
    }
    hits.into_iter()
        .filter(|h| h.field != BINARY_NAME || per_target[&h.target] * 10 >= distinct_names)
        .collect()
}

const SMALL_GROUP: usize = 20;
const BINARY_NAME: &str = "binary name";

fn build_component(
    image: usize,
    pkg: &Package,
    hits: Vec<Hit>,
    cx: &Context,
    files: usize,
    nbins: usize,
) -> Component {
    let db = cx.db;
    let (product, vendor) = decide(&hits, db);
    let product_def = product.map(|p| &db.products[p]);
    let vendor_def = vendor.map(|v| &db.vendors[v]);
    // A channel (Flathub) publishes others' software: it has no controller
    // to speak of, so the component stays unresolved, saying through which
    // channel it came.
    let channel = vendor_def.filter(|v| v.kind == VendorKind::Channel);
    let chain: Vec<usize> = match (vendor, channel) {
        (Some(v), None) => db.chain(v),
        _ => Vec::new(),
    };
    let controller = chain.last().map(|&c| &db.vendors[c]);
    let jurisdiction = controller
        .and_then(|c| c.country.as_deref())
        .and_then(|c| db.jurisdiction(c));
    // The archive policy applies when a distribution vendor was identified
    // by supplier fields and no product rule says more.
    let archive = match (product_def, vendor_def) {
        (None, Some(v)) if pkg.source != Source::Binary => v.archive.as_ref(),
        _ => None,
    };

    let license = license_of(pkg, product_def, vendor_def, archive, db);
    let category = if let Some(p) = product_def {
        p.category.clone()
    } else if pkg.kind == Kind::OperatingSystem {
        "os".to_owned()
    } else if let Some(a) = archive {
        a.category.clone()
    } else {
        "unknown".to_owned()
    };
    let risk = assess::assess(
        &Subject {
            chain: &chain,
            channel,
            product: product_def,
            open_source: license.open_source,
            license: license.spdx.as_deref().or(license.stated.as_deref()),
            category: db.category(&category),
        },
        cx,
    );
    let party = |v: &rules::Vendor| Party {
        id: v.id.clone(),
        name: v.name.clone(),
        country: v.country.clone(),
    };
    let matched = hits.first().map(|best| MatchReport {
        confidence: best.confidence,
        evidence: hits.iter().take(8).map(|h| match_evidence(h, db)).collect(),
    });
    // Collector order: the defining record first, then supporting files.
    let evidence = pkg.evidence.clone();
    Component {
        id: component_id(image, pkg),
        image,
        name: pkg.name.clone(),
        version: pkg.version.clone(),
        arch: pkg.arch.clone(),
        source: pkg.source,
        kind: pkg.kind,
        category,
        product: product_def.map(|p| ProductRef {
            id: p.id.clone(),
            name: p.name.clone(),
        }),
        vendor: vendor_def.map(party),
        controller: controller.map(party),
        controller_chain: chain.iter().map(|&v| db.vendors[v].id.clone()).collect(),
        jurisdiction: jurisdiction.map(|j| JurisdictionReport {
            country: j.country.clone(),
            bloc: j.bloc,
            laws: j.laws.iter().map(|&l| db.laws[l].id.clone()).collect(),
        }),
        license,
        risk,
        matched,
        alternatives: product_def
            .map(|p| {
                p.alternatives
                    .iter()
                    .map(|&a| ProductRef {
                        id: db.products[a].id.clone(),
                        name: db.products[a].name.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        supplier: pkg.supplier.clone(),
        purl: pkg.purl.clone(),
        properties: pkg.properties.clone(),
        evidence,
        files,
        binaries: nbins,
        signers: BTreeMap::new(),
    }
}

/// Claimed signer name → how many of the binaries carry its signature.
fn signer_counts(bins: &[usize], binaries: &[Binary]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for &b in bins {
        if let Some(name) = binaries[b]
            .signature
            .as_ref()
            .and_then(|s| s.subject.as_ref())
            .and_then(|s| s.name())
        {
            *out.entry(name.to_owned()).or_default() += 1;
        }
    }
    out
}

/// The deciding hit's target; a product hit of lower confidence is used too
/// when it agrees with a deciding vendor hit.
fn decide(hits: &[Hit], db: &RuleDb) -> (Option<usize>, Option<usize>) {
    // Any other identification beats a distribution channel.
    let is_channel = |h: &&Hit| match h.target {
        Target::Vendor(v) => db.vendors[v as usize].kind == VendorKind::Channel,
        Target::Product(_) => false,
    };
    let Some(best) = hits
        .iter()
        .find(|h| !is_channel(h))
        .or_else(|| hits.first())
    else {
        return (None, None);
    };

    match best.target {
        Target::Product(p) => (Some(p as usize), Some(db.products[p as usize].vendor)),
        Target::Vendor(v) => {
            // A product of the same control chain (Skype, published by
            // Microsoft's Luxembourg entity, signed by Microsoft) is kept,
            // with its own, more specific vendor.
            let v = v as usize;
            let related =
                |pv: usize| pv == v || db.chain(pv).contains(&v) || db.chain(v).contains(&pv);
            let agreeing = hits.iter().find_map(|h| match h.target {
                Target::Product(p) if related(db.products[p as usize].vendor) => Some(p as usize),
                _ => None,
            });
            match agreeing {
                Some(p) => (Some(p), Some(db.products[p].vendor)),
                None => (None, Some(v)),
            }
        }
    }
}

fn match_evidence(h: &Hit, db: &RuleDb) -> MatchEvidence {
    MatchEvidence {
        rule: match h.target {
            Target::Product(p) => format!("product:{}", db.products[p as usize].id),
            Target::Vendor(v) => format!("vendor:{}", db.vendors[v as usize].id),
        },
        field: h.field.clone(),
        value: h.value.clone(),
        pattern: h.pattern.clone(),
        confidence: h.confidence,
    }
}

fn license_of(
    pkg: &Package,
    product: Option<&rules::Product>,
    vendor: Option<&rules::Vendor>,
    archive: Option<&rules::Archive>,
    db: &RuleDb,
) -> LicenseReport {
    if let Some(stated) = pkg.license.as_deref().filter(|s| !s.trim().is_empty())
        && let Some(open) = db.license_is_open(stated)
    {
        let spdx = db.spdx_id(stated).map(str::to_owned);
        return LicenseReport {
            stated: (spdx.as_deref() != Some(stated)).then(|| stated.to_owned()),
            spdx: spdx.or_else(|| Some(stated.to_owned())),
            open_source: Some(open),
            basis: format!("{} package metadata", pkg.source),
        };
    }
    let stated = pkg.license.clone().filter(|s| !s.trim().is_empty());
    if let Some(p) = product {
        let open = db.license_is_open(&p.license);
        return LicenseReport {
            spdx: (p.license != "proprietary").then(|| p.license.clone()),
            stated,
            open_source: open,
            basis: format!("rule product:{}", p.id),
        };
    }
    if let (Some(a), Some(v)) = (archive, vendor) {
        let section = pkg
            .properties
            .get(prop::SECTION)
            .map(String::as_str)
            .unwrap_or("");
        let excepted = a
            .except_sections
            .iter()
            .any(|s| section == s || section.starts_with(&format!("{s}/")));
        let policy = match (excepted, a.open_source) {
            (true, _) => Some((
                false,
                format!(
                    "archive policy of {}: section `{section}` is outside its free archive",
                    v.name
                ),
            )),
            (false, Some(true)) => Some((
                true,
                format!(
                    "archive policy of {}: only free software in its main archive",
                    v.name
                ),
            )),
            (false, Some(false)) => Some((
                false,
                format!("archive policy of {}: non-free archive", v.name),
            )),
            // A mixed archive says nothing about this package's licence.
            (false, None) => None,
        };
        if let Some((open, basis)) = policy {
            return LicenseReport {
                spdx: None,
                stated,
                open_source: Some(open),
                basis,
            };
        }
    }

    LicenseReport {
        spdx: None,
        open_source: None,
        basis: if stated.is_some() {
            "stated licence is not in the licence table".into()
        } else {
            "not stated".into()
        },
        stated,
    }
}

/// The vendor a binary's own metadata resolves to (signer before package
/// note before company name before file name: the matcher's confidences).
/// Also flags a company name that its signature doesn't back:
/// `unsigned-vendor-claim` (a known vendor's name in an unsigned file) and
/// `signer-mismatch` (signed by someone else than the company it names).
fn binary_vendor(b: &mut Binary, db: &RuleDb) -> Option<String> {
    let vendor = {
        let mut f = Facts::default();
        f.binaries.push(b.file_name());
        claim_facts(b, &mut f);
        decide(&db.matcher.matches(&f), db).1
    };
    let only = |keep: fn(&Claim) -> bool| {
        let mut f = Facts::default();
        for c in b.claims.iter().filter(|c| keep(c)) {
            match c {
                Claim::Company(n) => f.companies.push(n),
                Claim::Signer { name, verified } => f.signers.push((name, *verified)),
                _ => {}
            }
        }
        decide(&db.matcher.matches(&f), db).1
    };
    // Only a claim to an established publisher (a company or foundation,
    // which sign their releases) is suspicious when unsigned: independent
    // developers and community projects often don't sign.
    let company = only(|c| matches!(c, Claim::Company(_))).filter(|&v| {
        !matches!(
            db.vendors[v].kind,
            VendorKind::Community | VendorKind::Channel
        )
    });
    if let (Some(cv), Some(sig)) = (company, &b.signature) {
        let signer = sig.subject.as_ref().and_then(|s| s.name());
        let company_name = b.claims.iter().find_map(|c| match c {
            Claim::Company(n) => Some(n.as_str()),
            _ => None,
        });
        if !sig.signed {
            b.flag(Flag::UnsignedVendorClaim);
        } else if let Some(signer) = signer {
            let sv = only(|c| matches!(c, Claim::Signer { .. }));
            let related = sv.is_some_and(|sv| {
                let chain = db.chain(sv);
                db.chain(cv).iter().any(|v| chain.contains(v))
            });
            let same_name = company_name.is_some_and(|n| n.eq_ignore_ascii_case(signer));
            if !related && !same_name {
                b.flag(Flag::SignerMismatch);
            }
        }
    }
    vendor.map(|v| db.vendors[v].id.clone())
}

#[cfg(test)]
mod tests {
    use super::{build_component, install_group, supplier_facts};
    use crate::model::inventory::{Evidence, Package, Source};
    use crate::rules::{Facts, RuleDb};

    fn component(pkg: &Package) -> crate::model::report::Component {
        let db = RuleDb::embedded().unwrap();
        let mut facts = Facts::default();
        facts.names.push(("package name", pkg.name.as_str()));
        supplier_facts(&pkg.supplier, &mut facts);
        let params = db.model.params.clone();
        let cx = crate::assess::Context {
            db: &db,
            params: &params,
            mitigations: &[],
            db_date: crate::date::Date::parse(&db.meta.date).unwrap(),
        };
        build_component(0, pkg, db.matcher.matches(&facts), &cx, 0, 0)
    }

    #[test]
    fn one_binary_name_does_not_label_a_large_group() {
        let db = RuleDb::embedded().unwrap();
        let mut names: Vec<String> = (0..40).map(|i| format!("tool{i}")).collect();
        names.push("firefox".into());
        let facts = Facts {
            binaries: names.iter().map(String::as_str).collect(),
            ..Default::default()
        };
        let hits = db.matcher.matches(&facts);
        assert!(!hits.is_empty(), "firefox matches by binary name");
        assert!(super::weigh_group_hits(hits.clone(), 41).is_empty());
        // In a small group the same name decides.
        assert_eq!(super::weigh_group_hits(hits, 5).len(), 1);
    }

    fn package(source: Source, name: &str) -> Package {
        Package::new(source, name, Evidence::new("x", "test", "line 1"))
    }

    #[test]
    fn a_channel_alone_leaves_the_publisher_unknown() {
        let mut p = package(Source::Flatpak, "org.example.Unheard");
        p.supplier.publisher = Some("flathub".into());
        let c = component(&p);
        assert_eq!(c.vendor.as_ref().map(|v| v.id.as_str()), Some("flathub"));
        assert!(c.controller.is_none());
        assert_eq!(c.risk.level, crate::model::risk::Level::Unknown);
        assert!(
            c.risk.reasons[0].contains("published through Flathub"),
            "{:?}",
            c.risk.reasons
        );
    }

    #[test]
    fn a_product_beats_the_channel_it_came_through() {
        let mut p = package(Source::Flatpak, "org.mozilla.firefox");
        p.supplier.publisher = Some("flathub".into());
        let c = component(&p);
        assert_eq!(c.product.as_ref().map(|p| p.id.as_str()), Some("firefox"));
        assert_eq!(
            c.controller.as_ref().and_then(|v| v.country.as_deref()),
            Some("US")
        );
    }

    #[test]
    fn a_mixed_archive_gives_a_category_but_no_licence_claim() {
        let mut p = package(Source::Pacman, "libexample");
        p.supplier.maintainer = Some("Some Packager <packager@archlinux.org>".into());
        p.license = Some("custom".into());
        let c = component(&p);
        assert_eq!(c.vendor.as_ref().map(|v| v.id.as_str()), Some("archlinux"));
        assert_eq!(c.category, "system");
        assert_eq!(c.license.open_source, None);
    }

    #[test]
    fn debian_non_free_sections_are_not_open_source() {
        let mut p = package(Source::Dpkg, "firmware-misc-nonfree");
        p.supplier.origin = Some("Debian".into());
        p.properties
            .insert("section", "non-free-firmware/kernel".into());
        let c = component(&p);
        assert_eq!(c.license.open_source, Some(false));
        assert!(
            c.license.basis.contains("outside its free archive"),
            "{}",
            c.license.basis
        );
        let mut p = package(Source::Dpkg, "bash");
        p.supplier.origin = Some("Debian".into());
        p.properties.insert("section", "shells".into());
        assert_eq!(component(&p).license.open_source, Some(true));
    }

    #[test]
    fn verified_signer_then_publisher_then_company_name() {
        let db = RuleDb::embedded().unwrap();
        let vendor = |f: &Facts| {
            let (_, v) = super::decide(&db.matcher.matches(f), &db);
            v.map(|v| db.vendors[v].id.clone())
        };
        // A registry Publisher (medium) beats a CompanyName (low)...
        let mut f = Facts::default();
        f.suppliers.push(("publisher", "Google LLC"));
        f.companies.push("Microsoft Corporation");
        assert_eq!(vendor(&f).as_deref(), Some("google"));
        // ...and a signer whose digest matches (high) beats both.
        f.signers.push(("Mozilla Corporation", true));
        assert_eq!(vendor(&f).as_deref(), Some("mozilla"));
        // A signer over a changed file is only medium: no better than the
        // publisher, still better than the company name.
        let mut f = Facts::default();
        f.signers.push(("Mozilla Corporation", false));
        f.companies.push("Microsoft Corporation");
        assert_eq!(vendor(&f).as_deref(), Some("mozilla"));
    }

    #[test]
    fn groups_windows_binaries_by_install_directory() {
        use super::windows_install_group as g;
        assert_eq!(
            g("Program Files/Acme Tools/acmetool.exe"),
            "Program Files/Acme Tools"
        );
        assert_eq!(
            g("Program Files/Acme Tools/x/helper.dll"),
            "Program Files/Acme Tools"
        );
        assert_eq!(
            g("PROGRAM FILES (X86)/Google/Chrome/Application/chrome.exe"),
            "PROGRAM FILES (X86)/Google/Chrome"
        );
        assert_eq!(
            g("Users/alice/AppData/Local/Programs/Notepad++/notepad++.exe"),
            "Users/alice/AppData/Local/Programs/Notepad++"
        );
        assert_eq!(
            g("users/alice/downloads/putty.exe"),
            "users/alice/downloads/putty.exe"
        );
        assert_eq!(
            g("Users/bob/AppData/Roaming/Zoom/bin/Zoom.exe"),
            "Users/bob/AppData/Roaming/Zoom"
        );
        assert_eq!(g("ProgramData/Tool/t.exe"), "ProgramData/Tool");
        assert_eq!(g("Tools/x/y.exe"), "Tools/x");
        assert_eq!(g("setup.exe"), "setup.exe");
        assert_eq!(
            g("Program Files/Common Files/Oracle/Java/javapath/java.exe"),
            "Program Files/Common Files/Oracle"
        );
    }

    #[test]
    fn groups_by_install_directory() {
        assert_eq!(install_group("opt/zoom/zoom", true), "opt/zoom");
        assert_eq!(install_group("opt/zoom/cef/libcef.so", true), "opt/zoom");
        assert_eq!(
            install_group("usr/local/bin/tool", true),
            "usr/local/bin/tool"
        );
        assert_eq!(
            install_group("usr/local/lib/foo/x.so", true),
            "usr/local/lib/foo"
        );
        assert_eq!(
            install_group("home/alice/.local/share/JetBrains/Toolbox/bin/x", true),
            "home/alice/.local/share/JetBrains"
        );
        assert_eq!(
            install_group("home/alice/bin/tool", true),
            "home/alice/bin/tool"
        );
        assert_eq!(
            install_group("usr/lib/x86_64-linux-gnu/libfoo.so", true),
            "usr/lib/x86_64-linux-gnu/libfoo.so"
        );
        assert_eq!(install_group("app/bin/x", false), "app");
        assert_eq!(
            install_group("work/main/target/debug/sovscan", true),
            "work/main"
        );
        assert_eq!(install_group("tmp/r1/opt/zoom/zoom", true), "tmp/r1");
        assert_eq!(install_group("srv/tool", true), "srv/tool");
        assert_eq!(install_group("x", true), "x");
        assert_eq!(install_group("x", false), "x");
    }
}
