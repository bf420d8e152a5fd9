# shellcheck shell=bash
# Memory section of compare.sh (sourced by `compare.sh --memory`, which defines the helpers used
# here): the broker's resident memory (RSS) with the standard set of scenarios (compare.sh's quick
# sizes, each run once), at rest afterwards, and under a QoS 0 burst to a subscriber that reads
# slowly; Mosquitto, Starling with the in-memory store and Starling with MapDB, one after the other,
# each fresh. Starling runs with bin/starling's own memory settings (MEMORY_JAVA_OPTS, default
# none: see bin/starling-memory).
#
# Per broker: RSS 10 s after start; the highest RSS during the standard set (VmHWM); RSS after
# MEMORY_REST seconds at rest (default 60: bin/starling has G1 collect after 30 s without a
# collection, which returns the heap); then the burst: MEMORY_BURST_MB MiB (default 300) of QoS 0
# messages of MEMORY_BURST_PAYLOAD bytes (default 32768) from mosquitto_pub to one mosquitto_sub
# whose output is read at about 1 MiB/s: RSS before, the highest during it (sampled every 0.2 s)
# and after MEMORY_REST seconds at rest again. For Starling also the highest starling_queued_bytes
# during the burst against its limit (max-queued-bytes-total: a quarter of the heap).

MEMORY_JAVA_OPTS="${MEMORY_JAVA_OPTS:-}"
MEMORY_REST="${MEMORY_REST:-60}"
MEMORY_BURST_MB="${MEMORY_BURST_MB:-300}"
MEMORY_BURST_PAYLOAD="${MEMORY_BURST_PAYLOAD:-32768}"
MOSQUITTO_PUB="${MOSQUITTO_PUB:-$(command -v mosquitto_pub || true)}"
MOSQUITTO_SUB="${MOSQUITTO_SUB:-$(command -v mosquitto_sub || true)}"
[[ -x "$MOSQUITTO_PUB" && -x "$MOSQUITTO_SUB" ]] \
  || { echo "compare.sh: mosquitto_pub and mosquitto_sub not found (apt-get install mosquitto-clients)" >&2; exit 2; }

rss_mib() { # rss_mib PID [FIELD]: VmRSS (or FIELD, e.g. VmHWM) of PID in MiB
  awk -v field="${2:-VmRSS}:" '$1 == field { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# sample_max FILE COMMAND...: every 0.2 s runs COMMAND and keeps its highest numeric output in
# FILE, until killed or COMMAND prints nothing (its process is gone).
sample_max() {
  local file="$1" max=0 value; shift
  while value="$("$@" 2>/dev/null)" && [[ -n "$value" ]]; do
    if awk -v v="$value" -v m="$max" 'BEGIN { exit !(v > m) }'; then max="$value"; echo "$max" > "$file"; fi
    sleep 0.2
  done
}

queued_bytes() { # queued_bytes HTTP-PORT: Starling's starling_queued_bytes
  curl -sf "http://127.0.0.1:$1/metrics" | awk '$1 == "starling_queued_bytes" { printf "%d", $2 }'
}

heap_max_mib() { # heap_max_mib HTTP-PORT: Starling's maximum heap in MiB
  curl -sf "http://127.0.0.1:$1/metrics" | awk '$1 == "starling_jvm_heap_max_bytes" { printf "%.0f", $2 / 1048576 }'
}

# verified LABEL RESULT-LINE: check, and adds LABEL to SET_FAILED when the run did not pass.
verified() {
  check "$2"
  [[ "$(field "$2" status)" == PASS ]] || SET_FAILED+="${SET_FAILED:+, }$1"
}

# standard_set NAME PORT PID: compare.sh's scenarios at quick sizes, each once; sets SET_FAILED
# to the scenarios that did not pass their delivery checks (empty: all passed).
standard_set() {
  local qos scenario messages
  SET_FAILED=""
  verified idle "$(generate "$1" "$2" "$3" --scenario idle --connections "$IDLE" --settle 5)"
  for scenario in fan-in fan-out p2p; do
    case $scenario in fan-in) messages=$FAN_IN ;; fan-out) messages=$FAN_OUT ;; *) messages=$P2P ;; esac
    for qos in 0 1 2; do
      verified "$scenario QoS $qos" \
        "$(generate "$1" "$2" "$3" --scenario "$scenario" --qos "$qos" --messages "$messages")"
    done
  done
  verified "p2p at $RATE msg/s" "$(generate "$1" "$2" "$3" --scenario p2p --qos 1 --rate "$RATE" --messages "$RATED")"
  verified drain "$(generate "$1" "$2" "$3" --scenario drain --messages "$DRAIN")"
}

