//! Flatpak applications and runtimes, in every installation: the system one
//! (`var/lib/flatpak`), extra system ones declared in
//! `etc/flatpak/installations.d/*.conf`, and each user's
//! (`home/USER/.local/share/flatpak`, `root/.local/share/flatpak`).
//!
//! An installation deploys each ref to `KIND/ID/ARCH/BRANCH/COMMIT/`, with
//! `active` a link to the live commit. The deploy directory holds `metadata`
//! (a GLib key file: `[Application]` or `[Runtime]`), `deploy` (flatpak's
//! GVariant record of the install) and `files/`, the app's own tree. The
//! package owns the whole deploy directory, so binaries inside attach to it.
//!
//! Flatpak keeps no version of its own: the AppStream metainfo an app ships
//! (`files/share/metainfo/ID.metainfo.xml`, or the older `appdata` names)
//! gives it, with the licence and developer. The remote an app came from is
//! its publisher: the `deploy` record names it (its first field, `origin`);
//! failing that, the remote whose `repo/refs/remotes/REMOTE/...` holds the
//! ref. The remote's URL comes from `repo/config`.

use super::{Collector, join, list_dir, read_bytes, read_text};
use crate::image::Image;
use crate::model::inventory::{Evidence, Family, Inventory, Kind, Package, Source};
use std::collections::BTreeMap;

pub struct Flatpak;

const SYSTEM: &str = "var/lib/flatpak";
const EXTRA_SYSTEM: &str = "etc/flatpak/installations.d";
const USER_DIR: &str = ".local/share/flatpak";

impl Collector for Flatpak {
    fn name(&self) -> &'static str {
        "flatpak"
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Linux]
    }

    fn collect(&self, image: &Image, out: &mut Inventory) {
        let mut seen = std::collections::HashSet::new();
        for (label, base) in installations(image, out) {
            // One tree reachable under two names (a home directory linked to
            // another) is one installation.
            let Ok(real) = image.fs.resolve(&base) else {
                continue;
            };
            if seen.insert(real) {
                collect_installation(image, &label, &base, out);
            }
        }
    }
}

/// `(installation label, image path)` of every installation that may exist.
fn installations(image: &Image, out: &mut Inventory) -> Vec<(String, String)> {
    let mut all = vec![("system".to_owned(), SYSTEM.to_owned())];
    match list_dir(image, EXTRA_SYSTEM) {
        Ok(names) => {
            for name in names.iter().filter(|n| n.ends_with(".conf")) {
                let path = join(EXTRA_SYSTEM, name);
                match read_text(image, &path) {
                    Ok(Some(text)) => {
                        let kf = KeyFile::parse(&text, &path, out);
                        for (group, keys) in &kf.groups {
                            let id = group
                                .strip_prefix("Installation \"")
                                .and_then(|g| g.strip_suffix('"'));
                            if let (Some(id), Some((dir, _))) = (id, keys.get("Path")) {
                                let dir = dir.trim_start_matches('/').to_owned();
                                all.push((format!("system:{id}"), dir));
                            }
                        }
                    }
                    Ok(None) => {}
                    Err(e) => out.error(&path, e),
                }
            }
        }
        Err(e) => out.error(EXTRA_SYSTEM, e),
    }
    match list_dir(image, "home") {
        Ok(users) => {
            for user in users {
                let base = join(&join("home", &user), USER_DIR);
                all.push((format!("user:{user}"), base));
            }
        }
        Err(e) => out.error("home", e),
    }
    all.push(("user:root".to_owned(), join("root", USER_DIR)));
    all
}

