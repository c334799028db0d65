#!/usr/bin/env bash
# Cluster listing benchmark: `gatehouse audit --cluster` against a loopback HTTPS stand-in for the API server
# (scripts/bench/standin-apiserver.py, which generates pods page by page) at two cluster sizes. Prints, as
# medians of RUNS runs of the release build: the time and peak RSS after listing (from --timings' "list the
# cluster" phase), and the whole audit's wall time and peak RSS. Listing holds one page at a time, so its
# peak memory should not grow with the cluster.
#
#   scripts/bench-cluster-list.sh                  # 20,000 and 200,000 pods
#   SIZES="5000 50000" RUNS=3 scripts/bench-cluster-list.sh
#   GATEHOUSE=/path/to/gatehouse scripts/bench-cluster-list.sh
#   SHIPPED=1 scripts/bench-cluster-list.sh        # the binary as the container image builds it
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SIZES=${SIZES:-20000 200000}

if [[ -n ${GATEHOUSE:-} ]]; then
    BIN=$GATEHOUSE
else
    if [[ ${SHIPPED:-0} == 1 ]]; then
        BUILD=(swift build -c release --static-swift-stdlib -Xlinker -ljemalloc --scratch-path .build/shipped)
    else
        BUILD=(swift build -c release)
    fi
    "${BUILD[@]}" --product gatehouse >/dev/null
    BIN=$("${BUILD[@]}" --show-bin-path)/gatehouse
fi

WORK=$(mktemp -d)
SERVER=""
trap '[[ -n $SERVER ]] && kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
TOKEN=bench-token

echo "binary: $BIN"
echo "command: $BIN audit --cluster --kubeconfig K --format json --fail-on never --quiet --timings > /dev/null; median of $RUNS runs"
echo "load before measuring: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
printf '%-10s %12s %14s %12s %14s\n' pods "list wall" "list peak RSS" "audit wall" "audit peak RSS"
for n in $SIZES; do
    rm -f "$WORK/port"
    python3 scripts/bench/standin-apiserver.py --pods "$n" --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
        --token "$TOKEN" --port-file "$WORK/port" &
    SERVER=$!
    for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
    cat > "$WORK/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
current-context: bench
clusters:
- name: bench
  cluster: {server: "https://127.0.0.1:$(cat "$WORK/port")", certificate-authority: $WORK/cert.pem}
users:
- name: bench
  user: {token: $TOKEN}
contexts:
- name: bench
  context: {cluster: bench, user: bench}
KUBECONFIG
    rows=$(mktemp)
    for _ in $(seq "$RUNS"); do
        status=0
        /usr/bin/time -f "TIME %e %M" -o "$WORK/time" "$BIN" audit --cluster --kubeconfig "$WORK/kubeconfig" \
            --format json --fail-on never --quiet --timings 2>"$WORK/timings" >/dev/null || status=$?
        if [[ $status -ne 0 ]]; then
            echo "bench-cluster-list: the audit exited $status:" >&2
            cat "$WORK/timings" >&2
            exit 2
        fi
        echo "$(grep 'list the cluster' "$WORK/timings" | head -1) $(cat "$WORK/time")" >> "$rows"
    done
    kill $SERVER
    wait $SERVER 2>/dev/null || true
    SERVER=""
    python3 - "$rows" "$n" <<'PY'
import re, statistics, sys
rows = []
for line in open(sys.argv[1]):
    numbers = re.findall(r"[0-9]+(?:\.[0-9]+)?", line.split("objects)")[1].split("TIME")[0])
    total = line.split("TIME")[1].split()
    # --timings' phase line: wall s, CPU s, peak MiB.
    rows.append((float(numbers[0]), float(numbers[-1]), float(total[0]), float(total[1]) / 1024))
med = lambda i: statistics.median(r[i] for r in rows)
print(f"{int(sys.argv[2]):<10} {med(0):11.2f}s {med(1):10.0f} MiB {med(2):11.2f}s {med(3):10.0f} MiB")
PY
    rm -f "$rows"
done
echo "load after measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
