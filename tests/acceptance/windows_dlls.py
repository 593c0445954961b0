#!/usr/bin/env python3
"""Acceptance check on real signed Windows DLLs, independent of sovscan's code.

    pip download --no-deps --platform win_amd64 --only-binary=:all: msvc-runtime -d /tmp/x
    python3 -m zipfile -e /tmp/x/msvc_runtime-*.whl /tmp/x/whl
    pip install pefile          # reference reader for VS_VERSIONINFO
    apt-get install osslsigncode openssl
    python3 tests/acceptance/windows_dlls.py /tmp/x/whl [path/to/sovscan]

Scans DIR with sovscan and compares, for every .dll/.exe below it:
CompanyName, ProductName and FileVersion against pefile; the signer
certificate's subject (O, CN, C) against `osslsigncode extract-signature`
+ `openssl pkcs7 -print_certs`; and expects `digest_ok: true` where
`osslsigncode verify` computes a matching digest. Downloads nothing itself.
Exit code 0 when everything matches.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import pefile


def version_strings(path: str) -> dict:
    pe = pefile.PE(path, fast_load=True)
    pe.parse_data_directories(
        directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]]
    )
    out = {}
    for fi in getattr(pe, "FileInfo", None) or []:
        for entry in fi:
            for table in getattr(entry, "StringTable", []):
                for k, v in table.entries.items():
                    out.setdefault(k.decode(), v.decode(errors="replace").strip())
    return out


def signer_subject(path: str) -> dict | None:
    """Subject fields of the certificate osslsigncode names as the signer."""
    with tempfile.TemporaryDirectory() as tmp:
        der = os.path.join(tmp, "sig.der")
        r = subprocess.run(
            ["osslsigncode", "extract-signature", "-in", path, "-out", der],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            return None
        certs = subprocess.run(
            ["openssl", "pkcs7", "-inform", "DER", "-in", der, "-print_certs", "-noout"],
            capture_output=True,
            text=True,
        ).stdout
    verify = subprocess.run(
        ["osslsigncode", "verify", "-in", path], capture_output=True, text=True
    ).stdout
    # "Signer's certificate:" is followed by its Subject line. osslsigncode
    # omits that section when the digest doesn't match; then the signer is
    # the one leaf among the embedded certificates (issuer of none).
    m = re.search(r"Signer's certificate:.*?Subject:[ \t]*([^\n]+)", verify, re.S)
    if m:
        subject = m.group(1).strip()
        fields = dict(
            (k.strip(), v.strip())
            for k, v in (p.split("=", 1) for p in subject.strip("/").split("/") if "=" in p)
        )
    else:
        pairs = re.findall(r"subject=(.*)\n\s*issuer=(.*)", certs)
        issuers = {i for _, i in pairs}
        leaves = [s for s, i in pairs if s not in issuers and s != i]
        if len(leaves) != 1:
            return None
        fields = dict(
            (k.strip(), v.strip())
            for k, v in (p.split("=", 1) for p in leaves[0].split(", ") if "=" in p)
        )
    digests = re.findall(r"(Current|Calculated) message digest\s*:\s*([0-9A-F]+)", verify)
    d = dict(digests)
    fields["_digest_ok"] = bool(d) and d.get("Current") == d.get("Calculated")
    # The signer among the certificates `openssl pkcs7 -print_certs` lists.
    fields["_in_pkcs7"] = any(
        line.startswith("subject=") and fields.get("CN", "\0") in line
        for line in certs.splitlines()
    )
    return fields


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    exe = sys.argv[2] if len(sys.argv) > 2 else "sovscan"
    report = json.loads(
        subprocess.run(
            [exe, "scan", "-f", "json", "--no-progress", root],
            check=True,
            capture_output=True,
        ).stdout
    )
    by_path = {b["path"]: b for b in report["binaries"]}
    checked = mismatches = 0
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            if not name.lower().endswith((".dll", ".exe")):
                continue
            host = os.path.join(dirpath, name)
            rel = os.path.relpath(host, root)
            b = by_path.get(rel)
            problems = []
            if b is None:
                problems.append("not in the report")
            else:
                ref = version_strings(host)
                pe = b.get("pe") or {}
                for key, field in [
                    ("CompanyName", "company"),
                    ("ProductName", "product"),
                    ("FileVersion", "file_version"),
                ]:
                    want = ref.get(key) or None
                    if pe.get(field) != want:
                        problems.append(f"{field}: sovscan {pe.get(field)!r}, pefile {want!r}")
                sig = b.get("signature") or {}
                ref_sig = signer_subject(host)
                if ref_sig is None:
                    if sig.get("signed"):
                        problems.append("sovscan says signed, osslsigncode finds no signature")
                else:
                    subj = sig.get("subject") or {}
                    for k, field in [("O", "o"), ("CN", "cn"), ("C", "c")]:
                        if subj.get(field) != ref_sig.get(k):
                            problems.append(
                                f"subject {k}: sovscan {subj.get(field)!r}, openssl {ref_sig.get(k)!r}"
                            )
                    if not ref_sig["_in_pkcs7"]:
                        problems.append("openssl pkcs7 -print_certs does not list the signer")
                    if sig.get("digest_ok") is not ref_sig["_digest_ok"]:
                        problems.append(
                            f"digest_ok: sovscan {sig.get('digest_ok')}, osslsigncode {ref_sig['_digest_ok']}"
                        )
            checked += 1
            status = "ok" if not problems else "MISMATCH"
            mismatches += bool(problems)
            summary = ""
            if b is not None:
                s = (b.get("signature") or {}).get("subject") or {}
                summary = (
                    f"{(b.get('pe') or {}).get('company')!r} {(b.get('pe') or {}).get('file_version')!r}"
                    f" signer O={s.get('o')!r} digest_ok={(b.get('signature') or {}).get('digest_ok')}"
                )
            print(f"{status:8} {rel}: {summary}")
            for p in problems:
                print(f"         {p}")
    print(f"{checked - mismatches} passed, {mismatches} failed")
    return 0 if checked and not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
