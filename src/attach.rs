//! Stage 3, attach: which package each fingerprinted binary belongs to.
//!
//! The stage takes the inventory's packages and the walk's binaries and
//! returns one [`Attached`] unit per future component: every package in
//! collector order, then one pseudo-package per install directory of
//! binaries no package owns. It guarantees:
//! - every binary is in exactly one unit;
//! - every name of a hard-linked file is a binary record of its own (the
//!   file was parsed once), attached by its own path, its other names kept
//!   as `links`;
//! - ownership is decided on canonical paths inside the image (a manifest's
//!   `/lib/x` owns `usr/lib/x` on usrmerge), by an owned file before an
//!   owned directory, and the first package in collector order wins;
//! - memory doesn't grow with the number of owned files: only the binaries
//!   are indexed, and each package's file list is streamed past that index
//!   and dropped;
//! - unowned binaries group by install directory (`opt/zoom`, `Program
//!   Files/Acme Tools`), so a 200-file tree is one component, not 200.
//!
//! It reads facts only (paths, package manifests, binary notes); no rule is
//! applied here.

use crate::image::read::read_text;
use crate::image::{DirResolver, Image};
use crate::model::aggregates::Share;
use crate::model::binary::{Binary, Flag};
use crate::model::inventory::{
    Evidence, Family, Kind, Package, Problem, Source, listed_paths, prop,
};
use crate::model::purl;
use crate::model::report::ComponentFlag;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A package and the binaries attached to it: one future component.
#[derive(Debug, Clone)]
pub struct Attached {
    /// The package, or for unowned binaries the pseudo-package of their
    /// install directory ([`group_package`]). Its file list has been
    /// consumed by the attachment.
    pub package: Package,
    /// Indices into the binaries given to [`attach`], ascending.
    pub binaries: Vec<usize>,
    /// How many files the component counts: those its manifest lists, or
    /// its binaries when the manifest lists none.
    pub files: usize,
    /// The install directory, when the unit is a group of unowned binaries.
    pub install_dir: Option<String>,
    /// For a group: who signed the files of its install directory (set by
    /// `identify::split_payloads`, which needs the rules to tell parties
    /// apart); `None` for packages and for groups with no verified
    /// signature.
    pub signing: Option<Signing>,
}

/// The verified signatures over the files of one install directory,
/// counted before any foreign payload nested in it was split off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signing {
    /// Verified signer name (certificate O, else CN) → files it signed.
    pub signers: BTreeMap<String, usize>,
    /// Binaries in the install directory, nested payloads included: the
    /// denominator of the shares.
    pub files: usize,
    /// The signers belong to more than one party (different controllers,
    /// or names no rule knows): the `mixed-signers` flag.
    pub mixed: bool,
}

impl Signing {
    /// Signer → files and share of the install directory's binaries, for a
    /// mixed directory (`components[].signer_shares`); empty otherwise.
    pub fn shares(&self) -> BTreeMap<String, Share> {
        if !self.mixed {
            return BTreeMap::new();
        }
        self.signers
            .iter()
            .map(|(name, &count)| {
                let share = count as f64 / self.files.max(1) as f64;
                (name.clone(), Share { count, share })
            })
            .collect()
    }

    /// The component flags the signatures earn: `mixed-signers`.
    pub fn flags(&self) -> Vec<ComponentFlag> {
        if self.mixed {
            vec![ComponentFlag::MixedSigners]
        } else {
            Vec::new()
        }
    }
}

