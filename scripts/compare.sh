#!/usr/bin/env bash
# Runs the same load-generator scenarios against Starling and Mosquitto, side by side on
# loopback, and writes the figures into BENCHMARKS.md at the repository root.
#
#   scripts/compare.sh               quick mode, about 2 minutes: for everyday use
#   scripts/compare.sh --full        the issue's sizes (10,000 idle connections, 100,000 drained)
#   scripts/compare.sh --cross-node  Starling only: two nodes clustered with Hazelcast, publishers
#                                       on node 1 and subscribers on node 2, against one node
#   scripts/compare.sh --copied-queues  Starling only: the same pair with persistent subscribers, the
#                                       cluster's copy of the queues on and off (lib/compare-copied-queues.sh)
#   scripts/compare.sh --storm       10,000 clients with passwords (STORM_CLIENTS) reconnect at
#                                       once, over TCP and TLS, Starling and Mosquitto (lib/compare-storm.sh)
#   scripts/compare.sh --mqtt5       MQTT 5 against MQTT 3.1.1 clients, Starling and Mosquitto side by
#                                       side (lib/compare-mqtt5.sh); with --full, the full sizes
#   scripts/compare.sh --failover    Starling only: those clients through HAProxy to the three-node
#                                       cluster example, one node killed with kill -9 (lib/compare-failover.sh;
#                                       needs haproxy)
#   scripts/compare.sh --offline     offline persistent sessions with queued messages, filled, the
#                                       broker restarted on its store, then drained: Starling on
#                                       MapDB and Mosquitto with persistence (see lib/compare-offline.sh for sizes)
#   scripts/compare.sh --dashboard   Starling only: the fan-in load unwatched and with the admin API polled as
#                                       the dashboard's Topics page polls it, in alternating pairs
#                                       (lib/compare-dashboard.sh); with --full, more pairs and the full sizes
#   scripts/compare.sh --latency     latency (p50 to p99.9) and msg/CPU-s at offered rates of 1,000, 5,000 and
#                                       20,000 msg/s, Starling and Mosquitto side by side, and a PNG of latency
#                                       against load (lib/compare-latency.sh); with --full, three rounds of 10 s
#   scripts/compare.sh --memory      RSS after start, at peak and at rest with the quick scenarios, and under a
#                                       QoS 0 burst to a slow reader: Mosquitto, Starling in-memory and on
#                                       MapDB with bin/starling's own memory settings (lib/compare-memory.sh)
#
# Needs: Java 17, Maven (to build the jars if they are missing), unzip, and Debian's mosquitto
# (apt-get install mosquitto). Environment: MOSQUITTO (default /usr/sbin/mosquitto),
# STARLING_JAVA_OPTS (default -Xmx1g), STARLING_DIST (default distribution/target/starling-*.zip).
#
# Starling runs as users run it: the distribution zip, unzipped into the script's temporary
# directory, started with its own bin/starling -c FILE and a configuration written here
# (loopback ports only). Persistent QoS 1 (MapDB against in-memory): pairs of fresh Starlings from
# the same installation, in-memory then storage.type = mapdb with durability always and its data
# directory in the temporary directory (one pair in quick mode, the median of three in full mode).
#
# Every broker is started by this script, recorded by PID and stopped by PID; nothing else
# is touched. The comparable figure is messages per broker CPU-second (utime+stime from
# /proc/PID/stat), because the generator shares the machine's cores with the broker.
set -euo pipefail

MODE=quick
case "${1:-}" in
  ""|--quick) MODE=quick ;;
  --full) MODE=full ;;
  --mqtt5) MODE=mqtt5 ;;
  --cross-node) MODE=cross-node ;;
  --copied-queues) MODE=copied-queues ;;
  --storm) MODE=storm ;;
  --offline) MODE=offline ;;
  --memory) MODE=memory ;;
  --dashboard) MODE=dashboard ;;
  --failover) MODE=failover ;;
  --latency) MODE=latency ;;
  *) echo "usage: $0 [--quick|--full|--cross-node|--copied-queues|--storm|--offline|--memory|--failover|--mqtt5 [--full]|--dashboard [--full]|--latency [--full]]" >&2; exit 2 ;;
