#!/usr/bin/env python3
"""Acceptance check on a real Debian root, independent of sovscan's code.

    debootstrap --variant=minbase bookworm ROOT
    chroot ROOT apt-get install -y --no-install-recommends firefox-esr thunderbird evince libreoffice-writer
    sovscan scan ROOT -f json -o scan.json
    python3 tests/acceptance/debian_root.py ROOT scan.json

Checks that the dpkg component count equals `dpkg-query -W` and that at
least 99 % of the ELF files dpkg's `info/*.list` files name are attached to
their owning package in the report. Paths from the lists are resolved inside
ROOT (usrmerge: /lib -> usr/lib) by following symlinks relative to ROOT.
"""
import json
import os
import subprocess
import sys


def resolve_in_root(root: str, path: str, depth: int = 0) -> str | None:
    """Canonical image path of `path`, following symlinks inside root."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    done: list[str] = []
    while parts:
        p = parts.pop(0)
        if p == "..":
            if done:
                done.pop()
            continue
        host = os.path.join(root, *done, p)
        if os.path.islink(host):
            if depth > 40:
                return None
            target = os.readlink(host)
            if target.startswith("/"):
                done = []
            parts = [x for x in target.split("/") if x not in ("", ".")] + parts
            depth += 1
            continue
        if not os.path.lexists(host):
            return None
        done.append(p)
    return "/".join(done)


def main() -> int:
    root, scan = sys.argv[1], sys.argv[2]
    report = json.load(open(scan))
    admindir = os.path.join(root, "var/lib/dpkg")
    expected = len(subprocess.run(["dpkg-query", f"--admindir={admindir}", "-W"], capture_output=True, text=True, check=True).stdout.splitlines())
    comps = {c["id"]: c for c in report["components"]}
    dpkg = [c for c in report["components"] if c["source"] == "dpkg"]
    print(f"dpkg components: {len(dpkg)}   dpkg-query -W: {expected}")
    attached = {}
    for b in report["binaries"]:
        for p in [b["path"], *b.get("links", [])]:
            attached[p] = comps.get(b["component"], {}).get("name")
    info = os.path.join(admindir, "info")
    listed = attached_ok = 0
    misses = []
    for f in sorted(os.listdir(info)):
        if not f.endswith(".list"):
            continue
        pkg = f[: -len(".list")].split(":")[0]
        for line in open(os.path.join(info, f), errors="replace"):
            path = line.rstrip("\n")
            real = resolve_in_root(root, path)
            if not real:
                continue
            host = os.path.join(root, real)
            if os.path.islink(host) or not os.path.isfile(host):
                continue
            with open(host, "rb") as fh:
                if fh.read(4) != b"\x7fELF":
                    continue
            listed += 1
            if attached.get(real) == pkg:
                attached_ok += 1
            else:
                misses.append((pkg, real, attached.get(real)))
    share = attached_ok / listed if listed else 1.0
    print(f"ELF files listed by dpkg: {listed}   attached to their package: {attached_ok} ({share:.2%})")
    for m in misses[:10]:
        print("  miss:", m)
    ok = len(dpkg) == expected and share >= 0.99
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
