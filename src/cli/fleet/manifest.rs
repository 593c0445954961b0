//! The fleet manifest (docs/fleet.md): the images of an administration with
//! their saved scans, department, seats and tags; or a directory of saved
//! scans, one image per scanned root.

use crate::bounded;
use crate::diag::{Code, Diagnostic};
use crate::model::fleet::Period;
use crate::rules::parse_toml;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One image of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub department: String,
    pub seats: u64,
    pub tags: Vec<String>,
    /// Its saved scans, relative paths resolved against the manifest's folder.
    pub scans: Vec<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub name: Option<String>,
    pub period: Option<Period>,
    pub images: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    period: Option<Spanned<String>>,
    #[serde(default)]
    image: Vec<Spanned<ImageFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageFile {
    name: Spanned<String>,
    department: Spanned<String>,
    seats: Spanned<i64>,
    scans: Spanned<Vec<String>>,
    #[serde(default)]
    tags: Vec<String>,
}

/// Reads and checks a manifest; every problem is one located line.
pub fn load(path: &Path) -> Result<Manifest, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let text =
        bounded::read_to_string(path, bounded::TEXT, bounded::Links::Follow).map_err(|e| {
            vec![Diagnostic::whole_file(
                name.clone(),
                Code::FleetUnreadable,
                format!("cannot read the fleet manifest: {e}"),
            )]
        })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&name, &text, base)
}

/// Parses the text of manifest `name`; scan paths are relative to `base`.
pub fn parse(name: &str, text: &str, base: &Path) -> Result<Manifest, Vec<Diagnostic>> {
    let file: File =
        parse_toml(name, text, (Code::FleetSyntax, Code::FleetTooDeep)).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let mut bad = |at: usize, msg: String| {
        errors.push(Diagnostic::at(name, text, at, Code::FleetValue, msg));
    };
    let period = file
        .period
        .as_ref()
        .and_then(|p| match p.get_ref().as_str() {
            "year" => Some(Period::Year),
            "quarter" => Some(Period::Quarter),
            other => {
                bad(
                    p.span().start,
                    format!("period `{other}` is not `year` or `quarter`"),
                );
                None
            }
        });
    if file.image.is_empty() {
        bad(
            0,
            "no [[image]]: a fleet lists at least one image".to_owned(),
        );
    }
    let mut images: Vec<Entry> = Vec::new();
    for img in &file.image {
        let i = img.get_ref();
        let text_of = |s: &Spanned<String>| s.get_ref().trim().to_owned();
        let (n, dept) = (text_of(&i.name), text_of(&i.department));
        if n.is_empty() {
            bad(i.name.span().start, "image `name` is empty".to_owned());
        } else if images.iter().any(|e| e.name == n) {
            bad(i.name.span().start, format!("image `{n}` is listed twice"));
        }
        if dept.is_empty() {
            bad(
                i.department.span().start,
                format!("image `{n}`: `department` is empty"),
            );
        }
        let seats = *i.seats.get_ref();
        if seats < 1 {
            bad(
                i.seats.span().start,
                format!("image `{n}`: `seats` must be at least 1, not {seats}"),
            );
        }
        if i.scans.get_ref().is_empty() {
            bad(
                i.scans.span().start,
                format!("image `{n}`: `scans` lists no saved scan"),
            );
        }
        images.push(Entry {
            name: n,
            department: dept,
            seats: seats.max(0) as u64,
            tags: i.tags.clone(),
            scans: i.scans.get_ref().iter().map(|s| base.join(s)).collect(),
        });
    }
    if errors.is_empty() {
        Ok(Manifest {
            name: file.name,
            period,
            images,
        })
    } else {
        Err(errors)
    }
}

