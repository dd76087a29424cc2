#!/usr/bin/env bash
# Registration under load (docs/benchmarks.md): a session of N/2 seats, then N simultaneous
# sign-ups on loopback (default 1000), each with its own phone number. Prints how many
# were confirmed and waitlisted (a waiting list holds as many as the seats), and the
# p50/p99 latency of a sign-up. All come from one address: the per-address limit of public
# sign-ups (MAILLON_PUBLIC_SIGNUPS_PER_HOUR, 10 by default) is lifted for the run.
# Usage: benchmarks/registration.sh [sqlite|postgres] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-sqlite}"
N="${2:-1000}"
PORT=8412
BASE="http://127.0.0.1:$PORT"
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
new_database "$DB" ""
trap 'stop_demo; drop_database; rm -rf "$work"' EXIT
start_demo "$work" "$work/log" ${DB_URL:+DATABASE_URL=$DB_URL} MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 \
  MAILLON_PUBLIC_SIGNUPS_PER_HOUR=1000000 --
until grep -q "écoute" "$work/log" 2>/dev/null; do sleep 1; done
cookie="$work/cookie"
curl -s -c "$cookie" -o /dev/null -H 'Sec-Fetch-Site: same-origin' --data-urlencode email=karim@jeanferrat.test --data-urlencode password=maillon-demo-2026 "$BASE/connexion"
sid=$(curl -s -b "$cookie" "$BASE/tableau-de-bord" | grep -o '/structures/[0-9a-f-]*">Centre social Jean Ferrat<' | head -1 | cut -d'"' -f1 | cut -d/ -f3)
date=$(date -d '+7 days' +%Y-%m-%d)
workshop=$(curl -s -b "$cookie" -o /dev/null -w '%{redirect_url}' -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode "title=Atelier très demandé" --data-urlencode themes=ia --data-urlencode price_kind=gratuit \
  --data-urlencode "date=$date" --data-urlencode start_time=14:00 --data-urlencode end_time=16:00 \
  --data-urlencode capacity=$((N / 2)) --data-urlencode weeks=1 "$BASE/structures/$sid/ateliers/nouveau" | sed 's/?.*//')
session=$(curl -s -b "$cookie" "$workshop" | grep -o "/structures/$sid/seances/[0-9a-f-]*" | head -1 | cut -d/ -f5)
[ -n "$session" ] || { echo "session not created"; exit 1; }
python3 - "$BASE" "$session" "$N" <<'PY'
import sys, threading, time, urllib.request, urllib.parse
base, session, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
barrier = threading.Barrier(n)
times, codes = [0.0] * n, [0] * n
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect)
def one(i):
    body = urllib.parse.urlencode({"name": f"Personne {i}", "phone": f"06 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d} 00"}).encode()
    req = urllib.request.Request(f"{base}/ateliers/{session}", data=body, method="POST")
    barrier.wait()
    start = time.perf_counter()
    try:
        codes[i] = opener.open(req, timeout=120).status
    except urllib.error.HTTPError as e:
        codes[i] = e.code
    times[i] = time.perf_counter() - start
threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
times.sort()
print(f"requests: {n}, answered 303: {codes.count(303)}, other: {n - codes.count(303)}")
print(f"latency p50 {times[n // 2] * 1000:.0f} ms, p99 {times[int(n * 0.99) - 1] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
PY
csv=$(curl -s -b "$cookie" "$BASE/structures/$sid/seances/$session/inscrits.csv")
echo "confirmed: $(grep -c ',Confirmée,' <<<"$csv"), waitlisted: $(grep -c ",Liste d'attente," <<<"$csv")"
