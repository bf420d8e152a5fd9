# shellcheck shell=bash
# Reconnect-storm section of compare.sh (sourced by `compare.sh --storm`, which defines the
# helpers used here): STORM_CLIENTS clients (default 10,000), each with its own user name and
# password, connect to Starling and to Mosquitto 2, are dropped at once and reconnect at once,
# over TCP and over TLS; then GUESSERS password guessers (default 20, each from its own
# loopback address) against each broker while one legitimate client connects and disconnects
# 200 times; last, the TLS storm once more against a Starling on the JDK's TLS instead of OpenSSL.
# Both brokers get the same users: one plain user:password file, hashed
# with each broker's own tool (bin/starling-passwd -U, mosquitto_passwd -U) at its default
# cost, and the same throw-away certificate. The generator keeps at most 256 CONNECTs
# outstanding over TCP and STORM_TLS_PENDING over TLS (--pending), the same against both.

STORM_CLIENTS="${STORM_CLIENTS:-10000}"
# TLS storms: as many clients unless set, with fewer CONNECTs outstanding, so that the handshakes
# waiting for CPU on a small machine finish within Starling's 10 s connect-timeout.
STORM_TLS_CLIENTS="${STORM_TLS_CLIENTS:-$STORM_CLIENTS}"
STORM_TLS_PENDING="${STORM_TLS_PENDING:-32}"
GUESSERS="${GUESSERS:-20}"
STARLING_PORT="$(free_port)"; STARLING_TLS_PORT="$(free_port)"
MOSQUITTO_PORT="$(free_port)"; MOSQUITTO_TLS_PORT="$(free_port)"

awk -v n="$(( STORM_CLIENTS > STORM_TLS_CLIENTS ? STORM_CLIENTS : STORM_TLS_CLIENTS ))" 'BEGIN { for (i = 0; i < n; i++) printf "storm-%d:storm-%d-pw\n", i, i }' > "$WORK/starling.passwd"
cp "$WORK/starling.passwd" "$WORK/mosquitto.passwd"
"$STARLING_HOME/bin/starling-passwd" -U "$WORK/starling.passwd"
mosquitto_passwd -U "$WORK/mosquitto.passwd"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
  -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" 2> /dev/null

