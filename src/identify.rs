//! Stage 4, identify: what a component is and who makes it.
//!
//! Facts of an [`Attached`] unit (package name, source package, supplier
//! fields and their domains, metadata, bundle ids, the file names and
//! claims of its binaries, an install directory's name) go through the
//! rule database's [`Matcher`](crate::rules::Matcher); the hits decide the
//! product and the vendor ([`identify`]), and the vendor's control chain
//! gives the controller and its jurisdiction. Guarantees:
//! - the result depends only on the facts and the rules (the matcher's
//!   order is total), never on scheduling;
//! - a distribution channel (Flathub) decides only when nothing else
//!   matched, and then leaves the controller unresolved;
//! - a group of unowned binaries is decided by weight of evidence: the
//!   verified signatures of its files, counted, then the consensus of its
//!   files' other evidence, then its directory's name; one file never
//!   labels a large group (`weigh_group_evidence`, `weigh_group_hits`);
//! - a foreign payload nested in a group (a sub-directory signed by another
//!   party) is a group of its own ([`split_payloads`]);
//! - a binary's company name that its signature contradicts is flagged
//!   ([`check_claims`]) and then no longer counts as a fact.
//!
//! Nothing is judged here: licences and risk are the assessment's.

use crate::attach::{self, Attached, Signing};
use crate::image::OsInfo;
use crate::model::binary::{Binary, Claim, Flag};
use crate::model::inventory::{Family, Kind, Package, Supplier, prop};
use crate::model::report::{MatchEvidence, MatchReport};
use crate::rules::{self, Facts, Hit, Jurisdiction, Product, RuleDb, Target, Vendor, VendorKind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What the rules say a component is.
#[derive(Debug)]
pub struct Identity<'db> {
    pub product: Option<&'db Product>,
    /// The vendor: the product's, or the one a vendor rule matched.
    pub vendor: Option<&'db Vendor>,
    /// The distribution channel, when that is all that was identified.
    pub channel: Option<&'db Vendor>,
    /// Vendor indices from the vendor to its ultimate controller; empty when
    /// no vendor or only a channel was identified.
    pub chain: Vec<usize>,
    /// The last of the chain.
    pub controller: Option<&'db Vendor>,
    /// The controller's jurisdiction, when the database knows its country.
    pub jurisdiction: Option<&'db Jurisdiction>,
    /// The deciding hit's confidence and the first hits, for the report.
    pub matched: Option<MatchReport>,
}

/// The rule hits of one unit, best first: a package by its own facts and
/// its binaries', a group of unowned binaries by its binaries' and its
/// directory's name, with binary names weighed by the group's size.
/// `os`: what the image (or the SBOM) says of its operating system, matched
/// for the OS component.
pub fn hits(unit: &Attached, os: &OsInfo, binaries: &[Binary], db: &RuleDb) -> Vec<Hit> {
    match &unit.install_dir {
        None => db
            .matcher
            .matches(&package_facts(&unit.package, os, &unit.binaries, binaries)),
        Some(dir) => {
            let facts = group_facts(dir, &unit.binaries, binaries);
            let hits = weigh_group_hits(db.matcher.matches(&facts), facts.binaries.len());
            weigh_group_evidence(hits, &unit.binaries, binaries, db)
        }
    }
}

/// The product, vendor and controller that the hits decide.
pub fn identify<'db>(hits: &[Hit], db: &'db RuleDb) -> Identity<'db> {
    let (product, vendor) = decide(hits, db);
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
    Identity {
        product: product.map(|p| &db.products[p]),
        vendor: vendor_def,
        channel,
        jurisdiction: controller
            .and_then(|c| c.country.as_deref())
            .and_then(|c| db.jurisdiction(c)),
        controller,
        chain,
        matched: hits.first().map(|best| MatchReport {
            confidence: best.confidence,
            evidence: hits.iter().take(8).map(|h| match_evidence(h, db)).collect(),
        }),
    }
}