/// A directory of saved scans as a fleet: every `*.json` file in it (not
/// below it), one image per scanned root (the roots of a scan joined by
/// ` + `), one seat each, department `unassigned`. Only each file's head
/// (`scan.date`, `images[].root`) is read here; the scans are read again,
/// whole, one at a time, when the figures are made.
pub fn from_dir(dir: &Path) -> Result<Manifest, super::Error> {
    let read_err = |source| super::Error::Read {
        path: dir.to_owned(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(super::Error::Usage(format!(
            "{}: no saved scans (*.json) in this directory",
            dir.display()
        )));
    }
    let mut images: Vec<Entry> = Vec::new();
    for f in files {
        let root = head_root(&f)?;
        match images.iter_mut().find(|e| e.name == root) {
            Some(e) => e.scans.push(f),
            None => images.push(Entry {
                name: root,
                department: "unassigned".to_owned(),
                seats: 1,
                tags: Vec::new(),
                scans: vec![f],
            }),
        }
    }
    Ok(Manifest {
        name: None,
        period: None,
        images,
    })
}

/// The roots a saved scan names, joined by ` + `.
fn head_root(path: &Path) -> Result<String, super::Error> {
    #[derive(Deserialize)]
    struct Head {
        images: Vec<Root>,
    }
    #[derive(Deserialize)]
    struct Root {
        root: String,
    }
    let text = bounded::read_to_string(path, bounded::DATABASE, bounded::Links::Follow).map_err(
        |source| super::Error::Read {
            path: path.to_owned(),
            source,
        },
    )?;
    let head: Head = serde_json::from_str(&text).map_err(|e| super::Error::Report {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        what: "not a sovscan report",
        message: e
            .to_string()
            .rsplit_once(" at line ")
            .map_or(e.to_string(), |(m, _)| m.to_owned()),
    })?;
    let roots: Vec<String> = head.images.into_iter().map(|r| r.root).collect();
    Ok(roots.join(" + "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse("fleet.toml", text, Path::new("/x"))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn reads_a_manifest_with_paths_beside_it() {
        let m = parse(
            "fleet.toml",
            "name = \"Amt\"\nperiod = \"quarter\"\n[[image]]\nname = \"desk\"\ndepartment = \"IT\"\nseats = 12\nscans = [\"a.json\"]\ntags = [\"office\"]\n",
            Path::new("/srv/f"),
        )
        .unwrap();
        assert_eq!(m.period, Some(Period::Quarter));
        assert_eq!(m.images[0].scans, [PathBuf::from("/srv/f/a.json")]);
        assert_eq!((m.images[0].seats, m.images[0].tags.len()), (12, 1));
    }

    #[test]
    fn every_mistake_is_one_located_line() {
        let base = "[[image]]\nname = \"a\"\ndepartment = \"IT\"\n";
        assert_eq!(
            err(&format!("{base}seats = 0\nscans = [\"x.json\"]\n")),
            "fleet.toml:4:9: image `a`: `seats` must be at least 1, not 0 [F004]"
        );
        assert_eq!(
            err(&format!("{base}seats = 3\nscans = []\n")),
            "fleet.toml:5:9: image `a`: `scans` lists no saved scan [F004]"
        );
        let e = err(&format!("{base}seat = 3\nscans = [\"x.json\"]\n"));
        assert!(e.starts_with("fleet.toml:4:1: unknown field `seat`"), "{e}");
        assert!(e.ends_with("[F002]"), "{e}");
        let e = err(&format!("{base}seats = \"many\"\nscans = [\"x.json\"]\n"));
        assert!(e.starts_with("fleet.toml:4:9: "), "{e}");
        assert_eq!(
            err(
                "period = \"month\"\n[[image]]\nname = \"a\"\ndepartment = \"IT\"\nseats = 1\nscans = [\"x\"]\n"
            ),
            "fleet.toml:1:10: period `month` is not `year` or `quarter` [F004]"
        );
        let twice = format!("{base}seats = 1\nscans = [\"x\"]\n{base}seats = 1\nscans = [\"y\"]\n");
        assert_eq!(
            err(&twice),
            "fleet.toml:7:8: image `a` is listed twice [F004]"
        );
        assert_eq!(
            err(""),
            "fleet.toml:1:1: no [[image]]: a fleet lists at least one image [F004]"
        );
    }
}