# slow_sink: reads its input at about 1 MiB/s (64 KiB every 50 ms) until it ends.
slow_sink() {
  while [[ "$(head -c 65536 | wc -c)" -gt 0 ]]; do sleep 0.05; done
}

# burst NAME PORT PID HTTP-PORT: the QoS 0 burst to a slow reader; sets BURST_BEFORE, BURST_PEAK
# (MiB) and BURST_QUEUED (the highest starling_queued_bytes in MiB, "-" for Mosquitto).
burst() {
  local name="$1" port="$2" pid="$3" http="$4" count sub_pid sink_pid sampler queue_sampler
  count=$((MEMORY_BURST_MB * 1048576 / MEMORY_BURST_PAYLOAD))
  head -c "$MEMORY_BURST_PAYLOAD" /dev/zero | tr '\0' x > "$WORK/burst-payload"
  rm -f "$WORK/$name-burst-rss" "$WORK/$name-burst-queued"
  BURST_BEFORE="$(rss_mib "$pid")"
  # mosquitto_sub stops reading its socket while its output waits for the slow sink.
  rm -f "$WORK/slow-reader"; mkfifo "$WORK/slow-reader"
  slow_sink < "$WORK/slow-reader" &
  sink_pid=$!
  "$MOSQUITTO_SUB" -h 127.0.0.1 -p "$port" -i "$name-slow-reader" -t burst -q 0 -N > "$WORK/slow-reader" &
  sub_pid=$!
  sample_max "$WORK/$name-burst-rss" rss_mib "$pid" &
  sampler=$!
  queue_sampler=""
  if [[ -n "$http" ]]; then
    sample_max "$WORK/$name-burst-queued" queued_bytes "$http" &
    queue_sampler=$!
  fi
  sleep 1 # the subscription is in place
  echo "$name: burst of $count QoS 0 messages of $MEMORY_BURST_PAYLOAD bytes to a slow reader" >&2
  timeout 300 "$MOSQUITTO_PUB" -h 127.0.0.1 -p "$port" -i "$name-burst" -t burst -q 0 \
    -f "$WORK/burst-payload" --repeat "$count" || echo "compare.sh: $name: the burst publisher failed" >&2
  sleep 5 # the reader goes on reading what the broker holds for it
  kill "$sampler" "$sub_pid" ${queue_sampler:+"$queue_sampler"} 2>/dev/null || true
  wait "$sampler" "$sub_pid" "$sink_pid" ${queue_sampler:+"$queue_sampler"} 2>/dev/null || true
  BURST_PEAK="$(cat "$WORK/$name-burst-rss" 2>/dev/null || echo "$BURST_BEFORE")"
  BURST_QUEUED="-"
  if [[ -n "$http" ]]; then
    BURST_QUEUED="$(awk '{ printf "%.0f", $1 / 1048576 }' "$WORK/$name-burst-queued" 2>/dev/null || echo 0)"
  fi
}

