#!/usr/bin/env bash
# Fuzzes the loaders, the webhook's review path and the policy parser with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh                      # every target, 2,000,000 executions each, one after the other
#   scripts/fuzz.sh yaml-differential 50000
#   scripts/fuzz.sh --list               # the targets and what each exercises
#   FUZZ_OUT=/somewhere scripts/fuzz.sh all   # working corpora, logs and crash inputs under /somewhere
#
# 1. Builds `gatehouse-fuzz` (declared only with GATEHOUSE_FUZZ=1) with -sanitize=fuzzer,address (linked by
#    lld: gold fails on the sanitizer-instrumented objects) into its own
#    scratch folder, .build/fuzz, so .build/debug and .build/release are never touched. The first build
#    compiles every dependency with the sanitizers: 15+ minutes on two cores.
# 2. Seeds each target's working corpus ($FUZZ_OUT/corpus/TARGET) from the committed inputs for it
#    (Tests/Fixtures/fuzz/TARGET), the tests' fixtures, examples/ and the shared corpus beside the repository
#    (shared/corpus), choosing files by the target's extensions and marker. Nothing is written into the
#    repository; the working corpus grows across runs.
# 3. Runs each target for RUNS executions (default 2,000,000), one at a time, with leak detection on
#    (see docs/fuzzing.md for the suppressions and the limits chosen), and prints per target the executions
#    done and exec/s from libFuzzer's final statistics.
# Exits non-zero when any target found a crash, a leak, a timeout or ran out of memory; the input that did
# it is saved as $FUZZ_OUT/artifacts/TARGET/{crash,leak,timeout,oom}-<sha1>, and the target's full output is
# $FUZZ_OUT/logs/TARGET.log.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
TARGET=${1:-all}
RUNS=${2:-2000000}
SCRATCH=${SCRATCH:-.build/fuzz}
FUZZ_OUT=${FUZZ_OUT:-$SCRATCH/runs}
# A single input that takes longer than this under ASan in a debug build is a hang.
TIMEOUT=${TIMEOUT:-10}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-2048}

export GATEHOUSE_FUZZ=1
echo "building gatehouse-fuzz with -sanitize=fuzzer,address into $SCRATCH ..."
mkdir -p "$SCRATCH"
if ! swift build --scratch-path "$SCRATCH" --product gatehouse-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld >"$SCRATCH/build.log" 2>&1; then
    grep -E 'error' "$SCRATCH/build.log" | head -20 >&2
    echo "fuzz.sh: the build failed; see $SCRATCH/build.log" >&2
    exit 2
fi
BIN="$SCRATCH/debug/gatehouse-fuzz"

LIST=$("$BIN" --list)
if [ "$TARGET" = "--list" ]; then
    { "$BIN" 2>&1 || true; } | tail -n +3
    exit 0
fi
if [ "$TARGET" = all ]; then
    TARGETS=$(cut -f1 <<<"$LIST")
elif grep -q "^$TARGET	" <<<"$LIST"; then
    TARGETS=$TARGET
else
    echo "fuzz.sh: unknown target \"$TARGET\"; targets: $(cut -f1 <<<"$LIST" | tr '\n' ' ')" >&2
    exit 2
fi

# The shared corpus sits beside the repository or beside one of its ancestors (a worktree sits deeper).
SHARED=
folder=$(dirname "$REPO")
while [ "$folder" != / ]; do
    if [ -d "$folder/shared/corpus" ]; then SHARED="$folder/shared/corpus"; break; fi
    folder=$(dirname "$folder")
done

# seed TARGET EXTENSIONS MARKER CORPUS: copies the matching seed files into CORPUS, named by their content.
seed() {
    local name=$1 extensions=$2 marker=$3 corpus=$4
    local -a names=() folders=(Tests/Fixtures examples)
    local ext file
    for ext in ${extensions//,/ }; do names+=(-o -name "*.$ext"); done
    [ -n "$SHARED" ] && folders+=("$SHARED")
    [ -d "Tests/Fixtures/fuzz/$name" ] && folders+=("Tests/Fixtures/fuzz/$name")
    while IFS= read -r -d '' file; do
        if [ -z "$marker" ] || [[ $file == Tests/Fixtures/fuzz/$name/* ]] || grep -qF -e "$marker" "$file"; then
            cp "$file" "$corpus/seed-$(sha1sum <"$file" | cut -c1-40)"
        fi
    done < <(find "${folders[@]}" -type f \( -false "${names[@]}" -o -path "Tests/Fixtures/fuzz/$name/*" \) ! -name README.md -print0)
}

STATUS=0
SUMMARY=""
for name in $TARGETS; do
    IFS=$'\t' read -r _ maxlen extensions marker <<<"$(grep "^$name	" <<<"$LIST")"
    corpus="$FUZZ_OUT/corpus/$name"
    artifacts="$FUZZ_OUT/artifacts/$name"
    log="$FUZZ_OUT/logs/$name.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    seed "$name" "$extensions" "$marker" "$corpus"
    echo "== $name: $RUNS runs, max_len $maxlen, $(find "$corpus" -type f | wc -l) corpus files, log $log"
    # The Swift runtime's leak reports are judged in docs/fuzzing.md; the suppressions name each one.
    set +e
    LSAN_OPTIONS="suppressions=$REPO/scripts/fuzz/lsan.supp:print_suppressions=0" \
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
        "$BIN" "$name" "$corpus" -runs="$RUNS" -max_len="$maxlen" -timeout="$TIMEOUT" \
        -rss_limit_mb="$RSS_LIMIT_MB" -malloc_limit_mb="$RSS_LIMIT_MB" -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        verdict=ok
    else
        STATUS=1
        found=$(grep -Eo '(crash|leak|timeout|oom|slow-unit)-[0-9a-f]+' "$log" | tail -1 || true)
        verdict="FAILED (exit $rc${found:+, input $artifacts/$found})"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|fuzz invariant broken|ALARM)' "$log" | head -5 || true
    fi
    line=$(printf '%-20s %10s execs %7s exec/s  peak %5s MB  %s' "$name" "${execs:-?}" "${rate:-?}" "${rss:-?}" "$verdict")
    echo "$line"
    SUMMARY+="$line"$'\n'
done

echo
echo "== summary ($RUNS runs per target)"
printf '%s' "$SUMMARY"
exit $STATUS