fn collect_installation(image: &Image, label: &str, base: &str, out: &mut Inventory) {
    let config = join(base, "repo/config");
    let remotes = match read_text(image, &config) {
        Ok(Some(text)) => KeyFile::parse(&text, &config, out),
        Ok(None) => KeyFile::default(),
        Err(e) => {
            out.error(&config, e);
            KeyFile::default()
        }
    };
    for (dir, group, kind) in [
        ("app", "Application", Kind::Application),
        ("runtime", "Runtime", Kind::Library),
    ] {
        let kind_dir = join(base, dir);
        for id in listed(image, &kind_dir, out) {
            let id_dir = join(&kind_dir, &id);
            // `current` links to the default ARCH/BRANCH: not an arch.
            for arch in listed(image, &id_dir, out)
                .into_iter()
                .filter(|a| a != "current")
            {
                let arch_dir = join(&id_dir, &arch);
                for branch in listed(image, &arch_dir, out) {
                    let r = Ref {
                        kind: dir,
                        group,
                        id: &id,
                        arch: &arch,
                        branch: &branch,
                    };
                    if let Some(mut pkg) = read_deploy(image, label, base, &r, &remotes, out) {
                        pkg.kind = kind;
                        out.packages.push(pkg);
                    }
                }
            }
        }
    }
}

/// Directory entries, without flatpak's hidden bookkeeping (`.removed`).
fn listed(image: &Image, dir: &str, out: &mut Inventory) -> Vec<String> {
    match list_dir(image, dir) {
        Ok(names) => names.into_iter().filter(|n| !n.starts_with('.')).collect(),
        Err(e) => {
            out.error(dir, e);
            Vec::new()
        }
    }
}

struct Ref<'a> {
    kind: &'static str,
    group: &'static str,
    id: &'a str,
    arch: &'a str,
    branch: &'a str,
}

fn read_deploy(
    image: &Image,
    label: &str,
    base: &str,
    r: &Ref,
    remotes: &KeyFile,
    out: &mut Inventory,
) -> Option<Package> {
    let active = format!("{base}/{}/{}/{}/{}/active", r.kind, r.id, r.arch, r.branch);
    // No `active`: a ref whose deploy was removed or never finished.
    let deploy = crate::paths::display(&image.fs.resolve(&active).ok()?).0;
    let metadata = join(&deploy, "metadata");
    let kf = match read_text(image, &metadata) {
        Ok(Some(text)) => KeyFile::parse(&text, &metadata, out),
        Ok(None) => {
            out.warn(&deploy, "deployed ref without a metadata file");
            return None;
        }
        Err(e) => {
            out.error(&metadata, e);
            return None;
        }
    };
    let Some(keys) = kf.groups.get(r.group) else {
        out.warn(&metadata, format!("no [{}] group", r.group));
        return None;
    };
    let detail = match keys.get("name") {
        Some((name, line)) => format!("line {line}: [{}] name={name}", r.group),
        None => format!("[{}]", r.group),
    };
    let mut pkg = Package::new(
        Source::Flatpak,
        r.id,
        Evidence::new(&metadata, "flatpak-metadata", detail),
    );
    pkg.arch = Some(r.arch.to_owned());
    pkg.dirs.push(format!("/{deploy}"));
    pkg.properties.insert("branch", r.branch.to_owned());
    pkg.properties.insert("installation", label.to_owned());
    pkg.properties
        .insert("commit", crate::paths::file_name(&deploy).to_owned());
    for (key, prop) in [("runtime", "runtime"), ("sdk", "sdk")] {
        if let Some((v, _)) = keys.get(key) {
            pkg.properties.insert(prop, v.clone());
        }
    }

    if let Some(origin) = origin(image, base, &deploy, r, &mut pkg, out) {
        if let Some((url, _)) = remotes
            .groups
            .get(&format!("remote \"{origin}\""))
            .and_then(|g| g.get("url"))
        {
            pkg.properties.insert("remote_url", url.clone());
        }
        pkg.supplier.publisher = Some(origin);
    }
    read_metainfo(image, &deploy, r.id, &mut pkg, out);
    Some(pkg)
}

