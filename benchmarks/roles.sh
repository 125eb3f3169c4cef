#!/usr/bin/env bash
# What the roles cost a command: `POST /accounts` at 8 connections with every role on (the table's figure), against
# the same jar with only the HTTP command path running (publication, projections, the purge saga and the Kafka intake
# off: what a plain event-sourced service does), alternated in each round on one machine, each instance as the
# embedded default in a fresh data folder after the same warm-up (lib.sh warm_up), with the raw single-row
# INSERT + COMMIT baseline at 8 clients on its own PostgreSQL. Prints each figure as it comes, then the medians, the
# ratios to raw and alone / all. Needs wrk, curl and the benchmarks built from this tree:
#   ./mvnw -B -q install -DskipTests -Pbenchmarks
#   benchmarks/roles.sh [jar, default account-service/target/account-service-0.1.0-SNAPSHOT.jar] [rounds, default 2]
# About 9 minutes a round. Environment: BENCH_CP, WARMUP_SECONDS (360 at most), RUN_SECONDS (20), SERVICE_JAVA_OPTS,
# as the other scripts (lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(realpath "${1:-account-service/target/account-service-0.1.0-SNAPSHOT.jar}")
ROUNDS=${2:-2}
[ -f "$JAR" ] || { echo "no such jar: $JAR" >&2; exit 2; }
WORK=$(mktemp -d /tmp/roles.XXXXXX)
source benchmarks/lib.sh
need_tools wrk curl ss
echo "work folder (logs, each step's output): $WORK"
bench_classpath
ALONE=(--account.kafka.publication.enabled=false --account.projections.enabled=false
       --account.purge.saga.enabled=false --account.kafka.intake.enabled=false)

cleanup() { [ -z "$SERVICE_PID" ] || stop_instance; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for round in $(seq 1 "$ROUNDS"); do
  for setup in all alone; do
    tag="r$round-$setup"
    if [ "$setup" = all ]; then start_instance "$JAR" "$tag"; else start_instance "$JAR" "$tag" "${ALONE[@]}"; fi
    wrk_script "$(instance_token "$JAR" "$tag")" "$WORK/$tag.lua"
    warm_up "$tag" "$WORK/$tag.lua"
    measure_http "$tag" "$setup" http 8 "$WORK/$tag.lua"
    http=$LAST
    measure_raw "$tag" "$setup" raw 8
    record_ratio "$setup" http_raw "$http" "$LAST"
    stop_instance
  done
done

echo
echo "POST /accounts at 8 connections, $JAR, $ROUNDS round(s), medians (rounds in brackets)"
printf '%-42s %10s %10s %10s %10s\n' setup "req/s" "p99 ms" "raw tx/s" "/ raw"
for setup in all alone; do
  printf '%-42s %10s %10s %10s %10s   [%s ]\n' \
    "$([ "$setup" = all ] && echo "every role on" || echo "the HTTP command path alone")" \
    "$(show "$(rounds_median http $setup)" req/s)" "$(show "$(rounds_median http_p99 $setup)" ms)" \
    "$(show "$(rounds_median raw $setup)" tx/s)" "$(show "$(rounds_median http_raw $setup)" ratio)" \
    "${VALUES["http|$setup"]:-}"
done
echo "alone / every role on: $(show "$(awk -v a="$(rounds_median http alone)" -v b="$(rounds_median http all)" \
  'BEGIN {if (b > 0) print a / b}')" ratio)"
