#!/usr/bin/env python3
"""Generate a synthetic Debian-like image for the whole-run benchmark.

    python3 benches/make-image.py OUT_DIR [--packages 2000] [--files-per-package 255]

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--packages", type=int, default=2000)
    ap.add_argument("--files-per-package", type=int, default=255)
    args = ap.parse_args()
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
    extra = max(0, 520_000 - total) if args.packages == 2000 else 1000
    for i in range(extra):
        d = f"{root}/home/alice/.cache/c{i // 1000:03d}"
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        write(f"{d}/{i:07d}", text[:64])
    print(f"{root}: {total + extra} files")


if __name__ == "__main__":
    main()