/// Hard links: every name of a file is a binary record of its own, so each
/// is attributed by its own path (a DLL in `Windows/System32` and its link
/// in `Windows/WinSxS` each go to their own package or group). The file was
/// read and parsed once, under whichever name the walk met first; the other
/// names (`aliases`, as the walk lists them) get a copy of that record with
/// their own path. Each record lists the file's other names as `links`.
/// Sorts the records by path, the order every later stage and the report
/// rely on. The result doesn't depend on which name was read: a problem
/// met while reading the file (`problems`) is moved to its smallest name.
pub fn expand_hard_links(
    mut binaries: Vec<Binary>,
    aliases: Vec<(u64, u64, String)>,
    problems: &mut [Problem],
) -> Vec<Binary> {
    if !aliases.is_empty() {
        let by_inode: HashMap<(u64, u64), usize> = binaries
            .iter()
            .enumerate()
            .map(|(i, b)| ((b.dev, b.ino), i))
            .collect();
        // The names of each hard-linked binary, the parsed name first.
        let mut names: HashMap<usize, Vec<String>> = HashMap::new();
        for (dev, ino, alias) in aliases {
            // An alias of a candidate that was no binary has no record.
            if let Some(&i) = by_inode.get(&(dev, ino)) {
                names
                    .entry(i)
                    .or_insert_with(|| vec![binaries[i].path.clone()])
                    .push(alias);
            }
        }
        let mut copies = Vec::new();
        let mut renamed: HashMap<String, String> = HashMap::new();
        for (i, mut all) in names {
            all.sort();
            all.dedup();
            if all[0] != binaries[i].path {
                renamed.insert(binaries[i].path.clone(), all[0].clone());
            }
            let others = |me: &str| all.iter().filter(|n| *n != me).cloned().collect();
            for name in &all {
                if *name == binaries[i].path {
                    continue;
                }
                let mut copy = binaries[i].clone();
                copy.links = others(name);
                copy.path.clone_from(name);
                copies.push(copy);
            }
            binaries[i].links = others(&binaries[i].path);
        }
        binaries.append(&mut copies);
        for p in problems.iter_mut() {
            if let Some(smallest) = renamed.get(&p.path) {
                p.path.clone_from(smallest);
            }
        }
    }
    // By a copy of each path: comparing in place reads two records of a
    // kilobyte and more, scattered over megabytes, per comparison (4 ms for
    // the 2,400 binaries of a Debian desktop, now under 1 ms).
    binaries.sort_by_cached_key(|b| b.path.clone());
    binaries
}

/// Attaches every binary to the package that owns it (by an owned file,
/// else by an owned directory), and groups the rest by install directory.
/// Packages come first, in the order given; the groups follow in path
/// order.
pub fn attach(image: &Image, packages: Vec<Package>, binaries: &[Binary]) -> Vec<Attached> {
    let (mut units, owners) = owners(image, packages, binaries);
    let system_root = image.family() != Family::Directory;
    let windows = image.family() == Family::Windows;
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (bi, b) in binaries.iter().enumerate() {
        match owners.of(bi, &b.path) {
            Some(pi) => units[pi].binaries.push(bi),
            None => groups
                .entry(if windows {
                    windows_install_group(&b.path)
                } else {
                    install_group(&b.path, system_root)
                })
                .or_default()
                .push(bi),
        }
    }
    for u in &mut units {
        if u.files == 0 {
            u.files = u.binaries.len();
        }
    }
    units.extend(groups.into_iter().map(|(dir, members)| Attached {
        package: group_package(&dir, &members, binaries),
        files: members.len(),
        binaries: members,
        install_dir: Some(dir),
        signing: None,
    }));
    units
}

/// The packages that claim binaries: by file (binary index → package
/// index) and by directory (canonical directory → package index).
struct Owners {
    by_file: Vec<Option<usize>>,
    by_dir: HashMap<String, usize>,
}

impl Owners {
    /// The package that owns binary `bi` at `path`: the one listing the file,
    /// else the one owning its nearest directory.
    fn of(&self, bi: usize, path: &str) -> Option<usize> {
        self.by_file[bi].or_else(|| {
            let mut p = path;
            while let Some(cut) = p.rfind('/') {
                p = &p[..cut];
                if let Some(&i) = self.by_dir.get(p) {
                    return Some(i);
                }
            }
            None
        })
    }
}

