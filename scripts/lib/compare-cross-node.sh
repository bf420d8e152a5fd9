# shellcheck shell=bash
# Cross-node section of compare.sh (sourced by `compare.sh --cross-node`, which defines the
# helpers used here): two Starling nodes from the same installation, clustered with Hazelcast
# on loopback, each with its own MQTT and member port. Point-to-point at QoS 0 and 1, at full
# speed and at a fixed offered rate, once with every client on node 1 (single node) and once
# with the publishers on node 1 and the subscribers on node 2 (every message crosses the
# cluster). The CPU figure is both nodes' together in both cases, so the single-node rows also
# pay for node 2 keeping its routes.

NODE1_PORT="$(free_port)"; NODE2_PORT="$(free_port)"
MEMBER1_PORT="$(free_port)"; MEMBER2_PORT="$(free_port)"
CLUSTER_NAME="bench-$$"

for node in 1 2; do
  member_port_var="MEMBER${node}_PORT"; mqtt_port_var="NODE${node}_PORT"
  starling_conf "node$node" "${!mqtt_port_var}" "starling.cluster.type = hazelcast
starling.cluster.hazelcast {
  cluster-name = \"$CLUSTER_NAME\"
  member-host = \"127.0.0.1\"
  member-port = ${!member_port_var}
  members = [\"127.0.0.1:$MEMBER1_PORT\", \"127.0.0.1:$MEMBER2_PORT\"]
  member-timeout = 10s
  join-timeout = 5s
}"
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
echo "Starling node 1 pid $STARLING_PID port $NODE1_PORT, node 2 pid $NODE2_PID port $NODE2_PORT (member ports $MEMBER1_PORT, $MEMBER2_PORT)"

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
  CROSS_ROWS+="| $label | $(field "$s" msgs_per_s) | $(field "$s" msgs_per_cpu_s)"
  CROSS_ROWS+=" | $(ms "$(field "$s" p50_us)") / $(ms "$(field "$s" p99_us)")"
  CROSS_ROWS+=" | $(field "$c" msgs_per_s) | $(field "$c" msgs_per_cpu_s)"
  CROSS_ROWS+=" | $(ms "$(field "$c" p50_us)") / $(ms "$(field "$c" p99_us)")"
  CROSS_ROWS+=" | **$(ratio "$(field "$c" msgs_per_cpu_s)" "$(field "$s" msgs_per_cpu_s)")**"
  CROSS_ROWS+=" | $(field "$s" status) / $(field "$c" status) |"$'\n'
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
