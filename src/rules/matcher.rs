//! Compiled patterns: every glob of every rule is compiled once into one
//! `GlobSet` per field, so matching a component costs one automaton pass per
//! fact, not a loop over rules. Domains are a hash lookup per suffix.
//!
//! Each glob is parsed (and so checked) when the rules load, but a field's
//! `GlobSet` is compiled on its first use: compiling all of them is most of
//! the start-up cost (issue 15), and a scan that never matches a field (an
//! empty directory, a macOS image without packages) never pays for it.
//! [`Matcher::compile`] compiles every field at once, for loads that must
//! report a set that cannot compile (`--rules`, `sovscan rules check`).
//! The embedded database alone goes one step further: its patterns are
//! sorted into fields on the first match too (a test gathers and compiles
//! them with every check, so nothing can be wrong with them then).
//!
//! Precedence (documented in `docs/rules.md`): a hit's confidence first
//! (package name and metadata: high; supplier string and domain: medium;
//! binary file name: low), then product rules before vendor rules, then the
//! more specific pattern (more literal characters), then rule order. The
//! order is total, so the result never depends on scheduling.

use super::schema::PatternsDef;
use crate::diag::{Code, Diagnostic};
use crate::model::risk::Confidence;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Index into `RuleDb::products`.
    Product(u32),
    /// Index into `RuleDb::vendors`.
    Vendor(u32),
}

/// One pattern that matched one fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub target: Target,
    /// The fact's field (`package name`, `maintainer`, `homepage domain`...).
    pub field: String,
    pub value: String,
    pub pattern: String,
    pub confidence: Confidence,
    specificity: u32,
    order: u32,
}

#[derive(Debug, Clone)]
struct Pat {
    target: Target,
    pattern: String,
    specificity: u32,
    order: u32,
}