/// One unit per package, with its manifest's file count, and who owns
/// which binary. Only the binaries are indexed; each package's file list
/// (held, or read again from its [`Package::file_list`]) is streamed past
/// that index and dropped. The first package wins.
fn owners(image: &Image, packages: Vec<Package>, binaries: &[Binary]) -> (Vec<Attached>, Owners) {
    // Each name of a hard-linked file is a record of its own: a record is
    // owned by the package that lists its own path.
    let bin_at: HashMap<&str, usize> = binaries
        .iter()
        .enumerate()
        .map(|(bi, b)| (b.path.as_str(), bi))
        .collect();
    let mut owners = Owners {
        by_file: vec![None; binaries.len()],
        by_dir: HashMap::new(),
    };
    let mut resolver = DirResolver::new(&image.fs);
    let manifests = language_manifests(&packages, &mut resolver);
    // Resolving a manifest path keeps its final name, so only a path named
    // as a binary or a language manifest can match one: the others (most
    // of what packages own) are counted and never resolved.
    let names: HashSet<&str> = bin_at
        .keys()
        .copied()
        .chain(manifests.keys().map(String::as_str))
        .map(crate::paths::file_name)
        .collect();
    // Each package's list is read and matched on its own, on every core
    // (a list is read again here, not kept since the collector counted it);
    // merged in package order below, so the first package still wins.
    let listed: Vec<Listed> = packages
        .par_iter()
        .map_init(
            || DirResolver::new(&image.fs),
            |resolver, p| {
                // The collector read the list and reported a list it could
                // not read; one that went away since lists nothing.
                let text = p
                    .file_list
                    .as_deref()
                    .and_then(|path| read_text(image, path).ok().flatten());
                let listed = text.iter().flat_map(|text| listed_paths(text));
                let system = !p.source.is_language();
                let mut out = Listed::default();
                for f in p.files.iter().map(String::as_str).chain(listed) {
                    out.count += 1;
                    if !may_match(f, &names) {
                        continue;
                    }
                    let canon = resolver.canonical(f);
                    if let Some(&bi) = bin_at.get(canon.as_str()) {
                        out.binaries.push(bi);
                    }
                    if system && let Some(langs) = manifests.get(canon.as_str()) {
                        out.manifests.extend_from_slice(langs);
                    }
                }
                out
            },
        )
        .collect();
    let mut listed_by: HashMap<usize, usize> = HashMap::new();
    let mut units = Vec::with_capacity(packages.len());
    for (i, (mut p, found)) in packages.into_iter().zip(listed).enumerate() {
        p.files = Vec::new();
        for bi in found.binaries {
            owners.by_file[bi].get_or_insert(i);
        }
        for l in found.manifests {
            listed_by.entry(l).or_insert(i);
        }
        for d in &p.dirs {
            // Resolve the whole directory path: it is the prefix itself.
            let canon = image
                .fs
                .resolve(d.trim_start_matches('/'))
                .map(|p| crate::paths::display(&p).0)
                .unwrap_or_else(|_| crate::paths::normalize(d));
            owners.by_dir.entry(canon).or_insert(i);
        }
        units.push(Attached {
            package: p,
            binaries: Vec::new(),
            files: found.count,
            install_dir: None,
            signing: None,
        });
    }
    for (l, owner) in listed_by {
        let key = units[owner].package.key();
        units[l].package.properties.insert(prop::MEMBER_OF, key);
    }
    (units, owners)
}

/// What one package's file list says: how many paths it lists, and the
/// binaries and language manifests among them.
#[derive(Default)]
struct Listed {
    count: usize,
    binaries: Vec<usize>,
    manifests: Vec<usize>,
}

/// Whether manifest path `f` can resolve to a path named in `names`: its
/// final name is one of them, or it has none of its own (`/usr/..`, `/.`),
/// which only resolving tells.
fn may_match(f: &str, names: &HashSet<&str>) -> bool {
    match crate::paths::file_name(f) {
        "" | "." | ".." => true,
        name => names.contains(name),
    }
}

