#!/usr/bin/env bash
# Spreadsheet imports (docs/benchmarks.md, "Imports"): two mediators preview a 30,000-row
# CSV of beneficiaries at once while /healthz is asked every 50 ms (its slowest answer is
# printed), then one previews and imports 42,000 rows (times of the preview and of the
# confirmation); then 42,000 members with a membership each, the same way.
# Usage: benchmarks/imports.sh [sqlite|postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-sqlite}"
PORT=8414
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
new_database "$DB" ""
trap 'stop_demo; drop_database; rm -rf "$work"' EXIT
start_demo "$work" "$work/log" ${DB_URL:+DATABASE_URL=$DB_URL} MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 --
until grep -q "écoute" "$work/log" 2>/dev/null; do sleep 1; done
python3 - "$PORT" <<'PY'
import random, re, sys, threading, time
sys.path.insert(0, "benchmarks")
from bench import Server
server = Server(int(sys.argv[1]))
request = server.request
karim = server.sign_in("karim@jeanferrat.test")
nadia = server.sign_in("direction@jeanferrat.test")
r, _ = request("GET", "/tableau-de-bord", cookie=nadia)
sid = r.getheader("Location").rstrip("/").split("/")[-1]

rng = random.Random(7)
def letters(k):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(k))
def csv(n, start):
    rows = ["Prénom;Nom;Téléphone;Année de naissance"]
    for i in range(n):
        rows.append(f"{letters(6)};{letters(12)};07{start + i:08d};{1940 + i % 60}")
    return ("\n".join(rows) + "\n").encode()

def preview(cookie, data, what="beneficiaires"):
    start = time.perf_counter()
    r, page = server.post_file(f"/structures/{sid}/{what}/import", {}, "liste.csv", data, cookie)
    return time.perf_counter() - start, r.status, page

slowest = [0.0]
stop = threading.Event()
def probe():
    while not stop.is_set():
        start = time.perf_counter()
        request("GET", "/healthz")
        slowest[0] = max(slowest[0], time.perf_counter() - start)
        time.sleep(0.05)

thirty = [csv(30_000, 0), csv(30_000, 30_000)]
prober = threading.Thread(target=probe)
prober.start()
results = [None, None]
def one(i, cookie):
    results[i] = preview(cookie, thirty[i])
threads = [threading.Thread(target=one, args=(0, karim)), threading.Thread(target=one, args=(1, nadia))]
for t in threads: t.start()
for t in threads: t.join()
stop.set(); prober.join()
print(f"two previews of 30,000 rows at once: {results[0][0]:.1f} s and {results[1][0]:.1f} s (status {results[0][1]}, {results[1][1]}); slowest /healthz meanwhile: {slowest[0] * 1000:.0f} ms")

data = csv(42_000, 60_000)
seconds, status, page = preview(karim, data)
m = re.search(rb"(\d+) personne\(s\) seront cr", page)
print(f"preview of 42,000 rows: {seconds:.1f} s (status {status}, {m.group(1).decode() if m else '?'} to create, page {len(page) // 1024} KB)")
start = time.perf_counter()
r, _ = server.post_form(f"/structures/{sid}/beneficiaires/import/confirmer", {"content": data.decode()}, karim)
print(f"import of 42,000 rows: {time.perf_counter() - start:.1f} s (status {r.status})")

rows = ["Prénom;Nom;Téléphone;Adresse;Code postal;Commune;Saison;Cotisation;Mode de paiement"]
for i in range(42_000):
    rows.append(f"{letters(6)};{letters(12)};06{i:08d};{i} rue des Lilas;42000;Saint-Étienne;2026-2027;12;Chèque")
members = ("\n".join(rows) + "\n").encode()
seconds, status, page = preview(nadia, members, "adherents")
m = re.search(rb"(\d+) personne\(s\) seront cr", page)
print(f"preview of 42,000 members: {seconds:.1f} s (status {status}, {m.group(1).decode() if m else '?'} to create)")
start = time.perf_counter()
r, _ = server.post_form(f"/structures/{sid}/adherents/import/confirmer", {"content": members.decode()}, nadia)
print(f"import of 42,000 members with their membership: {time.perf_counter() - start:.1f} s (status {r.status})")
PY
