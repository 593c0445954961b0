#!/usr/bin/env python3
"""Acceptance: sovscan's Mach-O code-signature facts against reference tools.

Usage: macho_signed.py PATH [PATH...]
  PATH is a Mach-O file (thin or universal), or a wheel/zip: then every
  Mach-O inside with an LC_CODE_SIGNATURE is checked.

For each file it runs `sovscan scan -f json` on a directory holding only
that file and compares, per slice:
  - architectures: LIEF (`pip install lief`) lists the fat slices;
  - the code signature's location: LIEF's LC_CODE_SIGNATURE;
  - identifier and Team ID: read here from the CodeDirectory the LIEF
    offsets point at (independent of sovscan's reader);
  - the signer: `openssl pkcs7 -inform DER -print_certs` on the CMS blob;
    the signer's certificate is the one whose subject OU is the Team ID
    (Apple's Developer ID leaf), else the first one openssl prints.

sovscan: $SOVSCAN, else `cargo run -q --release --` in this repository.
Example (not committed: a 26 MB universal binary, Developer ID "Kitware Inc."):
  pip download --no-deps --only-binary=:all: --platform macosx_11_0_universal2 cmake -d /tmp/x
  tests/acceptance/macho_signed.py /tmp/x/cmake-*.whl
Exit status 0 when everything matches, 1 otherwise.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import lief

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAGICS = {b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"}


def sovscan_json(root):
    cmd = os.environ.get("SOVSCAN")
    argv = [cmd] if cmd else ["cargo", "run", "-q", "--release", "--"]
    out = subprocess.run(
        argv + ["scan", "--no-progress", "-f", "json", root],
        cwd=REPO, check=True, capture_output=True,
    )
    return json.loads(out.stdout)


def be32(b, o):
    return struct.unpack_from(">I", b, o)[0]


def cstr(b, o):
    return b[o : b.index(b"\0", o)].decode()


def reference_slice(macho, data_at):
    """(arch, identifier, team, subject dict) from LIEF + openssl."""
    arch = str(macho.header.cpu_type).split(".")[-1]
    if not macho.has_code_signature:
        return arch, None, None, None
    cs = macho.code_signature
    sb = bytes(data_at(cs.data_offset, cs.data_size))
    assert be32(sb, 0) == 0xFADE0CC0, "no SuperBlob"
    ident = team = cms = None
    for i in range(be32(sb, 8)):
        t, off = struct.unpack_from(">II", sb, 12 + 8 * i)
        magic, length = struct.unpack_from(">II", sb, off)
        blob = sb[off : off + length]
        if t == 0 and magic == 0xFADE0C02:
            version = be32(blob, 8)
            ident = cstr(blob, be32(blob, 20))
            if version >= 0x20200 and be32(blob, 48):
                team = cstr(blob, be32(blob, 48))
        elif t == 0x10000 and length > 8:
            cms = blob[8:]
    subject = None
    if cms:
        p = subprocess.run(
            ["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-noout"],
            input=cms, capture_output=True, check=True,
        )
        subjects = []
        for line in p.stdout.decode().splitlines():
            if line.startswith("subject="):
                d = {}
                for part in line[len("subject="):].split(", "):
                    if "=" in part:
                        k, v = part.split("=", 1)
                        d[k.strip()] = v.strip()
                subjects.append(d)
        subject = next((s for s in subjects if s.get("OU") == team), subjects[0] if subjects else None)
    return arch, ident, team, subject


def check(path, label):
    ok = True
    raw = open(path, "rb").read()
    fat = lief.MachO.parse(path)
    refs = []
    # Slice offsets in a fat file: LIEF gives each binary's offset in the fat file.
    for i in range(fat.size):
        m = fat.at(i)
        base = m.fat_offset if hasattr(m, "fat_offset") else 0
        refs.append(reference_slice(m, lambda o, n, base=base: raw[base + o : base + o + n]))
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(path, os.path.join(d, "bin"))
        os.chmod(os.path.join(d, "bin"), 0o755)
        report = sovscan_json(d)
    bins = report["binaries"]
    if not bins:
        print(f"FAIL {label}: sovscan found no binary; errors {report['errors']}")
        return False
    m = bins[0].get("macho") or {}
    slices = m.get("slices", [])
    print(f"{label}: sovscan archs {m.get('archs')}, flags {bins[0]['flags']}, errors {len(report['errors'])}")
    if len(slices) != len(refs):
        print(f"  FAIL slice count: sovscan {len(slices)}, LIEF {len(refs)}")
        return False
    for s, (arch, ident, team, subj) in zip(slices, refs):
        sig = s.get("signature") or {}
        signer = sig.get("signer") or {}
        pairs = [
            ("arch", s["arch"], {"X86_64": "x86_64", "ARM64": "arm64", "x86": "i386"}.get(arch, arch)),
            ("identifier", sig.get("identifier"), ident),
            ("team_id", sig.get("team_id"), team),
            ("signer CN", signer.get("cn"), subj and subj.get("CN")),
            ("signer O", signer.get("o"), subj and subj.get("O")),
            ("signer OU", signer.get("ou"), subj and subj.get("OU")),
            ("signer C", signer.get("c"), subj and subj.get("C")),
        ]
        for name, got, want in pairs:
            mark = "ok  " if got == want else "FAIL"
            ok &= got == want
            print(f"  {mark} {s['arch']:7} {name:10} sovscan={got!r} reference={want!r}")
    return ok


def main():
    ok = True
    for p in sys.argv[1:]:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z, tempfile.TemporaryDirectory() as d:
                for info in z.infolist():
                    with z.open(info) as f:
                        if f.read(4) not in MAGICS:
                            continue
                    out = z.extract(info, d)
                    m = lief.MachO.parse(out)
                    if m is None or not any(m.at(i).has_code_signature for i in range(m.size)):
                        continue
                    ok &= check(out, f"{os.path.basename(p)}:{info.filename}")
        else:
            ok &= check(p, p)
    print("all match" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