esac
# The scenario sizes: --mqtt5 runs the quick ones unless --full follows it.
MODE_SIZES=quick
[[ "$MODE" == full || ( ( "$MODE" == mqtt5 || "$MODE" == dashboard || "$MODE" == latency ) && "${2:-}" == --full ) ]] \
  && MODE_SIZES=full

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
MOSQUITTO="${MOSQUITTO:-/usr/sbin/mosquitto}"
STARLING_JAVA_OPTS="${STARLING_JAVA_OPTS:--Xmx1g}"
# Empty when the zip is not built yet (built below); ls fails then, which must not end the script.
STARLING_DIST="${STARLING_DIST:-$(ls "$ROOT"/distribution/target/starling-*.zip 2>/dev/null | head -1 || true)}"
RESULTS_FILE="$ROOT/BENCHMARKS.md"

if [[ "$MODE_SIZES" != full ]]; then
  IDLE=1000; FAN_IN=8000; FAN_OUT=400; P2P=10000; RATE=2000; RATED=6000; DRAIN=10000; PERSIST=10000; CAP=20
else
  IDLE=10000; FAN_IN=200000; FAN_OUT=5000; P2P=200000; RATE=5000; RATED=100000; DRAIN=100000; PERSIST=100000; CAP=120
fi
# Both brokers hold the whole drain in a subscriber's queue and keep 32 messages in flight.
QUEUE_LIMIT=$((DRAIN * 2))

[[ "$MODE" == cross-node || "$MODE" == copied-queues || "$MODE" == failover || "$MODE" == dashboard || -x "$MOSQUITTO" ]] \
  || { echo "compare.sh: $MOSQUITTO not found (apt-get install mosquitto)" >&2; exit 2; }
if [[ ! -f "$BENCH_JAR" || ! -f "$STARLING_DIST" ]]; then
  (cd "$ROOT" && mvn -B -q -pl benchmarks,distribution -am package -DskipTests)
  STARLING_DIST="$(ls "$ROOT"/distribution/target/starling-*.zip | head -1)"
fi
command -v unzip > /dev/null || { echo "compare.sh: unzip not found (apt-get install unzip)" >&2; exit 2; }

WORK="$(mktemp -d)"
STARLING_PID=""
MOSQUITTO_PID=""
MAPDB_PID=""
NODE2_PID=""
OFFLINE_PID=""
HAPROXY_PID=""

stop_broker() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  stop_broker "$STARLING_PID"
  stop_broker "$MOSQUITTO_PID"
  stop_broker "$MAPDB_PID"
  stop_broker "$NODE2_PID"
  stop_broker "$OFFLINE_PID"
  for pid in $HAPROXY_PID; do stop_broker "$pid"; done
  wait 2>/dev/null || true
  # KEEP_WORK=1 keeps the brokers' logs and configurations for reading after the run.
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "compare.sh: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

USED_PORTS=" "
# free_port: a loopback port nothing listens on and this script has not handed out yet.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 10000))
    if [[ "$USED_PORTS" != *" $port "* ]] && ! port_open "$port"; then
      USED_PORTS+="$port "
      echo "$port"
      return 0
    fi
  done
  echo "compare.sh: no free port found" >&2; exit 1
}

# wait_for_port PORT PID NAME [SECONDS]: until PORT accepts connections (at most SECONDS, default 30).
wait_for_port() {
  local port="$1" pid="$2" name="$3" seconds="${4:-30}"
  for _ in $(seq 1 $((seconds * 20))); do
    port_open "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "compare.sh: $name exited at start; see its log:" >&2; cat "$WORK/$name.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "compare.sh: $name did not open port $port within $seconds s" >&2; exit 1
}

unzip -q "$STARLING_DIST" -d "$WORK/dist"
STARLING_HOME="$(ls -d "$WORK"/dist/starling-*)"

# starling_conf NAME PORT [MORE-SETTINGS]: writes $WORK/NAME.conf, a Starling on loopback PORT.
starling_conf() {
  cat > "$WORK/$1.conf" <<CONF
starling.listener.host = "127.0.0.1"
starling.listener.port = $2
starling.http.host = "127.0.0.1"
starling.http.port = 0
starling.mqtt.max-inflight-messages = 32
starling.mqtt.max-queued-messages = $QUEUE_LIMIT
${3:-}
CONF
}

# start_starling NAME PORT: starts the installation's bin/starling -c $WORK/NAME.conf (log in
# $WORK/NAME.log), waits for PORT and sets LAST_PID. bin/starling ends by exec'ing Java, so $!
# is the broker's PID.
start_starling() {
  JAVA_OPTS="$STARLING_JAVA_OPTS" "$STARLING_HOME/bin/starling" -c "$WORK/$1.conf" > "$WORK/$1.log" 2>&1 &
  LAST_PID=$!
  wait_for_port "$2" "$LAST_PID" "$1"
}

