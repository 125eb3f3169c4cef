# Shell functions of the benchmark scripts (compare.sh, run.sh), sourced by them from the repository's root, after
# `set -euo pipefail` and with WORK set to the run's work folder. They start and stop one instance at a time as the
# embedded default (its own PostgreSQL on 5433 and broker on 9092) in a fresh data folder under WORK, run the benchmark
# classes, read wrk's output, and keep each figure's values per round.
# Environment: BENCH_CP (a ready classpath: skips Maven), STEP_TIMEOUT (seconds per Java step), SERVICE_JAVA_OPTS
# (JVM options of the service), and of the steps below WARMUP_SECONDS (360 at most, see warm_up), RUN_SECONDS (20:
# each wrk figure, raw baseline and the Kafka latency), BURST_COUNT (10000), BURST_WARMUPS (5: untimed bursts first,
# see warm_up_burst), LATENCY_RATE (500), LATENCY_WARMUP_SECONDS (60: untimed commands at that rate first, see
# measure_latency), REBUILDS (300).
export LC_ALL=C.UTF-8 # C numbers for awk; UTF-8 for what the Java steps print
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS:-}
WARMUP_SECONDS=${WARMUP_SECONDS:-360}
RUN_SECONDS=${RUN_SECONDS:-20}
BURST_COUNT=${BURST_COUNT:-10000}
BURST_WARMUPS=${BURST_WARMUPS:-5}
LATENCY_RATE=${LATENCY_RATE:-500}
LATENCY_WARMUP_SECONDS=${LATENCY_WARMUP_SECONDS:-60}
REBUILDS=${REBUILDS:-300}
PORTS="8080 8081 5433 9092 9093 9094" # HTTP, management, PostgreSQL, broker, its KRaft controller, its PLAIN port
SCOPES=accounts:read,accounts:write,accounts:admin,analytics:read

need_tools() { # tools...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
  done
}

# Sets CP: BENCH_CP, or the benchmarks' dependencies (Maven) and their classes, which must have been built.
bench_classpath() {
  if [ -n "${BENCH_CP:-}" ]; then
    CP=$BENCH_CP
    return
  fi
  [ -f benchmarks/target/classes/io/accountlifecycle/benchmarks/ServiceLag.class ] ||
    { echo "build the benchmarks first: ./mvnw -B -q package -DskipTests -Pbenchmarks" >&2; exit 2; }
  ./mvnw -q -Pbenchmarks -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$WORK/bench.cp"
  CP="$(cat "$WORK/bench.cp"):$PWD/benchmarks/target/classes"
}

# The instance running now, if any.
SERVICE_PID=
SERVICE_DATA=

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

start_instance() { # jar tag [service arguments...]: data folder $WORK/data-<tag>, log $WORK/<tag>.log
  local jar=$1 tag=$2
  shift 2
  await_ports_free
  SERVICE_DATA="$WORK/data-$tag"
  # shellcheck disable=SC2086
  java $SERVICE_JAVA_OPTS -jar "$jar" --account.data-dir="$SERVICE_DATA" "$@" >"$WORK/$tag.log" 2>&1 &
  SERVICE_PID=$!
  local started=$SECONDS
  until curl -sf localhost:8081/actuator/health/readiness >/dev/null; do
    if ! alive "$SERVICE_PID"; then
      tail -20 "$WORK/$tag.log" >&2; echo "$tag: the service exited during start-up; see $WORK/$tag.log" >&2; exit 1
    fi
    if ((SECONDS - started > 180)); then
      echo "$tag: not ready after 180 s; see $WORK/$tag.log" >&2; exit 1
    fi
    sleep 1
  done
  echo "$tag: ready after $((SECONDS - started)) s"
}

# Stops a postmaster left running in a data folder by a JVM that had to be killed (as
# EmbeddedPostgresServer.stopOrphanedPostmaster does: SIGINT, a fast shutdown).
stop_orphaned_postmaster() { # data folder
  local lock="$1/postgres/postmaster.pid" postmaster
  [ -f "$lock" ] || return 0
  postmaster=$(head -1 "$lock")
  if [[ $postmaster =~ ^[0-9]+$ ]] && alive "$postmaster" &&
     [[ $(cat "/proc/$postmaster/comm" 2>/dev/null) == postgres* ]]; then
    echo "stopping the orphaned postmaster $postmaster of $1" >&2
    kill -INT "$postmaster" 2>/dev/null || true
    for _ in $(seq 1 60); do alive "$postmaster" || break; sleep 1; done
    if alive "$postmaster"; then
      echo "the postmaster $postmaster did not stop within 60 s: killing it" >&2
      kill -9 "$postmaster" 2>/dev/null || true
    fi
  fi
}

