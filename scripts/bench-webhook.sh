#!/usr/bin/env bash
# Load benchmark of `gatehouse serve`, on loopback only, bounded in count and time.
#
#   scripts/bench-webhook.sh            # everything below, figures on stdout
#   DURATION=5 scripts/bench-webhook.sh
#   GATEHOUSE=/path/to/gatehouse GATEHOUSE_BENCH=/path/to/gatehouse-bench scripts/bench-webhook.sh   # given binaries
#
# 1. Release build of `gatehouse` and of the benchmark executable `gatehouse-bench`.
# 2. In-process cost of one review (parse + evaluate + encode), `gatehouse-bench review`.
# 3. `gatehouse serve --self-signed` on 127.0.0.1, then:
#    - RSS when idle;
#    - wrk: HTTP/1.1 keep-alive throughput over TLS, closed loop, with its latency distribution;
#    - h2load: HTTP/2 over TLS (what the API server speaks) at a fixed 2,000 reviews/s, p50/p99/max from
#      its per-request log; and HTTP/2 throughput, closed loop;
#    - peak RSS under load (sampled every 0.2 s).
# 4. The audit sink (needs gatehouse-bench): `gatehouse-bench sink-batch` writes an EventList of SINK_BATCH
#    real-shaped events (1 in 100 fires an alert) and times reading and judging it in process; then a second
#    `gatehouse serve` (profile SINK_PROFILE, whose alert rules run) takes h2load's POST /audit of that batch
#    over HTTP/2 + TLS, closed loop, and the figures are: events/s posted, events accepted and dropped, the time
#    the alert queue takes to drain after the load, and the load average around the run.
# Needs wrk and h2load (Debian: apt-get install -y wrk nghttp2-client).
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
PROFILE=${PROFILE:-pss-restricted}
PORT=${PORT:-18443}
METRICS_PORT=${METRICS_PORT:-18080}
REVIEW=${REVIEW:-scripts/bench/review-pod-create.json}
DENY_REVIEW=${DENY_REVIEW:-scripts/bench/review-pod-create-privileged.json}
LOG_LEVEL=${LOG_LEVEL:-info}
RATE=${RATE:-2000}
RATE_CLIENTS=${RATE_CLIENTS:-4}
RATE_REQUESTS=${RATE_REQUESTS:-$((RATE * DURATION))}
SINK_BATCH=${SINK_BATCH:-400}
SINK_PROFILE=${SINK_PROFILE:-aks}
SINK_PORT=${SINK_PORT:-18444}
SINK_METRICS_PORT=${SINK_METRICS_PORT:-18081}

for tool in wrk h2load; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk nghttp2-client" >&2; exit 1; }
done

if [[ -n ${GATEHOUSE:-} ]]; then
    # A binary built elsewhere (an earlier commit, say): its server is measured; the in-process figure needs
    # the matching gatehouse-bench in GATEHOUSE_BENCH.
    BIN=$GATEHOUSE
    BENCH=${GATEHOUSE_BENCH:-}
    echo "== binary: $BIN (given by GATEHOUSE)"
else
    echo "== release build"
    swift build -c release --product gatehouse 2>&1 | tail -1
    swift build -c release --product gatehouse-bench 2>&1 | tail -1
    BIN=$(swift build -c release --show-bin-path)/gatehouse
    BENCH=$(swift build -c release --show-bin-path)/gatehouse-bench
fi

if [[ -n $BENCH ]]; then
    echo
    echo "== in-process review cost (profile $PROFILE)"
    "$BENCH" review "$REVIEW" --profile "$PROFILE"
    "$BENCH" review "$DENY_REVIEW" --profile "$PROFILE"
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo
echo "== server: gatehouse serve --self-signed on 127.0.0.1:$PORT (log level $LOG_LEVEL, logs to a file)"
"$BIN" serve --self-signed --ca-out "$WORK/ca.pem" --host 127.0.0.1 --port "$PORT" --metrics-port "$METRICS_PORT" \
    --profile "$PROFILE" --log-level "$LOG_LEVEL" --shutdown-delay 0 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$METRICS_PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf --cacert "$WORK/ca.pem" -H 'Content-Type: application/json' --data-binary "@$DENY_REVIEW" \
    "https://127.0.0.1:$PORT/validate" | head -c 300; echo
for _ in $(seq 1 50); do
    curl -sf --cacert "$WORK/ca.pem" -H 'Content-Type: application/json' --data-binary "@$REVIEW" \
        "https://127.0.0.1:$PORT/validate" >/dev/null
done
sleep 1
echo "idle RSS: $(( $(ps -o rss= -p "$SERVER_PID") / 1024 )) MiB"

peak_rss() {  # samples the server's RSS until the given pid exits; prints the peak in MiB
    local watched=$1 peak=0 rss
    while kill -0 "$watched" 2>/dev/null; do
        rss=$(ps -o rss= -p "$SERVER_PID" || echo 0)
        (( rss > peak )) && peak=$rss
        sleep 0.2
    done
    echo $(( peak / 1024 ))
}

echo
echo "== wrk: HTTP/1.1 keep-alive over TLS, 1 thread, 32 connections, ${DURATION}s, closed loop"
REVIEW="$REVIEW" wrk -t1 -c32 -d"${DURATION}s" --latency -s scripts/bench/post-review.lua \
    "https://127.0.0.1:$PORT/validate" > "$WORK/wrk.txt" &
WRK_PID=$!
PEAK=$(peak_rss $WRK_PID)
wait $WRK_PID
sed -n '/Thread Stats/,$p' "$WORK/wrk.txt"
echo "peak RSS during wrk: $PEAK MiB"

