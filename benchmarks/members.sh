#!/usr/bin/env bash
# Member file (docs/benchmarks.md): the demo plus 20,000 members at Jean Ferrat (or $2);
# then the segment count as the editor asks it while criteria change (JSON endpoint),
# the list page and the CSV export, over HTTP on loopback: p50 and p95.
# Usage: benchmarks/members.sh [sqlite|postgres] [members]
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-sqlite}"
N="${2:-20000}"
PORT=8415
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
url="$work/maillon-demo.db"
if [ "$DB" = postgres ]; then
  name="maillon_membersbench_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $name" >/dev/null
  url="${PG_ADMIN%/*}/$name"
fi
start_demo "$work" "$work/log" DATABASE_URL="$url" MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 -- --members "$N"
until grep -q "Maillon écoute sur" "$work/log" 2>/dev/null; do
  if grep -qi "impossible\|erreur" "$work/log" 2>/dev/null; then cat "$work/log"; exit 1; fi
  sleep 2
done
grep "adhérents\|Fait en" "$work/log" | tail -2
trap stop_demo EXIT
python3 - "$PORT" <<'PY'
import http.client, json, re, statistics, sys, time, urllib.parse
port = int(sys.argv[1])
def conn():
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)
c = conn()
body = urllib.parse.urlencode({"email": "accueil@jeanferrat.test", "password": "maillon-demo-2026", "suite": "/tableau-de-bord"})
c.request("POST", "/connexion", body, {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
r = c.getresponse(); r.read()
cookie = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
# With one structure, the dashboard sends the person to it.
c.request("GET", "/tableau-de-bord", headers={"Cookie": cookie}); r = c.getresponse()
page = (r.getheader("Location") or "") + r.read().decode()
sid = re.search(r"/structures/([0-9a-f-]{36})", page).group(1)
# What the editor asks as a segment is built, criterion after criterion.
steps = [
    "adhesion=adherent",
    "adhesion=adherent&age_min=65",
    "adhesion=adherent&age_min=65&quartier=Jean%20Ferrat",
    "adhesion=adherent&age_min=60&atelier=annee",
    "foyer=foyer&quartier=Jean%20Ferrat",
    "adhesion=adherent&contact=sans_email",
    "adhesion=ancien&interet=numerique&langue=ar",
    "q=martin",
    "",
]
def timed(path, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse(); data = r.read()
        times.append((time.perf_counter() - t) * 1000)
        assert r.status == 200, (path, r.status)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], data
print(f"{'critères':60} {'personnes':>9} {'p50 ms':>8} {'p95 ms':>8}")
worst = 0
for q in steps:
    p50, p95, data = timed(f"/structures/{sid}/segments/compte?{q}", 40)
    worst = max(worst, p95)
    print(f"{q or '(aucun)':60} {json.loads(data)['count']:>9} {p50:>8.1f} {p95:>8.1f}")
print(f"pire p95 du comptage : {worst:.1f} ms")
p50, p95, _ = timed(f"/structures/{sid}/adherents?adhesion=adherent&age_min=65", 20)
print(f"page de liste filtrée (100 personnes) : p50 {p50:.1f} ms, p95 {p95:.1f} ms")
t = time.perf_counter()
c.request("GET", f"/structures/{sid}/adherents/export.csv", headers={"Cookie": cookie})
r = c.getresponse(); data = r.read()
lines = data.count(b"\n") - 1
print(f"export CSV de tout le fichier ({lines} lignes) : {time.perf_counter() - t:.2f} s")
PY
stop_demo
if [ "$DB" = postgres ]; then sleep 1; psql -q "$PG_ADMIN" -c "DROP DATABASE $name" >/dev/null; fi
rm -rf "$work"
