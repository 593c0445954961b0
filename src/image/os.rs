//! The operating system an image holds, as its own files state it.
//!
//! Detection is by marker files, cheapest first, and each marker is also
//! where the facts are read from:
//!
//! - Linux: `os-release` (freedesktop.org os-release(5)), `etc/os-release`,
//!   else `usr/lib/os-release`;
//! - Windows: the SOFTWARE registry hive,
//!   `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`;
//! - macOS: `System/Library/CoreServices/SystemVersion.plist`.
//!
//! A marker whose facts can't be read still decides the family (the file is
//! there); the collectors report what was wrong with it. The family decides
//! which collectors run.
//!
//! A root without any marker is judged by its layout, with a warning that
//! names the missing marker (a tree copied without its registry hives or a
//! macOS volume without its system version is still that system, not a
//! folder whose top-level directories are the components):
//!
//! - Windows: a `Windows/System32` directory;
//! - macOS: a `System/Library` directory and an `Applications/*.app` bundle.
//!
//! A root with neither is a plain directory and only gets its binaries
//! fingerprinted. `--os` ([`detect_as`]) sets the family outright; when the
//! markers or layout say otherwise, the scan warns and does as told.

use super::RootFs;
use super::read::{parse_plist, plist_str, read_bytes, read_resolved};
use crate::formats::regf::Hive;
use crate::model::inventory::Family;

/// The os-release files, in the order os-release(5) says to try them.
pub const OS_RELEASE: &[&str] = &["etc/os-release", "usr/lib/os-release"];
/// The SOFTWARE hive, as Windows names it (matched ignoring case: Windows
/// images extracted on Linux keep whatever case the extraction tool used).
pub const SOFTWARE_HIVE: &str = "Windows/System32/config/SOFTWARE";
/// The key of the SOFTWARE hive that names the Windows release.
pub const CURRENT_VERSION: &str = "Microsoft\\Windows NT\\CurrentVersion";
/// macOS's own version file.
pub const SYSTEM_VERSION: &str = "System/Library/CoreServices/SystemVersion.plist";

/// The operating system an image holds, as its own files state it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsInfo {
    pub family: Family,
    /// `ID` from os-release (`debian`, `ubuntu`, `fedora`), or the family.
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    /// The file the facts were read from.
    pub evidence: Option<String>,
    /// All os-release keys, for rule matching (`ID_LIKE`, `VENDOR_NAME`...);
    /// the SystemVersion.plist and CurrentVersion values read on macOS and
    /// Windows.
    pub fields: Vec<(String, String)>,
    /// Why the marker file's facts could not be read, for the OS collector
    /// to report (detection itself never fails).
    pub problem: Option<String>,
    /// What detection assumed and why (a missing marker, an `--os` that
    /// contradicts the markers): the file it concerns and the message, for
    /// the report's warnings.
    pub warnings: Vec<(String, String)>,
}

impl OsInfo {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// An OS known only by its family (no facts read).
    fn bare(family: Family, id: Option<&str>, name: Option<&str>) -> Self {
        OsInfo {
            family,
            id: id.map(str::to_owned),
            name: name.map(str::to_owned),
            version: None,
            evidence: None,
            fields: Vec::new(),
            problem: None,
            warnings: Vec::new(),
        }
    }

    /// The facts of a family known only by its layout or by `--os`.
    fn assumed(family: Family) -> Self {
        match family {
            Family::Windows => Self::bare(family, Some("windows"), Some("Windows")),
            Family::Macos => Self::bare(family, Some("macos"), Some("macOS")),
            Family::Linux => Self::bare(family, Some("linux"), None),
            Family::Directory => Self::bare(family, None, None),
        }
    }
}

/// What a root holds, by its marker files, else by its layout (with a
/// warning naming the missing marker).
pub fn detect(fs: &RootFs) -> OsInfo {
    for family in [Family::Linux, Family::Windows, Family::Macos] {
        if let Some(info) = by_marker(fs, family) {
            return info;
        }
    }
    by_layout(fs).unwrap_or_else(|| OsInfo::assumed(Family::Directory))
}

