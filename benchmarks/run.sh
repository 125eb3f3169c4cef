#!/usr/bin/env bash
# Every figure of the service, against one jar, in one run on one machine, with its raw baseline taken on the same
# PostgreSQL in the same round, and one table at the end: the median over the rounds, the ratio to the baseline, the
# target and PASS or MISS. Each round starts the jar as the embedded default (its own PostgreSQL on 5433 and broker on
# 9092) in a fresh data folder, warms it up (wrk -t2 -c8 POST /accounts in 30 s steps until two agree within 5 %,
# at most WARMUP_SECONDS: C2 keeps compiling for minutes on two cores), and takes, draining the publisher and the
# projections between steps:
#   HTTP      wrk POST /accounts (benchmarks/wrk/open-account.lua) at 1 and at 8 connections: req/s, p50, p99
#   raw       single-row INSERT + COMMIT from 1 and from 8 clients (RawInsertBaseline)
#   burst     BURST_COUNT OpenAccount commands on Kafka at once (KafkaLatencyBenchmark --mode burst), after
#             BURST_WARMUPS (5) untimed bursts of the same size
#   latency   LATENCY_RATE commands/s for RUN_SECONDS, after LATENCY_WARMUP_SECONDS (60) untimed at that rate:
#             command -> event on account.events and -> row in projection.account_summary, p50/p99/max
#             (KafkaLatencyBenchmark --mode latency --read-model true)
#   rebuild   GET /accounts/{id} of one account with 1,000 events (ReplayBenchmark --rebuild-only): p50/p99
#   replay    the store filled to REPLAY_EVENTS in SQL, each projection replayed alone and all four at once, against an
#             ordered scan + batched upsert in plain JDBC (ReplayBenchmark)
#   HTTP      8 connections again, with those REPLAY_EVENTS events stored, against the figure on the fresh store (after
#             ReplayBenchmark's VACUUM (ANALYZE) of what it wrote, as after any bulk load: left to autovacuum, it ran
#             during this figure), and after one RUN_SECONDS pass of the same load, printed on its own row
#   idle      the service JVM's CPU over IDLE_SECONDS once everything has drained (IdleCpu), its PostgreSQL's too
# During each load figure ServiceLag samples how far publication (account.events' end offsets against the store) and
# the projections (their own positions) are behind: a throughput figure counts only while both stay under 1 s
# (MISS (lag) otherwise). Then the instance stops and RestoreDrill runs
# on its own embedded default (it starts and stops it itself): RESTORE_EVENTS events, verify, the database deleted,
# restore, verify again; its event phase against a raw COPY of the same rows.
# Needs wrk, curl, ss and the jar and benchmarks built from this tree (a fresh clone):
#   ./mvnw -B -q package -DskipTests -Pbenchmarks
#   benchmarks/run.sh [jar, default account-service/target/account-service-0.1.0-SNAPSHOT.jar]
# About 30 minutes a round at the default sizes on two cores. A smoke run, a few minutes:
#   ROUNDS=1 RUN_SECONDS=5 WARMUP_SECONDS=5 REPLAY_EVENTS=20000 RESTORE_EVENTS=20000 IDLE_SECONDS=10 benchmarks/run.sh
# Environment: ROUNDS (3), WARMUP_SECONDS (360 at most: see lib.sh warm_up), RUN_SECONDS (20), BURST_COUNT (10000),
# BURST_WARMUPS (5), LATENCY_RATE (500), LATENCY_WARMUP_SECONDS (60), REBUILDS (300),
# REPLAY_EVENTS (1000000; 0 skips the replay and the full-store HTTP figure),
# RESTORE_EVENTS (1000000; 0 skips the drill, which fills in steps of about 74,000 events), IDLE_SECONDS (60),
# LAG_INTERVAL_MS (500: lag sampling), DRAIN_TIMEOUT (900 s), STEP_TIMEOUT (3600 s per Java step), BENCH_CP,
# SERVICE_JAVA_OPTS. Logs and each step's output stay in the printed work folder.
set -euo pipefail
JAR=${1:-}
[ -z "$JAR" ] || JAR=$(realpath "$JAR")
cd "$(dirname "$0")/.."
JAR=${JAR:-$PWD/account-service/target/account-service-0.1.0-SNAPSHOT.jar}
[ -f "$JAR" ] || { echo "no such jar: $JAR (build: ./mvnw -B -q package -DskipTests -Pbenchmarks)" >&2; exit 2; }
: "${STEP_TIMEOUT:=3600}" # the replay of a million events takes longer than compare.sh's steps
WORK=$(mktemp -d /tmp/bench.XXXXXX)
source benchmarks/lib.sh
need_tools wrk curl ss getconf
ROUNDS=${ROUNDS:-3}
REPLAY_EVENTS=${REPLAY_EVENTS:-1000000}
RESTORE_EVENTS=${RESTORE_EVENTS:-1000000}
IDLE_SECONDS=${IDLE_SECONDS:-60}
LAG_INTERVAL_MS=${LAG_INTERVAL_MS:-500}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-900}
PROJECTIONS="account-summary account-timeline audit-log daily-stats"
echo "work folder (logs, each step's output): $WORK"
bench_classpath

