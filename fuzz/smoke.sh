#!/usr/bin/env bash
# Builds every fuzz target with AFL++ instrumentation (cargo-afl, stable
# toolchain) and runs each for SECONDS seconds (default 20), JOBS at a time
# (default: the number of processors). Fails if any target finds a crash or
# a hang, printing the inputs' paths.
#
#   bash fuzz/smoke.sh                 # every target, 20 s each
#   bash fuzz/smoke.sh 600 elf pe      # a long run of two targets
#   OUT=/tmp/fz bash fuzz/smoke.sh     # keep the findings (default: a temp dir)
#
# Needs: cargo install cargo-afl --locked (and python3 for the seeds).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-20}
shift || true
JOBS=${JOBS:-$(nproc)}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

command -v cargo-afl >/dev/null || {
    echo "smoke.sh: cargo-afl is missing: cargo install cargo-afl --locked" >&2
    exit 2
}
cargo afl config --build >/dev/null 2>&1 || true # builds AFL++ once per user
# Not --locked: a dependency added to the main crate must not break the
# fuzz build until fuzz/Cargo.lock is refreshed (cargo adds it, keeping the
# versions already pinned there).
cargo afl build --release --quiet

if [ -z "${OUT:-}" ]; then
    OUT=$(mktemp -d)
    trap 'rm -rf "$OUT"' EXIT
fi
python3 seeds.py "$OUT/seeds"
# The image targets copy a demo image into $TMPDIR once per process.
export TMPDIR="$OUT/tmp"
mkdir -p "$TMPDIR"
# Not a terminal and no core-dump helper in CI: let afl-fuzz run anyway.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_QUIET=1

run() { # target: fuzz it for SECONDS_EACH seconds, print one summary line
    local t=$1 dir="$OUT/findings/$1"
    mkdir -p "$dir"
    cargo afl fuzz -V "$SECONDS_EACH" -t 5000 -i "$OUT/seeds/$t" -o "$dir" \
        "target/release/$t" >"$dir.log" 2>&1 || {
        echo "$t: afl-fuzz failed, see below"
        tail -n 30 "$dir.log"
        return 1
    }
    local s="$dir/default/fuzzer_stats"
    local execs crashes hangs
    execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$s")
    crashes=$(awk -F: '/^saved_crashes/ {gsub(/ /,"",$2); print $2}' "$s")
    hangs=$(awk -F: '/^saved_hangs/ {gsub(/ /,"",$2); print $2}' "$s")
    printf '%-20s %10s execs %4s crashes %4s hangs\n' "$t" "$execs" "$crashes" "$hangs"
    if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
        ls "$dir"/default/crashes/id:* "$dir"/default/hangs/id:* 2>/dev/null || true
        return 1
    fi
}

failed=0
running=0
for t in "${targets[@]}"; do
    run "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
if [ "$failed" != 0 ]; then
    echo "smoke.sh: a target crashed, hung or failed to run (findings in $OUT)" >&2
    trap - EXIT
    exit 1
fi
echo "smoke.sh: ${#targets[@]} targets, ${SECONDS_EACH} s each, no crash"
# The plain closing line CI logs are read for.
echo "fuzz: ${#targets[@]} passed, 0 failed"