/// The facts of one component that rules can match.
#[derive(Debug, Default)]
pub struct Facts<'a> {
    /// (field, name): package name, flatpak id, ELF package-note name...
    pub names: Vec<(&'static str, &'a str)>,
    /// (field, text): maintainer, vendor, publisher, origin.
    pub suppliers: Vec<(&'static str, &'a str)>,
    /// (field, host): e-mail domains and homepage hosts.
    pub domains: Vec<(&'static str, String)>,
    /// File names of the component's binaries.
    pub binaries: Vec<&'a str>,
    /// Names of install directories (`opt/zoom` → `zoom`), matched like
    /// binary names.
    pub dirs: Vec<&'a str>,
    /// `source:key=value` strings.
    pub metadata: Vec<String>,
    /// Code-signing subject names, and whether the signed digest matched.
    pub signers: Vec<(&'a str, bool)>,
    pub team_ids: Vec<&'a str>,
    pub bundle_ids: Vec<&'a str>,
    /// Free-text company names (PE `CompanyName`), matched like supplier
    /// strings but weakly: anyone can write them.
    pub companies: Vec<&'a str>,
}

/// Every rule's patterns, sorted into fields now or on first use.
#[derive(Debug)]
pub struct Matcher {
    fields: OnceLock<Fields>,
    /// What the fields are made of when they are made on first use.
    deferred: Vec<Rule>,
}

/// What one vendor or product brings to the matcher.
#[derive(Debug)]
pub(super) struct Rule {
    pub target: Target,
    pub patterns: PatternsDef,
    /// A vendor's legal names, matched as signers and supplier strings.
    pub legal_names: Vec<String>,
    /// A vendor's name, matched as a whole supplier string.
    pub name: Option<String>,
}

impl Matcher {
    /// The fields made now from `rules` (each with its file), every
    /// mistake reported; with `check`, every glob parsed too.
    pub(super) fn gather(report: &mut Report, rules: &[(usize, Rule)], check: bool) -> Self {
        let rules = rules.iter().map(|(file, r)| (*file, r));
        Self {
            fields: OnceLock::from(Fields::gather(report, rules, check)),
            deferred: Vec::new(),
        }
    }

    /// The fields made on first use: for the embedded database, which the
    /// test `the_embedded_patterns_compile` gathers with every check and
    /// finds clean, so there is nothing to report then.
    pub(super) fn deferred(rules: Vec<Rule>) -> Self {
        Self {
            fields: OnceLock::new(),
            deferred: rules,
        }
    }

    fn fields(&self) -> &Fields {
        self.fields.get_or_init(|| {
            let rules = self.deferred.iter().map(|r| (0, r));
            Fields::gather(&mut |_, _, _, _| {}, rules, false)
        })
    }

    /// Compiles every field's set now, as a load of rule files people
    /// write must, to report a set that cannot compile where it loads.
    /// A set that cannot compile (only a regex past its size bound) is
    /// `R028`, naming no file: the set is made of all of them.
    pub fn compile(&self) -> Result<(), Diagnostic> {
        self.fields().compile()
    }

    /// Every hit for the facts, best first.
    pub fn matches(&self, facts: &Facts) -> Vec<Hit> {
        self.fields().matches(facts)
    }
}

/// The patterns of every rule by the field they match.
#[derive(Debug)]
struct Fields {
    packages: Field,
    suppliers: Field,
    binaries: Field,
    metadata: Field,
    signers: Field,
    bundle_ids: Field,
    domains: HashMap<String, Vec<Pat>>,
    team_ids: HashMap<String, Vec<Pat>>,
}

/// One field's patterns, and their set once compiled.
#[derive(Debug, Default)]
struct Field {
    set: OnceLock<Result<GlobSet, globset::Error>>,
    pats: Vec<Pat>,
}

impl Field {
    fn compiled(&self) -> &Result<GlobSet, globset::Error> {
        self.set.get_or_init(|| {
            let mut b = GlobSetBuilder::new();
            for p in &self.pats {
                b.add(folded_glob(&p.pattern)?);
            }
            b.build()
        })
    }

    fn hits(&self, field: &str, value: &str, conf: Confidence, out: &mut Vec<Hit>) {
        if self.pats.is_empty() {
            return;
        }
        // A set that cannot compile only reaches here from the embedded
        // database, which a test compiles whole (`rules::tests`); every
        // other load compiled it already and refused it with `R`-codes.
        let set = match self.compiled() {
            Ok(set) => set,
            Err(e) => panic!("the rule patterns do not compile: {e}"),
        };
        for i in set.matches(fold(value).as_ref()) {
            let p = &self.pats[i];
            out.push(Hit {
                target: p.target,
                field: field.to_owned(),
                value: value.to_owned(),
                pattern: p.pattern.clone(),
                confidence: conf,
                specificity: p.specificity,
                order: p.order,
            });
        }
    }
}

impl Fields {
    /// Every rule's patterns (each rule with its file), in rule order.
    fn gather<'a>(
        report: &mut Report,
        rules: impl Iterator<Item = (usize, &'a Rule)>,
        check: bool,
    ) -> Self {
        let mut b = Builder::new(check);
        for (file, r) in rules {
            b.add(report, file, r.target, &r.patterns, &r.legal_names);
            if let Some(name) = &r.name {
                b.add_supplier_name(report, file, r.target, name);
            }
        }
        b.build()
    }

    fn compile(&self) -> Result<(), Diagnostic> {
        for f in [
            &self.packages,
            &self.suppliers,
            &self.binaries,
            &self.metadata,
            &self.signers,
            &self.bundle_ids,
        ] {
            if let Err(e) = f.compiled() {
                let msg = format!("cannot compile patterns: {e}");
                return Err(Diagnostic::whole_file(
                    "(rules)",
                    Code::PatternsUncompiled,
                    msg,
                ));
            }
        }
        Ok(())
    }

    fn matches(&self, facts: &Facts) -> Vec<Hit> {
        let mut out = Vec::new();
        for (field, v) in &facts.names {
            self.packages.hits(field, v, Confidence::High, &mut out);
        }
        for m in &facts.metadata {
            self.metadata
                .hits("metadata", m, Confidence::High, &mut out);
        }
        for (field, v) in &facts.suppliers {
            self.suppliers.hits(field, v, Confidence::Medium, &mut out);
        }
        for (name, verified) in &facts.signers {
            let (field, conf) = if *verified {
                ("code signer", Confidence::High)
            } else {
                ("code signer (unverified)", Confidence::Medium)
            };
            self.signers.hits(field, name, conf, &mut out);
        }
        for id in &facts.team_ids {
            exact(&self.team_ids, "Team ID", id, Confidence::High, &mut out);
        }
        for id in &facts.bundle_ids {
            self.bundle_ids
                .hits("bundle id", id, Confidence::High, &mut out);
        }
        for c in &facts.companies {
            self.suppliers
                .hits("company name", c, Confidence::Low, &mut out);
        }
        for (field, host) in &facts.domains {
            let host = host.to_ascii_lowercase();
            let mut rest = host.as_str();
            loop {
                if self.domains.contains_key(rest) {
                    let before = out.len();
                    exact(&self.domains, field, rest, Confidence::Medium, &mut out);
                    for h in &mut out[before..] {
                        h.value.clone_from(&host);
                    }
                }
                match rest.split_once('.') {
                    Some((_, tail)) if tail.contains('.') => rest = tail,
                    _ => break,
                }
            }
        }
        for b in &facts.binaries {
            self.binaries
                .hits("binary name", b, Confidence::Low, &mut out);
        }
        for d in &facts.dirs {
            self.binaries
                .hits("install directory", d, Confidence::Low, &mut out);
        }
        out.sort_by(|a, b| {
            b.confidence
                .cmp(&a.confidence)
                .then_with(|| kind_rank(a).cmp(&kind_rank(b)))
                .then_with(|| b.specificity.cmp(&a.specificity))
                .then_with(|| a.order.cmp(&b.order))
                .then_with(|| a.field.cmp(&b.field))
                .then_with(|| a.value.cmp(&b.value))
        });
        out.dedup_by(|a, b| a.target == b.target && a.field == b.field && a.value == b.value);
        out
    }
}

/// Hits for a value looked up exactly (domains, Team IDs).
fn exact(
    map: &HashMap<String, Vec<Pat>>,
    field: &str,
    value: &str,
    conf: Confidence,
    out: &mut Vec<Hit>,
) {
    for p in map.get(value).into_iter().flatten() {
        out.push(Hit {
            target: p.target,
            field: field.to_owned(),
            value: value.to_owned(),
            pattern: p.pattern.clone(),
            confidence: conf,
            specificity: p.specificity,
            order: p.order,
        });
    }
}

/// At equal confidence: a code signature (Team ID, verified signer) decides
/// the vendor first — legal names and bundle names drift, signing identities
/// don't — then product rules, then other vendor rules.
fn kind_rank(h: &Hit) -> u8 {
    match (h.target, h.field.as_str()) {
        // A Team ID names one developer account; a Developer ID signer
        // carrying it names the same account by a name that can drift.
        (Target::Vendor(_), "Team ID") => 0,
        (Target::Vendor(_), "code signer") => 1,
        (Target::Product(_), _) => 2,
        (Target::Vendor(_), _) => 3,
    }
}

/// Collects patterns during validation.
struct Builder {
    packages: Vec<Pat>,
    suppliers: Vec<Pat>,
    binaries: Vec<Pat>,
    metadata: Vec<Pat>,
    signers: Vec<Pat>,
    bundle_ids: Vec<Pat>,
    domains: HashMap<String, Vec<Pat>>,
    team_ids: HashMap<String, Vec<Pat>>,
    order: u32,
    /// Whether each glob is parsed now, to report a bad one where it is
    /// written; else it is parsed when its field compiles.
    check: bool,
}

impl Builder {
    /// `check`: parse every glob now (see [`Builder::check`]); the
    /// embedded database is parsed whole by a test instead.
    fn new(check: bool) -> Self {
        let slot = Vec::new;
        Self {
            packages: slot(),
            suppliers: slot(),
            binaries: slot(),
            metadata: slot(),
            signers: slot(),
            bundle_ids: slot(),
            domains: HashMap::new(),
            team_ids: HashMap::new(),
            order: 0,
            check,
        }
    }
}

type Report<'a> = dyn FnMut(usize, Range<usize>, Code, String) + 'a;

impl Builder {
    /// A name that identifies the target when it is a whole supplier
    /// string, verbatim or as an RFC 5322 name (`Name <mail>`); not a
    /// signer (a certificate names the legal entity).
    fn add_supplier_name(
        &mut self,
        report: &mut dyn FnMut(usize, Range<usize>, Code, String),
        file: usize,
        target: Target,
        name: &str,
    ) {
        let order = self.order;
        self.order += 1;
        self.supplier_forms(report, file, target, order, globset::escape(name));
    }

    /// A name, `esc` as a glob, as a whole supplier string: verbatim, or as
    /// the name of an RFC 5322 address (`Name <mail>`).
    fn supplier_forms(
        &mut self,
        report: &mut dyn FnMut(usize, Range<usize>, Code, String),
        file: usize,
        target: Target,
        order: u32,
        esc: String,
    ) {
        let check = self.check;
        let with_mail = format!("{esc} <*");
        for form in [esc, with_mail] {
            glob(
                check,
                &mut self.suppliers,
                report,
                (file, 0..0),
                target,
                order,
                form,
            );
        }
    }

    fn add(
        &mut self,
        report: &mut Report,
        file: usize,
        target: Target,
        p: &PatternsDef,
        legal_names: &[String],
    ) {
        let order = self.order;
        self.order += 1;
        let check = self.check;
        for (slot, globs) in [
            (&mut self.packages, &p.packages),
            (&mut self.suppliers, &p.suppliers),
            (&mut self.binaries, &p.binaries),
            (&mut self.metadata, &p.metadata),
            (&mut self.signers, &p.signers),
            (&mut self.bundle_ids, &p.bundle_ids),
        ] {
            for g in globs {
                let at = (file, g.span());
                glob(check, slot, report, at, target, order, g.get_ref().clone());
            }
        }
        // A vendor's legal names identify it in supplier fields verbatim
        // ("Google LLC") or as an RFC 5322 name ("Mozilla Corporation <...>").
        for name in legal_names {
            let esc = globset::escape(name);
            let signer = esc.clone();
            glob(
                check,
                &mut self.signers,
                report,
                (file, 0..0),
                target,
                order,
                signer,
            );
            self.supplier_forms(report, file, target, order, esc);
        }
        for t in &p.team_ids {
            let v = t.get_ref().trim();
            if v.len() != 10
                || !v
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                report(
                    file,
                    t.span(),
                    Code::NotATeamId,
                    format!(
                        "`{}` is not an Apple Team ID (ten capital letters and digits)",
                        t.get_ref()
                    ),
                );
                continue;
            }
            self.team_ids.entry(v.to_owned()).or_default().push(Pat {
                target,
                pattern: v.to_owned(),
                specificity: 10,
                order,
            });
        }
        for d in &p.domains {
            let v = d.get_ref().trim().to_ascii_lowercase();
            let valid = v.contains('.')
                && !v.starts_with('.')
                && !v.ends_with('.')
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !valid {
                report(
                    file,
                    d.span(),
                    Code::NotADomain,
                    format!(
                        "`{}` is not a domain name (like `mozilla.org`)",
                        d.get_ref()
                    ),
                );
                continue;
            }
            self.domains.entry(v.clone()).or_default().push(Pat {
                target,
                specificity: v.len() as u32,
                pattern: v,
                order,
            });
        }
    }

    /// The fields, their sets not compiled yet ([`Matcher::compile`]).
    fn build(self) -> Fields {
        fn field(pats: Vec<Pat>) -> Field {
            Field {
                set: OnceLock::new(),
                pats,
            }
        }
        Fields {
            packages: field(self.packages),
            suppliers: field(self.suppliers),
            binaries: field(self.binaries),
            metadata: field(self.metadata),
            signers: field(self.signers),
            bundle_ids: field(self.bundle_ids),
            domains: self.domains,
            team_ids: self.team_ids,
        }
    }
}

