#!/usr/bin/env bash
# Docker audit benchmark: prints the wall time of `gatehouse docker audit --from DIR` on exports of 1,000 and
# 10,000 containers (read, parse, evaluate every CIS Docker rule, write the JSON report to /dev/null), with
# CPU seconds and peak RSS. Figures are medians of RUNS runs of the release build. The target: 1,000
# containers in under 1 s.
#
#   scripts/bench-docker.sh                 # generates the exports on first use (.build/bench-docker-data)
#   RUNS=11 scripts/bench-docker.sh         # more runs per figure (default 7)
#   GATEHOUSE=/path/to/gatehouse scripts/bench-docker.sh   # a binary built elsewhere
#   SHIPPED=1 scripts/bench-docker.sh       # the binary as the container image builds it (see bench-audit.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
DATA=${DATA:-.build/bench-docker-data}

if [[ -n ${GATEHOUSE:-} ]]; then
    BIN=$GATEHOUSE
    BUILT="given by GATEHOUSE (not built by this script)"
else
    if [[ ${SHIPPED:-0} == 1 ]]; then
        BUILD=(swift build -c release --static-swift-stdlib -Xlinker -ljemalloc --scratch-path .build/shipped)
    else
        BUILD=(swift build -c release)
    fi
    "${BUILD[@]}" --product gatehouse >/dev/null
    BIN=$("${BUILD[@]}" --show-bin-path)/gatehouse
    BUILT="release (${BUILD[*]})"
fi

for n in 1000 10000; do
    [[ -f $DATA/$n/containers.json ]] || python3 scripts/gen-docker-export.py --out "$DATA/$n" --containers "$n"
done

echo "binary: $BIN, $BUILT"
echo "command: $BIN docker audit --from <dir> --format json --fail-on never > /dev/null; median of $RUNS runs"
echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
printf '%-12s %10s %10s %10s\n' containers wall CPU "peak RSS"
for n in 1000 10000; do
    rows=$(mktemp)
    for _ in $(seq "$RUNS"); do
        # --fail-on never: exit 0 unless an input could not be read (2), which would make the figures meaningless.
        status=0
        /usr/bin/time -f "%e %U %S %M" -a -o "$rows" "$BIN" docker audit --from "$DATA/$n" --format json --fail-on never >/dev/null || status=$?
        if [[ $status -ne 0 ]]; then
            echo "bench-docker: the audit of $DATA/$n exited $status (an export could not be read); run it by hand to see why" >&2
            exit 2
        fi
    done
    python3 - "$rows" "$n" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip() and line[0].isdigit()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = statistics.median(r[3] for r in rows) / 1024
print(f"{int(sys.argv[2]):<12} {wall:9.3f}s {cpu:9.3f}s {rss:7.0f} MiB")
PY
    rm -f "$rows"
done
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