fn package_facts<'a>(
    pkg: &'a Package,
    os: &'a OsInfo,
    bins: &[usize],
    binaries: &'a [Binary],
) -> Facts<'a> {
    let mut f = Facts::default();
    if pkg.kind == Kind::OperatingSystem {
        f.names.push(("os id", pkg.name.as_str()));
        let source = match os.family {
            Family::Windows => "windows-registry",
            _ => "os-release",
        };
        for (k, v) in &os.fields {
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
    binary_facts(bins, binaries, &mut f);
    f
}

/// Supplier strings, and the domains of their e-mail addresses and
/// homepage.
pub(crate) fn supplier_facts<'a>(s: &'a Supplier, f: &mut Facts<'a>) {
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

/// The distinct file names of a unit's binaries, and their claims.
fn binary_facts<'a>(bins: &[usize], binaries: &'a [Binary], f: &mut Facts<'a>) {
    let mut names: Vec<&str> = bins.iter().map(|&b| binaries[b].file_name()).collect();
    names.sort_unstable();
    names.dedup();
    f.binaries = names;
    for &b in bins {
        claim_facts(&binaries[b], f);
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
    binary_facts(members, binaries, &mut f);
    f.dirs.push(crate::paths::file_name(group));
    f
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

/// Who a verified signature says made a binary: a party of the rules (the
/// index of its controller), or a signer no rule knows, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Party<'a> {
    Known(usize),
    Unknown(&'a str),
}

/// A binary's verified signer's name and party, if it has one.
type Signed<'a> = Option<(&'a str, Party<'a>)>;

/// A binary's verified signer, its name and party: an Authenticode signer
/// whose signed digest matches the file, or a Mach-O Developer ID signer
/// carrying the Team ID of the signature (both `Claim::Signer { verified:
/// true }`). The party is the controller of the vendor the signer (or the
/// Team ID) resolves to.
fn verified_signer<'a>(b: &'a Binary, db: &RuleDb) -> Signed<'a> {
    let name = b.claims.iter().find_map(|c| match c {
        Claim::Signer {
            name,
            verified: true,
        } => Some(name.as_str()),
        _ => None,
    })?;
    let mut f = Facts::default();
    f.signers.push((name, true));
    for c in &b.claims {
        if let Claim::TeamId(t) = c {
            f.team_ids.push(t);
        }
    }
    let party = decide(&db.matcher.matches(&f), db)
        .1
        .and_then(|v| party_of(v, db))
        .map_or(Party::Unknown(name), Party::Known);
    Some((name, party))
}

/// The controller of a vendor: the party it answers to. A channel
/// (Flathub) is nobody's party.
fn party_of(vendor: usize, db: &RuleDb) -> Option<usize> {
    if db.vendors[vendor].kind == VendorKind::Channel {
        return None;
    }
    db.chain(vendor).last().copied()
}

fn target_party(t: Target, db: &RuleDb) -> Option<usize> {
    match t {
        Target::Product(p) => party_of(db.products[p as usize].vendor, db),
        Target::Vendor(v) => party_of(v as usize, db),
    }
}

/// The party that signed most files; a tie goes to a party the rules know,
/// then to the lower index or name, so the result is total.
fn dominant<'a, 'b>(counts: &'b BTreeMap<Party<'a>, usize>) -> Option<&'b Party<'a>> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(p, _)| p)
}

