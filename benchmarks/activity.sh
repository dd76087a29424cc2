#!/usr/bin/env bash
# Activity-log benchmarks (docs/benchmarks.md): generates a network of 200 structures and
# N accompaniments over three years (`maillon demo --scale N`), then times the statistics
# page of one structure for one year, the network's statistics for one year, and the XLSX
# export of one structure's year. Usage: benchmarks/activity.sh N [sqlite|postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
DB="${2:-sqlite}"
PORT=8411
BASE="http://127.0.0.1:$PORT"
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
url=""
if [ "$DB" = postgres ]; then
  name="maillon_bench_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $name" >/dev/null
  url="${PG_ADMIN%/*}/$name"
fi
started=$(date +%s)
start_demo "$work" "$work/log" ${url:+DATABASE_URL=$url} MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 -- --scale "$N"
until grep -q "écoute" "$work/log" 2>/dev/null; do
  grep -q "maillon :" "$work/log" 2>/dev/null && { cat "$work/log"; exit 1; }
  sleep 1
done
echo "generation of $N accompaniments on $DB: $(grep -o 'Fait en [0-9]* s' "$work/log")"

login() { curl -s -c "$1" -o /dev/null -H 'Sec-Fetch-Site: same-origin' --data-urlencode "email=$2" --data-urlencode password=maillon-demo-2026 "$BASE/connexion"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() { # cookie, path, runs
  for _ in $(seq 1 "$3"); do curl -s -b "$1" -o /dev/null -w '%{time_total}\n' "$BASE$2"; done | median
}
karim=$(mktemp); claire=$(mktemp)
login "$karim" karim@jeanferrat.test
login "$claire" coordination@federation.test
year=$(date +%Y)
period="du=$((year - 1))-01-01&au=$((year - 1))-12-31"
sid=$(curl -s -b "$karim" "$BASE/tableau-de-bord" | grep -o '/structures/[0-9a-f-]*">Centre social n° 1<' | cut -d'"' -f1)
[ -n "$sid" ] || { echo "structure not found"; exit 1; }
# A year that does not start on the first of a month: whole months and days around them.
rolling="du=$((year - 2))-06-15&au=$((year - 1))-06-14"
echo "| database | accompaniments | structure statistics, one year | network statistics, one year | network statistics, 15 June to 14 June | XLSX export, one structure, one year |"
echo "|---|---|---|---|---|---|"
echo "| $DB | $N | $(time_of "$karim" "$sid/statistiques?$period" 5) s | $(time_of "$claire" "/reseau/statistiques?$period" 5) s | $(time_of "$claire" "/reseau/statistiques?$rolling" 5) s | $(time_of "$karim" "$sid/activites/export.xlsx?$period" 3) s |"
stop_demo
sleep 1
[ "$DB" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
rm -rf "$karim" "$claire"
# BENCH_KEEP=1 keeps the SQLite file for profiling.
if [ -n "${BENCH_KEEP:-}" ]; then echo "kept: $work/maillon-demo.db"; else rm -rf "$work"; fi
