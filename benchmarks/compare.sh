#!/usr/bin/env bash
# A/B comparison of two builds of the service jar in one run on one machine, so a change's before and after figures
# share the machine's state (CPU, disk, thermal, other load). Each round starts jar A, then jar B, each as the embedded
# default (its own PostgreSQL on 5433 and broker on 9092) in a fresh data folder, with the deletion thresholds of
# BatchBenchmark's comment, and measures:
#   HTTP     wrk -t2 -c8 POST /accounts (benchmarks/wrk/open-account.lua): req/s and p99
#   raw      single-row INSERT + COMMIT from 8 clients on the same PostgreSQL (RawInsertBaseline), and HTTP / raw
#   Kafka    a burst of 10,000 OpenAccount commands (commands/s); 500 commands/s steady (command -> event p50/p99)
#   batch    a deletion batch of 2,000 accounts: execute -> all quarantined, cancel -> all Active (BatchBenchmark)
#   rebuild  GET /accounts/{id} of one account with 1,000 events (ReplayBenchmark --rebuild-only): p50/p99
# then stops the instance and deletes its folder. It prints every figure as it comes, and at the end the median over
# the rounds for A and for B, and B/A. Needs wrk, curl, two jars and the benchmarks built from this tree:
#   ./mvnw -B -q install -DskipTests -Pbenchmarks
#   benchmarks/compare.sh before.jar account-service/target/account-service-0.1.0-SNAPSHOT.jar [rounds, default 3]
# Every instance gets 30 s of the same wrk load before its HTTP figure (WARMUP_SECONDS): C2 keeps compiling for
# minutes on two cores, so the later figures of an instance come from a warmer JVM than its first; A and B go through
# the same steps in the same order, so the comparison holds, not the absolute figures. About 5 minutes per instance.
# Environment: BENCH_CP (a ready classpath: skips Maven), WARMUP_SECONDS (30), RUN_SECONDS (20: wrk, raw baseline,
# Kafka latency), BURST_COUNT (10000), LATENCY_RATE (500), BATCH_ACCOUNTS (2000), REBUILDS (300), SETTLE_SECONDS
# (10: pause between steps for the publisher and projections to drain), STEP_TIMEOUT (900 s per Java step),
# SERVICE_JAVA_OPTS (JVM options of the service). Logs and each step's output stay in the printed work folder.
set -euo pipefail
export LC_ALL=C.UTF-8 # C numbers for awk; UTF-8 for what the Java steps print
if [ $# -lt 2 ]; then
  echo "usage: $0 JAR_A JAR_B [rounds]" >&2; exit 2
fi
JAR_A=$(realpath "$1")
JAR_B=$(realpath "$2")
ROUNDS=${3:-3}
cd "$(dirname "$0")/.."
for jar in "$JAR_A" "$JAR_B"; do
  [ -f "$jar" ] || { echo "no such jar: $jar" >&2; exit 2; }
done
for tool in wrk curl ss; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
RUN_SECONDS=${RUN_SECONDS:-20}
BURST_COUNT=${BURST_COUNT:-10000}
LATENCY_RATE=${LATENCY_RATE:-500}
BATCH_ACCOUNTS=${BATCH_ACCOUNTS:-2000}
REBUILDS=${REBUILDS:-300}
SETTLE_SECONDS=${SETTLE_SECONDS:-10}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS:-}
PORTS="8080 8081 5433 9092 9093 9094" # HTTP, management, PostgreSQL, broker, its KRaft controller, its PLAIN port
SCOPES=accounts:read,accounts:write,accounts:admin,analytics:read
WORK=$(mktemp -d /tmp/compare.XXXXXX)
echo "work folder (logs, each step's output): $WORK"

if [ -n "${BENCH_CP:-}" ]; then
  CP=$BENCH_CP
else
  ./mvnw -q -Pbenchmarks -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$WORK/bench.cp"
  CP="$(cat "$WORK/bench.cp"):$PWD/benchmarks/target/classes"
  [ -f benchmarks/target/classes/io/accountlifecycle/benchmarks/BatchBenchmark.class ] ||
    { echo "build the benchmarks first: ./mvnw -B -q install -DskipTests -Pbenchmarks" >&2; exit 2; }
