#!/usr/bin/env bash
# Whole-run benchmark: a full `sovscan scan` of a synthetic 520k-file image
# against `find ROOT -printf '%s\n'` (a bare walk that stats every file) on
# the same tree, warm cache. Reports the median of RUNS runs, the ratio, and
# sovscan's peak RSS. Needs GNU time (`apt-get install -y time`) and Python 3.
#
#   bash benches/whole-run.sh [ROOT]      # default ROOT: benches/out/synthetic
#   RUNS=5 JOBS=2 bash benches/whole-run.sh
#   WINDOWS=1 bash benches/whole-run.sh   # a Windows-like tree (make-image.py --windows)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${WINDOWS:-}" ]; then
    ROOT=${1:-benches/out/synthetic-windows}
else
    ROOT=${1:-benches/out/synthetic}
fi
RUNS=${RUNS:-5}
JOBS=${JOBS:-$(nproc)}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
if [ ! -d "$ROOT" ]; then
    python3 benches/make-image.py "$ROOT" ${WINDOWS:+--windows}
fi
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/sovscan
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

files=$(find "$ROOT" -type f | wc -l)
"$BIN" scan "$ROOT" -q -f json -o "$OUT/warm.json" -j "$JOBS"   # warm the cache

measure() { # prints "seconds maxrss_kib" of one run of the command
    "$TIME" -f '%e %M' -o "$OUT/t" "$@" >/dev/null 2>&1
    cat "$OUT/t"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$OUT/find"; : > "$OUT/scan"; : > "$OUT/rss"
for _ in $(seq "$RUNS"); do
    measure find "$ROOT" -printf '%s\n' | awk '{print $1}' >> "$OUT/find"
    read -r s rss < <(measure "$BIN" scan "$ROOT" -q -f json -o "$OUT/scan.json" -j "$JOBS")
    echo "$s" >> "$OUT/scan"; echo "$rss" >> "$OUT/rss"
done
f=$(median < "$OUT/find"); s=$(median < "$OUT/scan"); r=$(sort -n "$OUT/rss" | tail -1)
python3 - "$files" "$f" "$s" "$r" "$OUT/scan.json" "$JOBS" <<'PY'
import json, sys
files, f, s, rss, path, jobs = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
d = json.load(open(path))
sm = d["summary"]
print(f"files: {files}  components: {sm['components']}  binaries: {sm['binaries']}  jobs: {jobs}")
print(f"find -printf '%s\\n': {f:.2f} s   sovscan scan: {s:.2f} s   ratio: {s / max(f, 0.01):.2f}x")
print(f"sovscan peak RSS: {rss / 1024:.1f} MiB")
PY