/// The root scanned as `family` (`--os`): the facts from that family's
/// marker when it has one. When detection would have decided otherwise,
/// a warning says so; the user's word wins.
pub fn detect_as(fs: &RootFs, family: Family) -> OsInfo {
    let found = detect(fs);
    if found.family == family {
        return found;
    }
    let mut info = by_marker(fs, family).unwrap_or_else(|| OsInfo::assumed(family));
    if found.family != Family::Directory {
        let by = found.evidence.as_deref().unwrap_or("its layout");
        info.warnings.push((
            found.evidence.clone().unwrap_or_default(),
            format!(
                "scanned as {} (--os), although {by} says {}",
                family.as_str(),
                found.family.as_str()
            ),
        ));
    }
    info
}

/// The family's marker file and what it says; `None` without the marker
/// (and always for a plain directory, which has none).
fn by_marker(fs: &RootFs, family: Family) -> Option<OsInfo> {
    match family {
        Family::Linux => OS_RELEASE.iter().find_map(|rel| {
            // os-release is often a symlink (`etc/os-release -> ../usr/lib/os-release`):
            // it is resolved inside the image. One that isn't UTF-8 text is
            // not taken for one.
            let bytes = read_bytes(fs, rel).ok()??;
            let text = String::from_utf8(bytes).ok()?;
            Some(parse_os_release(&text, rel))
        }),
        Family::Windows => {
            let real = fs.resolve_ignoring_case(SOFTWARE_HIVE).ok()?;
            if !fs.is_file(&real) {
                return None;
            }
            // The version from the SOFTWARE hive; a hive that can't be read
            // is still a Windows root (the registry collector reports it).
            Some(windows(fs).unwrap_or_else(|| OsInfo::assumed(Family::Windows)))
        }
        Family::Macos => fs.is_file(SYSTEM_VERSION).then(|| macos(fs)),
        Family::Directory => None,
    }
}

/// A Windows or macOS root without its marker file, by its layout.
fn by_layout(fs: &RootFs) -> Option<OsInfo> {
    let is_dir = |rel: &str, any_case: bool| {
        let real = if any_case {
            fs.resolve_ignoring_case(rel)
        } else {
            fs.resolve(rel)
        };
        real.is_ok_and(|p| fs.is_dir(p))
    };
    if is_dir("Windows/System32", true) {
        let mut info = OsInfo::assumed(Family::Windows);
        info.warnings.push((
            SOFTWARE_HIVE.to_owned(),
            "no SOFTWARE registry hive: scanned as Windows by its Windows/System32 \
             directory; the Windows release and the registry's programs are unknown"
                .to_owned(),
        ));
        return Some(info);
    }
    if is_dir("System/Library", false) && has_app_bundle(fs) {
        let mut info = OsInfo::assumed(Family::Macos);
        info.warnings.push((
            SYSTEM_VERSION.to_owned(),
            "no SystemVersion.plist: scanned as macOS by its System/Library directory \
             and Applications/*.app bundles; the macOS version is unknown"
                .to_owned(),
        ));
        return Some(info);
    }
    None
}

/// Whether `Applications` holds at least one `*.app` directory.
fn has_app_bundle(fs: &RootFs) -> bool {
    let Ok(entries) = fs.list("Applications") else {
        return false;
    };
    entries.iter().any(|(name, ty)| {
        name.to_string_lossy().ends_with(".app") && *ty == rustix::fs::FileType::Directory
    })
}

/// Parses os-release text (shell-style `KEY=value` lines, values optionally
/// quoted with `"` or `'`, backslash escapes inside double quotes).
pub fn parse_os_release(text: &str, path: &str) -> OsInfo {
    let mut fields = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        fields.push((k.trim().to_owned(), unquote(v.trim())));
    }
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    OsInfo {
        family: Family::Linux,
        id: get("ID").or_else(|| Some("linux".into())),
        name: get("PRETTY_NAME").or_else(|| get("NAME")),
        version: get("VERSION_ID")
            .or_else(|| get("VERSION"))
            .or_else(|| get("BUILD_ID")),
        evidence: Some(path.to_owned()),
        fields,
        problem: None,
        warnings: Vec::new(),
    }
}

fn unquote(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        let inner = &v[1..v.len() - 1];
        if b[0] == b'"' {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            return out;
        }
        return inner.to_owned();
    }
    v.to_owned()
}

