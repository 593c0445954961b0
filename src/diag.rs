//! Located diagnostics for the two formats people write by hand: rule files
//! (`docs/rules.md`) and policy files (`docs/policy.md`).
//!
//! Every problem carries a stable code, as cargo-deny's diagnostics do
//! (`L003`): `R...` for rule files, `P...` for policy files. A code names a
//! kind of mistake, not a message, so a script or a help page can key on it
//! while the wording improves. Codes are never renumbered or reused: a check
//! that goes away leaves its code in the enum and its row in the docs. Both
//! docs pages carry a table of their codes, and a test keeps the tables and
//! [`Code::ALL`] equal.
//!
//! One line per problem: `FILE:LINE:COL: MESSAGE [CODE]`. The position comes
//! first so that editors jump to it; the code follows the message in
//! brackets, as ShellCheck's gcc format does (`[SC2086]`), so the message
//! texts read as they always have.
//!
//! This module sits at the bottom with `model/`: it imports nothing of the
//! crate.

use std::fmt;

/// Defines [`Code`] from one list, so that the variants, their strings and
/// [`Code::ALL`] cannot drift apart. A declarative macro, not `strum`: the
/// list needs nothing but these three, and it keeps a dependency out.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*) => {
        /// The kind of a mistake in a rule or policy file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in numbering order.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// `R012`, `P004`...
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }
        }
    };
}

codes! {
    /// A rule file or directory cannot be read.
    RuleUnreadable = "R001",
    /// A `--rules` directory holds no `*.toml` file.
    RuleDirEmpty = "R002",
    /// The rule set has no files at all.
    RuleSetEmpty = "R003",
    /// Not TOML, or not the rule format: syntax, an unknown field, a
    /// missing field, a value of the wrong type.
    RuleSyntax = "R004",
    /// A second `[database]` table in one layer.
    SecondDatabase = "R005",
    /// A second `[model]` table in one layer.
    SecondModel = "R006",
    /// An empty id.
    EmptyId = "R007",
    /// The same id twice in one layer.
    DuplicateId = "R008",
    /// No `[database]` table in the whole rule set.
    NoDatabase = "R009",
    /// A value that must be a date (no time) is not.
    NotADate = "R010",
    /// Not an ISO 3166-1 alpha-2 country code.
    NotACountryCode = "R011",
    /// A country no `[[jurisdiction]]` defines.
    UnknownCountry = "R012",
    /// A law id that does not start with its country code.
    LawIdPrefix = "R013",
    /// A law id no `[[law]]` defines.
    UnknownLaw = "R014",
    /// A warning that names a law not of kind `warning` or `ban`.
    NotAWarningLaw = "R015",
    /// A vendor with no country that is not a community or channel.
    VendorWithoutCountry = "R016",
    /// A vendor id no `[[vendor]]` defines (a parent, a product's vendor).
    UnknownVendor = "R017",
    /// A vendor that controls itself through its parent chain.
    ControlCycle = "R018",
    /// A vendor with an empty `source`.
    EmptySource = "R019",
    /// A category id no `[[category]]` defines.
    UnknownCategory = "R020",
    /// A licence no `[[license]]` defines and not `proprietary`.
    UnknownLicense = "R021",
    /// A product listed as its own alternative.
    SelfAlternative = "R022",
    /// A product id no `[[product]]` defines (an alternative).
    UnknownProduct = "R023",
    /// An empty pattern.
    EmptyPattern = "R024",
    /// A glob that does not compile.
    InvalidGlob = "R025",
    /// Not an Apple Team ID.
    NotATeamId = "R026",
    /// Not a domain name.
    NotADomain = "R027",
    /// The patterns as a whole do not compile.
    PatternsUncompiled = "R028",
    /// No `[model]` table in the whole rule set.
    NoModel = "R029",
    /// Model weights negative, not finite, or with no positive sum.
    RuleWeights = "R030",
    /// Model thresholds that do not rise within 0..16.
    RuleThresholds = "R031",
    /// `oss_target` outside 0..1.
    RuleOssTarget = "R032",
    /// `unknown_exposure` outside 0..4.
    UnknownExposure = "R033",
    /// A model rule's score above 4.
    RuleScore = "R034",
    /// A gate with no conditions.
    EmptyGate = "R035",
    /// A product or vendor trait that no model rule tests.
    UntestedTrait = "R036",
    /// Tables and arrays nested deeper than the bound (24 levels).
    RuleTooDeep = "R037",
    /// A workplace product that is not open source, without an open-source
    /// or EU-controlled alternative and without `no_alternative_reason`.
    NoAlternative = "R038",
    /// A migration profile's effort that is no class (S, M, L, XL).
    NotAnEffort = "R039",
    /// An empty `no_alternative_reason`, or a migration profile's empty
    /// `reason` or `source`.
    EmptyMigrationText = "R040",

    /// The policy file cannot be read.
    PolicyUnreadable = "P001",
    /// Not TOML, or not the policy format: syntax, an unknown key, a
    /// missing key, a value of the wrong type.
    PolicySyntax = "P002",
    /// `model.weights` negative, not finite, or with no positive sum.
    PolicyWeights = "P003",
    /// `model.thresholds` that do not rise within 0..16.
    PolicyThresholds = "P004",
    /// `model.oss_target` outside 0..1.
    PolicyOssTarget = "P005",
    /// A category id the rule database does not define.
    PolicyUnknownCategory = "P006",
    /// A negative or non-finite role weight.
    RoleWeight = "P007",
    /// A mitigation of d1, d2, d5 or d6.
    NotMitigable = "P008",
    /// A mitigated score above 4.
    MitigationScore = "P009",
    /// A mitigation with neither d3 nor d4.
    NoMitigatedDimension = "P010",
    /// An empty `justification`, `approver` or `reason`.
    EmptyText = "P011",
    /// A mitigation or allow entry that names both or neither of `product`
    /// and `vendor`.
    TargetNotOne = "P012",
    /// A product id the rule database does not define.
    PolicyUnknownProduct = "P013",
    /// A vendor id the rule database does not define.
    PolicyUnknownVendor = "P014",
    /// An `expires` that is not a date.
    ExpiresNotADate = "P015",
    /// A country no `[[jurisdiction]]` of the rule database defines.
    PolicyUnknownCountry = "P016",
    /// `deny.max_level` is not a level.
    NotALevel = "P017",
    /// `deny.min_oss_share` outside 0..1.
    MinOssShare = "P018",
    /// `deny.min_index` outside 0..100.
    MinIndex = "P019",
    /// Tables and arrays nested deeper than the bound (24 levels).
    PolicyTooDeep = "P020",
    /// A `[plan]` year outside 2000..2100, or a target year before the
    /// start year.
    PlanYear = "P021",
    /// `plan.target_share` outside 0..1.
    PlanShare = "P022",
    /// A capacity of 0, or a negative cost.
    PlanCapacity = "P023",
    /// An effort that is no class (S, M, L, XL).
    PlanEffort = "P024",
    /// A `plan.keep` `until` that is not a date.
    PlanDate = "P025",
    /// A `[report]` text (organisation, period) that is empty, longer than
    /// 200 characters or holds a control character.
    ReportText = "P026",

    /// The fleet manifest cannot be read.
    FleetUnreadable = "F001",
    /// Not TOML, or not the manifest format: syntax, an unknown key, a
    /// missing key, a value of the wrong type.
    FleetSyntax = "F002",
    /// Tables and arrays nested deeper than the bound (24 levels).
    FleetTooDeep = "F003",
    /// A value the manifest can't use: no images, an empty name or
    /// department, a name twice, no seats, no scans.
    FleetValue = "F004",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem in a rule or policy file, located to a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub code: Code,
    pub message: String,
}

