# shellcheck shell=bash
# Offline-sessions section of compare.sh (sourced by `compare.sh --offline`, which defines the
# helpers used here): OFFLINE_SESSIONS persistent sessions (default 1000) with OFFLINE_MESSAGES
# queued QoS 1 messages each (default 100) of OFFLINE_PAYLOAD bytes (default 1024), against
# Starling on its MapDB store (shipped defaults: durability always; JAVA_OPTS=-Xmx$OFFLINE_HEAP,
# default 512m) and Mosquitto with persistence on and no queue limit. For each broker, in turn:
# fill the queues while the sessions are offline, stop the broker (SIGTERM), start it again on
# its store, time until it listens, then reconnect every session and drain; every message must
# arrive, in order. The issue's full size is OFFLINE_SESSIONS=10000 OFFLINE_MESSAGES=1000.

OFFLINE_SESSIONS="${OFFLINE_SESSIONS:-1000}"
OFFLINE_MESSAGES="${OFFLINE_MESSAGES:-100}"
OFFLINE_PAYLOAD="${OFFLINE_PAYLOAD:-1024}"
OFFLINE_HEAP="${OFFLINE_HEAP:-512m}"
# Each phase's cap: the generator stops publishing or waiting for deliveries by then.
CAP="${OFFLINE_CAP:-600}"

# now_ms: wall-clock milliseconds, for start-up and stop times.
now_ms() {
  echo $(( $(date +%s%N) / 1000000 ))
}

# stop_and_wait PID: SIGTERM, then waits (at most 10 minutes) for the process to exit, so a
# broker that saves its store at shutdown (Mosquitto) is not cut short.
stop_and_wait() {
  local pid="$1"
  kill "$pid"
  for _ in $(seq 1 12000); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  echo "compare.sh: process $pid did not stop within 10 minutes" >&2; exit 1
}

# launch NAME PORT: starts the broker NAME (starling-offline or mosquitto-offline) on PORT in
# the background, its log appended to $WORK/NAME.log; sets LAST_PID.
launch() {
  if [[ "$1" == mosquitto-offline ]]; then
    "$MOSQUITTO" -c "$WORK/mosquitto-offline.conf" >> "$WORK/$1.log" 2>&1 &
  else
    JAVA_OPTS="-Xmx$OFFLINE_HEAP" "$STARLING_HOME/bin/starling" -c "$WORK/$1.conf" >> "$WORK/$1.log" 2>&1 &
  fi
  LAST_PID=$!
}

# offline_run NAME PORT DATA-DIR: fill, restart, drain against one broker; sets OFFLINE_FILL,
# OFFLINE_DRAIN (RESULT lines), OFFLINE_START_EMPTY_MS, OFFLINE_STOP_MS, OFFLINE_START_MS and
# OFFLINE_DISK (bytes of DATA-DIR after the fill).
offline_run() {
  local name="$1" port="$2" data="$3" run_id started pid
  run_id="offline-$$-$name"
  local args=(--scenario offline --clients "$OFFLINE_SESSIONS" --messages "$OFFLINE_MESSAGES"
    --payload "$OFFLINE_PAYLOAD" --run-id "$run_id")
  started=$(now_ms); launch "$name" "$port"; pid=$LAST_PID; OFFLINE_PID=$pid
  wait_for_port "$port" "$pid" "$name" 600
  OFFLINE_START_EMPTY_MS=$(( $(now_ms) - started ))
  echo "$name pid $pid port $port: filling $OFFLINE_SESSIONS x $OFFLINE_MESSAGES" >&2
  OFFLINE_FILL="$(generate "$name" "$port" "$pid" "${args[@]}" --phase fill)"
  started=$(now_ms); stop_and_wait "$pid"; OFFLINE_STOP_MS=$(( $(now_ms) - started ))
  OFFLINE_DISK="$(du -sb "$data" | cut -f1)"
  started=$(now_ms); launch "$name" "$port"; pid=$LAST_PID; OFFLINE_PID=$pid
  wait_for_port "$port" "$pid" "$name" 600
  OFFLINE_START_MS=$(( $(now_ms) - started ))
  echo "$name restarted as pid $pid in $OFFLINE_START_MS ms: draining" >&2
  OFFLINE_DRAIN="$(generate "$name" "$port" "$pid" "${args[@]}" --phase drain)"
  stop_and_wait "$pid"; OFFLINE_PID=""
  check "$OFFLINE_FILL" "$OFFLINE_DRAIN"
}

