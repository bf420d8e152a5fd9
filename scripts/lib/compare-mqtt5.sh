# shellcheck shell=bash
# MQTT 5 against MQTT 3.1.1 section of compare.sh (sourced by `compare.sh --mqtt5`, which
# defines the helpers used here): the same scenarios with the load generator's clients speaking
# MQTT 3.1.1 (--mqtt-version 4) and MQTT 5.0 (--mqtt-version 5), against Starling and against
# Mosquitto 2 side by side, in one run. The figure is msg per broker CPU-second, as in the main
# table; each Starling run is made twice and the second counts (JIT warm-up, as above). The
# issue's target: MQTT 5 costs no more than 10% per broker CPU-second, i.e. a 5 / 3.1.1 ratio of
# at least 0.90.

STARLING_PORT="$(free_port)"
MOSQUITTO_PORT="$(free_port)"
starling_conf starling "$STARLING_PORT"
mosquitto_conf "$MOSQUITTO_PORT"

start_both
echo "Starling pid $STARLING_PID port $STARLING_PORT; Mosquitto pid $MOSQUITTO_PID port $MOSQUITTO_PORT; MQTT 5 against 3.1.1, $MODE sizes"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
# One unrecorded run of each version lets the JIT compile both protocol paths first.
generate starling "$STARLING_PORT" "$STARLING_PID" --scenario p2p --qos 1 --messages "$P2P" --mqtt-version 4 > /dev/null
generate starling "$STARLING_PORT" "$STARLING_PID" --scenario p2p --qos 1 --messages "$P2P" --mqtt-version 5 > /dev/null

VERSION_ROWS=""
# versions LABEL ARGS...: the scenario with 3.1.1 and 5 clients against each broker, one row.
versions() {
  local label="$1" s4 s5 m4 m5
  shift
  generate starling "$STARLING_PORT" "$STARLING_PID" "$@" --mqtt-version 4 > /dev/null
  s4="$(generate starling "$STARLING_PORT" "$STARLING_PID" "$@" --mqtt-version 4)"
  generate starling "$STARLING_PORT" "$STARLING_PID" "$@" --mqtt-version 5 > /dev/null
  s5="$(generate starling "$STARLING_PORT" "$STARLING_PID" "$@" --mqtt-version 5)"
  m4="$(generate mosquitto "$MOSQUITTO_PORT" "$MOSQUITTO_PID" "$@" --mqtt-version 4)"
  m5="$(generate mosquitto "$MOSQUITTO_PORT" "$MOSQUITTO_PID" "$@" --mqtt-version 5)"
  check "$s4" "$s5" "$m4" "$m5"
  VERSION_ROWS+="| $label | $(field "$s4" msgs_per_cpu_s) | $(field "$s5" msgs_per_cpu_s)"
  VERSION_ROWS+=" | $(field "$s4" cpu_s) ($(field "$s4" jit_cpu_s)) / $(field "$s5" cpu_s) ($(field "$s5" jit_cpu_s))"
  VERSION_ROWS+=" | **$(ratio "$(field "$s5" msgs_per_cpu_s)" "$(field "$s4" msgs_per_cpu_s)")**"
  VERSION_ROWS+=" | $(field "$m4" msgs_per_cpu_s) | $(field "$m5" msgs_per_cpu_s)"
  VERSION_ROWS+=" | **$(ratio "$(field "$m5" msgs_per_cpu_s)" "$(field "$m4" msgs_per_cpu_s)")**"
  VERSION_ROWS+=" | $(ratio "$(field "$s5" msgs_per_cpu_s)" "$(field "$m5" msgs_per_cpu_s)")"
  VERSION_ROWS+=" | $(field "$s4" status) / $(field "$s5" status) / $(field "$m4" status) / $(field "$m5" status) |"$'\n'
}

for qos in 0 1 2; do
  versions "fan-in (100 → 1), QoS $qos, $FAN_IN msgs" --scenario fan-in --qos "$qos" --messages "$FAN_IN"
done
for qos in 0 1 2; do
  versions "fan-out (1 → 100), QoS $qos, $FAN_OUT × 100 msgs" --scenario fan-out --qos "$qos" --messages "$FAN_OUT"
done
for qos in 0 1 2; do
  versions "p2p (100 pairs), QoS $qos, $P2P msgs" --scenario p2p --qos "$qos" --messages "$P2P"
done

ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=" --mqtt5"; [[ "$MODE_SIZES" == full ]] && ARGS=" --mqtt5 --full"

SECTION="$WORK/section-mqtt5.md"
{
  echo "## MQTT 5 against MQTT 3.1.1"
  echo
  run_facts "$MODE_SIZES sizes" "$ARGS"
  echo "- brokers as in the main comparison (in-memory Starling, Mosquitto without persistence); the load" \
    "generator's clients speak MQTT 3.1.1 or MQTT 5.0 (\`--mqtt-version 4|5\`: version-5 CONNECT, reason codes," \
    "no properties on the messages), the same scenarios and sizes; Starling's figure is its second run of each."
  echo
  echo "| scenario | Starling 3.1.1 msg/CPU-s | Starling 5 msg/CPU-s | Starling CPU s (of it JIT), 3.1.1 / 5 | Starling 5 / 3.1.1 | Mosquitto 3.1.1 msg/CPU-s | Mosquitto 5 msg/CPU-s | Mosquitto 5 / 3.1.1 | Starling / Mosquitto, MQTT 5 | verified (S4 / S5 / M4 / M5) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s' "$VERSION_ROWS"
  echo
  echo "Target: MQTT 5 costs Starling no more than 10% per broker CPU-second (5 / 3.1.1 at least 0.90)."
  echo "A quick-size run takes well under one broker CPU-second: on a shared, loaded machine (see the" \
    "load average above) a single row's ratio swings by tens of percent from run to run, both ways and" \
    "for both brokers, and a run in which Starling's JIT compiler recompiles (its CPU seconds in parentheses:" \
    "the two versions' runs alternate, so a code path compiled for one is compiled again for the other)" \
    "shows that cost as the protocol's; read the rows together, or run \`--mqtt5 --full\` on a quiet machine."
} > "$SECTION"

write_section mqtt5 "$SECTION"
