#!/usr/bin/env python3
"""Generate a synthetic Debian-like image for the whole-run benchmark.

    python3 benches/make-image.py OUT_DIR [--packages 2000] [--files-per-package 255]
    python3 benches/make-image.py OUT_DIR --windows [--components 20000]

--windows makes a Windows-like tree of ~520,000 files instead: deep
`Windows/WinSxS/amd64_microsoft-windows-<name>_31bf3856ad364e35_10.0.19041.<n>_none_<hash>/`
component directories full of small DLL-named PE stand-ins (`MZ` + padding),
`Windows/System32`, vendor trees under `Program Files`, per-user
`AppData/Local/Programs` trees and a browser cache of small files, plus the
demo image's SOFTWARE hive (so the root is detected as Windows).

The default makes ~520,000 files: 2,000 dpkg packages, each with a doc
directory, data files, a shared library (a small valid ELF with a GNU
build-id) plus its SONAME symlink and, for every fourth, an executable;
their `info/*.list` files name every owned path. On top: unowned vendor
trees under /opt (ELFs no package owns), a home directory full of cache
files, and usrmerge symlinks. Deterministic (seeded); needs only Python 3.
"""
import argparse
import os
import random
import struct


def elf(build_id: bytes, size: int) -> bytes:
    """A minimal x86-64 ELF with a PT_NOTE holding a GNU build-id, padded to size."""
    note = struct.pack("<III", 4, len(build_id), 3) + b"GNU\0" + build_id
    phoff, data_off = 64, 64 + 56
    hdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    hdr += struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0x1000, phoff, 0, 0, 64, 56, 1, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 4, 4, data_off, 0, 0, len(note), len(note), 4)
    body = hdr + ph + note
    return body + bytes(max(0, size - len(body)))


def write(path: str, data: bytes, mode: int = 0o644) -> None:
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def pe(size: int) -> bytes:
    """An `MZ` stand-in, padded (not a parseable PE: PE parsing is benchmarked elsewhere)."""
    return b"MZ" + bytes(max(0, size - 2))