TOKEN= # of the instance running now
WATCH_PID=
DRILL_DATA=
cleanup() {
  [ -z "$WATCH_PID" ] || kill "$WATCH_PID" 2>/dev/null || true
  [ -z "$SERVICE_PID" ] || stop_instance
  [ -z "$DRILL_DATA" ] || stop_drill
}
trap cleanup EXIT
trap 'exit 130' INT TERM

grab_number() { # file sed-expression: as grab, without thousands separators
  grab "$1" "$2" | tr -d ,
}

# ServiceLag in the background while a step runs; records <key>_pub and <key>_proj, the largest publication and
# projection lag seen (s). Its JVM with C1 alone and the serial collector: it shares the two cores with the figure
# (1.5 s of CPU over a 20 s step this way, 2.5 s with the defaults).
watched() { # tag key step arguments...
  local tag=$1 key=$2 name="$1-$2-lag"
  shift 2
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$CP" io.accountlifecycle.benchmarks.ServiceLag --mode watch \
    --interval-ms "$LAG_INTERVAL_MS" --stop-file "$WORK/$name.stop" --data-dir "$SERVICE_DATA" --token "$TOKEN" \
    >"$WORK/$name.txt" 2>"$WORK/$name.err" &
  WATCH_PID=$!
  until grep -q '^watching' "$WORK/$name.txt" 2>/dev/null; do
    alive "$WATCH_PID" || { echo "  ! ServiceLag did not start; see $WORK/$name.err" >&2; break; }
    sleep 0.2
  done
  "$@"
  touch "$WORK/$name.stop"
  wait "$WATCH_PID" || echo "  ! ServiceLag failed; see $WORK/$name.err" >&2
  WATCH_PID=
  record run "${key}_pub" "$(grab "$WORK/$name.txt" 's/.*publication [0-9]* events, \([0-9.]*\) s.*/\1/p')"
  record run "${key}_proj" "$(grab "$WORK/$name.txt" 's/.*projections [0-9]* events, \([0-9.]*\) s.*/\1/p')"
  echo "$tag: $(grep '^largest' "$WORK/$name.txt" || echo "no lag figure")"
}

DRAINS=0
drain() { # tag: until the publisher and every projection have caught up with the store
  DRAINS=$((DRAINS + 1))
  bench "$1-drain-$DRAINS" ServiceLag --mode drain --timeout "$DRAIN_TIMEOUT" --data-dir "$SERVICE_DATA" \
    --token "$TOKEN" || true
}