# start_node_pair [MORE-SETTINGS]: two Starling nodes from the installation, clustered with
# Hazelcast on loopback (each its own MQTT and member port), with MORE-SETTINGS in both
# configurations; returns once each sees the other. Sets NODE1_PORT, NODE2_PORT, STARLING_PID
# (node 1) and NODE2_PID. Names its logs node1 and node2 (a second pair overwrites them).
start_node_pair() {
  NODE1_PORT="$(free_port)"; NODE2_PORT="$(free_port)"
  local member1 member2 cluster_name="bench-$$-$RANDOM" node
  member1="$(free_port)"; member2="$(free_port)"
  for node in 1 2; do
    local member_port mqtt_port
    if [[ $node == 1 ]]; then member_port=$member1; mqtt_port=$NODE1_PORT; else member_port=$member2; mqtt_port=$NODE2_PORT; fi
    starling_conf "node$node" "$mqtt_port" "starling.cluster.type = hazelcast
starling.cluster.hazelcast {
  cluster-name = \"$cluster_name\"
  member-host = \"127.0.0.1\"
  member-port = $member_port
  members = [\"127.0.0.1:$member1\", \"127.0.0.1:$member2\"]
  member-timeout = 10s
  join-timeout = 5s
}
${1:-}"
  done
  start_starling node1 "$NODE1_PORT"
  STARLING_PID=$LAST_PID
  start_starling node2 "$NODE2_PORT"
  NODE2_PID=$LAST_PID
  # Both nodes log the member count when it changes; measure only once they see each other.
  for _ in $(seq 1 150); do
    grep -q "Cluster now has 2 member(s)" "$WORK/node1.log" && grep -q "Cluster now has 2 member(s)" "$WORK/node2.log" && break
    sleep 0.2
  done
  grep -q "Cluster now has 2 member(s)" "$WORK/node2.log" \
    || { echo "compare.sh: the two nodes did not form a cluster within 30 s; see their logs:" >&2; cat "$WORK/node1.log" "$WORK/node2.log" >&2; exit 1; }
  echo "Starling node 1 pid $STARLING_PID port $NODE1_PORT, node 2 pid $NODE2_PID port $NODE2_PORT (member ports $member1, $member2)"
}

# generate NAME PORT PID ARGS...: runs the generator, shows its output, prints its RESULT line.
# Publishers keep at most 32 QoS 1/2 messages in flight, the brokers' own limit: Mosquitto
# 2.0.11 acknowledges inbound QoS 2 messages beyond max_inflight_messages and then drops them.
generate() {
  local name="$1" port="$2" pid="$3"; shift 3
  local out
  out="$(java -cp "$BENCH_JAR" io.starling.bench.LoadGenerator --port "$port" --broker-pid "$pid" \
    --duration "$CAP" --grace 10 --window 32 "$@" 2>&1)" || true
  echo "$out" | sed "s/^/  [$name] /" >&2
  grep '^RESULT' <<<"$out" | tail -1 || echo "RESULT status=ERROR"
}

# pair_row LABEL FIRST SECOND: a table row comparing two RESULT lines of one scenario: msg/s,
# msg/CPU-s and p50 / p99 of each, the second's msg/CPU-s over the first's, and both statuses.
# (Printed, so run in a subshell: call check on the lines yourself.)
pair_row() {
  local label="$1" a="$2" b="$3"
  printf '| %s | %s | %s | %s / %s | %s | %s | %s / %s | **%s** | %s / %s |\n' "$label" \
    "$(field "$a" msgs_per_s)" "$(field "$a" msgs_per_cpu_s)" "$(ms "$(field "$a" p50_us)")" "$(ms "$(field "$a" p99_us)")" \
    "$(field "$b" msgs_per_s)" "$(field "$b" msgs_per_cpu_s)" "$(ms "$(field "$b" p50_us)")" "$(ms "$(field "$b" p99_us)")" \
    "$(ratio "$(field "$b" msgs_per_cpu_s)" "$(field "$a" msgs_per_cpu_s)")" "$(field "$a" status)" "$(field "$b" status)"
}

FAILED=0
# check RESULT-LINE...: remembers that a run did not pass (the table is still written).
check() {
  local line
  for line in "$@"; do
    [[ "$(field "$line" status)" == PASS ]] || FAILED=1
  done
}

field() { # field RESULT-LINE KEY
  sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'
}

ms() { # microseconds to milliseconds
  awk -v us="$1" 'BEGIN { if (us ~ /^[0-9]+$/) printf "%.1f", us / 1000; else print "-" }'
}

commit_id() {
  echo "$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- . ':!BENCHMARKS.md' || echo '+uncommitted')"
}

machine() {
  echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo);" \
    "$(java -version 2>&1 | head -1 | tr -d '"')"
}