/// A rule glob as every field compiles it: case-insensitive, `*` crossing
/// `/`, `\` escaping.
fn parse_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .backslash_escape(true)
        .build()
}

/// The glob a field's set is compiled from: the pattern in lower case,
/// matched case-sensitively against values in lower case ([`fold`]).
///
/// Why not globset's own `case_insensitive`: it turns every glob into a
/// Unicode case-insensitive regex, even `firefox` or `com.microsoft.*`, so
/// the whole database went into one large regex set (105 ms of compiling
/// per scan on 2 cores, a third of a desktop image's scan). Folded by
/// hand, literal, prefix and suffix globs take globset's hash-map and
/// Aho-Corasick strategies and only the rest is a regex, compiled without
/// case classes. Both sides fold with Unicode lower case; globset's
/// regexes fold ASCII letters only, so `Ärzte*` now also matches
/// `ÄRZTE VERLAG` (docs/rules.md).
fn folded_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(&fold(pattern))
        .literal_separator(false)
        .backslash_escape(true)
        .build()
}

/// A value or pattern in lower case; borrowed when it is already.
fn fold(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Adds one pattern to a field; with `check`, a glob that does not parse
/// is reported instead, `at` the file and where in it.
fn glob(
    check: bool,
    slot: &mut Vec<Pat>,
    report: &mut Report,
    (file, span): (usize, Range<usize>),
    target: Target,
    order: u32,
    pattern: String,
) {
    if pattern.trim().is_empty() {
        report(file, span, Code::EmptyPattern, "empty pattern".into());
        return;
    }
    if check && let Err(e) = parse_glob(&pattern) {
        let msg = format!("invalid pattern `{pattern}`: {}", e.kind());
        report(file, span, Code::InvalidGlob, msg);
        return;
    }
    let specificity = pattern
        .chars()
        .filter(|c| !matches!(c, '*' | '?' | '[' | ']' | '{' | '}'))
        .count() as u32;
    slot.push(Pat {
        target,
        pattern,
        specificity,
        order,
    });
}

/// The domain of each e-mail address in a supplier string
/// (`Name <user@lists.debian.org>` → `lists.debian.org`).
pub fn email_domains(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | '(' | ')' | '"'))
        .filter_map(|w| w.rsplit_once('@').map(|(_, d)| d.trim_end_matches('.')))
        .filter(|d| d.contains('.'))
}