measure_replay() { # tag: records replay_raw, replay_<projection> and replay_all (events/s) and their ratios
  local out="$WORK/$1-replay.txt" raw rate projection
  bench "$1-replay" ReplayBenchmark --token "$TOKEN" --events "$REPLAY_EVENTS" --rebuilds "$REBUILDS" \
    --data-dir "$SERVICE_DATA" || return 0
  raw=$(grab_number "$out" 's/^raw ordered scan + batched upsert, commit every 2,000 .*: \([0-9,]*\) events\/s$/\1/p')
  record run replay_raw "$raw"
  for projection in $PROJECTIONS; do
    rate=$(grab_number "$out" "s/^replay $projection *\([0-9,]*\) events\/s.*/\1/p")
    record run "replay_$projection" "$rate"
    record_ratio run "replay_${projection}_ratio" "$rate" "$raw"
  done
  rate=$(grab_number "$out" 's/^replay all four at once *\([0-9,]*\) events\/s.*/\1/p')
  record run replay_all "$rate"
  record_ratio run replay_all_ratio "$rate" "$raw"
  echo "$1: $(grep '^store:' "$out"), raw scan + upsert $raw events/s"
  grep '^replay ' "$out" | awk '!seen[$0]++' | sed "s/^/$1: /"
}

measure_idle() { # tag: records idle_cpu and idle_postgres (% of one core)
  local out="$WORK/$1-idle.txt"
  drain "$1"
  bench "$1-idle" IdleCpu --pid "$SERVICE_PID" --postmaster "$(head -1 "$SERVICE_DATA/postgres/postmaster.pid")" \
    --seconds "$IDLE_SECONDS" --hz "$(getconf CLK_TCK)" || return 0
  record run idle_cpu "$(grab "$out" 's/^idle service JVM [0-9]*: \([0-9.]*\) %.*/\1/p')"
  record run idle_postgres "$(grab "$out" 's/^its PostgreSQL .*: \([0-9.]*\) % of one core$/\1/p')"
  sed "s/^/$1: /" "$out"
}

# The drill's service, or its restore, left behind by a drill that failed or timed out: stopped by process id (the
# ones whose command line names the drill's data folder), then its postmaster.
stop_drill() {
  local data=$DRILL_DATA cmdline pid
  DRILL_DATA=
  for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}
    pid=${pid%/cmdline}
    if { tr '\0' '\n' <"$cmdline"; } 2>/dev/null | grep -qxF -- "--account.data-dir=$data"; then
      echo "stopping the drill's process $pid" >&2
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do alive "$pid" || break; sleep 1; done
      ! alive "$pid" || kill -9 "$pid" 2>/dev/null || true
    fi
  done
  stop_orphaned_postmaster "$data"
  await_ports_free
  rm -rf "$data"
}

measure_restore() { # round: records copy (rows/s), restore (event phase, events/s) and restore_ratio; counts VERIFIED
  local tag="r$1-restore" drill="$WORK/restore-r$1" out="$WORK/r$1-restore.txt" phase copy
  await_ports_free
  DRILL_DATA="$drill/data"
  echo "$tag: RestoreDrill of $RESTORE_EVENTS events"
  if bench "$tag" RestoreDrill --jar "$JAR" --work "$drill" --events "$RESTORE_EVENTS"; then
    copy=$(grab_number "$out" 's/^raw COPY of .*, \([0-9,]*\) rows\/s$/\1/p')
    phase=$(grab_number "$out" 's/^event phase alone .*: \([0-9,]*\) events\/s;.*/\1/p')
    record run copy "$copy"
    record run restore "$phase"
    record_ratio run restore_ratio "$phase" "$copy"
    grep -E '^(store|restore command|event store from|event phase|verify:)' "$out" | sed "s/^/$tag: /"
    grep -q '^verify: IDENTICAL' "$out" && VERIFIED=$((VERIFIED + 1))
  fi
  stop_drill
}