# run_facts WHAT ARGS: a section's lines on its run (date, commit, WHAT and ELAPSED, the command
# with ARGS, the machine and LOAD_BEFORE / LOAD_AFTER).
run_facts() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git commit: \`$(commit_id)\`; $1 ($ELAPSED s)"
  echo "- command: \`scripts/compare.sh$2\`"
  echo "- machine: $(machine); load average $LOAD_BEFORE before, $LOAD_AFTER after; $("$MOSQUITTO" -h 2>&1 | head -1)"
}

# write_section NAME FILE: puts FILE between BENCHMARKS.md's "compare.sh NAME" markers (appended
# with its markers the first time); the rest of BENCHMARKS.md stays as written by hand.
write_section() {
  local begin="<!-- compare.sh $1: begin -->" end="<!-- compare.sh $1: end -->" section="$2"
  if [[ -f "$RESULTS_FILE" ]] && grep -qF "$begin" "$RESULTS_FILE"; then
    awk -v begin="$begin" -v end="$end" -v section="$section" '
      $0 == begin { print; while ((getline line < section) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip { print }' "$RESULTS_FILE" > "$WORK/BENCHMARKS.md"
    cp "$WORK/BENCHMARKS.md" "$RESULTS_FILE"
  else
    { echo; echo "$begin"; cat "$section"; echo "$end"; } >> "$RESULTS_FILE"
  fi
  cat "$section"
}

# mosquitto_conf PORT [NAME]: writes $WORK/NAME.conf (default mosquitto.conf), a Mosquitto on
# loopback PORT, anonymous, without persistence, with starling_conf's in-flight window and queue limit.
mosquitto_conf() {
  cat > "$WORK/${2:-mosquitto}.conf" <<CONF
listener $1 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 32
max_queued_messages $QUEUE_LIMIT
set_tcp_nodelay true
log_dest stdout
CONF
}

# start_both: starts Mosquitto with $WORK/mosquitto.conf and Starling with $WORK/starling.conf,
# waits for MOSQUITTO_PORT and STARLING_PORT, and sets MOSQUITTO_PID and STARLING_PID.
start_both() {
  "$MOSQUITTO" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
  MOSQUITTO_PID=$!
  start_starling starling "$STARLING_PORT"
  STARLING_PID=$LAST_PID
  wait_for_port "$MOSQUITTO_PORT" "$MOSQUITTO_PID" mosquitto
}

# Every mode but quick and full is a section of its own, in lib/compare-MODE.sh.
if [[ "$MODE" != quick && "$MODE" != full ]]; then
  # shellcheck source=/dev/null
  . "$ROOT/scripts/lib/compare-$MODE.sh"
  [[ $FAILED -eq 0 ]] || { echo "compare.sh: some runs failed their checks; see above" >&2; exit 1; }
  exit 0
fi

STARLING_PORT="$(free_port)"
MOSQUITTO_PORT="$(free_port)"

starling_conf starling "$STARLING_PORT"
mosquitto_conf "$MOSQUITTO_PORT"

start_both
echo "Starling pid $STARLING_PID port $STARLING_PORT; Mosquitto pid $MOSQUITTO_PID port $MOSQUITTO_PORT; $MODE mode"

ROWS=""
# compare LABEL ARGS...: the same run against both brokers, one table row. Starling runs it
# twice and the second run is the row's figure: its JIT compiler threads spend more CPU on a
# scenario's first run (code paths compiled for the first time) than its event loops do in a
# quick-mode run; the first run's msg/CPU-s stays in the table as the cold figure.
compare() {
  local label="$1"; shift
  local cold s m
  cold="$(generate starling "$STARLING_PORT" "$STARLING_PID" "$@")"
  s="$(generate starling "$STARLING_PORT" "$STARLING_PID" "$@")"
  m="$(generate mosquitto "$MOSQUITTO_PORT" "$MOSQUITTO_PID" "$@")"
  check "$cold" "$s" "$m"
  ROWS+="| $label | $(field "$s" msgs_per_s) | $(field "$s" cpu_s) ($(field "$s" jit_cpu_s))"
  ROWS+=" | $(field "$s" msgs_per_cpu_s) ($(field "$cold" msgs_per_cpu_s))"
  ROWS+=" | $(field "$m" msgs_per_s) | $(field "$m" cpu_s) | $(field "$m" msgs_per_cpu_s)"
  ROWS+=" | **$(ratio "$(field "$s" msgs_per_cpu_s)" "$(field "$m" msgs_per_cpu_s)")**"
  ROWS+=" | $(ms "$(field "$s" p50_us)") / $(ms "$(field "$s" p99_us)")"
  ROWS+=" | $(ms "$(field "$m" p50_us)") / $(ms "$(field "$m" p99_us)")"
  ROWS+=" | $(field "$s" status) / $(field "$m" status) |"$'\n'
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)

# Idle first, while both brokers are fresh: a JVM that already grew its heap would hide the cost.
# The figure is read once the connections have been idle for IDLE_SETTLE seconds: at the last
# CONNACK a fresh JVM still holds its JIT compilers' working memory (reported too).
IDLE_SETTLE=15
IDLE_S="$(generate starling "$STARLING_PORT" "$STARLING_PID" --scenario idle --connections "$IDLE" --settle "$IDLE_SETTLE")"
IDLE_M="$(generate mosquitto "$MOSQUITTO_PORT" "$MOSQUITTO_PID" --scenario idle --connections "$IDLE" --settle "$IDLE_SETTLE")"
check "$IDLE_S" "$IDLE_M"

# One unrecorded run lets the JIT compile Starling's publish path before it is measured.
generate starling "$STARLING_PORT" "$STARLING_PID" --scenario p2p --qos 1 --messages "$P2P" > /dev/null

for qos in 0 1 2; do
  compare "fan-in (100 → 1), QoS $qos, $FAN_IN msgs" --scenario fan-in --qos "$qos" --messages "$FAN_IN"
done
for qos in 0 1 2; do
  compare "fan-out (1 → 100), QoS $qos, $FAN_OUT × 100 msgs" --scenario fan-out --qos "$qos" --messages "$FAN_OUT"
done
for qos in 0 1 2; do
  compare "p2p (100 pairs), QoS $qos, $P2P msgs" --scenario p2p --qos "$qos" --messages "$P2P"
done
for qos in 1 2; do
  compare "shared (100 → \$share group of 10), QoS $qos, $P2P msgs" --scenario shared --qos "$qos" --messages "$P2P"
done
compare "p2p, QoS 1, offered $RATE msg/s, $RATED msgs" --scenario p2p --qos 1 --rate "$RATE" --messages "$RATED"
compare "drain, $DRAIN queued QoS 1 msgs" --scenario drain --messages "$DRAIN"

# Persistent QoS 1: p2p with persistent (clean session 0) subscribers, so a broker with a store
# writes every copy before PUBACK. Each store on a fresh Starling from the same installation with
# the same unrecorded warm-up: the Starling above has compiled far more by now, which would make
# the store look slower than it is.
PERSIST_ARGS=(--scenario p2p --qos 1 --persistent true --messages "$PERSIST")
stop_broker "$STARLING_PID"; STARLING_PID=""
# persist_run NAME CONFIG: sets PERSIST_RESULT to the measured run on a fresh Starling.
persist_run() {
  local port
  port="$(free_port)"
  starling_conf "$1" "$port" "$2"
  start_starling "$1" "$port"
  MAPDB_PID=$LAST_PID
  echo "Starling ($1) pid $MAPDB_PID port $port" >&2
  generate "$1" "$port" "$MAPDB_PID" "${PERSIST_ARGS[@]:0:6}" --messages "$P2P" > /dev/null
  PERSIST_RESULT="$(generate "$1" "$port" "$MAPDB_PID" "${PERSIST_ARGS[@]}")"
  stop_broker "$MAPDB_PID"; MAPDB_PID=""
}
persist_row() { # persist_row PAIR LABEL RESULT-LINE [RATIO]
  echo "| $1 | $2 | $(field "$3" msgs_per_s) | $(field "$3" cpu_s) | $(field "$3" msgs_per_cpu_s)" \
    "| $(ms "$(field "$3" p50_us)") / $(ms "$(field "$3" p99_us)") | $(field "$3" status) | ${4:-} |"
}
# One pair swings with what the JIT compiles during it (its compiler threads take a third or
# more of a run's CPU here), so full mode measures three pairs and reports their median.
PERSIST_PAIRS=1; [[ "$MODE" == full ]] && PERSIST_PAIRS=3
PERSIST_ROWS=""
PERSIST_RATIOS=""
for pair in $(seq 1 "$PERSIST_PAIRS"); do
  persist_run starling-memory ""
  memory="$PERSIST_RESULT"
  persist_run starling-mapdb "starling.storage.type = mapdb
starling.storage.mapdb.directory = \"$WORK/mapdb-data-$pair\"
starling.storage.mapdb.durability = always"
  mapdb="$PERSIST_RESULT"
  check "$memory" "$mapdb"
  pair_ratio="$(ratio "$(field "$mapdb" msgs_per_cpu_s)" "$(field "$memory" msgs_per_cpu_s)")"
  PERSIST_RATIOS+="$pair_ratio"$'\n'
  PERSIST_ROWS+="$(persist_row "$pair" in-memory "$memory")"$'\n'
  PERSIST_ROWS+="$(persist_row "$pair" "MapDB, always" "$mapdb" "$pair_ratio")"$'\n'
done
PERSIST_MEDIAN="$(printf '%s' "$PERSIST_RATIOS" | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')"
MAPDB_DISK="$(df --output=source,fstype "$WORK" 2>/dev/null | tail -1 | tr -s ' ')"

ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=""; [[ "$MODE" == full ]] && ARGS=" --full"

SECTION="$WORK/section.md"
{
  echo "## Latest comparison"
  echo
  run_facts "mode: $MODE" "$ARGS"
  echo "- Starling: the distribution's \`bin/starling\` with \`JAVA_OPTS=$STARLING_JAVA_OPTS\`, in-memory storage," \
    "32 in flight, queue $QUEUE_LIMIT;" \
    "Mosquitto: persistence off, \`max_inflight_messages 32\`, \`max_queued_messages $QUEUE_LIMIT\`, \`set_tcp_nodelay true\`"
  echo "- Starling runs every scenario twice, the row shows the second run: in parentheses the CPU seconds of" \
    "its JIT compiler threads within that run's CPU seconds, and the first run's msg/CPU-s (cold code paths)."
  echo
  echo "| scenario | Starling msg/s | Starling CPU s (of it JIT) | Starling msg/CPU-s (first run) | Mosquitto msg/s | Mosquitto CPU s | Mosquitto msg/CPU-s | Starling/Mosquitto msg/CPU-s | Starling p50 / p99 ms | Mosquitto p50 / p99 ms | verified |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s' "$ROWS"
  echo
  echo "Idle connections ($IDLE, fresh brokers), broker RSS growth per connection once the connections" \
    "had been idle for $IDLE_SETTLE s (in parentheses: at the last CONNACK): Starling $(field "$IDLE_S" kib_per_conn) KiB" \
    "($(field "$IDLE_S" kib_at_connack)), Mosquitto $(field "$IDLE_M" kib_per_conn) KiB ($(field "$IDLE_M" kib_at_connack))" \
    "($(field "$IDLE_S" status) / $(field "$IDLE_M" status))."
  echo
  echo "### Persistent QoS 1: MapDB (durability always, group commit) vs in-memory"
  echo
  echo "p2p (100 pairs), QoS 1, $PERSIST msgs, subscribers with persistent sessions (clean session 0):" \
    "every copy is stored for its subscriber; with MapDB it is committed and fsynced before PUBACK." \
    "Each store on a fresh Starling from the same installation (same JVM options) after the same" \
    "unrecorded warm-up run; MapDB with \`durability = always\`, data directory on $MAPDB_DISK."
  echo
  echo "| pair | store | msg/s | CPU s | msg/CPU-s | p50 / p99 ms | verified | MapDB / in-memory msg/CPU-s |"
  echo "|---:|---|---:|---:|---:|---:|---|---:|"
  printf '%s' "$PERSIST_ROWS"
  echo
  echo "MapDB / in-memory per broker CPU-second: **$PERSIST_MEDIAN**, the median of $PERSIST_PAIRS pair(s)" \
    "(target: at least 0.50)."
} > "$SECTION"

write_section results "$SECTION"
[[ $FAILED -eq 0 ]] || { echo "compare.sh: some runs failed their delivery checks; see above" >&2; exit 1; }