/// Splits foreign payloads off the groups of unowned binaries, and records
/// who signed each group's files ([`Signing`]).
///
/// A group's dominant party is the one whose verified signatures cover
/// most of its files. A sub-directory of the group's install directory
/// whose verified signatures all belong to one other party and cover most
/// of its binaries (a bundled JRE signed by Eclipse in a Python
/// installation, a vendored runtime) becomes a group of its own, with its
/// files unsigned or not, and the property `nested_in`; the outermost such
/// directory is taken. A file of another party next to the group's own,
/// or among unsigned files, stays a member (its binary record keeps its
/// own vendor). A group whose files are signed by more than one party is
/// `mixed`, counted before the split.
pub fn split_payloads(units: Vec<Attached>, binaries: &[Binary], db: &RuleDb) -> Vec<Attached> {
    let mut out = Vec::with_capacity(units.len());
    for mut unit in units {
        let Some(dir) = unit.install_dir.clone() else {
            out.push(unit);
            continue;
        };
        let signed: Vec<Signed> = unit
            .binaries
            .iter()
            .map(|&b| verified_signer(&binaries[b], db))
            .collect();
        let mut counts: BTreeMap<Party, usize> = BTreeMap::new();
        for (_, party) in signed.iter().flatten() {
            *counts.entry(party.clone()).or_default() += 1;
        }
        let Some(main) = dominant(&counts) else {
            out.push(unit);
            continue;
        };
        unit.signing = Some(Signing {
            signers: signer_names(signed.iter()),
            files: unit.binaries.len(),
            mixed: counts.len() > 1,
        });
        // A signer that covers only a minority of the group's files is no
        // owner of the rest: its files, if they sit together in a
        // sub-directory, are a payload like any other party's (a JRE
        // signed by Eclipse among a Python framework's unsigned files).
        let owner = (counts[main] * 2 > unit.binaries.len()).then_some(main);
        let nested = if counts.len() > 1 || owner.is_none() {
            nested_payloads(&dir, &unit.binaries, &signed, owner, binaries)
        } else {
            BTreeMap::new()
        };
        if nested.is_empty() {
            out.push(unit);
            continue;
        }
        let moved: HashSet<usize> = nested.values().flatten().map(|&(b, _)| b).collect();
        unit.binaries.retain(|b| !moved.contains(b));
        unit.files = unit.binaries.len();
        unit.package = attach::group_package(&dir, &unit.binaries, binaries);
        out.push(unit);
        for (sub, members) in nested {
            let bins: Vec<usize> = members.iter().map(|&(b, _)| b).collect();
            let mut package = attach::group_package(&sub, &bins, binaries);
            package.properties.insert(prop::NESTED_IN, dir.clone());
            out.push(Attached {
                package,
                files: bins.len(),
                signing: Some(Signing {
                    signers: signer_names(members.iter().map(|(_, s)| s)),
                    files: bins.len(),
                    mixed: false,
                }),
                binaries: bins,
                install_dir: Some(sub),
            });
        }
    }
    out
}

/// Verified signer name → files it signed.
fn signer_names<'x, 'a: 'x>(
    signed: impl Iterator<Item = &'x Signed<'a>>,
) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for (name, _) in signed.flatten() {
        *names.entry((*name).to_owned()).or_default() += 1;
    }
    names
}

/// The foreign payloads of a group: payload directory → its members (with
/// their verified signer). A payload directory is the outermost
/// sub-directory of `dir` whose verified signatures all belong to one
/// party other than `main` (the group's owner, when a signer covers most
/// of its files) and cover most of its binaries: a runtime its maker
/// signed, not a folder of unsigned files with one vendored library.
fn nested_payloads<'a>(
    dir: &str,
    members: &[usize],
    signed: &[Signed<'a>],
    main: Option<&Party>,
    binaries: &'a [Binary],
) -> BTreeMap<String, Vec<(usize, Signed<'a>)>> {
    // Per sub-directory: the parties that signed below it, how many files
    // they signed, and how many binaries it holds.
    let mut below: HashMap<&str, (BTreeSet<&Party>, usize, usize)> = HashMap::new();
    for (&b, s) in members.iter().zip(signed) {
        for sub in subdirs(dir, &binaries[b].path) {
            let entry = below.entry(sub).or_default();
            entry.2 += 1;
            if let Some((_, party)) = s {
                entry.0.insert(party);
                entry.1 += 1;
            }
        }
    }
    let foreign = |sub: &str| {
        below.get(sub).is_some_and(|(parties, signed, all)| {
            parties.len() == 1 && main.is_none_or(|m| !parties.contains(m)) && signed * 2 > *all
        })
    };
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for (&b, s) in members.iter().zip(signed) {
        if let Some(sub) = subdirs(dir, &binaries[b].path).find(|sub| foreign(sub)) {
            out.entry(sub.to_owned()).or_default().push((b, s.clone()));
        }
    }
    out
}

/// The directories between an install directory and a file below it,
/// outermost first: `opt/x` and `opt/x/jre/bin/java` give `opt/x/jre`,
/// `opt/x/jre/bin`.
fn subdirs<'p>(dir: &str, path: &'p str) -> impl Iterator<Item = &'p str> {
    let inside =
        path.len() > dir.len() + 1 && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/';
    let from = dir.len() + 1;
    path.char_indices()
        .filter(move |&(i, c)| inside && i > from && c == '/')
        .map(move |(i, _)| &path[..i])
}