/// The Windows release from `SOFTWARE\Microsoft\Windows NT\CurrentVersion`:
/// `None` when the hive can't be read.
fn windows(fs: &RootFs) -> Option<OsInfo> {
    let real = fs.resolve_ignoring_case(SOFTWARE_HIVE).ok()?;
    let rel = crate::paths::display(&real).0;
    let bytes = read_resolved(fs, &real, crate::bounded::DATABASE).ok()?;
    let hive = Hive::open(&bytes).ok()?;
    let cv = hive.root().ok()?.path(CURRENT_VERSION).ok()??;
    let mut fields: Vec<(String, String)> = Vec::new();
    for key in [
        "ProductName",
        "DisplayVersion",
        "ReleaseId",
        "CurrentBuild",
        "CurrentBuildNumber",
        "UBR",
        "CurrentMajorVersionNumber",
        "CurrentMinorVersionNumber",
        "CurrentVersion",
        "EditionID",
        "InstallationType",
    ] {
        if let Some(v) = cv.string(key) {
            fields.push((key.to_owned(), v.trim().to_owned()));
        }
    }
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    let build: Option<u32> = get("CurrentBuild")
        .or_else(|| get("CurrentBuildNumber"))
        .and_then(|b| b.parse().ok());
    // Windows 11 keeps "Windows 10" in ProductName; build 22000 is 11's first.
    let name = get("ProductName").map(|n| match n.strip_prefix("Windows 10") {
        Some(rest) if build.is_some_and(|b| b >= 22000) => format!("Windows 11{rest}"),
        _ => n,
    });
    let version = get("DisplayVersion")
        .or_else(|| get("ReleaseId"))
        .or_else(|| get("CurrentBuild"))
        .or_else(|| get("CurrentVersion"));
    if let Some(n) = &name
        && get("ProductName").as_ref() != Some(n)
    {
        fields.push(("ProductNameCorrected".into(), n.clone()));
    }
    Some(OsInfo {
        family: Family::Windows,
        id: Some("windows".into()),
        name,
        version,
        evidence: Some(rel),
        fields,
        problem: None,
        warnings: Vec::new(),
    })
}

/// What SystemVersion.plist says. A plist that can't be read still makes a
/// macOS root (the marker exists), with the reason as its `problem`.
fn macos(fs: &RootFs) -> OsInfo {
    let mut info = OsInfo {
        version: None,
        evidence: Some(SYSTEM_VERSION.into()),
        ..OsInfo::bare(Family::Macos, Some("macos"), Some("macOS"))
    };
    let read = match read_bytes(fs, SYSTEM_VERSION) {
        Ok(Some(bytes)) => parse_plist(&bytes),
        // Detection saw the file a moment ago.
        Ok(None) => Err(super::read::ReadError::Resolve(
            super::ResolveError::NotFound,
        )),
        Err(e) => Err(e),
    };
    let dict = match read {
        Ok(d) => d,
        Err(e) => {
            info.problem = Some(e.to_string());
            return info;
        }
    };
    for key in [
        "ProductName",
        "ProductVersion",
        "ProductBuildVersion",
        "ProductUserVisibleVersion",
    ] {
        if let Some(v) = plist_str(&dict, key) {
            info.fields.push((key.to_owned(), v));
        }
    }
    info.version = info.field("ProductVersion").map(str::to_owned);
    let product = info.field("ProductName").unwrap_or("macOS").to_owned();
    info.name = Some(match &info.version {
        Some(v) => format!("{product} {v}"),
        None => product,
    });
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_debian_os_release() {
        let os = parse_os_release(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n# c\nHOME_URL='https://www.debian.org/'\n",
            "etc/os-release",
        );
        assert_eq!(os.id.as_deref(), Some("debian"));
        assert_eq!(os.version.as_deref(), Some("12"));
        assert_eq!(os.name.as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
        assert_eq!(os.field("HOME_URL"), Some("https://www.debian.org/"));
    }

    #[test]
    fn rolling_release_uses_build_id() {
        let os = parse_os_release("ID=arch\nBUILD_ID=rolling\n", "usr/lib/os-release");
        assert_eq!(os.version.as_deref(), Some("rolling"));
    }
}