# Stops the service (SIGTERM: it closes its PostgreSQL and broker), then a postmaster it orphaned, waits for the ports,
# and deletes the data folder.
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
  stop_orphaned_postmaster "$data"
  await_ports_free
  case $data in "$WORK"/data-*) rm -rf "$data" ;; esac
}

# A token of the running instance with $SCOPES, checked by opening one account.
instance_token() { # jar tag
  local token status
  token=$(ACCOUNT_DATA_DIR="$SERVICE_DATA" java -jar "$1" token --subject bench --scopes "$SCOPES" --ttl PT2H |
          tail -1)
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST localhost:8080/accounts \
                -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                -d "{\"accountId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"email\":\"probe@example.com\",\"displayName\":\"Probe\",\"plan\":\"FREE\"}") || true
  [ "$status" = 201 ] || { echo "$2: POST /accounts answered $status, not 201; see $WORK/$2.log" >&2; exit 1; }
  echo "$token"
}

wrk_script() { # token file: benchmarks/wrk/open-account.lua with the token
  sed "s|^wrk.method = \"POST\"|wrk.method = \"POST\"\nwrk.headers[\"Authorization\"] = \"Bearer $1\"|" \
      benchmarks/wrk/open-account.lua >"$2"
}

wrk_rate() { # wrk output file: requests/s
  awk '/Requests\/sec/ {print $2}' "$1"
}

wrk_latency() { # wrk --latency output file, percentile (50, 75, 90, 99): milliseconds
  awk -v pct="$2%" '/Latency Distribution/ {d = 1} d && $1 == pct {
         v = $2; f = 1
         if (v ~ /us$/) {f = 0.001} else if (v ~ /ms$/) {f = 1} else if (v ~ /s$/) {f = 1000}
         sub(/[a-z]+$/, "", v); printf "%.2f", v * f; exit}' "$1"
}

