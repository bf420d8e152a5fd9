# shellcheck shell=bash
# Copied-queues section of compare.sh (sourced by `compare.sh --copied-queues`): what the
# cluster's copy of persistent sessions' queues costs (starling.cluster.hazelcast.replicate-queues,
# docs/CLUSTER.md "Queues are copied"). Two clustered nodes with the in-memory store, publishers
# on node 1 and persistent subscribers (clean session 0) on node 2, so every message is
# forwarded and queued for a persistent session; the same runs once with the copy on and once
# with it off (the pair restarted between). CPU: both nodes together.

# copied_runs on|off: starts the pair, runs the scenarios, stops it; results in RUNS_on / RUNS_off.
copied_runs() {
  local side="$1" enabled=false results=()
  [[ "$side" == on ]] && enabled=true
  start_node_pair "starling.cluster.hazelcast.replicate-queues = $enabled"
  local cross=(--subscriber-port "$NODE2_PORT" --subscriber-broker-pid "$NODE2_PID" --persistent true)
  # One unrecorded run lets the JIT compile the path.
  generate "warm-$side" "$NODE1_PORT" "$STARLING_PID" "${cross[@]}" --scenario p2p --qos 1 --messages "$P2P" > /dev/null
  local qos
  for qos in 1 2; do
    results+=("$(generate "$side" "$NODE1_PORT" "$STARLING_PID" "${cross[@]}" --scenario p2p --qos "$qos" --messages "$P2P")")
  done
  for qos in 1 2; do
    results+=("$(generate "$side" "$NODE1_PORT" "$STARLING_PID" "${cross[@]}" --scenario p2p --qos "$qos" \
      --rate "$RATE" --messages "$RATED")")
  done
  stop_broker "$STARLING_PID"
  stop_broker "$NODE2_PID"
  if [[ "$side" == on ]]; then RUNS_on=("${results[@]}"); else RUNS_off=("${results[@]}"); fi
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
copied_runs off
copied_runs on
ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

LABELS=(
  "p2p (100 pairs), QoS 1, max rate, $P2P msgs"
  "p2p (100 pairs), QoS 2, max rate, $P2P msgs"
  "p2p, QoS 1, offered $RATE msg/s, $RATED msgs"
  "p2p, QoS 2, offered $RATE msg/s, $RATED msgs"
)
ROWS=""
for i in "${!LABELS[@]}"; do
  check "${RUNS_off[$i]}" "${RUNS_on[$i]}"
  ROWS+="$(pair_row "${LABELS[$i]}" "${RUNS_off[$i]}" "${RUNS_on[$i]}")"$'\n'
done

SECTION="$WORK/copied-queues.md"
{
  echo "## Copied queues: the cost of the cluster's copy"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git commit: \`$(commit_id)\`; $ELAPSED s"
  echo "- command: \`scripts/compare.sh --copied-queues\`"
  echo "- machine: $(machine); load average $LOAD_BEFORE before, $LOAD_AFTER after"
  echo "- two Starling nodes from the distribution (\`bin/starling\`, \`JAVA_OPTS=$STARLING_JAVA_OPTS\`, in-memory storage)," \
    "clustered with Hazelcast on loopback; publishers on node 1, persistent subscribers (clean session 0) on node 2," \
    "so every message is forwarded and queued for a persistent session. Off: \`replicate-queues = false\`;" \
    "on: the default (every queued message also in the IMap starling.queues, on two members). CPU: both nodes together."
  echo
  echo "| scenario | off msg/s | off msg/CPU-s | off p50 / p99 ms | on msg/s | on msg/CPU-s | on p50 / p99 ms | on/off msg/CPU-s | verified |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s' "$ROWS"
} > "$SECTION"

write_section copied-queues "$SECTION"
