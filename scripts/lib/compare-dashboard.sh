# shellcheck shell=bash
# The cost of an open dashboard (sourced by `compare.sh --dashboard`, which defines the helpers
# used here): one Starling with its admin API on, the standard fan-in load (100 publishers, one
# subscriber, QoS 1) run in pairs, once unwatched and once with the load generator polling the
# admin API as the dashboard's Topics page does (its costliest page: /api/v1/nodes and
# /api/v1/topics every 3 s, so the broker counts every PUBLISH per topic tree meanwhile). The
# pairs alternate their order (ABBA), so a drift of the machine's load falls on both. The issue's
# target: msgs per broker CPU-second within noise with a dashboard open, i.e. the two medians
# differ by less than the spread of the unwatched runs.

STARLING_PORT="$(free_port)"
ADMIN_PORT="$(free_port)"
TOKEN="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
starling_conf starling "$STARLING_PORT" "starling.admin.enabled = true
starling.admin.host = \"127.0.0.1\"
starling.admin.port = $ADMIN_PORT
starling.admin.token = \"$TOKEN\""
start_starling starling "$STARLING_PORT"
STARLING_PID=$LAST_PID
wait_for_port "$ADMIN_PORT" "$STARLING_PID" starling
PAIRS=4; [[ "$MODE_SIZES" == full ]] && PAIRS=8
echo "Starling pid $STARLING_PID port $STARLING_PORT, admin API on $ADMIN_PORT; $PAIRS pairs of fan-in runs"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
FAN_IN_ARGS=(--scenario fan-in --qos 1 --messages "$FAN_IN")
WATCHED_ARGS=(--dashboard "http://127.0.0.1:$ADMIN_PORT" --dashboard-token "$TOKEN")
# Two unrecorded runs, one of each, let the JIT compile both paths first.
generate starling "$STARLING_PORT" "$STARLING_PID" "${FAN_IN_ARGS[@]}" > /dev/null
generate starling "$STARLING_PORT" "$STARLING_PID" "${FAN_IN_ARGS[@]}" "${WATCHED_ARGS[@]}" > /dev/null

UNWATCHED=""
WATCHED=""
RUN_ROWS=""
# run_one KIND: one fan-in run, unwatched or watched; its figure goes to that list and a row.
run_one() {
  local line
  if [[ "$1" == watched ]]; then
    line="$(generate starling "$STARLING_PORT" "$STARLING_PID" "${FAN_IN_ARGS[@]}" "${WATCHED_ARGS[@]}")"
    WATCHED+="$(field "$line" msgs_per_cpu_s)"$'\n'
  else
    line="$(generate starling "$STARLING_PORT" "$STARLING_PID" "${FAN_IN_ARGS[@]}")"
    UNWATCHED+="$(field "$line" msgs_per_cpu_s)"$'\n'
  fi
  check "$line"
  RUN_ROWS+="| $1 | $(field "$line" msgs_per_s) | $(field "$line" cpu_s) ($(field "$line" jit_cpu_s))"
  RUN_ROWS+=" | $(field "$line" msgs_per_cpu_s) | $(field "$line" status) |"$'\n'
}
for pair in $(seq 1 "$PAIRS"); do
  if (( pair % 2 )); then run_one unwatched; run_one watched; else run_one watched; run_one unwatched; fi
done

# stats LIST: "median min max" of the numbers in LIST (one per line).
stats() {
  printf '%s' "$1" | grep -E '^[0-9.]+$' | sort -n | awk '{ v[NR] = $1 }
    END { if (NR == 0) { print "- - -"; exit } m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.0f %.0f %.0f", m, v[1], v[NR] }'
}
read -r U_MEDIAN U_MIN U_MAX <<<"$(stats "$UNWATCHED")"
read -r W_MEDIAN W_MIN W_MAX <<<"$(stats "$WATCHED")"

ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=" --dashboard"; [[ "$MODE_SIZES" == full ]] && ARGS=" --dashboard --full"

SECTION="$WORK/section-dashboard.md"
{
  echo "## The cost of an open dashboard"
  echo
  run_facts "$PAIRS pairs of fan-in runs (100 → 1, QoS 1, $FAN_IN msgs), $MODE_SIZES sizes" "$ARGS"
  echo "- one in-memory Starling with its admin API on; \"watched\": the load generator polls"
  echo "  \`/api/v1/nodes\` and \`/api/v1/topics?depth=2\` every 3 s, as the dashboard's Topics page does"
  echo "  (the broker counts every PUBLISH per topic tree meanwhile); the pairs alternate their order"
  echo
  echo "| | median msg/CPU-s | lowest | highest |"
  echo "|---|---:|---:|---:|"
  echo "| unwatched | $U_MEDIAN | $U_MIN | $U_MAX |"
  echo "| watched | $W_MEDIAN | $W_MIN | $W_MAX |"
  echo "| watched / unwatched | **$(ratio "$W_MEDIAN" "$U_MEDIAN")** | | |"
  echo
  echo "<details><summary>every run, in order</summary>"
  echo
  echo "| run | msg/s | CPU s (of it JIT) | msg/CPU-s | verified |"
  echo "|---|---:|---:|---:|---|"
  printf '%s' "$RUN_ROWS"
  echo
  echo "</details>"
  echo
  echo "Target: within noise, i.e. the watched median inside the unwatched runs' range."
} > "$SECTION"

write_section dashboard "$SECTION"