measure_round() { # round
  local tag="r$1" lua http1 http8 raw8
  start_instance "$JAR" "$tag"
  TOKEN=$(instance_token "$JAR" "$tag")
  lua="$WORK/$tag.lua"
  wrk_script "$TOKEN" "$lua"
  warm_up "$tag" "$lua"
  drain "$tag"
  watched "$tag" http1 measure_http "$tag" run http1 1 "$lua"
  http1=$LAST
  drain "$tag"
  watched "$tag" http8 measure_http "$tag" run http8 8 "$lua"
  http8=$LAST
  drain "$tag"
  measure_raw "$tag" run raw1 1
  record_ratio run http1_ratio "$http1" "$LAST"
  measure_raw "$tag" run raw8 8
  raw8=$LAST
  record_ratio run http8_ratio "$http8" "$raw8"
  echo "$tag: HTTP / raw at 8: ${LAST:--}"
  drain "$tag"
  warm_up_burst "$tag" "$TOKEN"
  drain "$tag"
  watched "$tag" burst measure_burst "$tag" run "$TOKEN"
  record_ratio run burst_ratio "$LAST" "$raw8"
  drain "$tag"
  watched "$tag" latency measure_latency "$tag" run "$TOKEN" --read-model true
  drain "$tag"
  measure_rebuild "$tag" run "$TOKEN"
  if ((REPLAY_EVENTS > 0)); then
    drain "$tag"
    measure_replay "$tag"
    drain "$tag"
    # One pass before the figure, printed on its own row: the fresh-store figure follows minutes of the same load, and
    # this one would otherwise follow the replays' bulk writes (PostgreSQL's first write to each index page after a
    # checkpoint logs the whole page: 0.9-1.1 such pages per request in this pass, 0.1 in the next).
    measure_http "$tag" run http_full_first 8 "$lua"
    record_ratio run http_full_first_ratio "$LAST" "$http8"
    drain "$tag"
    watched "$tag" http_full measure_http "$tag" run http_full 8 "$lua"
    record_ratio run http_full_ratio "$LAST" "$http8"
  fi
  measure_idle "$tag"
  echo "$tag: stopping"
  stop_instance
  ((RESTORE_EVENTS == 0)) || measure_restore "$1"
}

if [ -n "$(ports_busy)" ]; then
  echo "ports in use before the first start (another service?): $(ports_busy | tr '\n' ' ')" >&2; exit 1
fi
echo "jar: $JAR"
VERIFIED=0
STARTED=$SECONDS
for round in $(seq 1 "$ROUNDS"); do
  measure_round "$round"
done

# The table, in order: key|figure|unit|how the rounds combine (median, max)|ratio key|baseline|target|lag key.
# A target reads "ratio>=X" (on the figure's ratio to its baseline, per round, then the median) or "value<X".
FIGURES=(
  "raw1|raw INSERT+COMMIT, 1 client (baseline)|tx/s|median"
  "raw8|raw INSERT+COMMIT, 8 clients (baseline)|tx/s|median"
  "replay_raw|raw scan + batched upsert (baseline)|events/s|median"
  "copy|raw COPY of the drill's rows (baseline)|rows/s|median"
  "http1|HTTP POST /accounts, 1 connection|req/s|median|http1_ratio|raw, 1 client||http1"
  "http1_p50|  p50|ms|median"
  "http1_p99|  p99|ms|median"
  "http8|HTTP POST /accounts, 8 connections|req/s|median|http8_ratio|raw, 8 clients|ratio>=0.4|http8"
  "http8_p50|  p50|ms|median"
  "http8_p99|  p99|ms|median|||value<25"
  "burst|Kafka burst of $BURST_COUNT OpenAccount|commands/s|median|burst_ratio|raw, 8 clients|ratio>=1.0|burst"
  "kafka_p50|Kafka $LATENCY_RATE/s: -> account.events p50|ms|median||||latency"
  "kafka_p99|  p99|ms|median|||value<100"
  "kafka_max|  max|ms|max"
  "summary_p50|  -> account_summary row p50|ms|median"
  "summary_p99|  p99|ms|median|||value<200"
  "summary_max|  max|ms|max"
)
if ((REPLAY_EVENTS > 0)); then
  for projection in $PROJECTIONS; do
    FIGURES+=("replay_$projection|replay of $REPLAY_EVENTS events: $projection|events/s|median|replay_${projection}_ratio|raw scan + upsert")
  done
  FIGURES+=("replay_all|  all four at once (each)|events/s|median|replay_all_ratio|raw scan + upsert")
fi
((RESTORE_EVENTS == 0)) ||
  FIGURES+=("restore|restore of $RESTORE_EVENTS+ events: event phase|events/s|median|restore_ratio|raw COPY|ratio>=0.5")
