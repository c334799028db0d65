#!/usr/bin/env bash
# Alerts benchmark: prints the throughput of `gatehouse alerts` over the log backend's JSON Lines (read, parse,
# evaluate every alert rule, write JSON alerts to /dev/null) on one core, and its peak RSS at 100 MB and 1 GB
# (flat memory: the two should be close). Figures are medians of RUNS runs of the release build.
#
#   scripts/bench-alerts.sh                 # generates the logs on first use (.build/bench-alerts-data)
#   RUNS=7 scripts/bench-alerts.sh          # more runs per figure (default 5)
#   MB=300 scripts/bench-alerts.sh          # a smaller large log (default 1000)
#   GATEHOUSE=/path/to/gatehouse scripts/bench-alerts.sh   # a binary built elsewhere (an earlier commit, say)
#   SHIPPED=1 scripts/bench-alerts.sh       # the binary as the container image builds it (see bench-audit.sh)
#
# By default the binary is `swift build -c release` in a scratch path of its own (.build/bench-alerts), so that
# it does not replace the everyday release build; its first build compiles every dependency (10+ minutes on
# two cores). SHIPPED=1 builds as scripts/docker/Dockerfile does (--static-swift-stdlib, jemalloc) in
# .build/shipped, which scripts/bench-audit.sh shares, so an existing shipped build is reused. One core: the command is pinned with taskset when available (the
# reader is single-threaded; pinning keeps the figure honest on a shared machine). CPU seconds (user+sys) are
# printed next to wall time: on a loaded machine they show the per-core speed that the wall figure hides.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
MB=${MB:-1000}
DATA=${DATA:-.build/bench-alerts-data}

if [[ -n ${GATEHOUSE:-} ]]; then
    BIN=$GATEHOUSE
    BUILT="given by GATEHOUSE (not built by this script)"
else
    if [[ ${SHIPPED:-0} == 1 ]]; then
        BUILD=(swift build -c release --static-swift-stdlib -Xlinker -ljemalloc --scratch-path .build/shipped)
    else
        BUILD=(swift build -c release --scratch-path .build/bench-alerts)
    fi
    "${BUILD[@]}" --product gatehouse >/dev/null
    BIN=$("${BUILD[@]}" --show-bin-path)/gatehouse
    BUILT="release (${BUILD[*]})"
fi

mkdir -p "$DATA"
SMALL=$DATA/audit-100m.log
LARGE=$DATA/audit-${MB%.*}m.log
[[ -f $SMALL ]] || python3 scripts/gen-audit-log.py --out "$SMALL" --mb 100
[[ -f $LARGE ]] || python3 scripts/gen-audit-log.py --out "$LARGE" --mb "$MB"

PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi

bytes() { stat -L -c %s "$1"; }
mbps() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1e6 / float(sys.argv[2]):.1f}')" "$1" "$2"; }

# "WALL CPU RSS_KIB": medians of RUNS runs of the alerts command on "$1".
measure() {
    local rows
    rows=$(mktemp)
    for _ in $(seq "$RUNS"); do
        # Exit 1 (alerts at or above --fail-on) is expected; --fail-on never keeps it 0.
        /usr/bin/time -f "%e %U %S %M" -a -o "$rows" "${PIN[@]}" "$BIN" alerts "$1" --format json --fail-on never >/dev/null
    done
    python3 - "$rows" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l[:1].isdigit()]
print(statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows), int(statistics.median(r[3] for r in rows)))
PY
    rm -f "$rows"
}

echo "binary: $BIN, $BUILT"
echo "command: ${PIN[*]} $BIN alerts <log> --format json --fail-on never > /dev/null; median of $RUNS runs"
echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
printf '%-22s %9s %9s %12s %14s %12s %8s\n' log MB events wall "MB/s (wall)" "MB/s (CPU)" "peak RSS"
for log in "$SMALL" "$LARGE"; do
    b=$(bytes "$log")
    events=$(wc -l <"$log")
    alerts=$("$BIN" alerts "$log" --format json --fail-on never | wc -l)
    read -r wall cpu rss < <(measure "$log")
    printf '%-22s %9s %9s %10ss %14s %12s %5s MiB   (%s alerts)\n' "$(basename "$log")" "$(mbps "$b" 1)" "$events" "$wall" \
        "$(mbps "$b" "$wall")" "$(mbps "$b" "$cpu")" "$((rss / 1024))" "$alerts"
done
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine lowers the wall figures)"
