#!/usr/bin/env bash
# Vulnerability benchmark: loads N scanner reports (default 10,000 Trivy JSON reports from
# scripts/gen-vuln-reports.py, 0 to 300 vulnerabilities each) as `gatehouse serve` loads its
# `vulnerabilities.reports`, and prints the load time (read + parse, index), the peak RSS, the median cost of
# looking a container's image up (by tag, by digest, not scanned), and what the gate adds to a one-container
# review. Release build; figures only.
#
#   scripts/bench-vulns.sh                  # generates the reports on first use (.build/bench-vulns)
#   REPORTS=1000 scripts/bench-vulns.sh     # another number of reports
#   SHIPPED=1 scripts/bench-vulns.sh        # built as the container image builds (static stdlib, jemalloc)
#   GATEHOUSE_BENCH=/path/to/gatehouse-bench scripts/bench-vulns.sh   # a binary built elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

REPORTS=${REPORTS:-10000}
DATA=.build/bench-vulns/reports-$REPORTS
if [[ -n ${GATEHOUSE_BENCH:-} ]]; then
    BENCH=$GATEHOUSE_BENCH
else
    if [[ ${SHIPPED:-0} == 1 ]]; then
        BUILD=(swift build -c release --static-swift-stdlib -Xlinker -ljemalloc --scratch-path .build/shipped)
    else
        BUILD=(swift build -c release)
    fi
    "${BUILD[@]}" --product gatehouse-bench >/dev/null
    BENCH=$("${BUILD[@]}" --show-bin-path)/gatehouse-bench
fi
[[ -f $DATA/report-00000.json ]] || python3 scripts/gen-vuln-reports.py --out "$DATA" --reports "$REPORTS"
echo "binary: $BENCH"
echo "reports: $DATA ($(du -sh "$DATA" | cut -f1))"
echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
"$BENCH" vulns "$DATA"