/// The host of a URL (`https://www.mozilla.org/firefox` → `www.mozilla.org`).
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    (host.contains('.')).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_domains() {
        assert_eq!(
            email_domains("GNU Libc Maintainers <debian-glibc@lists.debian.org>")
                .collect::<Vec<_>>(),
            vec!["lists.debian.org"]
        );
        assert_eq!(
            url_host("https://user@www.mozilla.org:443/firefox?x"),
            Some("www.mozilla.org")
        );
        assert_eq!(url_host("not a url"), None);
    }

    /// Patterns folded by hand match what globset's case-insensitive
    /// globs matched on ASCII names, with classes, alternatives and
    /// escapes, in either case; and unlike those (which fold ASCII only),
    /// a name in another script's capitals too.
    #[test]
    fn folded_globs_match_as_case_insensitive_globs_did() {
        let patterns = [
            "*Zoom Video Communications*",
            "firefox",
            "FireFox-ESR",
            "com.Microsoft.*",
            "libreoffice-*",
            "*.EXE",
            "Ärzte*GmbH",
            "[A-C]x?",
            "{Google,Alphabet} *",
            "Acme\\*Tools",
            "Ωmega*",
        ];
        let values = [
            "zoom video communications, inc.",
            "ZOOM VIDEO COMMUNICATIONS",
            "Firefox",
            "firefox-esr",
            "COM.MICROSOFT.OFFICE",
            "com.microsoft",
            "LibreOffice-Writer",
            "setup.exe",
            "SETUP.EXE",
            "ärzte-verlag gmbh",
            "ÄRZTE VERLAG GMBH",
            "bxy",
            "Dx1",
            "google llc",
            "ALPHABET INC",
            "Acme*Tools",
            "acme-tools",
            "ωMEGA soft",
            "",
        ];
        let field = Field {
            set: OnceLock::new(),
            pats: patterns
                .iter()
                .enumerate()
                .map(|(i, p)| Pat {
                    target: Target::Vendor(0),
                    pattern: (*p).to_owned(),
                    specificity: 0,
                    order: i as u32,
                })
                .collect(),
        };
        let mut checked = 0;
        for v in values {
            let mut hits = Vec::new();
            field.hits("f", v, Confidence::High, &mut hits);
            let got: Vec<&str> = hits.iter().map(|h| h.pattern.as_str()).collect();
            let mut want: Vec<&str> = patterns
                .iter()
                .copied()
                .filter(|p| parse_glob(p).unwrap().compile_matcher().is_match(v))
                .collect();
            if !v.is_ascii() {
                // globset's regexes fold ASCII letters only: what they
                // matched still matches, and capitals of other letters too.
                assert!(want.iter().all(|w| got.contains(w)), "{v}: {want:?}");
                want = match v.chars().next() {
                    Some('ä' | 'Ä') => vec!["Ärzte*GmbH"],
                    _ => vec!["Ωmega*"],
                };
            }
            assert_eq!(got, want, "{v}");
            checked += want.len();
        }
        assert!(checked >= 15, "{checked} matches");
    }
}
