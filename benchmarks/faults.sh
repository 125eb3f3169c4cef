#!/usr/bin/env bash
# The long version of the fault suite (issue 20, ADR 16): the same scenarios as the test command's FaultSuiteIT (one
# embedded default in its own JVM, its broker in another behind a TCP proxy, a steady mixed load of HTTP and Kafka
# commands, deletions, cancels and purges), but each fault lasts SCALE times longer, comes REPEATS times in a row under
# one load, with LOAD_SECONDS of load before each; then every invariant is checked over the whole store, as in the
# short version. Prints one table row per scenario (the README's "Reliability: faults under load" shows the last one).
# Runs as root for the disk-full scenario (a tmpfs); elsewhere that one is skipped, and says so.
#   benchmarks/faults.sh                     # SCALE=5 REPEATS=3 LOAD_SECONDS=30: about 25 minutes on two cores
#   SCALE=1 REPEATS=2 LOAD_SECONDS=10 benchmarks/faults.sh   # a quicker look
# Environment: SCALE (5), REPEATS (3), LOAD_SECONDS (30), SCENARIOS (test methods, e.g. theDatabaseDiskFills+theBroker*;
# all by default), MAVEN_ARGS (extra, e.g. -o). The whole output stays in the
# printed file; each scenario's own lines start with [faults].
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-5}
REPEATS=${REPEATS:-3}
LOAD_SECONDS=${LOAD_SECONDS:-30}
OUT=$(mktemp /tmp/faults.XXXXXX.log)
echo "Fault suite, long version: SCALE=$SCALE REPEATS=$REPEATS LOAD_SECONDS=$LOAD_SECONDS; output in $OUT" >&2
started=$(date +%s)
status=0
# shellcheck disable=SC2086 # MAVEN_ARGS is a list of arguments
./mvnw -B ${MAVEN_ARGS:-} -pl account-service -am verify -Dit.test="FaultSuiteIT${SCENARIOS:+#$SCENARIOS}" -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dapi-lint.skip=true \
  -Dfaults.scale="$SCALE" -Dfaults.repeats="$REPEATS" -Dfaults.loadSeconds="$LOAD_SECONDS" >"$OUT" 2>&1 || status=$?
REPORT=account-service/target/failsafe-reports/io.accountlifecycle.service.faults.FaultSuiteIT-output.txt
echo
echo "Faults under load, long version: SCALE=$SCALE REPEATS=$REPEATS LOAD_SECONDS=$LOAD_SECONDS, $(nproc) cores," \
     "$(( ($(date +%s) - started) / 60 )) min, $(date -u +%Y-%m-%d)"
echo
echo "| fault | times | recovered, ms (each) | refused (503 / no answer) | duplicates absorbed (Kafka commands answered twice / events published twice) | max publication lag, ms | events stored |"
echo "|---|---|---|---|---|---|---|"
grep -h '^\[faults-table\] ' "$REPORT" | sed 's/^\[faults-table\] //' || true
grep -h 'Tests run:.*FaultSuiteIT' "$OUT" | tail -1 || true
if [ "$status" -ne 0 ]; then
  echo "The fault suite FAILED (an invariant broke or a fault did not happen): see $OUT" >&2
fi
exit "$status"
