#!/usr/bin/env bash
# Resource search (docs/benchmarks.md): the demo plus 50,000 generated resources (or
# $2), each written and indexed as the forms do; then typical queries, with and without
# facets, 100 times each over HTTP on loopback: p50 and p95 of the whole page, and the
# first results of each query to show relevance.
# Usage: benchmarks/search.sh [sqlite|postgres] [resources]
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-sqlite}"
N="${2:-50000}"
PORT=8414
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
url="$work/maillon-demo.db"
if [ "$DB" = postgres ]; then
  name="maillon_searchbench_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $name" >/dev/null
  url="${PG_ADMIN%/*}/$name"
fi
start_demo "$work" "$work/log" DATABASE_URL="$url" MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 -- --resources "$N"
# Wait until this server listens (a server left on the port would answer instead).
until grep -q "Maillon écoute sur" "$work/log" 2>/dev/null; do
  if grep -qi "impossible\|erreur" "$work/log" 2>/dev/null; then cat "$work/log"; exit 1; fi
  sleep 2
done
grep "ressource" "$work/log"
# The first search waits for the catalogue (decision 0014), read while the server starts.
curl -s -o /dev/null -w "première recherche (catalogue chargé) : %{time_total} s\n" "http://127.0.0.1:$PORT/ressources?q=tablette"
echo "mémoire du serveur : $(grep VmRSS /proc/$DEMO_PID/status | awk '{print $2 / 1024}') Mo"
python3 - "$PORT" <<'PY'
import http.client, re, statistics, sys, time, urllib.parse
port = int(sys.argv[1])
queries = [
    ("tablette", {}), ("mot de passe", {}), ("arnaques", {}), ("impots en ligne", {}),
    ("securiser son smartphone", {}), ("tabelte", {}), ("intelligence artificielle seniors", {}),
    ("", {"theme": "risques_cyber"}),
    ("tablette", {"level": "debutant", "licence": "cc-by-sa-4.0"}),
    ("photos", {"theme": "maitrise_outils", "type": "pedagogique", "tri": "recommandees"}),
]
conn = http.client.HTTPConnection("127.0.0.1", port)
print(f"{'query':55} {'p50 ms':>7} {'p95 ms':>7}  results / first three")
for words, facets in queries:
    params = dict(facets)
    if words:
        params["q"] = words
    path = "/ressources?" + urllib.parse.urlencode(params)
    times = []
    for _ in range(100):
        t = time.perf_counter()
        conn.request("GET", path)
        body = conn.getresponse().read().decode()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    total = re.search(r"(\d+) ressource\(s\)\.", body)
    titles = re.findall(r'<h2><a href="/ressources/[^"]+">([^<]+)</a>', body)[:3]
    label = (words or "—") + (" + " + ",".join(f"{k}={v}" for k, v in facets.items()) if facets else "")
    print(f"{label[:55]:55} {statistics.median(times):7.1f} {times[94]:7.1f}  {total.group(1) if total else 0} / {' | '.join(titles)}")
PY
stop_demo
sleep 2
if [ "$DB" = postgres ]; then psql -q "$PG_ADMIN" -c "DROP DATABASE $name" >/dev/null; fi
rm -rf "$work"