echo
echo "== h2load: HTTP/2 over TLS at a fixed $RATE reviews/s ($RATE_CLIENTS connections x $((RATE / RATE_CLIENTS))/s, $RATE_REQUESTS requests)"
h2load -n "$RATE_REQUESTS" -c "$RATE_CLIENTS" --rps $((RATE / RATE_CLIENTS)) -H 'Content-Type: application/json' \
    -d "$REVIEW" --log-file "$WORK/h2load-rate.log" "https://127.0.0.1:$PORT/validate" > "$WORK/h2load-rate.txt" &
H2_PID=$!
PEAK=$(peak_rss $H2_PID)
wait $H2_PID
grep -E "finished in|requests:|status codes:" "$WORK/h2load-rate.txt"
awk -F'\t' '{print $3}' "$WORK/h2load-rate.log" | sort -n | awk '
    { v[NR] = $1 }
    END {
        if (NR == 0) { print "no requests logged"; exit }
        printf "latency (µs, client side, incl. TLS + HTTP/2): p50 %d, p90 %d, p99 %d, p99.9 %d, max %d over %d requests\n",
            v[int(NR*0.50)+1], v[int(NR*0.90)+1], v[int(NR*0.99)+1], v[int(NR*0.999)+1], v[NR], NR
    }'
echo "peak RSS during fixed-rate run: $PEAK MiB"

echo
echo "== h2load: HTTP/2 over TLS throughput, 4 connections x 16 streams, ${DURATION}s, closed loop"
h2load -D "$DURATION" -c 4 -m 16 -H 'Content-Type: application/json' -d "$REVIEW" \
    "https://127.0.0.1:$PORT/validate" > "$WORK/h2load-max.txt" &
H2_PID=$!
PEAK=$(peak_rss $H2_PID)
wait $H2_PID
grep -E "finished in|requests:|status codes:|time for request" "$WORK/h2load-max.txt"
echo "peak RSS during h2 throughput run: $PEAK MiB"

echo
echo "== server-side latency histogram (gatehouse_admission_duration_seconds) and request counts"
curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" | grep -E '^gatehouse_admission_(duration_seconds_(bucket|count|sum)|requests_total)' | head -20

echo
echo "== SIGTERM"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" && echo "server exited cleanly" || echo "server exit status $?"
SERVER_PID=
echo "decision log lines: $(grep -c '"admission decision"' "$WORK/server.log" || true)"

if [[ -z $BENCH ]]; then
    echo
    echo "== audit sink: skipped (needs gatehouse-bench: set GATEHOUSE_BENCH)"
    exit 0
fi

metric() {  # metric NAME_AND_LABELS: the value on the sink's /metrics, 0 when absent
    curl -sf "http://127.0.0.1:$SINK_METRICS_PORT/metrics" | awk -v m="$1" '$1 == m { v = $2 } END { print v + 0 }'
}

echo
echo "== audit sink: in-process cost of one EventList of $SINK_BATCH events (profile $SINK_PROFILE's alert rules)"
"$BENCH" sink-batch --events "$SINK_BATCH" > "$WORK/batch.json"
"$BENCH" sink-batch --events "$SINK_BATCH" --measure 200

echo
echo "== audit sink: gatehouse serve --profile $SINK_PROFILE on 127.0.0.1:$SINK_PORT"
"$BIN" serve --self-signed --host 127.0.0.1 --port "$SINK_PORT" --metrics-port "$SINK_METRICS_PORT" \
    --profile "$SINK_PROFILE" --log-level "$LOG_LEVEL" --shutdown-delay 0 2>"$WORK/sink.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$SINK_METRICS_PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "h2load: POST /audit over HTTP/2 + TLS, $(wc -c < "$WORK/batch.json") bytes a batch, 4 connections x 4 streams, ${DURATION}s, closed loop"
h2load -D "$DURATION" -c 4 -m 4 -H 'Content-Type: application/json' -d "$WORK/batch.json" \
    "https://127.0.0.1:$SINK_PORT/audit" > "$WORK/h2load-sink.txt" &
H2_PID=$!
PEAK=$(peak_rss $H2_PID)
wait $H2_PID
END=$(date +%s.%N)
grep -E "finished in|requests:|status codes:" "$WORK/h2load-sink.txt"
while (( $(metric gatehouse_audit_queue_events | cut -d. -f1) > 0 )); do sleep 0.05; done
DRAINED=$(date +%s.%N)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
ACCEPTED=$(metric 'gatehouse_audit_events_total{result="accepted"}')
DROPPED=$(metric 'gatehouse_audit_events_total{result="dropped"}')
RPS=$(awk '/finished in/ { print $4 }' "$WORK/h2load-sink.txt")  # "finished in 5.00s, 7.20 req/s, ..."
awk -v rps="$RPS" -v n="$SINK_BATCH" -v acc="$ACCEPTED" -v drop="$DROPPED" -v d="$DURATION" -v end="$END" -v drained="$DRAINED" 'BEGIN {
    drain = drained - end
    printf "posted: %.0f events/s (%.1f batches/s of %d); accepted %d, dropped %d\n", rps * n, rps, n, acc, drop
    printf "queue drained %.2f s after the load ended: %.0f events/s judged end to end (accepted / (duration + drain))\n", drain, acc / (d + drain)
}'
echo "peak RSS: $PEAK MiB"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=
# Alerts whose window was still open are logged at shutdown.
echo "alerts logged (after deduplication): $(grep -c '"msg":"alert"' "$WORK/sink.log" || true)"