/// The manifest of each language package (its first evidence: a JAR, a
/// `METADATA`, a `package.json`), canonical path → package indices. A
/// language package whose manifest a system package lists (the JAR of
/// Debian's `libcommons-lang3-java`, the `.dist-info` of a `python3-*`)
/// is a part of that package, not a second product: it becomes a member
/// of its product (`member_of`, as an embedded module is).
fn language_manifests(
    packages: &[Package],
    resolver: &mut DirResolver,
) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        if let (true, Some(ev)) = (p.source.is_language(), p.evidence.first()) {
            out.entry(resolver.canonical(&ev.path)).or_default().push(i);
        }
    }
    out
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

fn is_triplet(s: &str) -> bool {
    s.contains("-linux-") || s.ends_with("-linux")
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

/// The pseudo-package standing for a group of unowned binaries: named after
/// its install directory, which is also its identity; one architecture if
/// all binaries agree; version, licence and vendor from the first ELF
/// package note (`.note.package`) a member carries.
pub fn group_package(group: &str, members: &[usize], binaries: &[Binary]) -> Package {
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
    let archs: HashSet<&str> = members
        .iter()
        .filter_map(|&b| binaries[b].arch.as_deref())
        .collect();
    if archs.len() == 1 {
        pkg.arch = archs.into_iter().next().map(str::to_owned);
    }
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

/// One unit per Go module and per shipped crate the binaries of `units`
/// embed (Go build information, `cargo auditable`): a library component
/// with its purl, the binary as evidence, and the key of the unit that
/// ships the binary (`member_of`), so the product folding makes it a member
/// of that unit's product. The main module and the root crate are the
/// binary itself (its claims), and build-time crates (`kind: build`:
/// build scripts, proc macros) are not in the binary: neither is a unit.
/// The units have no binaries and no files of their own.
pub fn embedded(units: &[Attached], binaries: &[Binary]) -> Vec<Attached> {
    let mut out = Vec::new();
    for u in units {
        let parent = u.package.key();
        for &bi in &u.binaries {
            let b = &binaries[bi];
            let mut add = |mut p: Package| {
                p.kind = Kind::Library;
                p.properties.insert(prop::EMBEDDED_IN, b.path.clone());
                p.properties.insert(prop::MEMBER_OF, parent.clone());
                out.push(Attached {
                    package: p,
                    binaries: Vec::new(),
                    files: 0,
                    install_dir: None,
                    signing: None,
                });
            };
            if let Some(go) = &b.go {
                for m in &go.deps {
                    // A replaced module is built from its replacement.
                    let built = m.replaced_by.as_deref().unwrap_or(m);
                    let ev = Evidence::new(
                        &b.path,
                        "go-buildinfo",
                        format!("dep {} {}", m.path, m.version),
                    );
                    let mut p = Package::new(Source::Go, &m.path, ev);
                    p.version = Some(built.version.clone()).filter(|v| !v.is_empty());
                    p.purl = purl::golang(&built.path, p.version.as_deref());
                    if let Some(s) = &built.sum {
                        p.properties.insert("sum", s.clone());
                    }
                    if m.replaced_by.is_some() {
                        p.properties.insert("replaced_by", built.path.clone());
                    }
                    add(p);
                }
            }
            if let Some(audit) = &b.cargo {
                for c in audit
                    .packages
                    .iter()
                    .filter(|c| !c.root && c.kind != "build")
                {
                    let ev = Evidence::new(
                        &b.path,
                        "cargo-auditable",
                        format!("package {} {} ({})", c.name, c.version, c.source),
                    );
                    let mut p = Package::new(Source::Cargo, &c.name, ev);
                    p.version = Some(c.version.clone());
                    // Only crates.io crates are what `pkg:cargo` names.
                    if c.source == "crates.io" {
                        p.purl = purl::cargo(&c.name, Some(&c.version));
                    }
                    p.properties.insert("crate_source", c.source.clone());
                    add(p);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attach, expand_hard_links, install_group, windows_install_group};
    use crate::image::Image;
    use crate::model::binary::{Binary, Format};
    use crate::model::inventory::{Evidence, Kind, Package, Problem, Source, prop};

    fn binary(path: &str, ino: u64) -> Binary {
        let mut b = Binary::new(path, Format::Elf, 100);
        b.ino = ino;
        b
    }

    fn package(name: &str, files: &[&str], dirs: &[&str]) -> Package {
        let mut p = Package::new(Source::Dpkg, name, Evidence::new("x", "test", "line 1"));
        p.files = files.iter().map(|f| f.to_string()).collect();
        p.dirs = dirs.iter().map(|d| d.to_string()).collect();
        p
    }

    #[test]
    fn every_name_of_a_hard_linked_file_is_a_record() {
        let mut parsed = binary("z/tool", 7);
        parsed.arch = Some("x86_64".into());
        let bins = vec![parsed, binary("m/other", 8)];
        let mut problems = vec![
            Problem::new("z/tool", "unreadable note"),
            Problem::new("m/other", "truncated"),
        ];
        let bins = expand_hard_links(
            bins,
            vec![
                (0, 7, "a/tool".into()),
                (0, 7, "q/tool".into()),
                // A name of a candidate that turned out to be no binary.
                (0, 9, "m/script".into()),
            ],
            &mut problems,
        );
        // A problem of the file is listed under its smallest name, whichever
        // name was read.
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["a/tool", "m/other"]);
        let records: Vec<(&str, Vec<&str>)> = bins
            .iter()
            .map(|b| {
                (
                    b.path.as_str(),
                    b.links.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            records,
            [
                ("a/tool", vec!["q/tool", "z/tool"]),
                ("m/other", vec![]),
                ("q/tool", vec!["a/tool", "z/tool"]),
                ("z/tool", vec!["a/tool", "q/tool"]),
            ]
        );
        // The copies carry what was parsed under the first name.
        assert!(
            bins.iter()
                .filter(|b| b.ino == 7)
                .all(|b| b.arch.as_deref() == Some("x86_64"))
        );
    }

    #[test]
    fn owners_by_file_then_directory_then_install_groups() {
        let root = tempfile::tempdir().unwrap();
        for d in ["opt/acme/bin", "opt/acme/lib", "usr/bin", "srv/x"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        let image = Image::open(root.path()).unwrap();
        let bins = vec![
            binary("opt/acme/bin/acme", 1),
            binary("opt/acme/lib/libacme.so", 2),
            binary("srv/x/y", 3),
            binary("usr/bin/tool", 4),
            binary("usr/bin/tool2", 5),
            binary("usr/bin/tool3", 6),
        ];
        // `tool3` is also reachable as `usr/sbin/t3`, the name its manifest
        // uses: each name is attached by its own path.
        let bins = expand_hard_links(bins, vec![(0, 6, "usr/sbin/t3".into())], &mut []);
        let packages = vec![
            package(
                "tool",
                &["/usr/bin/tool", "/usr/share/doc/tool/README"],
                &[],
            ),
            // A second claim on the same file: the first package wins.
            package("tool-again", &["/usr/bin/tool"], &[]),
            package("acme", &[], &["/opt/acme"]),
            package("t3", &["/usr/sbin/t3"], &[]),
        ];
        let units = attach(&image, packages, &bins);
        let summary: Vec<(&str, Vec<&str>, usize, Option<&str>)> = units
            .iter()
            .map(|u| {
                (
                    u.package.name.as_str(),
                    u.binaries.iter().map(|&b| bins[b].path.as_str()).collect(),
                    u.files,
                    u.install_dir.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("tool", vec!["usr/bin/tool"], 2, None),
                ("tool-again", vec![], 1, None),
                (
                    "acme",
                    vec!["opt/acme/bin/acme", "opt/acme/lib/libacme.so"],
                    2,
                    None
                ),
                ("t3", vec!["usr/sbin/t3"], 1, None),
                ("x", vec!["srv/x/y"], 1, Some("srv/x")),
                ("tool2", vec!["usr/bin/tool2"], 1, Some("usr/bin/tool2")),
                ("tool3", vec!["usr/bin/tool3"], 1, Some("usr/bin/tool3")),
            ]
        );
        // Manifests are consumed; every binary is in exactly one unit.
        assert!(units.iter().all(|u| u.package.files.is_empty()));
        let mut all: Vec<usize> = units.iter().flat_map(|u| u.binaries.clone()).collect();
        all.sort();
        assert_eq!(all, (0..bins.len()).collect::<Vec<_>>());
        let group = &units[4].package;
        assert_eq!(group.source, Source::Binary);
        assert_eq!(group.kind, Kind::Application);
        assert_eq!(
            group.properties.get(prop::INSTALL_PATH).map(String::as_str),
            Some("srv/x")
        );
    }

    #[test]
    fn a_file_list_in_the_image_is_read_when_attaching() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        for d in ["usr/lib/x86_64-linux-gnu", "usr/bin", "var/lib/dpkg/info"] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::os::unix::fs::symlink("usr/lib", r.join("lib")).unwrap();
        // dpkg's own form: `/.`, the directories, the usrmerge name of a
        // library, a path with `..` in it, and a file that is no binary.
        std::fs::write(
            r.join("var/lib/dpkg/info/foo.list"),
            "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libfoo.so.1\n\
             /usr/bin/../bin/foo\n/usr/share/doc/foo/copyright\n\n",
        )
        .unwrap();
        let image = Image::open(r).unwrap();
        let bins = vec![
            binary("usr/bin/foo", 1),
            binary("usr/bin/other", 2),
            binary("usr/lib/x86_64-linux-gnu/libfoo.so.1", 3),
        ];
        let mut foo = package("foo", &["/usr/bin/other"], &[]);
        foo.file_list = Some("var/lib/dpkg/info/foo.list".into());
        // A list that went away since the collector read it lists nothing.
        let mut gone = package("gone", &[], &[]);
        gone.file_list = Some("var/lib/dpkg/info/gone.list".into());
        let units = attach(&image, vec![foo, gone], &bins);
        let owned: Vec<(&str, Vec<&str>, usize)> = units
            .iter()
            .map(|u| {
                (
                    u.package.name.as_str(),
                    u.binaries.iter().map(|&b| bins[b].path.as_str()).collect(),
                    u.files,
                )
            })
            .collect();
        assert_eq!(
            owned,
            [
                (
                    "foo",
                    vec![
                        "usr/bin/foo",
                        "usr/bin/other",
                        "usr/lib/x86_64-linux-gnu/libfoo.so.1"
                    ],
                    // The held path and the six the list names.
                    7
                ),
                ("gone", vec![], 0),
            ]
        );
    }

    #[test]
    fn a_language_package_whose_manifest_a_system_package_lists_is_its_member() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("usr/share/java")).unwrap();
        let image = Image::open(root.path()).unwrap();
        let jar = "usr/share/java/commons-lang3.jar";
        let lang = |source, name: &str, manifest: &str| {
            let mut p = Package::new(source, name, Evidence::new(manifest, "test", "x"));
            p.files = vec![manifest.to_owned()];
            p
        };
        let mut deb = package(
            "libcommons-lang3-java",
            &["/usr/share/java/commons-lang3.jar"],
            &[],
        );
        deb.arch = Some("all".into());
        let packages = vec![
            deb,
            lang(Source::Maven, "org.apache.commons:commons-lang3", jar),
            // A JAR no system package lists, and a language package listing
            // another's manifest (a wheel's RECORD naming a JAR): neither
            // is a member of anything.
            lang(
                Source::Maven,
                "py4j",
                "usr/local/share/py4j/py4j0.10.9.7.jar",
            ),
            lang(
                Source::Pypi,
                "py4j",
                "usr/local/share/py4j/py4j0.10.9.7.jar",
            ),
        ];
        let units = attach(&image, packages, &[]);
        let member_of: Vec<Option<&str>> = units
            .iter()
            .map(|u| {
                u.package
                    .properties
                    .get(prop::MEMBER_OF)
                    .map(String::as_str)
            })
            .collect();
        assert_eq!(
            member_of,
            [None, Some("dpkg:libcommons-lang3-java:all"), None, None]
        );
    }

    #[test]
    fn groups_windows_binaries_by_install_directory() {
        let g = windows_install_group;
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