STARLING_OFFLINE_PORT="$(free_port)"
MOSQUITTO_OFFLINE_PORT="$(free_port)"
starling_conf starling-offline "$STARLING_OFFLINE_PORT" "starling.storage.type = mapdb
starling.storage.mapdb.directory = \"$WORK/starling-offline-data\""
mkdir -p "$WORK/mosquitto-offline-data"
cat > "$WORK/mosquitto-offline.conf" <<EOF
listener $MOSQUITTO_OFFLINE_PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $WORK/mosquitto-offline-data/
max_inflight_messages 32
max_queued_messages 0
set_tcp_nodelay true
log_dest stdout
# Started as root, Mosquitto switches to the user "mosquitto", which cannot write its database
# into this script's private directory (and then loses every queued message at restart).
user $(id -un)
EOF

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
OFFLINE_ROWS=""
# offline_row LABEL: one table row from the last offline_run.
offline_row() {
  OFFLINE_ROWS+="| $1 | $(field "$OFFLINE_FILL" fill_msgs_per_s) | $(field "$OFFLINE_FILL" rss_base_mib)"
  OFFLINE_ROWS+=" / $(field "$OFFLINE_FILL" rss_fill_max_mib) | $(awk -v b="$OFFLINE_DISK" 'BEGIN { printf "%.0f", b / 1048576 }')"
  OFFLINE_ROWS+=" | $OFFLINE_STOP_MS | $OFFLINE_START_EMPTY_MS / $OFFLINE_START_MS"
  OFFLINE_ROWS+=" | $(field "$OFFLINE_DRAIN" drain_msgs_per_s) | $(field "$OFFLINE_DRAIN" rss_base_mib)"
  OFFLINE_ROWS+=" / $(field "$OFFLINE_DRAIN" rss_drain_max_mib) | $(field "$OFFLINE_DRAIN" messages)"
  OFFLINE_ROWS+=" | $(field "$OFFLINE_FILL" status) / $(field "$OFFLINE_DRAIN" status) |"$'\n'
}
offline_run starling-offline "$STARLING_OFFLINE_PORT" "$WORK/starling-offline-data"
offline_row "Starling, MapDB (durability always), -Xmx$OFFLINE_HEAP"
offline_run mosquitto-offline "$MOSQUITTO_OFFLINE_PORT" "$WORK/mosquitto-offline-data"
offline_row "Mosquitto, persistence true, max_queued_messages 0"
ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

SECTION="$WORK/offline.md"
{
  echo "## Offline persistent sessions: $OFFLINE_SESSIONS × $OFFLINE_MESSAGES queued QoS 1 messages of $OFFLINE_PAYLOAD bytes"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git commit: \`$(commit_id)\`; $ELAPSED s"
  echo "- command: \`OFFLINE_SESSIONS=$OFFLINE_SESSIONS OFFLINE_MESSAGES=$OFFLINE_MESSAGES OFFLINE_PAYLOAD=$OFFLINE_PAYLOAD" \
    "scripts/compare.sh --offline\`"
  echo "- machine: $(machine); load average $LOAD_BEFORE before, $LOAD_AFTER after; $("$MOSQUITTO" -h 2>&1 | head -1)"
  echo "- each broker in turn: the sessions subscribe and go offline; one publisher per session (32 in flight)" \
    "fills its queue; the broker is stopped (SIGTERM) and started again on its store; every session reconnects" \
    "at once and drains. Verified: every acknowledged message delivered to its session, in order."
  echo "- Starling: the distribution's \`bin/starling\`, \`JAVA_OPTS=-Xmx$OFFLINE_HEAP\`, \`storage.type = mapdb\`" \
    "with its shipped defaults (durability always: each message fsynced before PUBACK)." \
    "Mosquitto: \`persistence true\` (the default autosave: queued messages are held in memory and written" \
    "to mosquitto.db at shutdown), \`max_queued_messages 0\` (no limit), \`max_inflight_messages 32\`."
  echo
  echo "| broker | fill msg/s | RSS before / max during fill MiB | on disk after fill MiB | stop ms | start ms empty / with the store | drain msg/s | RSS after restart / max during drain MiB | delivered | verified fill / drain |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s' "$OFFLINE_ROWS"
} > "$SECTION"

write_section offline "$SECTION"
