#!/usr/bin/env bash
# The long kill -9 soak for storage-mapdb: storage-mapdb's CrashRecoveryIT (the real Main in
# its own JVM, MapDB with durability always) run for N SIGKILL cycles instead of the 8 that
# `mvn verify` runs. Each cycle publishes numbered QoS 1 and QoS 2 messages to offline
# persistent subscribers, kills the broker with SIGKILL mid-stream, restarts it, and checks
# that the subscribers find their sessions and every acknowledged message (QoS 1 at least
# once, QoS 2 exactly once) and the retained message.
#
#   scripts/crash-soak.sh          50 cycles (about 10-15 minutes on 2 busy cores)
#   scripts/crash-soak.sh 200      200 cycles
#
# It is the same as:
#   mvn -B -pl storage-mapdb -am verify -Dit.test=CrashRecoveryIT -Dcrash.cycles=50 \
#       -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
# Not part of `mvn verify` (which runs 8 cycles). Exit status 0 only if every cycle passed.
# Broker logs: storage-mapdb/target/crash-recovery-logs/broker-N.log. Extra Maven options
# (e.g. -o for offline) can be given in MAVEN_ARGS.
set -euo pipefail

CYCLES="${1:-50}"
[[ "$CYCLES" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [CYCLES]  (a positive number, default 50)" >&2; exit 2; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

START=$(date +%s)
set +e
# shellcheck disable=SC2086 # MAVEN_ARGS is meant to split into words
(cd "$ROOT" && mvn -B ${MAVEN_ARGS:-} -pl storage-mapdb -am verify \
  -Dit.test=CrashRecoveryIT -Dcrash.cycles="$CYCLES" \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false) \
  2>&1 | tee "$LOG" | grep --line-buffered -E 'crash test:|Tests run:|FAIL|ERROR'
STATUS=${PIPESTATUS[0]}
set -e
[[ $(grep -c 'crash test: PASS' "$LOG") -ge 1 ]] || STATUS=1

echo
echo "== kill -9 soak summary =="
echo "cycles requested: $CYCLES; wall time: $(( $(date +%s) - START )) s; commit: $(cd "$ROOT" && git rev-parse --short HEAD)"
echo "cycles survived: $(grep -c 'crash test: kill ' "$LOG")"
grep 'crash test: PASS' "$LOG" || { grep -E 'AssertionError|missing' "$LOG" | head -5 || true; }
if [[ $STATUS -eq 0 ]]; then echo "result: PASS"; else echo "result: FAIL (broker logs in storage-mapdb/target/crash-recovery-logs)"; fi
exit "$STATUS"