fi

# The instance running now, stopped on any exit.
SERVICE_PID=
SERVICE_DATA=
cleanup() { [ -z "$SERVICE_PID" ] || stop_instance; }
trap cleanup EXIT
trap 'exit 130' INT TERM

alive() { # pid: running, not a zombie
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

ports_busy() { # prints the listening sockets of $PORTS, if any
  ss -Hltn | awk -v ports="$PORTS" 'BEGIN {n = split(ports, p, " ")}
    {for (i = 1; i <= n; i++) if ($4 ~ ":" p[i] "$") print $4}'
}

await_ports_free() {
  for _ in $(seq 1 60); do
    [ -z "$(ports_busy)" ] && return 0
    sleep 1
  done
  echo "ports still in use after 60 s: $(ports_busy | tr '\n' ' ')" >&2; exit 1
}

start_instance() { # jar label
  await_ports_free
  SERVICE_DATA="$WORK/data-$2"
  # shellcheck disable=SC2086
  java $SERVICE_JAVA_OPTS -jar "$1" --account.data-dir="$SERVICE_DATA" \
    --account.deletion.approval-above-accounts=$((BATCH_ACCOUNTS > 10000 ? 2 * BATCH_ACCOUNTS : 20000)) \
    --account.deletion.approval-above-monthly-value=10000000 \
    --account.deletion.actor-max-accounts=100000000 --account.deletion.actor-max-monthly-value=1000000000 \
    --account.deletion.total-max-accounts=100000000 --account.deletion.total-max-monthly-value=1000000000 \
    --account.deletion.breaker-requests-per-minute=1000000 \
    --account.deletion.breaker-quarantines-per-minute=1000000 >"$WORK/$2.log" 2>&1 &
  SERVICE_PID=$!
  local started=$SECONDS
  until curl -sf localhost:8081/actuator/health/readiness >/dev/null; do
    if ! alive "$SERVICE_PID"; then
      tail -20 "$WORK/$2.log" >&2; echo "$2: the service exited during start-up; see $WORK/$2.log" >&2; exit 1
    fi
    if ((SECONDS - started > 180)); then
      echo "$2: not ready after 180 s; see $WORK/$2.log" >&2; exit 1
    fi
    sleep 1
  done
  echo "$2: ready after $((SECONDS - started)) s"
}

# Stops the service (SIGTERM: it closes its PostgreSQL and broker), then a postmaster orphaned by a JVM that had to be
# killed (as EmbeddedPostgresServer.stopOrphanedPostmaster does: SIGINT, a fast shutdown), waits for the ports, and
# deletes the data folder.
stop_instance() {
  local pid=$SERVICE_PID data=$SERVICE_DATA
  SERVICE_PID=
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do alive "$pid" || break; sleep 1; done
  if alive "$pid"; then
    echo "the service ($pid) did not stop within 60 s: killing it" >&2
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  local lock="$data/postgres/postmaster.pid" postmaster
  if [ -f "$lock" ]; then
    postmaster=$(head -1 "$lock")
    if [[ $postmaster =~ ^[0-9]+$ ]] && alive "$postmaster" &&
       [[ $(cat "/proc/$postmaster/comm" 2>/dev/null) == postgres* ]]; then
      echo "stopping the orphaned postmaster $postmaster of $data" >&2
      kill -INT "$postmaster" 2>/dev/null || true
      for _ in $(seq 1 60); do alive "$postmaster" || break; sleep 1; done
      if alive "$postmaster"; then
        echo "the postmaster $postmaster did not stop within 60 s: killing it" >&2
        kill -9 "$postmaster" 2>/dev/null || true
      fi
    fi
  fi
  await_ports_free
  case $data in "$WORK"/data-*) rm -rf "$data" ;; esac
}

