#!/usr/bin/env bash
# Soak run: SOAK_MINUTES (default 10) of mixed load against one Starling process, with clients
# connecting and disconnecting all the time: rounds of the LoadGenerator's fan-in, fan-out,
# p2p (QoS 0, 1 and 2), drain (a persistent subscriber's queue) and idle scenarios, each round
# with fresh connections. Every 10 s the broker's heap in use (its /metrics) and RSS
# (/proc/PID/status) go into a CSV. After the first round and at the end a full GC is forced
# (jcmd GC.run) and the heap after it is recorded: those two figures say whether memory stays
# flat. Not part of `mvn verify`.
#
#   scripts/soak.sh                      10 minutes
#   SOAK_MINUTES=60 scripts/soak.sh      an hour
#
# STARLING_JAVA_OPTS (default -Xmx256m) are the broker's JVM options. Output: the CSV and the
# broker log in benchmarks/target/soak/ (SOAK_DIR), the summary on stdout. Exit status 0 only
# if every round passed and the broker ran to the end.
set -euo pipefail

MINUTES="${SOAK_MINUTES:-10}"
[[ "$MINUTES" =~ ^[1-9][0-9]*$ ]] || { echo "SOAK_MINUTES must be a positive number" >&2; exit 2; }
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STARLING_JAR="${STARLING_JAR:-$ROOT/broker-core/target/starling.jar}"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
STARLING_JAVA_OPTS="${STARLING_JAVA_OPTS:--Xmx256m}"
OUT="${SOAK_DIR:-$ROOT/benchmarks/target/soak}"
CSV="$OUT/soak.csv"

if [[ ! -f "$STARLING_JAR" || ! -f "$BENCH_JAR" ]]; then
  (cd "$ROOT" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
command -v jcmd > /dev/null || { echo "soak.sh: jcmd (JDK) not found" >&2; exit 2; }
mkdir -p "$OUT"

BROKER_PID=""
SAMPLER_PID=""
cleanup() {
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID"
    for _ in $(seq 1 50); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$BROKER_PID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

cat > "$OUT/starling.conf" <<EOF
starling.listener.host = "127.0.0.1"
starling.listener.port = 0
starling.http.host = "127.0.0.1"
starling.http.port = 0
EOF
# shellcheck disable=SC2086 # the options are meant to split into words
java $STARLING_JAVA_OPTS -jar "$STARLING_JAR" -c "$OUT/starling.conf" > "$OUT/broker.log" 2>&1 &
BROKER_PID=$!

listen_port() {
  sed -n "s/.*Opening $1 listen socket on [^ ]*:\([0-9]*\).*/\1/p" "$OUT/broker.log" | head -1
}
for _ in $(seq 1 150); do
  [[ -n "$(listen_port http)" ]] && break
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "soak.sh: the broker exited at start:" >&2; cat "$OUT/broker.log" >&2; exit 1; }
  sleep 0.2
done
PORT="$(listen_port ipv4)"
HTTP_PORT="$(listen_port http)"
[[ -n "$PORT" && -n "$HTTP_PORT" ]] || { echo "soak.sh: the broker did not open its listeners" >&2; exit 1; }

metric() {
  curl -s --max-time 5 "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v name="$1" '$1 == name { print $2 }'
}
rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$BROKER_PID/status"
}
heap_after_gc() {
  jcmd "$BROKER_PID" GC.run > /dev/null
  metric starling_jvm_heap_used_bytes
}
sample() {
  echo "$(date -u +%FT%TZ),$(( $(date +%s) - START )),$(metric starling_jvm_heap_used_bytes),$(rss_kib),$(metric starling_connections),$(metric starling_sessions),$(metric starling_queued_bytes)"
}

START=$(date +%s)
echo "time,elapsed_s,heap_used_bytes,rss_kib,connections,sessions,queued_bytes" > "$CSV"
( while kill -0 "$BROKER_PID" 2>/dev/null; do sample >> "$CSV"; sleep 10; done ) &
SAMPLER_PID=$!
echo "Starling pid $BROKER_PID port $PORT (metrics on $HTTP_PORT), $MINUTES minutes; samples in $CSV"

ROUNDS=(
  "--scenario fan-in --clients 50 --qos 1 --rate 2000 --messages 40000"
  "--scenario fan-out --clients 50 --qos 1 --rate 100 --messages 2000"
  "--scenario p2p --clients 50 --qos 0 --rate 2000 --messages 40000"
  "--scenario p2p --clients 50 --qos 2 --rate 1000 --messages 20000"
  "--scenario drain --messages 5000"
  "--scenario idle --connections 2000"
)
FAILED=0
ROUND=0
GC_START=""
DEADLINE=$(( START + MINUTES * 60 ))
while (( $(date +%s) < DEADLINE )); do
  ARGS="${ROUNDS[$(( ROUND % ${#ROUNDS[@]} ))]}"
  # shellcheck disable=SC2086 # ARGS is meant to split into words
  RESULT="$(java -cp "$BENCH_JAR" io.starling.bench.LoadGenerator --port "$PORT" --duration 30 --grace 10 $ARGS 2>&1 \
    | grep '^RESULT' | tail -1 || true)"
  [[ "$RESULT" == *status=PASS* ]] || { FAILED=$((FAILED + 1)); echo "round $ROUND ($ARGS): ${RESULT:-no result}"; }
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "soak.sh: the broker died; see $OUT/broker.log" >&2; exit 1; }
  ROUND=$((ROUND + 1))
  if (( ROUND == ${#ROUNDS[@]} )); then
    GC_START="$(heap_after_gc)"
    RSS_START="$(rss_kib)"
  fi
done
GC_END="$(heap_after_gc)"
RSS_END="$(rss_kib)"
sample >> "$CSV"

echo
echo "== soak summary =="
echo "minutes: $MINUTES; rounds: $ROUND ($FAILED failed); commit: $(cd "$ROOT" && git rev-parse --short HEAD); JVM: $STARLING_JAVA_OPTS"
echo "heap after full GC: after the first ${#ROUNDS[@]} rounds $(( ${GC_START:-0} / 1024 )) KiB, at the end $(( GC_END / 1024 )) KiB"
echo "RSS: after the first ${#ROUNDS[@]} rounds ${RSS_START:-?} KiB, at the end $RSS_END KiB"
awk -F, 'NR > 1 && $3 != "" { n++; if (min == "" || $3 < min) min = $3; if ($3 > max) max = $3 }
  END { printf "heap in use over %d samples: min %d MiB, max %d MiB\n", n, min / 1048576, max / 1048576 }' "$CSV"
awk -F, 'NR > 1 && $4 != "" { n++; if (min == "" || $4 < min) min = $4; if ($4 > max) max = $4 }
  END { printf "RSS over %d samples: min %d MiB, max %d MiB\n", n, min / 1024, max / 1024 }' "$CSV"
if [[ $FAILED -eq 0 ]]; then echo "result: PASS"; else echo "result: FAIL ($FAILED rounds)"; fi
[[ $FAILED -eq 0 ]]
