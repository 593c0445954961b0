#!/usr/bin/env bash
# Disk-image benchmark (issue 16): a generated Windows-like tree of 100,000
# files (benches/make-image.py --windows), written into NTFS without a mount
# (mkntfs on a sparse file, wimlib-imagex capture + apply through
# libntfs-3g), converted by qemu-img to qcow2 and dynamic VHDX; then
# `sovscan scan` of the qcow2 and of the VHDX, each against the directory
# scan of the same tree, in turn (farm-bench pairs the runs), warm page
# cache, medians and the ratio image / directory. The bar: at most 3x.
#
# It also checks that the three scans agree (products, components,
# binaries, errors: the reports but for root names and timing).
#
#   bash benches/disk-image.sh                # build once into benches/out/disk
#   FILES=100000 RUNS=5 bash benches/disk-image.sh
#   SOVSCAN=path/to/sovscan bash benches/disk-image.sh
#
# Needs: python3, ntfs-3g (mkntfs), wimtools (wimlib-imagex), qemu-utils
# (qemu-img), farm-bench (the project's benchmark runner) or hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${OUT:-benches/out/disk}")
FILES=${FILES:-100000}
RUNS=${RUNS:-5}
TREE=$OUT/tree
mkdir -p "$OUT"
if [ -z "${SOVSCAN:-}" ]; then
    cargo build --release --quiet
    SOVSCAN=$PWD/target/release/sovscan
fi
PATH=$PATH:/usr/sbin:/sbin
if [ ! -d "$TREE" ]; then
    python3 benches/make-image.py "$TREE" --windows --components 2000 --files "$FILES"
fi
if [ ! -f "$OUT/disk.vhdx" ]; then
    # Room for the tree's data and its MFT (1 KiB per file) three times over.
    mib=$(( $(du -sm "$TREE" | cut -f1) * 3 + FILES * 3 / 1024 + 64 ))
    rm -f "$OUT/ntfs.img"
    truncate -s "${mib}M" "$OUT/ntfs.img"
    mkntfs -F -f -q "$OUT/ntfs.img" 2>/dev/null
    wimlib-imagex capture "$TREE" "$OUT/tree.wim" >/dev/null
    wimlib-imagex apply "$OUT/tree.wim" 1 "$OUT/ntfs.img" >/dev/null
    rm -f "$OUT/tree.wim"
    qemu-img convert -q -f raw -O qcow2 "$OUT/ntfs.img" "$OUT/disk.qcow2"
    qemu-img convert -q -f raw -O vhdx -o subformat=dynamic "$OUT/ntfs.img" "$OUT/disk.vhdx"
    rm -f "$OUT/ntfs.img"
fi
ls -l "$OUT"/disk.qcow2 "$OUT"/disk.vhdx

# The scans agree.
for f in "$TREE" "$OUT/disk.qcow2" "$OUT/disk.vhdx"; do
    "$SOVSCAN" scan --no-progress -q -f json -o "$OUT/$(basename "$f").json" "$f"
done
python3 - "$OUT" <<'EOF'
import json, sys
out = sys.argv[1]
def load(name):
    r = json.load(open(f"{out}/{name}.json"))
    r["scan"]["duration_ms"] = 0
    for i in r["images"]:
        i["root"] = "ROOT"
        i.pop("disk", None)
        s = i["stats"]
        i["stats"] = {k: s[k] for k in ("files", "bytes", "candidates", "binaries_parsed")}
    return r
tree = load("tree")
for name in ("disk.qcow2", "disk.vhdx"):
    same = load(name) == tree
    print(f"{name}: report {'identical to' if same else 'DIFFERS from'} the directory's "
          f"({tree['images'][0]['stats']['files']} files, {len(tree['binaries'])} binaries)")
    if not same:
        sys.exit(1)
EOF

for f in disk.qcow2 disk.vhdx; do
    echo "== $f vs the directory"
    farm-bench -n "$RUNS" --timeout 900 \
        --vs "$SOVSCAN scan --no-progress -q -f json -o /dev/null $TREE" \
        -- "$SOVSCAN" scan --no-progress -q -f json -o /dev/null "$OUT/$f"
done
