#!/usr/bin/env bash
# A/B comparison of two builds of the service jar in one run on one machine, so a change's before and after figures
# share the machine's state (CPU, disk, thermal, other load). Each round starts jar A, then jar B, each as the embedded
# default (its own PostgreSQL on 5433 and broker on 9092) in a fresh data folder, with the deletion thresholds of
# BatchBenchmark's comment, and measures:
#   HTTP     wrk -t2 -c8 POST /accounts (benchmarks/wrk/open-account.lua): req/s and p99
#   raw      single-row INSERT + COMMIT from 8 clients on the same PostgreSQL (RawInsertBaseline), and HTTP / raw
#   Kafka    a burst of 10,000 OpenAccount commands (commands/s), after BURST_WARMUPS (5) untimed ones; 500
#            commands/s steady, after LATENCY_WARMUP_SECONDS (60) untimed at that rate (command -> event p50/p99)
#   batch    a deletion batch of 2,000 accounts: execute -> all quarantined, cancel -> all Active (BatchBenchmark)
#   rebuild  GET /accounts/{id} of one account with 1,000 events (ReplayBenchmark --rebuild-only): p50/p99
# then stops the instance and deletes its folder. It prints every figure as it comes, and at the end the median over
# the rounds for A and for B, and B/A. Needs wrk, curl, two jars and the benchmarks built from this tree:
#   ./mvnw -B -q install -DskipTests -Pbenchmarks
#   benchmarks/compare.sh before.jar account-service/target/account-service-0.1.0-SNAPSHOT.jar [rounds, default 3]
# Every instance gets the same wrk load before its HTTP figure, in 30 s steps until two agree within 5 % (at most
# WARMUP_SECONDS, lib.sh warm_up): C2 keeps compiling for minutes on two cores; A and B go through the same steps in
# the same order. About 9 minutes per instance.
# Environment: BENCH_CP (a ready classpath: skips Maven), WARMUP_SECONDS (360 at most), RUN_SECONDS (20: wrk, raw baseline,
# Kafka latency), BURST_COUNT (10000), LATENCY_RATE (500), LATENCY_WARMUP_SECONDS (60), BATCH_ACCOUNTS (2000),
# REBUILDS (300), SETTLE_SECONDS (10: pause between steps for the publisher and projections to drain),
# STEP_TIMEOUT (900 s per Java step),
# SERVICE_JAVA_OPTS (JVM options of the service), SERVICE_ARGS_A / SERVICE_ARGS_B (service arguments of A's or B's
# instances only, e.g. SERVICE_ARGS_B=--account.kafka.intake.concurrency=1 with the same jar twice). Logs and each step's output stay in the printed work folder.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 JAR_A JAR_B [rounds]" >&2; exit 2
fi
JAR_A=$(realpath "$1")
JAR_B=$(realpath "$2")
ROUNDS=${3:-3}
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/compare.XXXXXX)
source benchmarks/lib.sh
for jar in "$JAR_A" "$JAR_B"; do
  [ -f "$jar" ] || { echo "no such jar: $jar" >&2; exit 2; }
done
need_tools wrk curl ss
BATCH_ACCOUNTS=${BATCH_ACCOUNTS:-2000}
SETTLE_SECONDS=${SETTLE_SECONDS:-10}
echo "work folder (logs, each step's output): $WORK"
bench_classpath
# The deletion thresholds of BatchBenchmark's comment: the batch must pass the policy.
DELETION_LIMITS=(
  --account.deletion.approval-above-accounts=$((BATCH_ACCOUNTS > 10000 ? 2 * BATCH_ACCOUNTS : 20000))
  --account.deletion.approval-above-monthly-value=10000000
  --account.deletion.actor-max-accounts=100000000 --account.deletion.actor-max-monthly-value=1000000000
  --account.deletion.total-max-accounts=100000000 --account.deletion.total-max-monthly-value=1000000000
  --account.deletion.breaker-requests-per-minute=1000000
  --account.deletion.breaker-quarantines-per-minute=1000000
)

cleanup() { [ -z "$SERVICE_PID" ] || stop_instance; }
trap cleanup EXIT
trap 'exit 130' INT TERM

settle() { sleep "$SETTLE_SECONDS"; }

