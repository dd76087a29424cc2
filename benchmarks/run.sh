#!/usr/bin/env bash
# Foundation benchmarks (docs/benchmarks.md): throughput and p99 latency of the public
# place page and the sign-in page with 50 concurrent clients on loopback (wrk), on SQLite
# and PostgreSQL; weight of each page; idle memory; release binary size.
# Needs wrk (apt-get install wrk) and a local PostgreSQL (as for the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
DURATION="${BENCH_DURATION:-15s}"
PORT=8401
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)

start() { # $1 = DATABASE_URL or empty for the SQLite demo file
  start_demo "$work" /dev/null ${1:+DATABASE_URL=$1} MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn --
  for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; exit 1
}
stop() { stop_demo; }
place_path() { curl -s "$BASE/lieux" | grep -o 'href="/lieux/[0-9a-f-]*"' | head -1 | cut -d'"' -f2; }
load() { # $1 label, $2 path
  local out; out=$(wrk -t2 -c50 -d"$DURATION" --latency "$BASE$2")
  printf '| %s | %s | %s | %s |\n' "$1" "$2" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="99%" {print $2}')"
}

echo "## Load: 50 connections, 2 wrk threads, $DURATION each"
echo "| database | path | requests/s | p99 latency |"
echo "|---|---|---|---|"
start ""
place=$(place_path)
load SQLite "$place"
load SQLite /connexion

echo
echo "## Page weight (HTML, uncompressed) and the shared stylesheet"
css=$(curl -s "$BASE/static/maillon.css" | wc -c)
cookie=$(mktemp)
curl -s -c "$cookie" -o /dev/null -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode email=direction@jeanferrat.test --data-urlencode password=maillon-demo-2026 "$BASE/connexion"
structure=$(curl -s -b "$cookie" -o /dev/null -w '%{redirect_url}' "$BASE/tableau-de-bord" | sed "s|$BASE||")
own_place=$(curl -s -b "$cookie" "$BASE$structure" | grep -o "href=\"$structure/lieux/[0-9a-f-]*\"" | head -1 | cut -d'"' -f2)
echo "| page | HTML bytes | HTML + CSS ($css bytes) |"
echo "|---|---|---|"
for p in / /lieux "$place" /connexion /mot-de-passe-oublie; do
  n=$(curl -s "$BASE$p" | wc -c)
  echo "| $p (public) | $n | $((n + css)) |"
done
for p in "$structure" "$own_place" "$structure/equipe" /compte; do
  n=$(curl -s -b "$cookie" "$BASE$p" | wc -c)
  echo "| $p (signed in) | $n | $((n + css)) |"
done

echo
sleep 5
pid=$DEMO_PID
echo "## Idle memory after the load above: $(awk '/VmRSS/ {print $2, $3}' /proc/"$pid"/status) RSS"
stop
(cd "$work" && rm -f maillon-demo.db*)
start ""
sleep 5
pid=$DEMO_PID
echo "## Idle memory of a fresh demo server: $(awk '/VmRSS/ {print $2, $3}' /proc/"$pid"/status) RSS"
stop

db="maillon_bench_$$"
psql -q "$PG_ADMIN" -c "CREATE DATABASE $db" >/dev/null
pg_url="${PG_ADMIN%/*}/$db"
start "$pg_url"
place=$(place_path)
echo
echo "| database | path | requests/s | p99 latency |"
echo "|---|---|---|---|"
load PostgreSQL "$place"
load PostgreSQL /connexion
stop
psql -q "$PG_ADMIN" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null

echo
echo "## Release binary: $(stat -c %s "$BIN") bytes ($(du -h "$BIN" | cut -f1))"
rm -rf "$work" "$cookie"
