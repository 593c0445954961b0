#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target: fuzz/seeds.py OUT_DIR.

Seeds come from the committed test images (fixtures/), the rule database
(rules/) and the compatibility policy (tests/compat/policy.toml), so nothing
is downloaded. OUT_DIR/TARGET/ gets at most MAX_SEEDS files per target.
An image target (fuzz_targets/*.rs calling ImageTarget::new) is seeded with
the file it replaces and the fixtures' other files of the same name or
extension.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, "fixtures")
MAX_SEEDS = 12
MAX_SIZE = 256 * 1024

MACHO = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
         b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"}


def files(top):
    for d, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                yield p


def head(p, n=4):
    with open(p, "rb") as f:
        return f.read(n)


def pe_certificates(p):
    """The certificate table's PKCS#7 blobs of a signed PE (CMS seeds)."""
    data = open(p, "rb").read()
    try:
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        magic = struct.unpack_from("<H", data, pe + 24)[0]
        dirs = pe + 24 + (96 if magic == 0x10B else 112)
        off, size = struct.unpack_from("<II", data, dirs + 4 * 8)
    except struct.error:
        return []
    out, end = [], min(off + size, len(data))
    while off and off + 8 <= end:
        length = struct.unpack_from("<I", data, off)[0]
        if length < 8:
            break
        out.append(data[off + 8:off + length])
        off += (length + 7) & ~7
    return out


def go_buildinfo(version, modinfo):
    """Go 1.18+ build information, as fingerprint::embedded::writer writes it."""
    def varint(n):
        out = b""
        while n >= 0x80:
            out += bytes([(n & 0x7f) | 0x80])
            n >>= 7
        return out + bytes([n])
    framed = (b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6" + modinfo
              + b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2")
    head = b"\xff Go buildinf:" + bytes([8, 2])
    head += b"\0" * (32 - len(head))
    return head + varint(len(version)) + version + varint(len(framed)) + framed


def embedded_seeds():
    modinfo = (b"path\tgithub.com/acme/tool/cmd/tool\nmod\tgithub.com/acme/tool\tv1.2.3\th1:x=\n"
               b"dep\tgolang.org/x/sys\tv0.20.0\th1:y=\n=>\tgithub.com/f/sys\tv0.1.0\th1:z=\n")
    audit = (b'{"packages":[{"name":"a","version":"0.1.0","source":"local","kind":"runtime",'
             b'"dependencies":[1],"root":true},{"name":"serde","version":"1.0.200",'
             b'"source":"crates.io","kind":"runtime","dependencies":[]}]}')
    return [go_buildinfo(b"go1.22.5", modinfo), b"\0" * 16 + go_buildinfo(b"go1.21", b""),
            zlib.compress(audit, 9)]


def sparse(data):
    """A disk image in the SPRS form of fuzz/src/lib.rs (SparseDisk): the
    size, then each run of non-zero 512-byte sectors with its offset."""
    out = [b"SPRS", struct.pack("<Q", len(data))]
    at = 0
    while at < len(data):
        if not any(data[at:at + 512]):
            at += 512
            continue
        start = at
        while at < len(data) and any(data[at:at + 512]):
            at += 512
        run = data[start:at]
        out += [struct.pack("<QI", start, len(run)), run]
    return b"".join(out)


def tool(name):
    for d in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]:
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def mbr_seed():
    """An MBR with a primary and an extended partition holding two logical
    ones, written here so the partition target has a seed without tools."""
    d = bytearray(64 * 1024)
    def entry(base, slot, kind, start, count):
        struct.pack_into("<B3xB3xII", d, base + 446 + 16 * slot, 0, kind, start, count)
    entry(0, 0, 0x83, 8, 16)
    entry(0, 1, 0x05, 32, 64)
    entry(32 * 512, 0, 0x07, 1, 8)
    entry(32 * 512, 1, 0x05, 16, 16)
    entry(48 * 512, 0, 0x0C, 1, 8)
    for s in (0, 32, 48):
        d[s * 512 + 510:s * 512 + 512] = b"\x55\xaa"
    d[8 * 512 + 3:8 * 512 + 11] = b"NTFS    "
    return bytes(d)


def disk_seeds():
    """Seeds of the disk targets: small images made by qemu-img and sgdisk
    from a 1 MiB disk (when installed: .ci/run installs them), SPRS-encoded."""
    import subprocess
    import tempfile
    containers, tables = [], [sparse(mbr_seed()), mbr_seed()[:25 * 1024]]
    raw_disk = bytearray(1024 * 1024)
    raw_disk[510:512] = b"\x55\xaa"
    raw_disk[4096:4096 + 3000] = bytes((i * 7 + 3) % 251 for i in range(3000))
    raw_disk[700000:700100] = b"sovscan" * 14 + b"xx"
    with tempfile.TemporaryDirectory() as t:
        raw = os.path.join(t, "disk.raw")
        with open(raw, "wb") as f:
            f.write(raw_disk)
        if tool("sgdisk"):
            gpt = os.path.join(t, "gpt.img")
            with open(gpt, "wb") as f:
                f.truncate(1024 * 1024)
            subprocess.run([tool("sgdisk"), "-o", "-n1:34:+256K", "-t1:ef00", "-n2:0:+256K", "-t2:0700",
                            "-n3:0:0", "-t3:8300", gpt], check=True, capture_output=True)
            tables.append(sparse(open(gpt, "rb").read()))
        qemu = tool("qemu-img")
        if qemu:
            for name, fmt, opts in [("a.qcow2", "qcow2", ["-o", "cluster_size=4096"]),
                                    ("c.qcow2", "qcow2", ["-c", "-o", "cluster_size=4096,compat=0.10"]),
                                    ("a.vhdx", "vhdx", ["-o", "subformat=dynamic,block_size=1M"]),
                                    ("a.vmdk", "vmdk", ["-o", "subformat=monolithicSparse"]),
                                    ("s.vmdk", "vmdk", ["-o", "subformat=streamOptimized"])]:
                out = os.path.join(t, name)
                subprocess.run([qemu, "convert", "-q", "-f", "raw", "-O", fmt] + opts + [raw, out],
                               check=True, capture_output=True)
                containers.append(sparse(open(out, "rb").read()))
        else:
            print("seeds.py: qemu-img is missing (qemu-utils): container seeds are raw only",
                  file=sys.stderr)
    containers.append(bytes(raw_disk[:4096 + 3000]))
    return containers, tables


def pure_seeds():
    by_magic = {"elf": [], "pe": [], "macho": [], "regf": [], "plist": [],
                "cms": [], "os_release": []}
    for p in files(FIXTURES):
        h = head(p)
        if h == b"\x7fELF":
            by_magic["elf"].append(p)
        elif h[:2] == b"MZ":
            by_magic["pe"].append(p)
            by_magic["cms"].extend(pe_certificates(p))
        elif h in MACHO:
            by_magic["macho"].append(p)
        elif h == b"regf":
            by_magic["regf"].append(p)
        elif h == b"bpli" or p.endswith(".plist"):
            by_magic["plist"].append(p)
        elif os.path.basename(p) == "os-release":
            by_magic["os_release"].append(p)
    rules = [p for p in files(os.path.join(REPO, "rules")) if p.endswith(".toml")]
    by_magic["rules"] = sorted(rules, key=os.path.getsize)
    by_magic["policy"] = [os.path.join(REPO, "tests/compat/policy.toml")]
    by_magic["embedded"] = embedded_seeds()
    by_magic["disk_container"], by_magic["disk_partition"] = disk_seeds()
    by_magic.update(fs_seeds())
    # A whole scan of a disk image: partitioned disks and file systems
    # written to a whole disk, the smallest first.
    by_magic["disk_scan"] = sorted(
        by_magic["disk_partition"] + by_magic["fs_ext4"] + by_magic["fs_fat"] + by_magic["fs_ntfs"],
        key=lambda s: len(s) if isinstance(s, bytes) else os.path.getsize(s))
    by_magic["license"] = [b"GPL-2+ with OpenSSL exception, and Expat", b"MIT", b"GPL-2.0-or-later OR (Apache-2.0 AND BSD-3-Clause)",
                           b"LGPLv2+ and (MPL-2.0 or proprietary)", b"(((MIT)))"]
    return by_magic


def fs_seeds():
    """Small file systems for the fs_* targets, built with Debian's tools
    from a tiny tree (a file, a hard link, a symlink, an EFI loader):
    ext4 of 64 KiB (its minimum), FAT of 60 KiB, the first 60 KiB of a 2 MiB NTFS
    (its minimum is 1 MiB): the boot sector and the MFT's first records;
    the root's index past the cut reads as an error. A missing tool gives
    a bare boot sector or superblock as the seed, with a warning."""
    out = {"fs_ext4": [], "fs_fat": [], "fs_ntfs": []}
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, "src")
        os.makedirs(os.path.join(src, "EFI", "BOOT"))
        os.makedirs(os.path.join(src, "etc"))
        with open(os.path.join(src, "etc", "os-release"), "w") as f:
            f.write('ID=debian\nVERSION_ID="12"\n')
        with open(os.path.join(src, "EFI", "BOOT", "BOOTX64.EFI"), "wb") as f:
            f.write(b"MZ" + bytes(range(256)) * 8)
        os.symlink("os-release", os.path.join(src, "etc", "link"))
        os.link(os.path.join(src, "etc", "os-release"), os.path.join(src, "etc", "hard"))

        def build(target, size, cmds, keep=None):
            img = os.path.join(tmp, target + ".img")
            with open(img, "wb") as f:
                f.truncate(size)
            try:
                for c in cmds:
                    subprocess.run([a.replace("IMG", img) for a in c], check=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            except (OSError, subprocess.CalledProcessError) as e:
                print(f"seeds.py: {target}: {e}; install ntfs-3g wimtools e2fsprogs dosfstools mtools",
                      file=sys.stderr)
                return
            out[target].append(open(img, "rb").read()[:keep or size])

        build("fs_ext4", 64 * 1024, [["mke2fs", "-q", "-F", "-t", "ext4", "-b", "1024", "-N", "32",
                                      "-O", "^has_journal,^resize_inode", "-d", src, "IMG"]])
        build("fs_fat", 60 * 1024, [["mkfs.fat", "IMG"],
                                    ["mcopy", "-s", "-i", "IMG", os.path.join(src, "EFI"),
                                     os.path.join(src, "etc"), "::/"]])
        wim = os.path.join(tmp, "src.wim")
        build("fs_ntfs", 2 << 20, [["mkntfs", "-F", "-f", "-q", "IMG"],
                                   ["wimlib-imagex", "capture", src, wim],
                                   ["wimlib-imagex", "apply", wim, "1", "IMG"]], keep=60 * 1024)
    finally:
        shutil.rmtree(tmp)
    bare = bytearray(2048)
    bare[3:11] = b"NTFS    "
    bare[510:512] = b"\x55\xaa"
    out["fs_ntfs"].append(bytes(bare))
    bare = bytearray(2048)
    bare[1080:1082] = b"\x53\xef"
    out["fs_ext4"].append(bytes(bare))
    bare = bytearray(1024)
    bare[0], bare[11:14], bare[16], bare[510:512] = 0xEB, b"\x00\x02\x01", 2, b"\x55\xaa"
    out["fs_fat"].append(bytes(bare))
    return out


def image_seeds(target_src):
    m = re.search(r'ImageTarget::new\(\s*"([^"]+)",\s*"([^"]+)"', target_src)
    if not m:
        return None
    image, rel = m.groups()
    exact = os.path.join(FIXTURES, image, rel)
    name = os.path.basename(rel)
    ext = os.path.splitext(name)[1]
    same = [p for p in files(FIXTURES) if p != exact and (
        os.path.basename(p) == name or (ext and p.endswith(ext)))]
    return [exact] + same


def main():
    out = sys.argv[1]
    pure = pure_seeds()
    targets = sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "fuzz_targets")))
    for t in targets:
        src = open(os.path.join(HERE, "fuzz_targets", t + ".rs")).read()
        seeds = image_seeds(src)
        if seeds is None:
            seeds = pure.get(t)
        if not seeds:
            sys.exit(f"seeds.py: no seeds for target {t}")
        d = os.path.join(out, t)
        os.makedirs(d, exist_ok=True)
        n = 0
        for s in seeds:
            data = s if isinstance(s, bytes) else open(s, "rb").read()
            if 0 < len(data) <= MAX_SIZE and n < MAX_SEEDS:
                with open(os.path.join(d, f"seed{n:02}"), "wb") as f:
                    f.write(data)
                n += 1
        if n == 0:
            sys.exit(f"seeds.py: no seed of at most {MAX_SIZE} bytes for {t}")


if __name__ == "__main__":
    main()