MEMORY_ROWS=""
# memory_run NAME LABEL PORT PID HTTP-PORT: the whole sequence against one started broker, one row.
memory_run() {
  local name="$1" label="$2" port="$3" pid="$4" http="$5" start peak rest after heap="-"
  sleep 10
  start="$(rss_mib "$pid")"
  echo "$name pid $pid port $port: RSS $start MiB after start; the standard set" >&2
  standard_set "$name" "$port" "$pid"
  peak="$(rss_mib "$pid" VmHWM)"
  sleep "$MEMORY_REST"
  rest="$(rss_mib "$pid")"
  echo "$name: RSS peak $peak MiB, $rest MiB after $MEMORY_REST s at rest" >&2
  burst "$name" "$port" "$pid" "$http"
  sleep "$MEMORY_REST"
  after="$(rss_mib "$pid")"
  [[ -n "$http" ]] && heap="$(heap_max_mib "$http")"
  MEMORY_ROWS+="| $label | $heap | $start | $peak | **$rest** | $BURST_BEFORE | $BURST_PEAK"
  MEMORY_ROWS+=" | **+$((BURST_PEAK - BURST_BEFORE))** | $BURST_QUEUED | $after | ${SET_FAILED:-PASS} |"$'\n'
}

MEMORY_START=$(date +%s)
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

port="$(free_port)"
mosquitto_conf "$port" mosquitto-memory
"$MOSQUITTO" -c "$WORK/mosquitto-memory.conf" > "$WORK/mosquitto-memory.log" 2>&1 &
MOSQUITTO_PID=$!
wait_for_port "$port" "$MOSQUITTO_PID" mosquitto-memory
memory_run mosquitto-memory "Mosquitto" "$port" "$MOSQUITTO_PID" ""
stop_broker "$MOSQUITTO_PID"; MOSQUITTO_PID=""

STARLING_JAVA_OPTS="$MEMORY_JAVA_OPTS"
for store in memory mapdb; do
  port="$(free_port)"
  http="$(free_port)"
  settings="starling.http.port = $http"
  label="Starling, in-memory store"
  if [[ "$store" == mapdb ]]; then
    settings+=$'\n'"starling.storage.type = mapdb"$'\n'"starling.storage.mapdb.directory = \"$WORK/memory-mapdb-data\""
    label="Starling, MapDB (shipped defaults)"
  fi
  starling_conf "starling-$store" "$port" "$settings"
  start_starling "starling-$store" "$port"
  STARLING_PID=$LAST_PID
  memory_run "starling-$store" "$label" "$port" "$STARLING_PID" "$http"
  stop_broker "$STARLING_PID"; STARLING_PID=""
done

SECTION="$WORK/memory-section.md"
{
  echo "## Memory: RSS at rest and at peak"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git commit: \`$(commit_id)\`; $(( $(date +%s) - MEMORY_START )) s"
  echo "- command: \`MEMORY_REST=$MEMORY_REST MEMORY_BURST_MB=$MEMORY_BURST_MB scripts/compare.sh --memory\`"
  echo "- machine: $(machine); load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after; $("$MOSQUITTO" -h 2>&1 | head -1)"
  echo "- each broker fresh, one after the other: the standard set (compare.sh's quick sizes: $IDLE idle" \
    "connections, fan-in, fan-out and p2p at QoS 0, 1 and 2, p2p QoS 1 at $RATE msg/s, a drain of $DRAIN), each run once," \
    "then $MEMORY_REST s at rest; then $MEMORY_BURST_MB MiB of QoS 0 messages of $MEMORY_BURST_PAYLOAD bytes from" \
    "\`mosquitto_pub\` to a \`mosquitto_sub\` whose output is read at about 1 MiB/s, then $MEMORY_REST s at rest."
  echo "- Starling: the distribution's \`bin/starling\`, JAVA_OPTS \`${MEMORY_JAVA_OPTS:-(none: its own settings)}\`," \
    "32 in flight, queue $QUEUE_LIMIT messages, max-queued-bytes-total its default (a quarter of the heap);" \
    "Mosquitto: persistence off, \`max_inflight_messages 32\`, \`max_queued_messages $QUEUE_LIMIT\`."
  echo
  echo "| broker | max heap MiB | RSS after start MiB | peak during the set | at rest after it | before the burst | peak during the burst | burst growth | queued MiB at most | at rest after the burst | the set's delivery checks |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s' "$MEMORY_ROWS"
} > "$SECTION"
write_section memory "$SECTION"
