# shellcheck shell=bash
# Failover section of compare.sh (sourced by `compare.sh --failover`, which defines the helpers
# used here): the distribution's three-node cluster example (examples/cluster: nodeN.conf and
# haproxy.cfg, only their ports and cluster name replaced by free ones) started by the
# installation's own bin/starling -c, behind the real HAProxy; every node with the same password
# file of STORM_CLIENTS users (default 10,000; bin/starling-passwd -U, its default cost). The
# storm clients connect through HAProxy (leastconn: about a third on each node), then the
# generator kills node 1 with SIGKILL and measures until every client is connected again through
# HAProxy, and the CPU of nodes 2 and 3 meanwhile. Starling only: Mosquitto has no cluster.

command -v haproxy > /dev/null || { echo "compare.sh: haproxy not found (apt-get install haproxy)" >&2; exit 2; }
STORM_CLIENTS="${STORM_CLIENTS:-10000}"
EXAMPLE="$STARLING_HOME/examples/cluster"
CLUSTER_NAME="failover-$$"
# example_copy FILE: the example file in $WORK with each example port replaced by a free one.
# (free_port runs in a subshell here, so it cannot remember what it handed out: CHOSEN does.)
SED_PORTS=()
CHOSEN=" "
for port in 1883 1884 1885 1886 9401 9402 9403 5701 5702 5703; do
  new_port="$(free_port)"
  while [[ "$CHOSEN" == *" $new_port "* ]]; do new_port="$(free_port)"; done
  CHOSEN+="$new_port "
  SED_PORTS+=(-e "s/\\b$port\\b/$new_port/g")
done
example_copy() {
  sed "${SED_PORTS[@]}" -e "s/\"starling-example\"/\"$CLUSTER_NAME\"/" "$EXAMPLE/$1" > "$WORK/$1"
}
port_of() { # port_of FILE KEY: the port the copied example file gives KEY
  sed -n "s/^$2 = \([0-9]*\)$/\1/p" "$WORK/$1"
}

awk -v n="$STORM_CLIENTS" 'BEGIN { for (i = 0; i < n; i++) printf "storm-%d:storm-%d-pw\n", i, i }' > "$WORK/failover.passwd"
"$STARLING_HOME/bin/starling-passwd" -U "$WORK/failover.passwd"

NODE_PIDS=()
for node in 1 2 3; do
  example_copy "node$node.conf"
  cat >> "$WORK/node$node.conf" <<CONF

starling.mqtt.allow-anonymous = false
starling.auth.plugins = [password-file]
starling.auth.password-file.file = "$WORK/failover.passwd"
CONF
done
for node in 1 2 3; do
  (cd "$STARLING_HOME" && JAVA_OPTS="$STARLING_JAVA_OPTS" exec bin/starling -c "$WORK/node$node.conf") > "$WORK/node$node.log" 2>&1 &
  NODE_PIDS+=("$!")
done
for node in 1 2 3; do
  wait_for_port "$(port_of "node$node.conf" starling.listener.port)" "${NODE_PIDS[$((node - 1))]}" "node$node" 120
done
for node in 1 2 3; do
  for _ in $(seq 1 1200); do
    grep -q "Cluster now has 3 member(s)" "$WORK/node$node.log" && break
    sleep 0.1
  done
  grep -q "Cluster now has 3 member(s)" "$WORK/node$node.log" \
    || { echo "compare.sh: node$node did not see 3 members; see $WORK/node$node.log" >&2; cat "$WORK/node$node.log" >&2; exit 1; }
done
STARLING_PID="${NODE_PIDS[0]}"; NODE2_PID="${NODE_PIDS[1]}"; MAPDB_PID="${NODE_PIDS[2]}" # stopped by cleanup