FIGURES+=(
  "rebuild_p50|rebuild of a 1,000-event account p50|ms|median"
  "rebuild_p99|  p99 (server timing)|ms|median|||value<10"
  "request_p99|  p99 (whole GET request)|ms|median"
  "rebuild_first|  first read, every event folded|ms|median"
)
((REPLAY_EVENTS == 0)) ||
  FIGURES+=("http_full|HTTP 8 connections, $REPLAY_EVENTS+ events stored|req/s|median|http_full_ratio|HTTP, fresh store|ratio>=0.9|http_full"
            "http_full_p99|  p99|ms|median"
            "http_full_first|  the pass before it (no target)|req/s|median|http_full_first_ratio|HTTP, fresh store")
FIGURES+=(
  "idle_cpu|idle service JVM, $IDLE_SECONDS s after draining|% of core|median|||value<2"
  "idle_postgres|  its PostgreSQL (no target)|% of core|median"
)

combine() { # median|max key: the rounds' figures combined, or nothing
  # shellcheck disable=SC2086
  if [ "$1" = max ]; then
    printf '%s\n' ${VALUES["$2|run"]:-} | sort -g | tail -1
  else
    rounds_median "$2" run
  fi
}

# PASS or MISS against the target (MISS (lag) when a figure met its target while a lag reached 1 s); - for no target.
verdict() { # target value ratio lag-publication lag-projections
  awk -v t="$1" -v v="$2" -v r="$3" -v lp="$4" -v lq="$5" 'BEGIN {
    if (t == "") {print "-"; exit}
    split(t, parts, /[<>]=?/); bound = parts[2]; subject = (t ~ /^ratio/) ? r : v
    if (subject == "") {print "NO FIGURE"; exit}
    met = (t ~ />=/) ? subject >= bound : subject < bound
    if (!met) print "MISS"; else if (lp != "" && lp >= 1 || lq != "" && lq >= 1) print "MISS (lag)"; else print "PASS"}'
}

target_text() { # target unit: as printed
  case $1 in
    "") echo "-" ;;
    ratio*) echo ">= ${1#ratio>=} x" ;;
    value*) echo "< ${1#value<} $2" ;;
  esac
}

echo
echo "benchmarks of $JAR on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $((SECONDS - STARTED)) s"
echo "median of $ROUNDS round(s) (max: the largest of any round); each round a fresh embedded default after a JIT"
echo "warm-up of wrk -t2 -c8 POST /accounts in 30 s steps until two agree within 5 % (at most $WARMUP_SECONDS s;"
echo "each round's own in its output); baselines on the same PostgreSQL in the same round;"
echo "ratio: the figure / its baseline per round, median; lag: the largest publication (store -> account.events) /"
echo "projection lag (s) during the figure in any round (a throughput figure counts while both stay under 1 s)"
format='%-46s %10s %-10s %6s %-18s %-13s %-11s %s\n'
# shellcheck disable=SC2059
printf "$format" figure value unit ratio "of baseline" target "lag (s)" result
for figure in "${FIGURES[@]}"; do
  IFS='|' read -r key name unit how ratio_key baseline target lag_key <<<"$figure"
  value=$(combine "$how" "$key")
  ratio=
  [ -z "$ratio_key" ] || ratio=$(combine median "$ratio_key")
  lag_pub=
  lag_proj=
  lag=
  if [ -n "$lag_key" ]; then
    lag_pub=$(combine max "${lag_key}_pub")
    lag_proj=$(combine max "${lag_key}_proj")
    lag="${lag_pub:--} / ${lag_proj:--}"
  fi
  # shellcheck disable=SC2059
  printf "$format" "$name" "$(show "$value" "$unit")" "$unit" "$([ -z "$ratio_key" ] || show "$ratio" ratio)" \
         "$baseline" "$(target_text "$target" "$unit")" "$lag" "$(verdict "$target" "$value" "$ratio" "$lag_pub" \
                                                                          "$lag_proj")"
done
((RESTORE_EVENTS == 0)) || echo "restore drill: verify identical before and after in $VERIFIED of $ROUNDS round(s)"