/// A group's vendor by weight of evidence, as the order of its hits (the
/// deciding one first):
/// 1. verified signatures, counted over the group's files: the party that
///    signed most of them decides, its hits first; a minority signer's
///    evidence labels nothing when the majority's signer is unknown to
///    the rules;
/// 2. else consensus of the other evidence: each file's own vendor (its
///    claims and name, as `binaries[].vendor`); the party most files
///    agree on, alone in first place and backed by at least a tenth of the
///    files of a group larger than [`SMALL_GROUP`]; evidence of other
///    parties from the files is dropped, so one file never labels the
///    group;
/// 3. the install directory's own name.
fn weigh_group_evidence(
    mut hits: Vec<Hit>,
    members: &[usize],
    binaries: &[Binary],
    db: &RuleDb,
) -> Vec<Hit> {
    let mut counts: BTreeMap<Party, usize> = BTreeMap::new();
    for &b in members {
        if let Some((_, party)) = verified_signer(&binaries[b], db) {
            *counts.entry(party).or_default() += 1;
        }
    }
    let party = |h: &Hit| target_party(h.target, db);
    match dominant(&counts) {
        Some(&Party::Known(main)) => return first(hits, |h| party(h) == Some(main)),
        Some(Party::Unknown(_)) => {
            let signers: Vec<usize> = counts
                .keys()
                .filter_map(|p| match p {
                    Party::Known(c) => Some(*c),
                    Party::Unknown(_) => None,
                })
                .collect();
            hits.retain(|h| {
                h.field == INSTALL_DIR || !party(h).is_some_and(|p| signers.contains(&p))
            });
        }
        None => {}
    }
    let mut support: BTreeMap<usize, usize> = BTreeMap::new();
    for &b in members {
        if let Some(p) = binary_party(&binaries[b], db) {
            *support.entry(p).or_default() += 1;
        }
    }
    let winner = consensus(&support, members.len());
    hits.retain(|h| h.field == INSTALL_DIR || (winner.is_some() && party(h) == winner));
    match winner {
        Some(w) => first(hits, |h| party(h) == Some(w)),
        None => hits,
    }
}

/// The party a binary's own claims and name resolve to.
fn binary_party(b: &Binary, db: &RuleDb) -> Option<usize> {
    let mut f = Facts::default();
    f.binaries.push(b.file_name());
    claim_facts(b, &mut f);
    decide(&db.matcher.matches(&f), db)
        .1
        .and_then(|v| party_of(v, db))
}

/// The party most files agree on: alone in first place, and in a group of
/// more than [`SMALL_GROUP`] files backed by at least a tenth of them.
fn consensus(support: &BTreeMap<usize, usize>, files: usize) -> Option<usize> {
    let best = support.values().copied().max()?;
    let mut top = support.iter().filter(|(_, n)| **n == best);
    let (&party, _) = top.next()?;
    let enough = files <= SMALL_GROUP || best * 10 >= files;
    (top.next().is_none() && enough).then_some(party)
}

/// The hits that `pred` selects first, each part in its order.
fn first(hits: Vec<Hit>, pred: impl Fn(&Hit) -> bool) -> Vec<Hit> {
    let (mut yes, no): (Vec<Hit>, Vec<Hit>) = hits.into_iter().partition(|h| pred(h));
    yes.extend(no);
    yes
}

const INSTALL_DIR: &str = "install directory";
const SMALL_GROUP: usize = 20;
const BINARY_NAME: &str = "binary name";

/// The deciding hit's target (product index, vendor index); a product hit
/// of lower confidence is used too when it agrees with a deciding vendor
/// hit.
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

/// What a binary's own claims say: the vendor they resolve to, and the flag
/// its signature earns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCheck {
    /// Id of the vendor the binary's own metadata resolves to.
    pub vendor: Option<String>,
    /// `unsigned-vendor-claim` or `signer-mismatch`, for the caller to set
    /// on the binary before its facts label a component.
    pub flag: Option<Flag>,
}