impl Diagnostic {
    /// A problem at byte `offset` of the file `file` whose text is `text`.
    pub fn at(
        file: &str,
        text: &str,
        offset: usize,
        code: Code,
        message: impl Into<String>,
    ) -> Self {
        let (line, col) = line_col(text, offset);
        Self {
            file: file.to_owned(),
            line,
            col,
            code,
            message: message.into(),
        }
    }

    /// A file that is not TOML or does not fit its format: toml's message
    /// (one line) at the place it names, or at the start.
    pub fn toml(file: &str, text: &str, e: &toml::de::Error, code: Code) -> Self {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e.message().trim().replace('\n', " ");
        Self::at(file, text, offset, code, message)
    }

    /// A problem with a file as a whole (it cannot be read, a table is
    /// missing): its first line and column.
    pub fn whole_file(file: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: 1,
            col: 1,
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} [{}]",
            self.file, self.line, self.col, self.message, self.code
        )
    }
}

impl std::error::Error for Diagnostic {}

/// Converts a byte offset to 1-based line and column (in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    // Bytes, not chars: `\n` is never part of a longer UTF-8 sequence, and
    // a byte count vectorises (this runs for every rule entry's `at`).
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, t.find('"').unwrap()), (2, 6));
        // Past the end: the end.
        assert_eq!(line_col(t, 1000), (3, 1));
    }

    #[test]
    fn a_diagnostic_renders_position_message_and_code() {
        let text = "[[product]]\nid = \"x\"\nvendor = \"nobody\"\n";
        let d = Diagnostic::at(
            "local.toml",
            text,
            text.find("\"nobody\"").unwrap(),
            Code::UnknownVendor,
            "unknown vendor id `nobody`",
        );
        assert_eq!((d.line, d.col), (3, 10));
        assert_eq!(
            d.to_string(),
            "local.toml:3:10: unknown vendor id `nobody` [R017]"
        );
        let w = Diagnostic::whole_file("p.toml", Code::PolicyUnreadable, "cannot read policy");
        assert_eq!(w.to_string(), "p.toml:1:1: cannot read policy [P001]");
    }

    #[test]
    fn a_toml_error_is_one_line_at_the_place_toml_names() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct F {
            name: String,
        }
        let text = "name = \"x\"\ncolour = \"red\"\n";
        let e = toml::from_str::<F>(text).unwrap_err();
        let d = Diagnostic::toml("f.toml", text, &e, Code::RuleSyntax);
        assert_eq!((d.line, d.col, d.code), (2, 1, Code::RuleSyntax));
        assert!(!d.message.contains('\n'), "{d}");
        assert!(d.message.starts_with("unknown field `colour`"), "{d}");
    }

    #[test]
    fn codes_are_unique_well_formed_and_in_order() {
        let strs: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for s in &strs {
            assert!(
                s.len() == 4
                    && matches!(&s[..1], "R" | "P" | "F")
                    && s[1..].bytes().all(|b| b.is_ascii_digit()),
                "{s}"
            );
        }
        // Numbering runs 001, 002... per prefix with no gap: a new code
        // takes the next number, none is ever renumbered.
        for prefix in ["R", "P", "F"] {
            let nums: Vec<usize> = strs
                .iter()
                .filter(|s| s.starts_with(prefix))
                .map(|s| s[1..].parse().unwrap())
                .collect();
            assert_eq!(nums, (1..=nums.len()).collect::<Vec<_>>(), "{prefix}");
        }
    }

    /// The codes in the table under `## Diagnostic codes` of a docs page:
    /// rows that start with `` | `X000` ``.
    fn documented(page: &str) -> BTreeSet<String> {
        let (_, section) = page
            .split_once("\n## Diagnostic codes\n")
            .expect("a `## Diagnostic codes` section");
        let section = section.split("\n## ").next().unwrap();
        section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(code, _)| code.to_owned())
            .collect()
    }

    #[test]
    fn every_code_is_documented_and_every_documented_code_exists() {
        for (prefix, page) in [
            ("R", include_str!("../docs/rules.md")),
            ("P", include_str!("../docs/policy.md")),
            ("F", include_str!("../docs/fleet.md")),
        ] {
            let in_code: BTreeSet<String> = Code::ALL
                .iter()
                .map(|c| c.as_str())
                .filter(|s| s.starts_with(prefix))
                .map(str::to_owned)
                .collect();
            assert_eq!(documented(page), in_code, "docs table of {prefix} codes");
        }
    }
}