wrk_errors() { # wrk output file: says so when requests failed (and succeeds then)
  if grep -q -E 'Non-2xx|Socket errors' "$1"; then
    echo "  ! $(grep -E 'Non-2xx|Socket errors' "$1" | tr -s ' ' | tr '\n' ' ')" >&2
    return 0
  fi
  return 1
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

declare -A VALUES # "key|label" -> the rounds' figures, space-separated

record() { # label key value
  if [[ $3 =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    VALUES["$2|$1"]="${VALUES["$2|$1"]:-} $3"
  else
    echo "  ! $1: no figure for $2" >&2
  fi
}

median() { # values... (the mean of the middle two for an even count); nothing for none
  [ $# -gt 0 ] || return 0
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

rounds_median() { # key label: the median of the rounds' figures record kept under them; nothing for none
  # shellcheck disable=SC2086
  median ${VALUES["$1|$2"]:-}
}

show() { # value unit
  awk -v v="$1" -v u="$2" 'BEGIN {if (v == "") print "-"; else if (u == "ratio") printf "%.3f", v;
                                  else if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v;
                                  else printf "%.2f", v}'
}

record_ratio() { # label key numerator denominator: records numerator / denominator, when both are figures, and
                 # leaves it in LAST
  LAST=
  [ -n "$3" ] && [ -n "$4" ] || { echo "  ! $1: no figure for $2" >&2; return 0; }
  LAST=$(awk -v a="$3" -v b="$4" 'BEGIN {if (b > 0) printf "%.3f", a / b}')
  record "$1" "$2" "$LAST"
}

# The steps both scripts take against the running instance: each prints its figures as they come, records them under
# `label` (see record) and leaves its main figure in LAST (empty when its class failed, which it says).
LAST=

warm_up() { # tag lua: wrk -t2 -c8 in WARMUP_STEP chunks until two in a row are within 5 % (C2 done compiling what
  # the figures run), at most WARMUP_SECONDS. On 2 cores with every role on, POST /accounts climbs for about four
  # minutes (110 req/s in its first 30 s, 370 after 4.5 min: issue 19's profile), so a fixed 30 s understated it 3x.
  local step=${WARMUP_STEP:-30} spent=0 previous= rate
  echo "$1: warming up (wrk -c8 in ${step} s steps until two agree within 5 %, at most ${WARMUP_SECONDS} s)"
  while [ "$spent" -lt "$WARMUP_SECONDS" ]; do
    wrk -t2 -c8 -d"${step}s" -s "$2" http://localhost:8080 >"$WORK/$1-warmup.txt"
    spent=$((spent + step))
    rate=$(wrk_rate "$WORK/$1-warmup.txt")
    echo "$1: warm-up ${spent} s: ${rate} req/s"
    if [ -n "$previous" ] \
       && awk -v a="$rate" -v b="$previous" 'BEGIN { exit !(a > 0 && a <= b * 1.05 && a >= b * 0.95) }'; then
      break
    fi
    previous=$rate
  done
  record warmup "${1}_seconds" "$spent"
}

measure_http() { # tag label key connections lua: wrk for RUN_SECONDS; records key (req/s), key_p50, key_p99 (ms)
  local out="$WORK/$1-$3.txt"
  LAST=
  wrk -t"$(($4 > 1 ? 2 : 1))" -c"$4" -d"${RUN_SECONDS}s" --latency -s "$5" http://localhost:8080 >"$out"
  echo "$1: HTTP POST /accounts, $4 connection(s): $(wrk_rate "$out") req/s, p50 $(wrk_latency "$out" 50) ms, p99 $(wrk_latency "$out" 99) ms"
  if wrk_errors "$out"; then
    echo "  ! not recorded: a rate that counts failed requests is not the service's" >&2
    return 0
  fi
  record "$2" "$3" "$(wrk_rate "$out")"
  record "$2" "$3_p50" "$(wrk_latency "$out" 50)"
  record "$2" "$3_p99" "$(wrk_latency "$out" 99)"
  LAST=$(wrk_rate "$out")
}

measure_raw() { # tag label key clients: single-row INSERT + COMMIT for RUN_SECONDS; records key (tx/s)
  LAST=
  bench "$1-$3" HttpThroughputBenchmark --raw-only true --jdbc jdbc:postgresql://localhost:5433/accounts \
    --user account_owner --data-dir "$SERVICE_DATA" --connections "$4" --seconds "$RUN_SECONDS" || return 0
  LAST=$(grab "$WORK/$1-$3.txt" 's/^raw INSERT+COMMIT \([0-9.]*\) tx\/s.*/\1/p')
  record "$2" "$3" "$LAST"
  echo "$1: raw INSERT+COMMIT, $4 client(s): $LAST tx/s"
}

measure_burst() { # tag label token: BURST_COUNT Kafka commands at once; records burst (commands/s)
  local out="$WORK/$1-burst.txt" line
  LAST=
  bench "$1-burst" KafkaLatencyBenchmark --mode burst --count "$BURST_COUNT" --token "$3" \
    --data-dir "$SERVICE_DATA" || return 0
  line=$(grep '^burst of' "$out" || true)
  LAST=$(grab "$out" 's/.* -> \([0-9.]*\) commands\/s.*/\1/p')
  record "$2" burst "$LAST"
  echo "$1: $line"
  [[ $line == *", $BURST_COUNT results in"* ]] || echo "  ! not every command got its result" >&2
}

# BURST_WARMUPS untimed bursts of BURST_COUNT before the timed one, each printed: the HTTP warm-up leaves the Kafka
# intake's own code (authentication, parsing, a poll's grouped writes) to C2 later, and in the first burst after it the
# intake ran about a quarter slower than in the second (2,800 against 3,700 and 2,900 against 3,300 commands/s). One
# was not enough: in the second and third bursts after the HTTP warm-up the C2 compiler threads still took 41 % of the
# JVM's CPU samples (async-profiler), and four bursts in a row went 2,376, 2,634, 2,806 and 3,169 commands/s. Three
# were not enough either (issue 19, twelfth session; the compiler's log, -XX:+PrintCompilation, no profiler attached):
# C2 finished 606, 166, 110, 79 and 3 compilations in the five 5 s windows of five bursts in a row, which went 2,644,
# 3,308, 3,319, 3,369 and 3,817 commands/s; on another instance twelve in a row went 2,945, 3,469, 3,612, 3,439, then
# 3,840, 3,854, 3,806, 3,758, 3,647, 3,635, 3,965 and 4,058. The fourth burst, timed until then, was still compiling.
warm_up_burst() { # tag token
  local i out line
  for ((i = 1; i <= BURST_WARMUPS; i++)); do
    out="$WORK/$1-burst-warmup$i.txt"
    bench "$1-burst-warmup$i" KafkaLatencyBenchmark --mode burst --count "$BURST_COUNT" --token "$2" \
      --data-dir "$SERVICE_DATA" || return 0
    line=$(grep '^burst of' "$out" || true)
    echo "$1: warm-up $line"
  done
}

# LATENCY_RATE Kafka commands/s for RUN_SECONDS, after LATENCY_WARMUP_SECONDS of untimed ones at the same rate;
# records kafka_p50, kafka_p99, kafka_max (command -> event on account.events, ms), and with --read-model true
# summary_p50, summary_p99, summary_max (-> row in account_summary). The untimed seconds: the service's intake and its
# processors had only bursts before this step (one poll of 200 records after another), and this client's own JVM
# starts with it; three 20 s runs in a row on one warm instance gave p99 136, 102 and 89 ms. 60 s, not 10, since
# issue 19's thirteenth session: after the bursts the rate's own code was still compiling (C2, from JFR: 3.5, 3.8,
# 1.9, 1.6, 0.9 s of compilation per 10 s of 500/s, then a quarter of a second), and the first 20 s run after 10 s
# of warm-up gave p99 121.5 and 67.9 ms on two instances where the five runs after it gave 47-64 ms.
measure_latency() { # tag label token [KafkaLatencyBenchmark options...]
  local tag=$1 label=$2 token=$3 out="$WORK/$1-latency.txt" line total=$((LATENCY_RATE * RUN_SECONDS))
  shift 3
  bench "$tag-latency" KafkaLatencyBenchmark --mode latency --rate "$LATENCY_RATE" --seconds "$RUN_SECONDS" \
    --warmup-seconds "$LATENCY_WARMUP_SECONDS" \
    --data-dir "$SERVICE_DATA" --token "$token" "$@" || return 0
  line=$(grep '^rate ' "$out" || true)
  record "$label" kafka_p50 "$(grab "$out" 's/.*event on topic p50 \([0-9.]*\) ms.*/\1/p')"
  record "$label" kafka_p99 "$(grab "$out" 's/.*event on topic p50 .* p99 \([0-9.]*\) ms, max.*/\1/p')"
  record "$label" kafka_max "$(grab "$out" 's/.*event on topic p50 .* max \([0-9.]*\) ms.*/\1/p')"
  echo "$tag: Kafka $line"
  [[ $line == *": $total of $total events seen"* ]] || echo "  ! not every event was seen" >&2
  line=$(grep 'row in account_summary' "$out" || true)
  [ -n "$line" ] || return 0
  record "$label" summary_p50 "$(grab "$out" 's/.*account_summary: .* p50 \([0-9.]*\) ms.*/\1/p')"
  record "$label" summary_p99 "$(grab "$out" 's/.*account_summary: .* p99 \([0-9.]*\) ms.*/\1/p')"
  record "$label" summary_max "$(grab "$out" 's/.*account_summary: .* max \([0-9.]*\) ms.*/\1/p')"
  echo "$tag: $line"
  [[ $line == *": $total of $total rows seen"* ]] || echo "  ! not every row was seen" >&2
}

# GET /accounts/{id} of one account with 1,000 events, REBUILDS times; records rebuild_p50, rebuild_p99 (the server's
# own Server-Timing) and request_p50, request_p99 (the whole request), in ms; and rebuild_first, the first read, which
# folds every event (stored in SQL, the account has no snapshot until that read asks for one).
measure_rebuild() { # tag label token
  local out="$WORK/$1-rebuild.txt"
  bench "$1-rebuild" ReplayBenchmark --token "$3" --rebuild-only true --rebuilds "$REBUILDS" \
    --data-dir "$SERVICE_DATA" || return 0
  record "$2" rebuild_p50 "$(grab "$out" 's/.*server p50 \([0-9.]*\) ms.*/\1/p')"
  record "$2" rebuild_p99 "$(grab "$out" 's/.*server p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p')"
  record "$2" request_p50 "$(grab "$out" 's/.*whole request p50 \([0-9.]*\) ms.*/\1/p')"
  record "$2" request_p99 "$(grab "$out" 's/.*whole request p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p')"
  record "$2" rebuild_first "$(grab "$out" 's/^first read of it.*server \([0-9.]*\) ms.*/\1/p')"
  echo "$1: $(grep '^rebuild' "$out")"
  echo "$1: $(grep '^first read' "$out")"
}
