# shellcheck shell=bash
# Latency against offered load (sourced by `compare.sh --latency`, which defines the helpers used
# here): Starling and Mosquitto side by side, each scenario at fixed offered rates of 1,000,
# 5,000 and 20,000 msg/s, the latency distribution (p50/p90/p99/p99.9/max, HdrHistogram in the
# load generator) and msg per broker CPU-second of each run, and a PNG of latency against load
# (docs/images/latency-against-load.png, drawn by the benchmarks jar's LatencyPlot). The
# targets of issue 22: at each rate p99 and p99.9 no worse than Mosquitto's, and msg per broker
# CPU-second at least Mosquitto's.
#
# For fan-out (1 → 100) the offered rate counts delivered messages: 1,000 msg/s is 10 publishes/s
# to 100 subscribers. Quick mode: one round of 5 s per cell; --full: three rounds of 10 s, the
# cell showing the median of each figure over the rounds. Each round runs the brokers in the
# other order, so a drift of the machine's load falls on both.

STARLING_PORT="$(free_port)"
MOSQUITTO_PORT="$(free_port)"
starling_conf starling "$STARLING_PORT"
mosquitto_conf "$MOSQUITTO_PORT"
start_both
RATES=(1000 5000 20000)
ROUNDS=1; SECONDS_PER_CELL=5
[[ "$MODE_SIZES" == full ]] && { ROUNDS=3; SECONDS_PER_CELL=10; }
echo "Starling pid $STARLING_PID port $STARLING_PORT; Mosquitto pid $MOSQUITTO_PID port $MOSQUITTO_PORT;" \
  "latency against load, $ROUNDS round(s) of $SECONDS_PER_CELL s per cell"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)

# The scenarios as "label|generator arguments|deliveries per publish".
SCENARIOS=(
  "p2p (100 pairs), QoS 0|--scenario p2p --qos 0|1"
  "p2p (100 pairs), QoS 1|--scenario p2p --qos 1|1"
  "fan-out (1 → 100), QoS 1|--scenario fan-out --qos 1|100"
)
# One full-speed run of each scenario on each broker first: the JIT compiles Starling's paths,
# and both brokers start the measured runs warm.
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r _ args _ <<<"$entry"
  # shellcheck disable=SC2086
  generate starling "$STARLING_PORT" "$STARLING_PID" $args --messages "$P2P" > /dev/null
  # shellcheck disable=SC2086
  generate mosquitto "$MOSQUITTO_PORT" "$MOSQUITTO_PID" $args --messages "$P2P" > /dev/null
done

RUNS="$WORK/latency-runs.tsv"
: > "$RUNS"
# measure BROKER LABEL RATE ARGS...: one run at the offered RATE (deliveries/s), a line in RUNS.
measure() {
  local broker="$1" label="$2" rate="$3" per="$4" line port pid
  shift 4
  if [[ "$broker" == Starling ]]; then port="$STARLING_PORT"; pid="$STARLING_PID"; else port="$MOSQUITTO_PORT"; pid="$MOSQUITTO_PID"; fi
  local publishes=$((rate / per))
  line="$(generate "$broker" "$port" "$pid" "$@" --rate "$publishes" --messages $((publishes * SECONDS_PER_CELL)))"
  check "$line"
  printf '%s\t%s\t%s' "$broker" "$label" "$rate" >> "$RUNS"
  for key in p50_us p90_us p99_us p999_us max_us msgs_per_cpu_s status; do
    printf '\t%s' "$(field "$line" "$key")" >> "$RUNS"
  done
  printf '\n' >> "$RUNS"
}
for round in $(seq 1 "$ROUNDS"); do
  for entry in "${SCENARIOS[@]}"; do
    IFS='|' read -r label args per <<<"$entry"
    for rate in "${RATES[@]}"; do
      if (( round % 2 )); then order=(Starling Mosquitto); else order=(Mosquitto Starling); fi
      for broker in "${order[@]}"; do
        # shellcheck disable=SC2086
        measure "$broker" "$label" "$rate" "$per" $args
      done
    done
  done
done

# The median of each figure over the rounds, per broker, scenario and rate, in the order first
# run: broker, scenario, rate, p50, p90, p99, p99.9, max (us), msg/CPU-s, statuses.
MEDIANS="$WORK/latency-medians.tsv"
awk -F'\t' '
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    if (n == 0 || v[1] == "-") return "-"
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  {
    key = $1 "\t" $2 "\t" $3
    if (!(key in seen)) { seen[key] = 1; keys[++count] = key }
    for (f = 4; f <= 9; f++) figures[key, f] = figures[key, f] " " $f
    statuses[key] = statuses[key] (statuses[key] == "" ? "" : ",") $10
  }
  END {
    for (k = 1; k <= count; k++) {
      line = keys[k]
      for (f = 4; f <= 9; f++) line = line "\t" median(figures[keys[k], f])
      print line "\t" statuses[keys[k]]
    }
  }' "$RUNS" > "$MEDIANS"

