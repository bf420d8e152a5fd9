# shellcheck shell=bash
# Cross-node section of compare.sh (sourced by `compare.sh --cross-node`, which defines the
# helpers used here): two Starling nodes from the same installation, clustered with Hazelcast
# on loopback, each with its own MQTT and member port. Point-to-point at QoS 0 and 1, at full
# speed and at a fixed offered rate, once with every client on node 1 (single node) and once
# with the publishers on node 1 and the subscribers on node 2 (every message crosses the
# cluster). The CPU figure is both nodes' together in both cases, so the single-node rows also
# pay for node 2 keeping its routes.

start_node_pair
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
SINGLE=(--subscriber-broker-pid "$NODE2_PID")
CROSS=(--subscriber-port "$NODE2_PORT" --subscriber-broker-pid "$NODE2_PID")

# One unrecorded run each way lets the JIT compile both paths (local delivery and forwarding).
generate single "$NODE1_PORT" "$STARLING_PID" "${SINGLE[@]}" --scenario p2p --qos 1 --messages "$P2P" > /dev/null
generate cross "$NODE1_PORT" "$STARLING_PID" "${CROSS[@]}" --scenario p2p --qos 1 --messages "$P2P" > /dev/null

CROSS_ROWS=""
# cross_compare LABEL ARGS...: the same run on one node and across the two, one table row.
cross_compare() {
  local label="$1"; shift
  local s c
  s="$(generate single "$NODE1_PORT" "$STARLING_PID" "${SINGLE[@]}" "$@")"
  c="$(generate cross "$NODE1_PORT" "$STARLING_PID" "${CROSS[@]}" "$@")"
  check "$s" "$c"
  CROSS_ROWS+="$(pair_row "$label" "$s" "$c")"$'\n'
}

for qos in 0 1; do
  cross_compare "p2p (100 pairs), QoS $qos, max rate, $P2P msgs" --scenario p2p --qos "$qos" --messages "$P2P"
done
for qos in 0 1; do
  cross_compare "p2p, QoS $qos, offered $RATE msg/s, $RATED msgs" --scenario p2p --qos "$qos" --rate "$RATE" --messages "$RATED"
done
ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

SECTION="$WORK/cross-node.md"
{
  echo "## Cross-node: two clustered nodes vs one"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git commit: \`$(commit_id)\`; $ELAPSED s"
  echo "- command: \`scripts/compare.sh --cross-node\`"
  echo "- machine: $(machine); load average $LOAD_BEFORE before, $LOAD_AFTER after"
  echo "- two Starling nodes from the distribution (\`bin/starling\`, \`JAVA_OPTS=$STARLING_JAVA_OPTS\`, in-memory storage)," \
    "clustered with Hazelcast on loopback (\`starling.cluster.type = hazelcast\`, TCP member list of the two)." \
    "Single node: publishers and subscribers on node 1. Cross-node: publishers on node 1, subscribers on node 2," \
    "so every message is forwarded. CPU: both nodes together in both cases."
  echo
  echo "| scenario | single msg/s | single msg/CPU-s | single p50 / p99 ms | cross msg/s | cross msg/CPU-s | cross p50 / p99 ms | cross/single msg/CPU-s | verified |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s' "$CROSS_ROWS"
} > "$SECTION"

write_section cross-node "$SECTION"
