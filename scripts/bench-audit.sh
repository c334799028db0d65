#!/usr/bin/env bash
# Audit benchmark: prints end-to-end throughput (read, parse, evaluate, write the JSON report to /dev/null)
# for YAML and JSON at 1 and 2 jobs, the 2-job speed-up, peak RSS on 1,000,000 JSON objects, and the wall
# time of a one-small-file audit. Figures are medians of several runs on the release build, made as the image
# makes it (see below).
#
#   scripts/bench-audit.sh            # generates the corpus on first use (.build/bench-corpus)
#   RUNS=11 scripts/bench-audit.sh    # more runs per figure (default 7)
#   SKIP_MILLION=1 scripts/bench-audit.sh
#   SHIPPED=0 scripts/bench-audit.sh  # the plain `swift build -c release` binary instead
#   GATEHOUSE=/path/to/gatehouse scripts/bench-audit.sh   # a binary built elsewhere (an earlier commit, say)
#
# By default the binary is built as the container image builds it (scripts/docker/Dockerfile): release, with
# the Swift runtime linked in (--static-swift-stdlib) and jemalloc as the allocator (needs libjemalloc-dev),
# in a scratch path of its own (.build/shipped) so it does not replace the everyday release build. Its first
# build compiles the dependencies once more (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
CORPUS=${CORPUS:-.build/bench-corpus}

BIN=""
if [[ -n ${GATEHOUSE:-} ]]; then
    BIN=$GATEHOUSE
    BUILT="given by GATEHOUSE (not built by this script)"
elif [[ ${SHIPPED:-1} == 1 ]]; then
    if ! compgen -G '/usr/lib/*/libjemalloc.so' >/dev/null && ! compgen -G '/usr/*lib/libjemalloc.so' >/dev/null; then
        echo "bench-audit: the shipped build links jemalloc: apt-get install -y libjemalloc-dev (or SHIPPED=0)" >&2
        exit 2
    fi
    BUILD=(swift build -c release --static-swift-stdlib -Xlinker -ljemalloc --scratch-path .build/shipped)
    BUILT="release, --static-swift-stdlib, jemalloc (as scripts/docker/Dockerfile builds it)"
else
    BUILD=(swift build -c release)
    BUILT="release (swift build -c release)"
fi
if [[ -z $BIN ]]; then
    "${BUILD[@]}" --product gatehouse >/dev/null
    BIN=$("${BUILD[@]}" --show-bin-path)/gatehouse
fi

if [[ ! -f "$CORPUS/list.json" ]]; then
    python3 scripts/gen-bench-corpus.py --out "$CORPUS"
fi
if [[ -z "${SKIP_MILLION:-}" && ! -f "$CORPUS/million.json" ]]; then
    python3 scripts/gen-bench-corpus.py --out "$CORPUS" --million >/dev/null
fi

bytes() { du -cbL "$@" | tail -1 | cut -f1; }

# "WALL1 CPU1 WALL2 CPU2": median wall and CPU seconds (user+sys) of RUNS runs of "$@" --jobs 1 and of RUNS
# runs with --jobs 2, taken in turn (1, 2, 1, 2...) so that whatever else the machine does weighs on both
# alike (stdout discarded; the audit exits 1 when it finds something). CPU time shows per-core throughput
# even when other work shares the machine; wall time is what a user waits.
measure() {
    local one two
    one=$(mktemp)
    two=$(mktemp)
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S" -a -o "$one" "$@" --jobs 1 >/dev/null || true
        /usr/bin/time -f "%e %U %S" -a -o "$two" "$@" --jobs 2 >/dev/null || true
    done
    python3 - "$one" "$two" <<'PY'
import statistics, sys
for path in sys.argv[1:]:
    rows = [list(map(float, l.split())) for l in open(path) if l[:1].isdigit()]
    print(statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows), end=" ")
print()
PY
    rm -f "$one" "$two"
}

mbps() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1e6 / float(sys.argv[2]):.1f}')" "$1" "$2"; }

YAML_BYTES=$(bytes "$CORPUS"/yaml/*.yaml)
JSON_BYTES=$(bytes "$CORPUS/list.json")
OBJECTS=$("$BIN" audit "$CORPUS/list.json" --format json --fail-on never | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["objects"])')

echo "corpus: $OBJECTS objects; YAML $(mbps "$YAML_BYTES" 1) MB in $(ls "$CORPUS"/yaml | wc -l) files; JSON $(mbps "$JSON_BYTES" 1) MB (one kind: List)"
echo "binary: $BIN, $BUILT"
echo "command: $BIN audit <input> --format json --fail-on never --jobs N > /dev/null; median of $RUNS runs each, 1 and 2 jobs in turn"

printf '%-6s %12s %12s %9s %17s %17s\n' format "1 job" "2 jobs" "speed-up" "1 job, per CPU s" "CPU s 1 / 2 jobs"
for kind in yaml json; do
    input="$CORPUS/yaml"
    b=$YAML_BYTES
    if [[ $kind == json ]]; then input="$CORPUS/list.json"; b=$JSON_BYTES; fi
    read -r wall1 cpu1 wall2 cpu2 < <(measure "$BIN" audit "$input" --format json --fail-on never)
    printf '%-6s %7s MB/s %7s MB/s %8sx %12s MB/s %17s\n' "$kind" "$(mbps "$b" "$wall1")" "$(mbps "$b" "$wall2")" \
        "$(python3 -c "print(f'{$wall1 / $wall2:.2f}')")" "$(mbps "$b" "$cpu1")" "$(python3 -c "print(f'{$cpu1:.2f} / {$cpu2:.2f}')")"
done

# Where the time goes: one run per format and job count with --timings (phases in wall and CPU seconds).
for input in "$CORPUS/yaml" "$CORPUS/list.json"; do
    for jobs in 1 2; do
        echo "phases, $(basename "$input"), --jobs $jobs:"
        "$BIN" audit "$input" --format json --fail-on never --jobs "$jobs" --timings 2>&1 >/dev/null | tail -n +2
    done
done

if [[ -f "$CORPUS/million.json" ]]; then
    rss=$( { /usr/bin/time -v "$BIN" audit "$CORPUS/million.json" --format json --fail-on never >/dev/null; } 2>&1 \
        | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
    echo "peak RSS, 1,000,000 JSON objects ($(mbps "$(bytes "$CORPUS/million.json")" 1) MB): $(( rss / 1024 )) MiB"
    rss=$( { /usr/bin/time -v "$BIN" audit "$CORPUS/million.json" --format json --fail-on never --no-cross-object >/dev/null; } 2>&1 \
        | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
    echo "peak RSS, same, --no-cross-object (per-object rules only): $(( rss / 1024 )) MiB"
fi

first_start=$(date +%s%N)
"$BIN" audit "$CORPUS/small.yaml" --fail-on never >/dev/null
first_end=$(date +%s%N)
small=()
for _ in $(seq 20); do
    start=$(date +%s%N)
    "$BIN" audit "$CORPUS/small.yaml" --fail-on never >/dev/null || true
    end=$(date +%s%N)
    small+=("$(( end - start ))")
done
echo "one small file (3 objects): first run $(( (first_end - first_start) / 1000000 )) ms, median of 20 runs" \
    "$(python3 -c 'import statistics,sys; print(f"{statistics.median(int(x) for x in sys.argv[1:]) / 1e6:.1f}")' "${small[@]}") ms"
echo "load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other work on the machine lowers the wall figures)"