# The plot's points: broker, scenario, rate, p50, p99, p99.9.
awk -F'\t' -v OFS='\t' '$4 ~ /^[0-9.]+$/ { print $1, $2, $3, int($4), int($6), int($7) }' "$MEDIANS" > "$WORK/latency-points.tsv"
PLOT="docs/images/latency-against-load.png"
java -cp "$BENCH_JAR" io.starling.bench.LatencyPlot "$WORK/latency-points.tsv" "$ROOT/$PLOT"

# cell BROKER LABEL RATE COLUMN: one median figure (COLUMN 4-9 of MEDIANS, 10: the statuses).
cell() {
  awk -F'\t' -v b="$1" -v s="$2" -v r="$3" -v c="$4" '$1 == b && $2 == s && $3 == r { print $c }' "$MEDIANS"
}
ROWS=""
MET=0
CELLS=0
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r label _ _ <<<"$entry"
  for rate in "${RATES[@]}"; do
    s_lat="$(ms "$(cell Starling "$label" "$rate" 4)") / $(ms "$(cell Starling "$label" "$rate" 5)") / $(ms "$(cell Starling "$label" "$rate" 6)") / $(ms "$(cell Starling "$label" "$rate" 7)") / $(ms "$(cell Starling "$label" "$rate" 8)")"
    m_lat="$(ms "$(cell Mosquitto "$label" "$rate" 4)") / $(ms "$(cell Mosquitto "$label" "$rate" 5)") / $(ms "$(cell Mosquitto "$label" "$rate" 6)") / $(ms "$(cell Mosquitto "$label" "$rate" 7)") / $(ms "$(cell Mosquitto "$label" "$rate" 8)")"
    s_cpu="$(cell Starling "$label" "$rate" 9)"
    m_cpu="$(cell Mosquitto "$label" "$rate" 9)"
    met="$(awk -v sp99="$(cell Starling "$label" "$rate" 6)" -v mp99="$(cell Mosquitto "$label" "$rate" 6)" \
      -v sp999="$(cell Starling "$label" "$rate" 7)" -v mp999="$(cell Mosquitto "$label" "$rate" 7)" \
      -v sc="$s_cpu" -v mc="$m_cpu" \
      'BEGIN { print (sp99 + 0 <= mp99 + 0 && sp999 + 0 <= mp999 + 0 && sc + 0 >= mc + 0) ? "yes" : "no" }')"
    CELLS=$((CELLS + 1))
    [[ "$met" == yes ]] && MET=$((MET + 1))
    ROWS+="| $label | $rate | $s_lat | $m_lat | $s_cpu | $m_cpu | **$(ratio "$s_cpu" "$m_cpu")** | $met"
    ROWS+=" | $(cell Starling "$label" "$rate" 10) / $(cell Mosquitto "$label" "$rate" 10) |"$'\n'
  done
done

ELAPSED=$(( $(date +%s) - START ))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
ARGS=" --latency"; [[ "$MODE_SIZES" == full ]] && ARGS=" --latency --full"
SECTION="$WORK/section-latency.md"
{
  echo "## Latency against offered load"
  echo
  run_facts "$ROUNDS round(s) of $SECONDS_PER_CELL s per rate and broker, the median of the rounds in each cell" "$ARGS"
  echo "- Starling: \`bin/starling\` with \`JAVA_OPTS=$STARLING_JAVA_OPTS\`, in-memory storage; Mosquitto: persistence off;"
  echo "  both 32 in flight; one full-speed run of each scenario on each broker before the measured ones;"
  echo "  fan-out's offered rate counts deliveries (1,000 msg/s: 10 publishes/s to 100 subscribers)"
  echo
  echo "![latency against offered load, Starling and Mosquitto](${PLOT})"
  echo
  echo "| scenario | offered msg/s | Starling p50 / p90 / p99 / p99.9 / max ms | Mosquitto p50 / p90 / p99 / p99.9 / max ms | Starling msg/CPU-s | Mosquitto msg/CPU-s | Starling/Mosquitto msg/CPU-s | target met | verified |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "Target (issue 22): p99 and p99.9 no worse than Mosquitto's and msg/CPU-s at least Mosquitto's; met in $MET of $CELLS cells."
} > "$SECTION"
write_section latency "$SECTION"
