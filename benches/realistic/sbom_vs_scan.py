#!/usr/bin/env python3
"""Vendors of a direct scan against `sovscan assess` of peers' SBOMs.

    python3 benches/realistic/sbom_vs_scan.py SCAN.json ASSESS.json [ASSESS.json ...]

SCAN.json is `sovscan scan ROOT -f json`, each ASSESS.json `sovscan assess
SBOM -f json` of a CycloneDX or SPDX document of the same tree (Syft,
Trivy). Components are joined by purl: qualifiers dropped except `arch`
(multi-arch packages are two), percent-decoded and lower-cased (Trivy
lower-cases Go module paths, Syft and sovscan keep their case), so
`pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=i386&distro=debian-12` and
`...@2.36-9+deb12u4?arch=i386&upstream=glibc` are one package. A purl
several components share (a crate two binaries embed) is one package with
the union of their vendors. Trivy's `pkg:rustbinary/NAME` (not a purl-spec
type) is taken as `pkg:cargo/NAME`, and its `epoch` qualifier of a deb is put
back before the version (`@1:2.38.1-5`), where Syft and sovscan write it.

Printed per purl type: the packages the scan and every SBOM see, how many
get the same vendor from each SBOM as from the scan, how many another one
(listed: the acceptance is none), and how many stay unknown from an SBOM
while the scan knows the vendor (evidence only the tree carries, as the
apt lists). Exit 1 when a package gets another vendor.
"""

import collections
import json
import sys
import urllib.parse


def key(purl):
    base, _, query = purl.partition("?")
    base = base.partition("#")[0]
    quals = dict(urllib.parse.parse_qsl(query))
    base = urllib.parse.unquote(base).lower()
    if quals.get("epoch") and "@" in base:
        name, _, version = base.rpartition("@")
        base = f"{name}@{quals['epoch']}:{version}"
    if base.startswith("pkg:rustbinary/"):
        base = "pkg:cargo/" + base[len("pkg:rustbinary/"):]
    return base, quals.get("arch")


def vendors(path):
    with open(path) as f:
        report = json.load(f)
    out = collections.defaultdict(set)
    for c in report["components"]:
        if c.get("purl"):
            out[key(c["purl"])].add((c.get("vendor") or {}).get("id"))
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().split("\n\n")[1])
    scan = vendors(sys.argv[1])
    peers = [(p, vendors(p)) for p in sys.argv[2:]]
    common = set(scan).intersection(*(set(v) for _, v in peers))
    rows = collections.defaultdict(lambda: collections.Counter())
    other = []
    for k in sorted(common):
        ty = k[0].split("/", 1)[0].removeprefix("pkg:")
        want = scan[k] - {None}
        rows[ty]["common"] += 1
        for path, v in peers:
            got = v[k] - {None}
            if got == want:
                rows[ty]["same " + path] += 1
            elif not got:
                rows[ty]["unknown " + path] += 1
            else:
                other.append((path, k, sorted(want), sorted(got)))
    print(f"scan {sys.argv[1]}: {len(scan)} purls; " +
          "; ".join(f"{p}: {len(v)} purls" for p, v in peers))
    for ty, r in sorted(rows.items()):
        parts = [f"{r['common']} seen by all"]
        for path, _ in peers:
            parts.append(f"{path}: same {r['same ' + path]}, unknown {r['unknown ' + path]}")
        print(f"  {ty}: " + "; ".join(parts))
    for path, k, want, got in other:
        print(f"  ANOTHER VENDOR {path}: {k[0]} ({k[1]}): scan {want}, SBOM {got}")
    print(f"another vendor: {len(other)}")
    sys.exit(1 if other else 0)


if __name__ == "__main__":
    main()