/// The remote the ref was installed from.
fn origin(
    image: &Image,
    base: &str,
    deploy: &str,
    r: &Ref,
    pkg: &mut Package,
    out: &mut Inventory,
) -> Option<String> {
    let record = join(deploy, "deploy");
    match read_bytes(image, &record) {
        Ok(Some(bytes)) => {
            if let Some(origin) = deploy_origin(&bytes) {
                pkg.evidence.push(Evidence::new(
                    &record,
                    "flatpak-deploy",
                    format!("origin {origin}"),
                ));
                return Some(origin);
            }
            out.warn(
                &record,
                "no origin remote at the start of the deploy record",
            );
        }
        Ok(None) => {}
        Err(e) => out.error(&record, e),
    }
    let remotes_dir = join(base, "repo/refs/remotes");
    for remote in listed(image, &remotes_dir, out) {
        let refpath = format!(
            "{remotes_dir}/{remote}/{}/{}/{}/{}",
            r.kind, r.id, r.arch, r.branch
        );
        if image.fs.resolve(&refpath).is_ok() {
            pkg.evidence
                .push(Evidence::new(&refpath, "flatpak-ref", "remote ref"));
            return Some(remote);
        }
    }
    None
}

/// The deploy record is the GVariant `(ssasta{sv})`: origin, commit,
/// subpaths, size, metadata. Its first member is a string at offset 0,
/// NUL-terminated by GVariant's serialisation, so no GVariant reader is
/// needed for it. Remote names are short and plain.
fn deploy_origin(bytes: &[u8]) -> Option<String> {
    let end = bytes.iter().take(256).position(|&b| b == 0)?;
    let name = std::str::from_utf8(bytes.get(..end)?).ok()?;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    plain.then(|| name.to_owned())
}

fn read_metainfo(image: &Image, deploy: &str, id: &str, pkg: &mut Package, out: &mut Inventory) {
    let candidates = [
        format!("files/share/metainfo/{id}.metainfo.xml"),
        format!("files/share/metainfo/{id}.appdata.xml"),
        format!("files/share/appdata/{id}.appdata.xml"),
        format!("files/share/appdata/{id}.metainfo.xml"),
    ];
    for rel in &candidates {
        let path = join(deploy, rel);
        match read_text(image, &path) {
            Ok(Some(xml)) => {
                let info = MetaInfo::scan(&xml);
                if let Some(v) = &info.version {
                    pkg.evidence.push(Evidence::new(
                        &path,
                        "appstream",
                        format!("<release version=\"{v}\">"),
                    ));
                } else {
                    out.warn(&path, "no <release version=...> in the metainfo");
                }
                pkg.version = info.version;
                pkg.license = info.license;
                pkg.supplier.vendor = info.developer;
                return;
            }
            Ok(None) => {}
            Err(e) => {
                out.error(&path, e);
                return;
            }
        }
    }
}

/// The three facts read from AppStream metainfo. A tolerant substring scan
/// rather than an XML parser: the files are small, generated and regular;
/// three fields don't justify a dependency; and a scan degrades to "not
/// found" on broken XML, which a strict parser would reject whole.
#[derive(Debug, Default, PartialEq)]
struct MetaInfo {
    /// The first `<release version>`: AppStream lists releases newest first.
    version: Option<String>,
    license: Option<String>,
    developer: Option<String>,
}

impl MetaInfo {
    fn scan(xml: &str) -> Self {
        let xml = strip_comments(xml);
        Self {
            version: release_version(&xml),
            license: element_text(&xml, "project_license"),
            developer: element_text(&xml, "developer_name").or_else(|| {
                let start = find_tag(&xml, "developer")?;
                let rest = xml.get(start..)?;
                let block = &rest[..rest.find("</developer>").unwrap_or(rest.len())];
                element_text(block, "name")
            }),
        }
    }
}