# Figures in table order: key|label|unit|better.
FIGURES=(
  "http|HTTP POST /accounts (wrk, 8 conn.)|req/s|higher"
  "http_p99|  p99|ms|lower"
  "raw|raw INSERT+COMMIT (8 clients)|tx/s|higher"
  "http_raw|HTTP / raw|ratio|higher"
  "burst|Kafka burst of $BURST_COUNT|commands/s|higher"
  "kafka_p50|Kafka $LATENCY_RATE/s command -> event p50|ms|lower"
  "kafka_p99|  p99|ms|lower"
  "batch_exec|batch of $BATCH_ACCOUNTS: execute -> quarantined|s|lower"
  "batch_cancel|  cancel -> all Active|s|lower"
  "batch_model|  cancel -> read model RESTORED|s|lower"
  "rebuild_p50|rebuild of 1,000 events (server) p50|ms|lower"
  "rebuild_p99|  p99|ms|lower"
  "request_p50|GET /accounts/{id} (whole request) p50|ms|lower"
  "request_p99|  p99|ms|lower"
)

measure() { # jar label round
  local jar=$1 label=$2 tag="r$3-$2" token lua out http raw
  local extra=()
  if [ "$label" = A ] && [ -n "${SERVICE_ARGS_A:-}" ]; then read -r -a extra <<< "$SERVICE_ARGS_A"; fi
  if [ "$label" = B ] && [ -n "${SERVICE_ARGS_B:-}" ]; then read -r -a extra <<< "$SERVICE_ARGS_B"; fi
  start_instance "$jar" "$tag" "${DELETION_LIMITS[@]}" "${extra[@]}"
  token=$(instance_token "$jar" "$tag")
  lua="$WORK/$tag.lua"
  wrk_script "$token" "$lua"
  warm_up "$tag" "$lua"
  measure_http "$tag" "$label" http 8 "$lua"
  http=$LAST

  settle
  measure_raw "$tag" "$label" raw 8
  raw=$LAST
  record_ratio "$label" http_raw "$http" "$raw"
  echo "$tag: HTTP / raw ${LAST:--}"

  settle
  warm_up_burst "$tag" "$token"
  settle
  measure_burst "$tag" "$label" "$token"
  settle
  measure_latency "$tag" "$label" "$token"

  settle
  if bench "$tag-batch" BatchBenchmark --token "$token" --accounts "$BATCH_ACCOUNTS"; then
    out="$WORK/$tag-batch.txt"
    record "$label" batch_exec "$(grab "$out" 's/.* quarantined in \([0-9.]*\) s.*/\1/p')"
    record "$label" batch_cancel "$(grab "$out" 's/.*all Active (the accounts) in \([0-9.]*\) s.*/\1/p')"
    record "$label" batch_model "$(grab "$out" 's/.*at RESTORED [0-9,]* in \([0-9.]*\) s.*/\1/p')"
    grep -E '^(batch|cancel)' "$out" | sed "s/^/$tag: /"
  fi

  settle
  measure_rebuild "$tag" "$label" "$token"

  echo "$tag: stopping"
  stop_instance
}

if [ -n "$(ports_busy)" ]; then
  echo "ports in use before the first start (another service?): $(ports_busy | tr '\n' ' ')" >&2; exit 1
fi
echo "A = $JAR_A ${SERVICE_ARGS_A:-}"
echo "B = $JAR_B ${SERVICE_ARGS_B:-}"
for round in $(seq 1 "$ROUNDS"); do
  measure "$JAR_A" A "$round"
  measure "$JAR_B" B "$round"
done

echo
echo "median of $ROUNDS round(s); A = $JAR_A, B = $JAR_B"
printf '%-48s %-10s %12s %12s %7s  %s\n' figure unit A B B/A better
for figure in "${FIGURES[@]}"; do
  IFS='|' read -r key name unit better <<<"$figure"
  a=$(rounds_median "$key" A)
  b=$(rounds_median "$key" B)
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN {if (a == "" || b == "" || a == 0) print "-"; else printf "%.2f", b / a}')
  printf '%-48s %-10s %12s %12s %7s  %s\n' "$name" "$unit" "$(show "$a" "$unit")" "$(show "$b" "$unit")" "$ratio" \
         "$better"
done