starling_conf starling "$STARLING_PORT" "starling.mqtt.allow-anonymous = false
starling.auth.plugins = [password-file]
starling.auth.password-file.file = \"$WORK/starling.passwd\"
starling.tls { enabled = true, host = \"127.0.0.1\", port = $STARLING_TLS_PORT, cert-file = \"$WORK/cert.pem\", key-file = \"$WORK/key.pem\" }"
# user: Mosquitto started as root would switch to the user "mosquitto", who cannot read $WORK.
cat > "$WORK/mosquitto.conf" <<EOF
user $(id -un)
per_listener_settings false
allow_anonymous false
password_file $WORK/mosquitto.passwd
persistence false
set_tcp_nodelay true
log_dest stdout
log_type error
log_type warning
listener $MOSQUITTO_PORT 127.0.0.1
listener $MOSQUITTO_TLS_PORT 127.0.0.1
certfile $WORK/cert.pem
keyfile $WORK/key.pem
EOF

start_both
echo "Starling pid $STARLING_PID ports $STARLING_PORT/$STARLING_TLS_PORT; Mosquitto pid $MOSQUITTO_PID ports $MOSQUITTO_PORT/$MOSQUITTO_TLS_PORT; $STORM_CLIENTS clients"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
STORM_ROWS=""
# storm_row LABEL STARLING-PORT MOSQUITTO-PORT ARGS...: one storm against each broker, one table row.
storm_row() {
  local label="$1" starling_port="$2" mosquitto_port="$3" s m
  shift 3
  s="$(generate starling "$starling_port" "$STARLING_PID" --scenario storm --duration 600 "$@")"
  m="$(generate mosquitto "$mosquitto_port" "$MOSQUITTO_PID" --scenario storm --duration 600 "$@")"
  check "$s" "$m"
  STORM_ROWS+="| $label | $(field "$s" messages) | $(field "$s" seconds) | $(field "$s" msgs_per_s) | $(field "$s" cpu_s)"
  STORM_ROWS+=" | $(field "$m" messages) | $(field "$m" seconds) | $(field "$m" msgs_per_s) | $(field "$m" cpu_s) |"$'\n'
}
storm_row "TCP" "$STARLING_PORT" "$MOSQUITTO_PORT" --connections "$STORM_CLIENTS"
storm_row "TLS, sessions resumed, $STORM_TLS_PENDING outstanding" "$STARLING_TLS_PORT" "$MOSQUITTO_TLS_PORT" \
  --connections "$STORM_TLS_CLIENTS" --tls true --pending "$STORM_TLS_PENDING"


GUESS_ROWS=""
# guess_row NAME PORT PID: the guess scenario against one broker, one table row; the figures of
# the legitimate client alone are in a note of the run's output.
guess_row() {
  local result alone
  result="$(generate "$1" "$2" "$3" --scenario guess --clients "$GUESSERS" --duration 120 2> "$WORK/guess-$1.txt")"
  cat "$WORK/guess-$1.txt" >&2
  check "$result"
  alone="$(sed -n 's/.*legitimate CONNECT alone: p50 \([0-9]*\) us, p99 \([0-9]*\) us.*/\1 \2/p' "$WORK/guess-$1.txt")"
  GUESS_ROWS+="| $1 | $(ms "${alone% *}") / $(ms "${alone#* }") | $(ms "$(field "$result" p50_us)") / $(ms "$(field "$result" p99_us)")"
  GUESS_ROWS+=" | $(field "$result" msgs_per_s) | $(field "$result" cpu_s) |"$'\n'
}
guess_row starling "$STARLING_PORT" "$STARLING_PID"
guess_row mosquitto "$MOSQUITTO_PORT" "$MOSQUITTO_PID"

# The same TLS storm against a Starling on the JDK's TLS (netty-tcnative's OpenSSL turned off with
# -Dio.netty.handler.ssl.noOpenSsl=true), as every Starling was before OpenSSL: the CPU per
# handshake of both providers in the same run.
stop_broker "$STARLING_PID"; STARLING_PID=""
JDK_PORT="$(free_port)"; JDK_TLS_PORT="$(free_port)"
sed -e "s/= $STARLING_PORT\$/= $JDK_PORT/" -e "s/port = $STARLING_TLS_PORT,/port = $JDK_TLS_PORT,/" \
  "$WORK/starling.conf" > "$WORK/starling-jdk.conf"
STARLING_JAVA_OPTS="$STARLING_JAVA_OPTS -Dio.netty.handler.ssl.noOpenSsl=true" start_starling starling-jdk "$JDK_PORT"
MAPDB_PID=$LAST_PID # stopped by cleanup
JDK_RESULT="$(generate starling-jdk "$JDK_TLS_PORT" "$MAPDB_PID" --scenario storm --duration 600 \
  --connections "$STORM_TLS_CLIENTS" --tls true --pending "$STORM_TLS_PENDING")"
check "$JDK_RESULT"
STORM_ROWS+="| TLS as above, Starling on the JDK's TLS | $(field "$JDK_RESULT" messages) | $(field "$JDK_RESULT" seconds)"
STORM_ROWS+=" | $(field "$JDK_RESULT" msgs_per_s) | $(field "$JDK_RESULT" cpu_s) | | | | |"$'\n'
stop_broker "$MAPDB_PID"; MAPDB_PID=""

{
  echo
  echo "### Reconnect storm: clients with passwords"
  echo
  echo "Written by \`STORM_CLIENTS=$STORM_CLIENTS STORM_TLS_CLIENTS=$STORM_TLS_CLIENTS GUESSERS=$GUESSERS scripts/compare.sh --storm\` on $(date -u +%Y-%m-%d), commit $(commit_id)," \
    "$(machine); load average before $LOAD_BEFORE; $(( $(date +%s) - START )) s."
  echo "Each client has its own user name and password (Starling: \`starling-passwd -U\`, 100 PBKDF2-SHA512"
  echo "iterations; Mosquitto: \`mosquitto_passwd -U\`, its default); all are connected, dropped at once"
  echo "without DISCONNECT and reconnected at once (at most 256 CONNECTs outstanding over TCP). Seconds: from the drop"
  echo "until every client has CONNACK 0 again; CPU: the broker's over that time. Both brokers use one"
  echo "self-signed RSA 2048 certificate; the clients (JDK TLS) offer their previous TLS session for resumption."
  echo "Starling's TLS listener runs on OpenSSL (netty-tcnative BoringSSL) unless the row says otherwise."
  echo
  echo "| storm | Starling clients | s | connects/s | CPU s | Mosquitto clients | s | connects/s | CPU s |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$STORM_ROWS"
  echo
  echo "### Password guessers"
  echo
  echo "$GUESSERS guessers, each from its own address (127.0.0.2 and up), send CONNECTs with wrong passwords"
  echo "for unknown user names one after the other, as fast as the broker answers, while one legitimate"
  echo "client connects and disconnects 200 times, one connection after the other; before that it does the"
  echo "same on the idle broker. Starling holds a guesser back after 10 failures (the default"
  echo "\`starling.auth.failed-logins\`: refused with CONNACK 5, no hash); Mosquitto checks every guess."
  echo
  echo "| broker | legitimate CONNECT alone, p50 / p99 ms | with the guessers, p50 / p99 ms | guesses answered/s | broker CPU s |"
  echo "|---|---|---|---|---|"
  printf '%s' "$GUESS_ROWS"
} > "$WORK/storm-section.md"
write_section storm "$WORK/storm-section.md"