fn strip_comments(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = match rest[start..].find("-->") {
            Some(end) => &rest[start + end + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Byte offset of the first `<name` tag exactly (not `<names`), any attributes.
fn find_tag(xml: &str, name: &str) -> Option<usize> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = xml.get(from..)?.find(&open) {
        let at = from + i;
        let next = xml[at + open.len()..].chars().next();
        if matches!(next, Some(' ' | '\t' | '\r' | '\n' | '>' | '/')) {
            return Some(at);
        }
        from = at + open.len();
    }
    None
}

fn release_version(xml: &str) -> Option<String> {
    let start = find_tag(xml, "release")?;
    let tag = &xml[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let mut from = 0;
    // `version=` as an attribute, not the tail of another (`xversion=`).
    while let Some(i) = tag.get(from..)?.find("version=") {
        let at = from + i;
        from = at + 8;
        if !tag[..at].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = &tag[at + 8..];
        let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value = &rest[1..];
        let value = &value[..value.find(quote)?];
        return Some(unescape(value)).filter(|v| !v.is_empty());
    }
    None
}

/// Text of the first untranslated `<name>` element (no `xml:lang`).
fn element_text(xml: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = xml.get(from..)?.find(&format!("<{name}")) {
        let at = from + i;
        let rest = &xml[at + name.len() + 1..];
        from = at + name.len() + 1;
        let close = rest.find('>')?;
        let attrs = &rest[..close];
        if !(attrs.is_empty() || attrs.starts_with(char::is_whitespace))
            || attrs.contains("xml:lang")
        {
            continue;
        }
        let body = &rest[close + 1..];
        let body = &body[..body.find('<')?];
        return Some(unescape(body.trim())).filter(|v| !v.is_empty());
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A GLib key file (`[group]`, `key=value`, `#` comments), as flatpak's
/// metadata, `repo/config` and installation files use it. Values keep their
/// line number; localised keys (`name[de]`) are ordinary keys here.
#[derive(Debug, Default)]
struct KeyFile {
    groups: BTreeMap<String, BTreeMap<String, (String, usize)>>,
}

impl KeyFile {
    fn parse(text: &str, path: &str, out: &mut Inventory) -> Self {
        let mut kf = KeyFile::default();
        let mut group: Option<String> = None;
        let mut bad = 0usize;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                kf.groups.entry(name.to_owned()).or_default();
                group = Some(name.to_owned());
                continue;
            }
            match (line.split_once('='), &group) {
                (Some((k, v)), Some(g)) if !k.trim().is_empty() => {
                    kf.groups
                        .entry(g.clone())
                        .or_default()
                        .entry(k.trim().to_owned())
                        .or_insert((v.trim().to_owned(), n));
                }
                _ => {
                    bad += 1;
                    if bad <= 3 {
                        out.warn(path, format!("line {n}: not a key file line: {line:.60}"));
                    }
                }
            }
        }
        if bad > 3 {
            out.warn(path, format!("{} more malformed lines", bad - 3));
        }
        kf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::path::Path;

    const FIREFOX_COMMIT: &str = "9c4e2ab1d3f8e7c6b5a49382716f5e4d3c2b1a09f8e7d6c5b4a3928176e5d4c3";
    const PLATFORM_COMMIT: &str =
        "1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    const FIREFOX_METADATA: &str = "\
[Application]
name=org.mozilla.firefox
runtime=org.freedesktop.Platform/x86_64/23.08
sdk=org.freedesktop.Sdk/x86_64/23.08
command=firefox

[Context]
shared=network;ipc;
sockets=x11;wayland;pulseaudio;

[Extension org.mozilla.firefox.systemconfig]
directory=etc/firefox
no-autodownload=true
";

    const FIREFOX_METAINFO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>org.mozilla.firefox</id>
  <name>Firefox</name>
  <name xml:lang="de">Firefox</name>
  <developer id="org.mozilla">
    <name xml:lang="fr">Mozilla (fr)</name>
    <name>Mozilla</name>
  </developer>
  <project_license>MPL-2.0</project_license>
  <releases>
    <!-- <release version="999.0" date="2030-01-01"/> -->
    <release version="131.0.3" date="2024-10-14"/>
    <release version="131.0.2" date="2024-10-09"/>
  </releases>
</component>
"#;

    const PLATFORM_METADATA: &str = "\
[Runtime]
name=org.freedesktop.Platform
runtime=org.freedesktop.Platform/x86_64/23.08
sdk=org.freedesktop.Sdk/x86_64/23.08
";

    const REPO_CONFIG: &str = "\
[core]
repo_version=1
mode=bare-user-only
min-free-space-size=500MB

[remote \"flathub\"]
url=https://dl.flathub.org/repo/
xa.title=Flathub
gpg-verify=true
gpg-verify-summary=true
";

    fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    /// Deploys `KIND/ID/ARCH/BRANCH/COMMIT` with `active -> COMMIT`.
    fn deploy(root: &Path, base: &str, r: &str, commit: &str, files: &[(&str, &[u8])]) -> String {
        let dir = format!("{base}/{r}/{commit}");
        for (name, bytes) in files {
            write(root, &format!("{dir}/{name}"), bytes);
        }
        symlink(commit, root.join(format!("{base}/{r}/active"))).unwrap();
        dir
    }

    fn gvariant_deploy(origin: &str, commit: &str) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(origin.as_bytes());
        b.push(0);
        b.extend(commit.as_bytes());
        b.push(0);
        b.extend([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
        b
    }

    fn system_image(root: &Path) {
        write(root, "etc/os-release", "ID=fedora\n");
        write(root, "var/lib/flatpak/repo/config", REPO_CONFIG);
        let deploy_record = gvariant_deploy("flathub", FIREFOX_COMMIT);
        deploy(
            root,
            SYSTEM,
            "app/org.mozilla.firefox/x86_64/stable",
            FIREFOX_COMMIT,
            &[
                ("metadata", FIREFOX_METADATA.as_bytes()),
                ("deploy", &deploy_record),
                (
                    "files/share/metainfo/org.mozilla.firefox.metainfo.xml",
                    FIREFOX_METAINFO.as_bytes(),
                ),
                ("files/lib/firefox/firefox", b"\x7fELF"),
            ],
        );
        symlink(
            "x86_64/stable",
            root.join("var/lib/flatpak/app/org.mozilla.firefox/current"),
        )
        .unwrap();
        deploy(
            root,
            SYSTEM,
            "runtime/org.freedesktop.Platform/x86_64/23.08",
            PLATFORM_COMMIT,
            &[("metadata", PLATFORM_METADATA.as_bytes())],
        );
        write(
            root,
            "var/lib/flatpak/repo/refs/remotes/flathub/runtime/org.freedesktop.Platform/x86_64/23.08",
            format!("{PLATFORM_COMMIT}\n"),
        );
    }

    fn collect(root: &Path) -> Inventory {
        let image = Image::open(root).unwrap();
        let mut inv = Inventory::default();
        Flatpak.collect(&image, &mut inv);
        inv
    }

    #[test]
    fn reads_system_apps_and_runtimes() {
        let t = tempfile::tempdir().unwrap();
        system_image(t.path());
        let inv = collect(t.path());
        assert!(inv.errors.is_empty() && inv.warnings.is_empty(), "{inv:?}");
        assert_eq!(inv.packages.len(), 2);

        let ff = &inv.packages[0];
        assert_eq!(ff.name, "org.mozilla.firefox");
        assert_eq!(ff.kind, Kind::Application);
        assert_eq!(ff.version.as_deref(), Some("131.0.3"));
        assert_eq!(ff.arch.as_deref(), Some("x86_64"));
        assert_eq!(ff.license.as_deref(), Some("MPL-2.0"));
        assert_eq!(ff.supplier.publisher.as_deref(), Some("flathub"));
        assert_eq!(ff.supplier.vendor.as_deref(), Some("Mozilla"));
        assert_eq!(ff.purl, None);
        assert_eq!(ff.properties["branch"], "stable");
        assert_eq!(ff.properties["installation"], "system");
        assert_eq!(
            ff.properties["runtime"],
            "org.freedesktop.Platform/x86_64/23.08"
        );
        assert_eq!(ff.properties["remote_url"], "https://dl.flathub.org/repo/");
        assert_eq!(ff.properties["commit"], FIREFOX_COMMIT);
        let deploy_dir =
            format!("var/lib/flatpak/app/org.mozilla.firefox/x86_64/stable/{FIREFOX_COMMIT}");
        assert_eq!(ff.dirs, [format!("/{deploy_dir}")]);
        assert_eq!(ff.evidence[0].path, format!("{deploy_dir}/metadata"));
        assert_eq!(
            ff.evidence[0].detail,
            "line 2: [Application] name=org.mozilla.firefox"
        );
        assert_eq!(ff.evidence[1].kind, "flatpak-deploy");

        let rt = &inv.packages[1];
        assert_eq!(rt.name, "org.freedesktop.Platform");
        assert_eq!(rt.kind, Kind::Library);
        assert_eq!(rt.version, None);
        assert_eq!(rt.properties["branch"], "23.08");
        // No deploy record: the remote is the one holding the ref.
        assert_eq!(rt.supplier.publisher.as_deref(), Some("flathub"));
        assert_eq!(rt.evidence[1].kind, "flatpak-ref");
    }

    #[test]
    fn user_installations_are_labelled_and_links_stay_in_the_image() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        system_image(root);
        // alice's installation lives elsewhere in the image, behind an
        // absolute link that must not be followed on the host.
        std::fs::create_dir_all(root.join("home/alice/.local/share")).unwrap();
        symlink(
            "/data/alice-flatpak",
            root.join("home/alice/.local/share/flatpak"),
        )
        .unwrap();
        deploy(
            root,
            "data/alice-flatpak",
            "app/org.example.Tool/aarch64/master",
            "abc",
            &[(
                "metadata",
                b"[Application]\nname=org.example.Tool\nruntime=org.gnome.Platform/aarch64/47\n",
            )],
        );
        // bob's home links to the system installation: counted once.
        std::fs::create_dir_all(root.join("home/bob/.local/share")).unwrap();
        symlink(
            "/var/lib/flatpak",
            root.join("home/bob/.local/share/flatpak"),
        )
        .unwrap();
        let inv = collect(root);
        assert!(inv.errors.is_empty() && inv.warnings.is_empty(), "{inv:?}");
        assert_eq!(inv.packages.len(), 3);
        let tool = &inv.packages[2];
        assert_eq!(tool.name, "org.example.Tool");
        assert_eq!(tool.properties["installation"], "user:alice");
        assert_eq!(tool.arch.as_deref(), Some("aarch64"));
        assert_eq!(
            tool.dirs,
            ["/data/alice-flatpak/app/org.example.Tool/aarch64/master/abc"]
        );
        assert_eq!(tool.supplier.publisher, None);
    }

    #[test]
    fn extra_system_installations_are_read() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        write(
            root,
            "etc/flatpak/installations.d/extra.conf",
            "[Installation \"extra\"]\nPath=/opt/flatpak-extra\nDisplayName=Extra\n",
        );
        deploy(
            root,
            "opt/flatpak-extra",
            "app/org.example.Extra/x86_64/stable",
            "c0ffee",
            &[("metadata", b"[Application]\nname=org.example.Extra\n")],
        );
        let inv = collect(root);
        assert_eq!(inv.packages.len(), 1);
        assert_eq!(inv.packages[0].properties["installation"], "system:extra");
    }

    #[test]
    fn broken_deploys_are_reported_and_skipped() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        system_image(root);
        // Garbage in metadata costs lines, not the app.
        deploy(
            root,
            SYSTEM,
            "app/org.example.Garbage/x86_64/stable",
            "c1",
            &[(
                "metadata",
                b"\x00\x01\xff\n[Application]\nname=org.example.Garbage\n",
            )],
        );
        // No metadata; metadata of the wrong kind; metadata a directory.
        deploy(
            root,
            SYSTEM,
            "app/org.example.Empty/x86_64/stable",
            "c2",
            &[("files/x", b"")],
        );
        deploy(
            root,
            SYSTEM,
            "app/org.example.Wrong/x86_64/stable",
            "c3",
            &[("metadata", b"[Runtime]\nname=org.example.Wrong\n")],
        );
        deploy(
            root,
            SYSTEM,
            "app/org.example.Dir/x86_64/stable",
            "c4",
            &[("metadata/x", b"")],
        );
        // A dangling active link: a removed deploy, silently skipped.
        std::fs::create_dir_all(root.join("var/lib/flatpak/app/org.example.Gone/x86_64/stable"))
            .unwrap();
        symlink(
            "missing",
            root.join("var/lib/flatpak/app/org.example.Gone/x86_64/stable/active"),
        )
        .unwrap();

        let inv = collect(root);
        let names: Vec<&str> = inv.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "org.example.Garbage",
                "org.mozilla.firefox",
                "org.freedesktop.Platform"
            ]
        );
        let app = "var/lib/flatpak/app";
        let warnings: Vec<(String, String)> = inv
            .warnings
            .iter()
            .map(|w| (w.path.clone(), w.message.clone()))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    format!("{app}/org.example.Empty/x86_64/stable/c2"),
                    "deployed ref without a metadata file".to_owned()
                ),
                (
                    format!("{app}/org.example.Garbage/x86_64/stable/c1/metadata"),
                    "line 1: not a key file line: \u{0}\u{1}\u{fffd}".to_owned()
                ),
                (
                    format!("{app}/org.example.Wrong/x86_64/stable/c3/metadata"),
                    "no [Application] group".to_owned()
                ),
            ]
        );
        assert_eq!(inv.errors.len(), 1);
        assert_eq!(
            inv.errors[0].path,
            format!("{app}/org.example.Dir/x86_64/stable/c4/metadata")
        );
    }

    #[test]
    fn metainfo_scan_is_tolerant() {
        let info = MetaInfo::scan(FIREFOX_METAINFO);
        assert_eq!(info.version.as_deref(), Some("131.0.3"));
        assert_eq!(
            MetaInfo::scan(
                "<component><developer_name>A &amp; B</developer_name>\
                 <releases><release date='2024' version='1.0&lt;beta'/></releases>"
            ),
            MetaInfo {
                version: Some("1.0<beta".into()),
                license: None,
                developer: Some("A & B".into()),
            }
        );
        for broken in [
            "",
            "<release",
            "<release version=",
            "<release version=\"unterminated",
            "<releases><release>1.0</release>",
            "<developer><name>x",
            "<!-- never closed <release version=\"1\">",
            "<project_license xml:lang=\"de\">x</project_license>",
        ] {
            let info = MetaInfo::scan(broken);
            assert_eq!(info.version, None, "{broken}");
            assert_eq!(info.license, None, "{broken}");
            assert_eq!(info.developer, None, "{broken}");
        }
    }

    #[test]
    fn deploy_origin_reads_the_first_string() {
        assert_eq!(
            deploy_origin(&gvariant_deploy("flathub-beta", "abc")).as_deref(),
            Some("flathub-beta")
        );
        assert_eq!(deploy_origin(b""), None);
        assert_eq!(deploy_origin(b"\0abc"), None);
        assert_eq!(deploy_origin(b"no terminator"), None);
        assert_eq!(deploy_origin(b"bad/name\0"), None);
    }
}
