#!/usr/bin/env bash
# The randomized fault run of issue 17 (docs/CLUSTER.md, "Randomized fault run"): the unzipped
# distribution's three-node example behind HAProxy, persistent publishers at QoS 1 and 2 and
# persistent subscribers with overlapping filters through HAProxy, while a seeded scheduler
# kills (-9), freezes (SIGSTOP past the member timeout) and rolling-restarts nodes, moves clients
# to random nodes (takeovers) and takes subscribers offline cleanly and back (issue 25). Then it
# checks that every subscriber got every acknowledged message matching its filters, in each
# publisher's order, QoS 2 exactly once, prints a summary and exits non-zero on any failure.
#
#   scripts/fault-run.sh                         a random seed, 30 minutes of publishing
#   scripts/fault-run.sh --seed 7 --minutes 2    seed 7, 2 minutes (mvn verify runs seed 1, 1.5 min)
#   scripts/fault-run.sh --kinds kill,offline    only these faults (takeover, kill, freeze,
#                                                   rolling_restart, offline; all by default)
#   scripts/fault-run.sh --verbose               nodes log every packet (bin/starling -v)
#
# It is FaultRunIT (module distribution) run through failsafe, as crash-soak.sh runs
# CrashRecoveryIT; the same as
#   mvn -B -pl distribution -am verify -Dit.test=FaultRunIT -Dfault.run.enabled=true \
#       -Dfault.seed=7 -Dfault.minutes=2 -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
#       -Dfailsafe.failIfNoSpecifiedTests=false
# The whole run takes the publishing time plus about 3-6 minutes (build, cluster start, the
# last fault, the wait for the last deliveries). Node and HAProxy logs:
# distribution/target/e2e/fault-run/seed-N/logs/. Extra Maven options (e.g. -o) in MAVEN_ARGS.
set -euo pipefail

SEED="$(( (RANDOM << 15) | RANDOM ))"
MINUTES=30
KINDS=""
VERBOSE=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seed) SEED="$2"; shift 2 ;;
    --minutes) MINUTES="$2"; shift 2 ;;
    --kinds) KINDS="$2"; shift 2 ;;
    --verbose) VERBOSE=true; shift ;;
    *) echo "usage: $0 [--seed N] [--minutes M] [--kinds k1,k2] [--verbose]" >&2; exit 2 ;;
  esac
done
[[ "$SEED" =~ ^-?[0-9]+$ ]] || { echo "--seed: a number" >&2; exit 2; }
[[ "$MINUTES" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--minutes: a number" >&2; exit 2; }

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
echo "fault run: seed $SEED, $MINUTES minutes of publishing, faults ${KINDS:-all}; commit $(cd "$ROOT" && git rev-parse --short HEAD)"

set +e
# shellcheck disable=SC2086 # MAVEN_ARGS is meant to split into words
(cd "$ROOT" && mvn -B ${MAVEN_ARGS:-} -pl distribution -am verify \
  -Dit.test=FaultRunIT -Dfault.run.enabled=true -Dfault.seed="$SEED" -Dfault.minutes="$MINUTES" -Dfault.kinds="$KINDS" -Dfault.verbose="$VERBOSE" \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false) \
  > "$LOG" 2>&1 &
MVN=$!
tail -n +1 -f "$LOG" --pid "$MVN" | grep --line-buffered -E '^fault run: |ERROR|BUILD'
wait "$MVN"
STATUS=$?
set -e
# The summary, as FaultReport printed it (the first time: the failed assertion repeats it).
sed -n '/^== fault run summary ==/,/^result: /{p;/^result: /q}' "$LOG"
grep -q '^result: PASS' "$LOG" || STATUS=1
exit "$STATUS"