def windows(root: str, components: int, files: int) -> None:
    rnd = random.Random(20261122)
    total = 0
    here = os.path.dirname(os.path.abspath(__file__))
    hive = os.path.join(here, "..", "fixtures", "demo-windows", "Windows", "System32", "config", "SOFTWARE")
    os.makedirs(f"{root}/Windows/System32/config", exist_ok=True)
    with open(hive, "rb") as f:
        write(f"{root}/Windows/System32/config/SOFTWARE", f.read())
    small = pe(1024)
    names = ["shell", "kernel", "gdi", "netio", "crypt", "media", "print", "wmi", "bits", "dism"]
    for c in range(components):
        d = (f"{root}/Windows/WinSxS/amd64_microsoft-windows-{names[c % 10]}-{c:05d}"
             f"_31bf3856ad364e35_10.0.19041.{c % 4000}_none_{rnd.getrandbits(64):016x}")
        os.makedirs(d)
        for i in range(20):
            write(f"{d}/{names[i % 10]}{i:02d}.{'dll' if i % 4 else 'exe'}", small)
            total += 1
    for i in range(20000):
        write(f"{root}/Windows/System32/sys{i:05d}.dll", small)
        total += 1
    for v in range(100):
        d = f"{root}/Program Files/Vendor {v:02d}/Product/bin"
        os.makedirs(d)
        for i in range(50):
            write(f"{d}/part{i:03d}.{'dll' if i % 2 else 'exe'}", pe(65536 if i == 0 else 4096))
            total += 1
    for u in ("alice", "bob"):
        for a in range(10):
            d = f"{root}/Users/{u}/AppData/Local/Programs/app{a}"
            os.makedirs(d)
            for i in range(20):
                write(f"{d}/m{i:02d}.dll", small)
                total += 1
    extra = max(0, files - total)
    for i in range(extra):
        d = f"{root}/Users/alice/AppData/Local/Cache/c{i // 1000:03d}"
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        write(f"{d}/{i:07d}", b"cache entry\n" * 4)
    print(f"{root}: {total + extra} files")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--packages", type=int, default=2000)
    ap.add_argument("--files-per-package", type=int, default=255)
    ap.add_argument("--windows", action="store_true", help="a Windows-like tree instead")
    ap.add_argument("--components", type=int, default=20000, help="WinSxS component directories (--windows)")
    ap.add_argument("--files", type=int, default=520_000, help="files in all, cache entries filling up (--windows)")
    args = ap.parse_args()
    if args.windows:
        os.makedirs(args.out, exist_ok=True)
        windows(args.out, args.components, args.files)
        return
    rnd = random.Random(20261122)
    root = args.out
    os.makedirs(root, exist_ok=True)
    for d in ["etc", "usr/bin", "usr/lib/x86_64-linux-gnu", "usr/share/doc", "var/lib/dpkg/info", "opt", "home/alice/.cache"]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for link, target in [("bin", "usr/bin"), ("lib", "usr/lib")]:
        if not os.path.lexists(os.path.join(root, link)):
            os.symlink(target, os.path.join(root, link))
    write(f"{root}/etc/os-release", b'PRETTY_NAME="Synthetic Debian 12"\nID=debian\nVERSION_ID="12"\n')
    text = b"synthetic payload line\n" * 8
    status = []
    total = 0
    for p in range(args.packages):
        name = f"synth{p:05d}"
        owned = []
        doc = f"usr/share/doc/{name}"
        data = f"usr/share/{name}/data"
        os.makedirs(f"{root}/{doc}", exist_ok=True)
        os.makedirs(f"{root}/{data}", exist_ok=True)
        for f in ("copyright", "changelog.Debian.gz"):
            write(f"{root}/{doc}/{f}", text)
            owned.append(f"/{doc}/{f}")
        lib = f"usr/lib/x86_64-linux-gnu/lib{name}.so.1.0.0"
        write(f"{root}/{lib}", elf(rnd.randbytes(20), rnd.choice([16384, 65536, 262144])))
        os.symlink(f"lib{name}.so.1.0.0", f"{root}/usr/lib/x86_64-linux-gnu/lib{name}.so.1")
        # dpkg lists the usrmerge path for half of them, as real packages do.
        owned.append(("/lib/x86_64-linux-gnu/" if p % 2 else "/usr/lib/x86_64-linux-gnu/") + f"lib{name}.so.1.0.0")
        owned.append(f"/usr/lib/x86_64-linux-gnu/lib{name}.so.1")
        if p % 4 == 0:
            write(f"{root}/usr/bin/{name}", elf(rnd.randbytes(20), 65536), 0o755)
            owned.append(f"/usr/bin/{name}")
        n = args.files_per_package - len(owned) + (1 if p % 4 else 0)
        for i in range(max(0, n)):
            write(f"{root}/{data}/item{i:04d}.txt", text)
            owned.append(f"/{data}/item{i:04d}.txt")
        total += len(owned)
        with open(f"{root}/var/lib/dpkg/info/{name}.list", "w") as f:
            f.write("/.\n/usr\n/usr/share\n" + "\n".join(owned) + "\n")
        status.append(
            f"Package: {name}\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
            f"Maintainer: Synthetic Maintainers <synth@lists.debian.org>\nArchitecture: amd64\n"
            f"Version: 1.{p}-1\nDescription: synthetic package {p}\n"
        )
    with open(f"{root}/var/lib/dpkg/status", "w") as f:
        f.write("\n".join(status))
    # Unowned vendor trees: 20 products × 50 ELFs.
    for v in range(20):
        for i in range(50):
            d = f"{root}/opt/vendor{v:02d}/lib" if i % 2 else f"{root}/opt/vendor{v:02d}/bin"
            os.makedirs(d, exist_ok=True)
            write(f"{d}/part{i:03d}{'.so' if i % 2 else ''}", elf(rnd.randbytes(20), 131072), 0o755)
            total += 1
    # A cache directory of many small files no one owns.
    extra = max(0, args.files - total) if args.packages == 2000 else 1000
    for i in range(extra):
        d = f"{root}/home/alice/.cache/c{i // 1000:03d}"
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        write(f"{d}/{i:07d}", text[:64])
    print(f"{root}: {total + extra} files")


if __name__ == "__main__":
    main()