# Runs a benchmark class; its stdout goes to $WORK/<name>.txt, its stderr (client logs) to <name>.err.
# Returns non-zero (and says so) if it failed or timed out: the figures it should have given are then missing.
bench() { # name class args...
  local name=$1 class=$2
  shift 2
  if ! timeout "$STEP_TIMEOUT" java -cp "$CP" "io.accountlifecycle.benchmarks.$class" "$@" \
       >"$WORK/$name.txt" 2>"$WORK/$name.err"; then
    echo "  ! $class failed or timed out; see $WORK/$name.txt and .err:" >&2
    tail -n 5 "$WORK/$name.err" "$WORK/$name.txt" >&2
    return 1
  fi
}

grab() { # file sed-expression: the first match of \1 (and \2 ...), or nothing
  sed -n "$2" "$1" | head -1
}

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
declare -A VALUES # "key|A" -> the rounds' figures, space-separated

record() { # label key value
  if [[ $3 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    VALUES["$2|$1"]="${VALUES["$2|$1"]:-} $3"
  else
    echo "  ! $1: no figure for $2" >&2
  fi
}

measure() { # jar label round
  local jar=$1 label=$2 tag="r$3-$2" token lua out line
  start_instance "$jar" "$tag"
  token=$(ACCOUNT_DATA_DIR="$SERVICE_DATA" java -jar "$jar" token --subject bench --scopes "$SCOPES" --ttl PT2H |
          tail -1)
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST localhost:8080/accounts \
                -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                -d "{\"accountId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"email\":\"probe@example.com\",\"displayName\":\"Probe\",\"plan\":\"FREE\"}") || true
  [ "$status" = 201 ] || { echo "$tag: POST /accounts answered $status, not 201; see $WORK/$tag.log" >&2; exit 1; }
  lua="$WORK/$tag.lua"
  sed "s|^wrk.method = \"POST\"|wrk.method = \"POST\"\nwrk.headers[\"Authorization\"] = \"Bearer $token\"|" \
      benchmarks/wrk/open-account.lua >"$lua"

  echo "$tag: warming up (${WARMUP_SECONDS} s of wrk)"
  wrk -t2 -c8 -d"${WARMUP_SECONDS}s" -s "$lua" http://localhost:8080 >"$WORK/$tag-warmup.txt"

  out="$WORK/$tag-http.txt"
  wrk -t2 -c8 -d"${RUN_SECONDS}s" --latency -s "$lua" http://localhost:8080 >"$out"
  local http p99
  http=$(awk '/Requests\/sec/ {print $2}' "$out")
  p99=$(awk '/Latency Distribution/ {d = 1} d && $1 == "99%" {
               v = $2; f = 1
               if (v ~ /us$/) {f = 0.001} else if (v ~ /ms$/) {f = 1} else if (v ~ /s$/) {f = 1000}
               sub(/[a-z]+$/, "", v); printf "%.1f", v * f; exit}' "$out")
  record "$label" http "$http"
  record "$label" http_p99 "$p99"
  echo "$tag: HTTP POST /accounts $http req/s, p99 $p99 ms"
  if grep -q -E 'Non-2xx|Socket errors' "$out"; then
    echo "  ! $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ')" >&2
  fi

  settle
  local raw=
  if bench "$tag-raw" HttpThroughputBenchmark --raw-only true --jdbc jdbc:postgresql://localhost:5433/accounts \
       --user account_owner --data-dir "$SERVICE_DATA" --connections 8 --seconds "$RUN_SECONDS"; then
    raw=$(grab "$WORK/$tag-raw.txt" 's/^raw INSERT+COMMIT \([0-9.]*\) tx\/s.*/\1/p')
    record "$label" raw "$raw"
    if [ -n "$raw" ] && [ -n "$http" ]; then
      record "$label" http_raw "$(awk -v h="$http" -v r="$raw" 'BEGIN {printf "%.3f", h / r}')"
    fi
    echo "$tag: raw INSERT+COMMIT $raw tx/s (HTTP / raw $(awk -v h="${http:-0}" -v r="$raw" 'BEGIN {printf "%.2f", h / r}'))"
  fi

  settle
  if bench "$tag-burst" KafkaLatencyBenchmark --mode burst --count "$BURST_COUNT" --token "$token" \
       --data-dir "$SERVICE_DATA"; then
    line=$(grep '^burst of' "$WORK/$tag-burst.txt" || true)
    record "$label" burst "$(grab "$WORK/$tag-burst.txt" 's/.* -> \([0-9.]*\) commands\/s.*/\1/p')"
    echo "$tag: $line"
    [[ $line == *", $BURST_COUNT results in"* ]] || echo "  ! not every command got its result" >&2
  fi

  settle
  if bench "$tag-latency" KafkaLatencyBenchmark --mode latency --rate "$LATENCY_RATE" --seconds "$RUN_SECONDS" --data-dir "$SERVICE_DATA" \
       --token "$token"; then
    line=$(grep '^rate ' "$WORK/$tag-latency.txt" || true)
    record "$label" kafka_p50 "$(grab "$WORK/$tag-latency.txt" 's/.*event on topic p50 \([0-9.]*\) ms.*/\1/p')"
    record "$label" kafka_p99 "$(grab "$WORK/$tag-latency.txt" 's/.*event on topic p50 .* p99 \([0-9.]*\) ms, max.*/\1/p')"
    echo "$tag: Kafka $line"
    local total=$((LATENCY_RATE * RUN_SECONDS))
    [[ $line == *": $total of $total events seen"* ]] || echo "  ! not every event was seen" >&2
  fi

  settle
  if bench "$tag-batch" BatchBenchmark --token "$token" --accounts "$BATCH_ACCOUNTS"; then
    out="$WORK/$tag-batch.txt"
    record "$label" batch_exec "$(grab "$out" 's/.* quarantined in \([0-9.]*\) s.*/\1/p')"
    record "$label" batch_cancel "$(grab "$out" 's/.*all Active (the accounts) in \([0-9.]*\) s.*/\1/p')"
    record "$label" batch_model "$(grab "$out" 's/.*at RESTORED [0-9,]* in \([0-9.]*\) s.*/\1/p')"
    grep -E '^(batch|cancel)' "$out" | sed "s/^/$tag: /"
  fi

  settle
  if bench "$tag-rebuild" ReplayBenchmark --token "$token" --rebuild-only true --rebuilds "$REBUILDS" \
       --data-dir "$SERVICE_DATA"; then
    out="$WORK/$tag-rebuild.txt"
    record "$label" rebuild_p50 "$(grab "$out" 's/.*server p50 \([0-9.]*\) ms.*/\1/p')"
    record "$label" rebuild_p99 "$(grab "$out" 's/.*server p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p')"
    record "$label" request_p50 "$(grab "$out" 's/.*whole request p50 \([0-9.]*\) ms.*/\1/p')"
    record "$label" request_p99 "$(grab "$out" 's/.*whole request p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p')"
    echo "$tag: $(grep '^rebuild' "$out")"
  fi

  echo "$tag: stopping"
  stop_instance
}

if [ -n "$(ports_busy)" ]; then
  echo "ports in use before the first start (another service?): $(ports_busy | tr '\n' ' ')" >&2; exit 1
fi
echo "A = $JAR_A"
echo "B = $JAR_B"
for round in $(seq 1 "$ROUNDS"); do
  measure "$JAR_A" A "$round"
  measure "$JAR_B" B "$round"
done

median() { # values... (the mean of the middle two for an even count); nothing for none
  [ $# -gt 0 ] || return 0
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

show() { # value unit
  awk -v v="$1" -v u="$2" 'BEGIN {if (v == "") print "-"; else if (u == "ratio") printf "%.3f", v;
                                  else if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v;
                                  else printf "%.2f", v}'
}

echo
echo "median of $ROUNDS round(s); A = $JAR_A, B = $JAR_B"
printf '%-48s %-10s %12s %12s %7s  %s\n' figure unit A B B/A better
for figure in "${FIGURES[@]}"; do
  IFS='|' read -r key name unit better <<<"$figure"
  # shellcheck disable=SC2086
  a=$(median ${VALUES["$key|A"]:-})
  # shellcheck disable=SC2086
  b=$(median ${VALUES["$key|B"]:-})
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN {if (a == "" || b == "" || a == 0) print "-"; else printf "%.2f", b / a}')
  printf '%-48s %-10s %12s %12s %7s  %s\n' "$name" "$unit" "$(show "$a" "$unit")" "$(show "$b" "$unit")" "$ratio" \
         "$better"
done
