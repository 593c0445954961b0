//! `sovscan rules coverage`: the code signers of a saved scan that the rule
//! database doesn't resolve to a vendor, most files first, so a site knows
//! which `[[vendor]]` entries (legal names, `signers`, `team_ids`) to add.
//!
//! Every signed binary of the report is matched again against the rules
//! given now (the embedded database and `--rules` layers), on its signing
//! identity alone: the signer's name (certificate O, else CN) and, for
//! Mach-O, the Team ID, exactly as the scan matches a binary's signature
//! claims (docs/rules.md). A report written by an older database, or a site
//! layer added since, is judged by the rules of today. Other evidence a
//! binary has (its `CompanyName`, its package) doesn't count: the question
//! is whether the database knows the signer.

use crate::fmt::{count, pct};
use crate::model::binary::Format;
use crate::model::report::{BinaryReport, Report};
use crate::rules::{Facts, RuleDb, Target, VendorKind};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How a file is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A PE file with an Authenticode signature naming its signer.
    Authenticode,
    /// A Mach-O file signed with a certificate whose OU is the signature's
    /// Team ID (Developer ID).
    DeveloperId,
    /// A Mach-O file signed with another certificate: Apple's own
    /// `Software Signing`, Mac App Store re-signing, a self-made one.
    MachO,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Authenticode => "authenticode",
            Kind::DeveloperId => "developer-id",
            Kind::MachO => "mach-o",
        }
    }
}

/// The signing identity of one binary, as the report states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity<'a> {
    pub kind: Kind,
    /// Certificate O, else CN; None for a Mach-O signature whose
    /// certificate names neither (its Team ID still speaks).
    pub signer: Option<&'a str>,
    /// The certificate's CN (`Developer ID Application: NAME (TEAMID)`).
    pub common_name: Option<&'a str>,
    pub team_id: Option<&'a str>,
    /// Authenticode: the signed digest matches the file; Mach-O: a
    /// Developer ID signature carrying its Team ID.
    pub verified: bool,
}

/// The signing identity of a binary record, if it is signed with a
/// certificate (ad hoc and unsigned files have none).
pub fn identity(b: &BinaryReport) -> Option<Identity<'_>> {
    match b.format {
        Format::Pe => {
            let sig = b.signature.as_ref()?;
            let subject = sig.subject.as_ref()?;
            Some(Identity {
                kind: Kind::Authenticode,
                signer: Some(subject.name()?),
                common_name: subject.cn.as_deref(),
                team_id: None,
                verified: sig.digest_ok == Some(true),
            })
        }
        Format::Macho => {
            let m = b.macho.as_ref()?;
            let cert = m.signer.as_ref().filter(|_| !m.adhoc)?;
            let developer_id = m.is_developer_id();
            Some(Identity {
                kind: if developer_id {
                    Kind::DeveloperId
                } else {
                    Kind::MachO
                },
                signer: cert.name(),
                common_name: cert.cn.as_deref(),
                team_id: m.team_id.as_deref(),
                verified: developer_id,
            })
        }
        Format::Elf => None,
    }
}

/// The vendor (index) a signing identity resolves to: the best hit of its
/// signer name and Team ID that is no distribution channel.
pub fn resolve(db: &RuleDb, id: &Identity) -> Option<usize> {
    let mut f = Facts::default();
    if let Some(s) = id.signer {
        f.signers.push((s, id.verified));
    }
    if let Some(t) = id.team_id {
        f.team_ids.push(t);
    }
    db.matcher
        .matches(&f)
        .iter()
        .map(|h| match h.target {
            Target::Product(p) => db.products[p as usize].vendor,
            Target::Vendor(v) => v as usize,
        })
        .find(|&v| db.vendors[v].kind != VendorKind::Channel)
}