# Each client holds two of HAProxy's file descriptors, and one process may not have more than
# the hard open-file limit (20,000 on the machine of BENCHMARKS.md, which root cannot raise in a
# container): so one HAProxy per 8,000 clients, all with the same configuration on the same port
# (HAProxy binds with SO_REUSEPORT: the kernel spreads the connections over them), each with
# leastconn over the same three nodes.
example_copy haproxy.cfg
{ printf 'global\n  maxconn 9000\n\n'; cat "$WORK/haproxy.cfg"; } > "$WORK/haproxy-failover.cfg"
BALANCER_PORT="$(sed -n 's/^ *bind 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/haproxy-failover.cfg")"
HAPROXY_COUNT=$(( (STORM_CLIENTS + 7999) / 8000 ))
HAPROXY_PIDS=()
for i in $(seq 1 "$HAPROXY_COUNT"); do
  haproxy -db -f "$WORK/haproxy-failover.cfg" > "$WORK/haproxy$i.log" 2>&1 &
  HAPROXY_PIDS+=("$!")
  wait_for_port "$BALANCER_PORT" "$!" "haproxy$i"
done
# The port answers once the first has bound it: wait until every one listens.
for _ in $(seq 1 200); do
  [[ "$(ss -Hltn "sport = :$BALANCER_PORT" | wc -l)" -ge "$HAPROXY_COUNT" ]] && break
  sleep 0.05
done
HAPROXY_PID="${HAPROXY_PIDS[*]}" # stopped by cleanup
echo "nodes ${NODE_PIDS[*]}, HAProxy pid(s) ${HAPROXY_PIDS[*]} port $BALANCER_PORT; $STORM_CLIENTS clients; killing node 1 (pid ${NODE_PIDS[0]})"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
# generate puts --broker-pid first: the nodes left (2 and 3) are the CPU figure.
RESULT="$(generate failover "$BALANCER_PORT" "${NODE_PIDS[1]}" --subscriber-broker-pid "${NODE_PIDS[2]}" \
  --scenario failover --connections "$STORM_CLIENTS" --kill-pid "${NODE_PIDS[0]}" --duration 600 2> "$WORK/failover-run.txt")"
cat "$WORK/failover-run.txt" >&2
check "$RESULT"
NOTE="$(sed -n 's/.*note: \(.*\)/\1/p' "$WORK/failover-run.txt" | head -1)"
HAPROXY_CPU="$(for pid in "${HAPROXY_PIDS[@]}"; do cat "/proc/$pid/stat"; done | awk '{ t += $14 + $15 } END { printf "%.2f", t / 100 }')"
for pid in "${HAPROXY_PIDS[@]}"; do stop_broker "$pid"; done

{
  echo
  echo "### Failover storm: a node of three killed, its clients reconnect through HAProxy"
  echo
  echo "Written by \`STORM_CLIENTS=$STORM_CLIENTS scripts/compare.sh --failover\` on $(date -u +%Y-%m-%d), commit $(commit_id)," \
    "$(machine); load average before $LOAD_BEFORE; $(( $(date +%s) - START )) s."
  echo "The distribution's examples/cluster (three nodes, MapDB, Hazelcast on loopback; HAProxy leastconn,"
  echo "\`option redispatch 1\`, a node marked down at its first refused connection; $HAPROXY_COUNT HAProxy process(es) on the same port, one per 8,000 clients: one may not"
  echo "hold more than 20,000 file descriptors here), each node \`JAVA_OPTS=$STARLING_JAVA_OPTS\` with the same password file (\`starling-passwd -U\`)."
  echo "The clients (each its own user, clean session, at most 256 CONNECTs outstanding) connect through"
  echo "HAProxy; then node 1 gets \`kill -9\`. Seconds: from the kill until every client that lost its"
  echo "connection has CONNACK 0 again through HAProxy; CPU: nodes 2 and 3 together over that time (in"
  echo "parentheses: of it their JIT compiler threads)."
  echo
  echo "| clients | lost with node 1 | s until all back | reconnects/s | CPU s of nodes 2+3 | HAProxy CPU s (all, whole run) | status |"
  echo "|---|---|---|---|---|---|---|"
  echo "| $STORM_CLIENTS | $(field "$RESULT" messages) | $(field "$RESULT" seconds) | $(field "$RESULT" msgs_per_s) | $(field "$RESULT" cpu_s) ($(field "$RESULT" jit_cpu_s)) | $HAPROXY_CPU | $(field "$RESULT" status) |"
  echo
  echo "Generator: $NOTE."
} > "$WORK/failover-section.md"
write_section failover "$WORK/failover-section.md"