/// The candidates nearest to `key`, best first, at most three: those that
/// contain it or that it contains (ignoring case), then those within a
/// typo of it (Jaro-Winkler similarity of at least 0.85). For "did you
/// mean" in a diagnostic or an error.
pub fn nearest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let k = key.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter(|c| !c.is_empty() && !k.is_empty())
        .filter_map(|c| {
            let l = c.to_lowercase();
            let score = if k.len() >= 3 && (l.contains(&k) || k.contains(&l)) {
                // A closer length is a better match.
                1.0 + k.len().min(l.len()) as f64 / k.len().max(l.len()) as f64
            } else {
                strsim::jaro_winkler(&k, &l)
            };
            (score >= 0.85).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// `; did you mean `a`, `b`?` for [`nearest`], or nothing.
pub fn did_you_mean<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let n = nearest(key, candidates);
    if n.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = n.iter().map(|c| format!("`{c}`")).collect();
    format!("; did you mean {}?", quoted.join(", "))
}

#[cfg(test)]
mod suggest_tests {
    use super::{did_you_mean, nearest};

    #[test]
    fn nearest_ids_by_containment_then_typo() {
        let ids = ["google-chrome-stable", "chromium", "microsoft", "zoom"];
        assert_eq!(nearest("chrome", ids), ["google-chrome-stable", "chromium"]);
        assert_eq!(nearest("microsft", ids), ["microsoft"]);
        assert_eq!(nearest("Zoom", ids), ["zoom"]);
        assert!(nearest("libreoffice", ids).is_empty());
        assert_eq!(did_you_mean("microsft", ids), "; did you mean `microsoft`?");
        assert_eq!(did_you_mean("xyz", ids), "");
    }
}
