#!/usr/bin/env bash
# HTTP commands/s (POST /accounts, 8 connections) against one instance, then against two instances sharing its
# PostgreSQL and Kafka (4 connections each, at the same time), in one run on one machine. Needs wrk and a built jar:
#   ./mvnw -B -q install -DskipTests && benchmarks/scale-out.sh [seconds] [rounds]
# On two cores a second JVM competes with the first and with PostgreSQL for the same CPUs: the figure shows what
# sharing costs here, not what a second machine would add.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ROUND=${1:-20}
ROUNDS=${2:-3}
JAR=$(ls account-service/target/account-service-*.jar | grep -v original | head -1)
WORK=$(mktemp -d /tmp/scale-out.XXXXXX)
LUA=$WORK/open-account.lua
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

ready() { # port
  for _ in $(seq 1 180); do
    curl -sf "localhost:$1/actuator/health/readiness" >/dev/null && return 0
    sleep 1
  done
  echo "instance on management port $1 not ready" >&2; exit 1
}

rate() { # wrk output → requests/s
  awk '/Requests\/sec/ {print $2}'
}

# Instance 1: the embedded default (its own PostgreSQL on 5433 and broker on 9092) under $WORK/a.
java -jar "$JAR" --account.data-dir="$WORK/a" >"$WORK/a.log" 2>&1 &
pids+=($!)
ready 8081
TOKEN=$(ACCOUNT_DATA_DIR="$WORK/a" java -jar "$JAR" token --subject bench --scopes accounts:write)
sed "s|^wrk.method = \"POST\"|wrk.method = \"POST\"\nwrk.headers[\"Authorization\"] = \"Bearer $TOKEN\"|" \
    benchmarks/wrk/open-account.lua >"$LUA"

echo "warming up instance 1 (60 s)"
wrk -t2 -c8 -d60s -s "$LUA" http://localhost:8080 >/dev/null
one=()
for round in $(seq 1 "$ROUNDS"); do
  r=$(wrk -t2 -c8 -d"${SECONDS_PER_ROUND}s" -s "$LUA" http://localhost:8080 | rate)
  one+=("$r")
  echo "round $round: one instance, 8 connections: $r req/s"
done

# Instance 2: the same database, broker, master key and signing key; nothing embedded. On an external database the
# local signing key must be asked for explicitly (account.security.local-issuer.enabled). Its passwords are those
# instance 1 generated (database roles, and the service's SCRAM user on the broker).
KEYS="$WORK/a/keys"
java -jar "$JAR" --server.port=8090 --management.server.port=8091 \
  --spring.datasource.url=jdbc:postgresql://localhost:5433/accounts --spring.datasource.username=account_app \
  --spring.datasource.password="$(cat "$KEYS/db-account_app.password")" \
  --spring.flyway.user=account_owner --spring.flyway.password="$(cat "$KEYS/db-account_owner.password")" \
  --account.db.app-password="$(cat "$KEYS/db-account_app.password")" \
  --spring.kafka.bootstrap-servers=127.0.0.1:9092 --spring.kafka.security.protocol=SASL_PLAINTEXT \
  --spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512 \
  --spring.kafka.properties.sasl.jaas.config="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"account-service\" password=\"$(cat "$KEYS/kafka-account-service.password")\";" \
  --account.data-dir="$WORK/b" --account.crypto.master-key-file="$WORK/a/keys/master-key.json" \
  --account.security.signing-key-file="$WORK/a/keys/token-signing-key.json" \
  --account.security.local-issuer.enabled=true >"$WORK/b.log" 2>&1 &
pids+=($!)
ready 8091
echo "warming up both (60 s)"
wrk -t1 -c4 -d60s -s "$LUA" http://localhost:8080 >/dev/null &
first=$!
wrk -t1 -c4 -d60s -s "$LUA" http://localhost:8090 >/dev/null
wait "$first"
two=()
for round in $(seq 1 "$ROUNDS"); do
  (wrk -t1 -c4 -d"${SECONDS_PER_ROUND}s" -s "$LUA" http://localhost:8080 | rate >"$WORK/r1") &
  first=$!
  r2=$(wrk -t1 -c4 -d"${SECONDS_PER_ROUND}s" -s "$LUA" http://localhost:8090 | rate)
  wait "$first"
  r=$(awk -v a="$(cat "$WORK/r1")" -v b="$r2" 'BEGIN {printf "%.0f", a + b}')
  two+=("$r")
  echo "round $round: two instances, 4 connections each: $r req/s"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m1=$(median "${one[@]}")
m2=$(median "${two[@]}")
echo "median: one instance $m1 req/s, two instances $m2 req/s, ratio $(awk -v a="$m2" -v b="$m1" 'BEGIN {printf "%.2f", a / b}')"
