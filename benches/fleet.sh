#!/usr/bin/env bash
# Fleet benchmark: `sovscan fleet` over N saved scans (default 10,000) of
# the demo Windows image, against the same fleet of N/10 scans, to show that
# memory does not grow with the number of scans. Reports each run's time and
# peak RSS (GNU time), then deletes every generated file.
#
#   bash benches/fleet.sh            # N=10000
#   N=2000 RUNS=1 bash benches/fleet.sh
#
# The scans: the demo Windows image scanned once, then ten variants of that
# report, each with its own scan date (one a quarter from 2024-Q1) and, from
# the second on, one product fewer than the one before. The N scan files
# are hard links to the ten variants (no disk space per file: sovscan reads
# and parses every file whole, as it would a copy): N/10 images of ten
# dated scans each, in 12 departments, 5 to 400 seats.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-3}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
if [ -z "${BIN:-}" ]; then   # BIN=path/to/sovscan measures another build
    cargo build --release --quiet
    BIN=${CARGO_TARGET_DIR:-target}/release/sovscan
fi
WORK=${CARGO_TARGET_DIR:-target}/scratch/fleet-bench
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

"$BIN" scan fixtures/demo-windows -q -f json -o "$WORK/base.json"
python3 - "$WORK" "$N" <<'EOF'
import json, os, sys
work, n = sys.argv[1], int(sys.argv[2])
base = json.load(open(f"{work}/base.json"))
os.makedirs(f"{work}/variants")
products = list(base["products"])
for k in range(10):
    year, quarter = 2024 + k // 4, k % 4
    base["scan"]["date"] = f"{year}-{3 * quarter + 1:02d}-15"
    # From the second variant on, one product fewer each time.
    base["products"] = products[k:]
    with open(f"{work}/variants/{k}.json", "w") as f:
        json.dump(base, f)
def write_fleet(name, count):
    os.makedirs(f"{work}/{name}")
    lines = ['name = "Benchmark administration"', 'period = "quarter"']
    for i in range(count // 10):
        scans = []
        for k in range(10):
            path = f"{name}/img{i}-{k}.json"
            os.link(f"{work}/variants/{k}.json", f"{work}/{path}")
            scans.append(f'"{path}"')
        lines += ["[[image]]", f'name = "desk-{i}"', f'department = "dept-{i % 12}"',
                  f"seats = {5 + (i * 37) % 396}", f"scans = [{', '.join(scans)}]"]
    with open(f"{work}/{name}.toml", "w") as f:
        f.write("\n".join(lines) + "\n")
write_fleet("small", n // 10)
write_fleet("large", n)
EOF

measure() { # prints "seconds maxrss_kib" of one run of the command
    "$TIME" -f '%e %M' -o "$WORK/t" "$@" >/dev/null 2>&1
    cat "$WORK/t"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for fleet in small large; do
    scans=$(grep -o '\.json' "$WORK/$fleet.toml" | wc -l)
    for out in json parquet; do
        : > "$WORK/secs"; : > "$WORK/rss"
        for _ in $(seq "$RUNS"); do
            set -- "$BIN" fleet "$WORK/$fleet.toml" -o "$out=$WORK/out.$out"
            read -r s m < <(measure "$@")
            echo "$s" >> "$WORK/secs"; echo "$m" >> "$WORK/rss"
        done
        printf '%6d scans  -o %-8s median %6.2f s  peak RSS %6.1f MiB  (%d runs)\n' \
            "$scans" "$out" "$(median < "$WORK/secs")" \
            "$(echo "$(median < "$WORK/rss") / 1024" | bc -l)" "$RUNS"
    done
done
ls -l "$WORK/out.parquet" | awk '{printf "parquet file of the last run: %.1f MiB\n", $5 / 1048576}'
