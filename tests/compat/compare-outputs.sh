#!/usr/bin/env bash
# Runs two sovscan binaries over the same inputs and compares every output
# byte for byte: each demo image in every format, several roots at once,
# summary, explain, diff, report, the CI gate with a policy and a baseline,
# and the rules commands. Used to show that a refactoring keeps behaviour.
#
#   tests/compat/compare-outputs.sh OLD_BINARY NEW_BINARY OUT_DIR
#
# Without binaries, `tests/compat/compare-outputs.sh --build REV OUT_DIR`
# builds REV (a git revision, e.g. the commit before a redesign) and the
# work tree in release mode and compares them.
#
# Only `scan.duration_ms` (a timing) is masked. Prints one line per
# comparison (same / DIFFERS) and exits 1 when any output differs.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" = "--build" ]; then
    rev=$2 out=$3
    wt=$(mktemp -d)/old
    git -C "$here" worktree add --detach "$wt" "$rev" >/dev/null
    trap 'git -C "$here" worktree remove --force "$wt"' EXIT
    (cd "$wt" && cargo build --release --locked -q)
    (cd "$here" && cargo build --release --locked -q)
    mkdir -p "$out"
    cp "$wt/target/release/sovscan" "$out/sovscan-old"
    cp "$here/target/release/sovscan" "$out/sovscan-new"
    "$0" "$out/sovscan-old" "$out/sovscan-new" "$out"
    exit $?
fi
old=$(realpath "$1") new=$(realpath "$2") out=$(realpath -m "$3")
mkdir -p "$out/old" "$out/new"
cd "$here"
policy=tests/compat/policy.toml
images=(demo-linux demo-windows demo-macos distroless plain-dir)
formats=(table json cyclonedx sarif ndjson csv md html)

# run SIDE NAME ARGS...: stdout, stderr and exit code of one command.
run() {
    local side=$1 name=$2 bin; shift 2
    bin=$old; [ "$side" = new ] && bin=$new
    set +e
    "$bin" "$@" >"$out/$side/$name.out" 2>"$out/$side/$name.err"
    echo $? >"$out/$side/$name.code"
    set -e
    # The one field that differs between two runs of the same scan.
    sed -i -E 's/"duration_ms": ?[0-9]+/"duration_ms": 0/g' "$out/$side/$name.out"
}

# Saved scans that later commands read live at one path for both sides, so
# that a path recorded in an output (`policy.baseline`) is the same.
d=$out/work
mkdir -p "$d"
for side in old new; do
    for img in "${images[@]}"; do
        for f in "${formats[@]}"; do
            run $side "scan-$img-$f" scan --no-progress -f "$f" "fixtures/$img"
        done
        run $side "scan-$img-sarif-low" scan --no-progress -f sarif --sarif-min-level low "fixtures/$img"
        run $side "summary-$img-table" summary --no-progress "fixtures/$img"
        run $side "summary-$img-json" summary --no-progress -f json "fixtures/$img"
        # The gate: policy, --fail-on, and the scan as its own baseline.
        run $side "gate-$img" scan --no-progress -f json --policy $policy --fail-on medium "fixtures/$img"
        cp "$out/$side/gate-$img.out" "$d/gate-$img.json"
        cp "$out/$side/scan-$img-json.out" "$d/$img.json"
        run $side "baseline-$img" scan --no-progress -f json --policy $policy --fail-on medium \
            --baseline "$d/$img.json" "fixtures/$img"
        run $side "policy-$img-md" scan --no-progress -f md --policy $policy "fixtures/$img"
        for f in html md table; do
            run $side "report-$img-$f" report -f "$f" "$d/$img.json"
        done
        run $side "summary-saved-$img" summary "$d/$img.json"
    done
    run $side "scan-multi-json" scan --no-progress -f json fixtures/demo-linux fixtures/demo-windows fixtures/demo-macos
    run $side "scan-multi-table" scan --no-progress fixtures/demo-macos fixtures/demo-linux
    run $side "scan-multi-html" scan --no-progress -f html fixtures/demo-linux fixtures/demo-windows fixtures/demo-macos
    for c in google-chrome-stable teams ICAClient libc6 zoom anydesk no-such-thing; do
        run $side "explain-linux-$c" explain "$c" "$d/demo-linux.json"
    done
    for c in "Microsoft Teams classic" "Google Chrome" "7-Zip 24.09 (x64)" TeamViewer "Acme Tools" putty.exe windows; do
        run $side "explain-windows-$(echo "$c" | tr -c "A-Za-z0-9.\n-" _)" explain "$c" "$d/demo-windows.json"
    done
    for c in "Microsoft Word" zoom.us firefox us.zoom.pkg.videomeeting macos; do
        run $side "explain-macos-$(echo "$c" | tr -c "A-Za-z0-9.\n-" _)" explain "$c" "$d/demo-macos.json"
    done
    for f in table json md; do
        run $side "diff-linux-windows-$f" diff -f "$f" "$d/demo-linux.json" "$d/demo-windows.json"
        run $side "diff-linux-gate-$f" diff -f "$f" "$d/demo-linux.json" "$d/gate-demo-linux.json"
    done
    run $side "rules-list" rules list
    run $side "rules-list-vendors" rules list --vendors
    run $side "rules-check" rules check
done

status=0
for f in "$out"/old/*; do
    name=${f##*/}
    if cmp -s "$f" "$out/new/$name"; then
        echo "same     $name"
    else
        echo "DIFFERS  $name"
        status=1
    fi
done
exit $status