/// Checks a binary's claims: the vendor its own metadata resolves to
/// (signer before package note before company name before file name: the
/// matcher's confidences), and whether its signature backs the company name
/// it carries. `unsigned-vendor-claim`: a known publisher's name in an
/// unsigned file; `signer-mismatch`: signed by someone else than the
/// company it names. A company name that earns a flag labels nothing: the
/// binary's vendor is decided without it (its signer, file name and other
/// claims still count).
pub fn check_claims(b: &Binary, db: &RuleDb) -> ClaimCheck {
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
    let mut flag = None;
    if let (Some(cv), Some(sig)) = (company, &b.signature) {
        let signer = sig.subject.as_ref().and_then(|s| s.name());
        let company_name = b.claims.iter().find_map(|c| match c {
            Claim::Company(n) => Some(n.as_str()),
            _ => None,
        });
        if !sig.signed {
            flag = Some(Flag::UnsignedVendorClaim);
        } else if let Some(signer) = signer {
            let sv = only(|c| matches!(c, Claim::Signer { .. }));
            let related = sv.is_some_and(|sv| {
                let chain = db.chain(sv);
                db.chain(cv).iter().any(|v| chain.contains(v))
            });
            let same_name = company_name.is_some_and(|n| n.eq_ignore_ascii_case(signer));
            if !related && !same_name {
                flag = Some(Flag::SignerMismatch);
            }
        }
    }
    let vendor = {
        let mut f = Facts::default();
        f.binaries.push(b.file_name());
        claim_facts(b, &mut f);
        if flag.is_some() {
            f.companies.clear();
        }
        decide(&db.matcher.matches(&f), db).1
    };
    ClaimCheck {
        vendor: vendor.map(|v| db.vendors[v].id.clone()),
        flag,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        ClaimCheck, check_claims, consensus, decide, identify, subdirs, supplier_facts,
        weigh_group_hits,
    };
    use crate::model::binary::{Binary, Claim, Flag, Format, Signature, Subject};
    use crate::model::inventory::Supplier;
    use crate::rules::{Facts, RuleDb};
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    fn db() -> &'static RuleDb {
        static DB: OnceLock<RuleDb> = OnceLock::new();
        DB.get_or_init(|| RuleDb::embedded().unwrap())
    }

    #[test]
    fn one_binary_name_does_not_label_a_large_group() {
        let mut names: Vec<String> = (0..40).map(|i| format!("tool{i}")).collect();
        names.push("firefox".into());
        let facts = Facts {
            binaries: names.iter().map(String::as_str).collect(),
            ..Default::default()
        };
        let hits = db().matcher.matches(&facts);
        assert!(!hits.is_empty(), "firefox matches by binary name");
        assert!(weigh_group_hits(hits.clone(), 41).is_empty());
        // In a small group the same name decides.
        assert_eq!(weigh_group_hits(hits, 5).len(), 1);
    }

    #[test]
    fn verified_signer_then_publisher_then_company_name() {
        let db = db();
        let vendor = |f: &Facts| {
            let (_, v) = decide(&db.matcher.matches(f), db);
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

    /// The identity of a package known by its name and supplier fields.
    fn identity_of(name: &str, supplier: &Supplier) -> super::Identity<'static> {
        let mut f = Facts::default();
        f.names.push(("package name", name));
        supplier_facts(supplier, &mut f);
        identify(&db().matcher.matches(&f), db())
    }

    #[test]
    fn a_channel_alone_leaves_the_controller_unresolved() {
        let supplier = Supplier {
            publisher: Some("flathub".into()),
            ..Default::default()
        };
        let id = identity_of("org.example.Unheard", &supplier);
        assert_eq!(id.vendor.map(|v| v.id.as_str()), Some("flathub"));
        assert_eq!(id.channel.map(|v| v.id.as_str()), Some("flathub"));
        assert!(id.product.is_none());
        assert!(id.chain.is_empty() && id.controller.is_none() && id.jurisdiction.is_none());
        let matched = id.matched.expect("the channel rule matched");
        assert_eq!(matched.evidence[0].rule, "vendor:flathub");
    }

    #[test]
    fn a_product_beats_the_channel_it_came_through() {
        let supplier = Supplier {
            publisher: Some("flathub".into()),
            ..Default::default()
        };
        let id = identity_of("org.mozilla.firefox", &supplier);
        assert_eq!(id.product.map(|p| p.id.as_str()), Some("firefox"));
        assert_eq!(id.vendor.map(|v| v.id.as_str()), Some("mozilla"));
        assert!(id.channel.is_none());
        assert_eq!(id.controller.and_then(|v| v.country.as_deref()), Some("US"));
        assert_eq!(id.jurisdiction.map(|j| j.country.as_str()), Some("US"));
        assert_eq!(
            id.chain.last().map(|&v| db().vendors[v].id.as_str()),
            id.controller.map(|v| v.id.as_str()),
            "the controller ends the chain"
        );
    }

    #[test]
    fn nothing_matched_is_nothing_identified() {
        let id = identity_of("zz-no-rule-names-this", &Supplier::default());
        assert!(id.product.is_none() && id.vendor.is_none() && id.channel.is_none());
        assert!(id.chain.is_empty() && id.matched.is_none());
    }

    /// A PE file naming `company`, with a signature by `signer` (None:
    /// unsigned).
    fn pe(company: &str, signer: Option<&str>) -> Binary {
        let mut b = Binary::new("Program Files/App/app.exe", Format::Pe, 1000);
        b.claims.push(Claim::Company(company.into()));
        b.signature = Some(Signature {
            signed: signer.is_some(),
            subject: signer.map(|s| Subject {
                o: Some(s.into()),
                ..Default::default()
            }),
            digest_ok: signer.map(|_| true),
            ..Default::default()
        });
        if let Some(s) = signer {
            b.claims.push(Claim::Signer {
                name: s.into(),
                verified: true,
            });
        }
        b
    }

    #[test]
    fn a_known_publishers_name_in_an_unsigned_file_is_flagged() {
        let check = check_claims(&pe("Microsoft Corporation", None), db());
        assert_eq!(
            check,
            ClaimCheck {
                vendor: None,
                flag: Some(Flag::UnsignedVendorClaim),
            },
            "an unbacked company name labels nothing"
        );
        // A community project's name is no claim to a signing publisher.
        let check = check_claims(&pe("Fedora Project", None), db());
        assert_eq!(check.vendor.as_deref(), Some("fedora"));
        assert_eq!(check.flag, None);
        // Without any signature information (ELF, say) nothing is flagged.
        let mut elf = pe("Microsoft Corporation", None);
        elf.signature = None;
        assert_eq!(check_claims(&elf, db()).flag, None);
    }

    #[test]
    fn a_signer_unrelated_to_the_named_company_is_a_mismatch() {
        let check = check_claims(
            &pe("Microsoft Corporation", Some("Mozilla Corporation")),
            db(),
        );
        assert_eq!(check.flag, Some(Flag::SignerMismatch));
        // The signer outranks the company name for the binary's vendor.
        assert_eq!(check.vendor.as_deref(), Some("mozilla"));
        // Signed by the company it names, or by its controller: fine.
        let same = pe("Microsoft Corporation", Some("Microsoft Corporation"));
        assert_eq!(check_claims(&same, db()).flag, None);
        let parent = pe("GitHub, Inc.", Some("Microsoft Corporation"));
        assert_eq!(check_claims(&parent, db()).flag, None);
        // The same signer under an unrelated company's name is not.
        let other = pe("Google LLC", Some("Microsoft Corporation"));
        assert_eq!(check_claims(&other, db()).flag, Some(Flag::SignerMismatch));
    }

    #[test]
    fn a_flagged_company_name_no_longer_counts_as_a_fact() {
        let mut b = pe("Microsoft Corporation", None);
        let mut f = Facts::default();
        super::claim_facts(&b, &mut f);
        assert_eq!(f.companies, ["Microsoft Corporation"]);
        b.flag(check_claims(&b, db()).flag.unwrap());
        let mut f = Facts::default();
        super::claim_facts(&b, &mut f);
        assert!(f.companies.is_empty(), "{:?}", f.companies);
    }

    #[test]
    fn the_directories_between_an_install_directory_and_a_file() {
        let dirs: Vec<&str> = subdirs("opt/x", "opt/x/jre/bin/java").collect();
        assert_eq!(dirs, ["opt/x/jre", "opt/x/jre/bin"]);
        assert_eq!(subdirs("opt/x", "opt/x/tool").count(), 0);
        // A sibling with the same prefix is not inside.
        assert_eq!(subdirs("opt/x", "opt/xy/a/b").count(), 0);
        assert_eq!(subdirs("opt/x", "opt/x").count(), 0);
    }

    #[test]
    fn consensus_needs_a_clear_first_and_a_tenth_of_a_large_group() {
        let support = |pairs: &[(usize, usize)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
        assert_eq!(consensus(&support(&[(1, 3), (2, 1)]), 10), Some(1));
        // A tie is no consensus.
        assert_eq!(consensus(&support(&[(1, 2), (2, 2)]), 10), None);
        // One file of a small group is enough, not of a large one.
        assert_eq!(consensus(&support(&[(7, 1)]), 20), Some(7));
        assert_eq!(consensus(&support(&[(7, 1)]), 31), None);
        assert_eq!(consensus(&support(&[(7, 4)]), 31), Some(7));
        assert_eq!(consensus(&support(&[]), 5), None);
    }
}