/// `sovscan rules coverage` as data (`-f json`, docs/rules.md).
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The rule database the signers were matched against.
    pub rules: RulesUsed,
    /// Per kind of signature (only kinds present): files and how many
    /// resolve to a vendor.
    pub signed: Vec<KindTotal>,
    /// Signing identities no rule resolves, most files first.
    pub unknown: Vec<Unknown>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesUsed {
    pub version: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindTotal {
    pub kind: Kind,
    pub files: usize,
    pub resolved: usize,
    /// resolved / files.
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    pub kind: Kind,
    /// Certificate O, else CN.
    pub signer: Option<String>,
    /// The certificate CN of the example file.
    pub common_name: Option<String>,
    pub team_id: Option<String>,
    /// Files signed by it.
    pub files: usize,
    /// How many of them are verified (digest matches; Developer ID).
    pub verified: usize,
    pub example: Example,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub image: usize,
    pub path: String,
}

/// The signers of a report's binaries, matched against `db`. A file with
/// several names (hard links) counts once, under its first name in
/// report order.
pub fn coverage(report: &Report, db: &RuleDb) -> Coverage {
    let mut totals: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    let mut unknown: HashMap<(Kind, Option<&str>, Option<&str>), Unknown> = HashMap::new();
    let mut cache: HashMap<(Option<&str>, Option<&str>, bool), bool> = HashMap::new();
    let mut seen: HashSet<(usize, &str)> = HashSet::new();
    for b in &report.binaries {
        let Some(id) = identity(b) else { continue };
        if b.links
            .iter()
            .any(|l| seen.contains(&(b.image, l.as_str())))
        {
            continue;
        }
        seen.insert((b.image, b.path.as_str()));
        let known = *cache
            .entry((id.signer, id.team_id, id.verified))
            .or_insert_with(|| resolve(db, &id).is_some());
        let t = totals.entry(id.kind).or_default();
        t.0 += 1;
        if known {
            t.1 += 1;
            continue;
        }
        let u = unknown
            .entry((id.kind, id.signer, id.team_id))
            .or_insert_with(|| Unknown {
                kind: id.kind,
                signer: id.signer.map(str::to_owned),
                common_name: id.common_name.map(str::to_owned),
                team_id: id.team_id.map(str::to_owned),
                files: 0,
                verified: 0,
                example: Example {
                    image: b.image,
                    path: b.path.clone(),
                },
            });
        u.files += 1;
        u.verified += usize::from(id.verified);
    }
    let mut unknown: Vec<Unknown> = unknown.into_values().collect();
    unknown.sort_by(|a, b| {
        b.files
            .cmp(&a.files)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.signer.cmp(&b.signer))
            .then_with(|| a.team_id.cmp(&b.team_id))
    });
    Coverage {
        rules: RulesUsed {
            version: db.meta.version.clone(),
            date: db.meta.date.clone(),
        },
        signed: totals
            .into_iter()
            .map(|(kind, (files, resolved))| KindTotal {
                kind,
                files,
                resolved,
                share: resolved as f64 / files as f64,
            })
            .collect(),
        unknown,
    }
}

/// The coverage as text: the share per kind, then a table of the unknown
/// signers.
pub fn table(c: &Coverage) -> String {
    use comfy_table::Table;
    let mut out = format!(
        "signed files whose signer resolves to a vendor (rules {} of {}):\n",
        c.rules.version, c.rules.date
    );
    if c.signed.is_empty() {
        out.push_str("  none: the report has no binary signed with a certificate\n");
    }
    for t in &c.signed {
        out.push_str(&format!(
            "  {:<13} {} of {} ({})\n",
            t.kind.as_str(),
            t.resolved,
            count(t.files, "file", "files"),
            pct(t.share)
        ));
    }
    if c.unknown.is_empty() {
        if !c.signed.is_empty() {
            out.push_str("every signer resolves to a vendor\n");
        }
        return out;
    }
    let mut t = Table::new();
    t.load_style(super::table::STYLE);
    t.set_header(vec![
        "files", "verified", "kind", "signer", "team id", "example",
    ]);
    for u in &c.unknown {
        t.add_row(vec![
            u.files.to_string(),
            u.verified.to_string(),
            u.kind.as_str().to_owned(),
            u.signer
                .clone()
                .or_else(|| u.common_name.clone())
                .unwrap_or_else(|| "-".into()),
            u.team_id.clone().unwrap_or_else(|| "-".into()),
            u.example.path.clone(),
        ]);
    }
    out.push_str(&format!(
        "\n{} the rules don't know, most files first:\n{t}\n",
        count(c.unknown.len(), "signer", "signers")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::binary::{Binary, MachoInfo, Signature, SignerName, Subject};

    fn bin(format: Format) -> BinaryReport {
        BinaryReport::new(0, Binary::new("x", format, 1), None, None)
    }

    fn macho(adhoc: bool, team: Option<&str>, ou: Option<&str>) -> BinaryReport {
        let mut b = bin(Format::Macho);
        b.macho = Some(MachoInfo {
            adhoc,
            team_id: team.map(Into::into),
            signer: Some(SignerName {
                cn: Some("Developer ID Application: Acme (ABCDE12345)".into()),
                o: Some("Acme".into()),
                ou: ou.map(Into::into),
                c: None,
            }),
            ..Default::default()
        });
        b
    }

    #[test]
    fn kinds_of_signature() {
        let mut pe = bin(Format::Pe);
        assert_eq!(identity(&pe), None, "unsigned");
        pe.signature = Some(Signature {
            signed: true,
            subject: Some(Subject {
                cn: Some("Acme Signing".into()),
                ..Default::default()
            }),
            digest_ok: Some(false),
            ..Default::default()
        });
        let id = identity(&pe).unwrap();
        assert_eq!(
            (id.kind, id.signer, id.verified),
            (Kind::Authenticode, Some("Acme Signing"), false),
            "the CN when there is no O; a changed file is not verified"
        );

        let dev = macho(false, Some("ABCDE12345"), Some("ABCDE12345"));
        let id = identity(&dev).unwrap();
        assert_eq!((id.kind, id.verified), (Kind::DeveloperId, true));
        assert_eq!(id.team_id, Some("ABCDE12345"));
        // Apple's certificate over another Team ID (Mac App Store).
        let store = macho(false, Some("ABCDE12345"), Some("Apple Software"));
        assert_eq!(identity(&store).unwrap().kind, Kind::MachO);
        assert!(!identity(&store).unwrap().verified);
        assert_eq!(identity(&macho(true, None, None)), None, "ad hoc");
        assert_eq!(identity(&bin(Format::Elf)), None);
    }
}
