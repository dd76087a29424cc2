#!/usr/bin/env bash
# Messages to members (docs/benchmarks.md): the demo plus 20,000 members at Jean Ferrat
# (or $2), a local SMTP sink; then a message to every member of the season: the preview,
# the planning (deliveries, e-mails, SMS in one transaction), the e-mail throughput to the
# sink, the print page of the letters and the tracking page.
# Usage: [WORKERS=n] benchmarks/messages.sh [sqlite|postgres] [members]
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-sqlite}"
N="${2:-20000}"
PORT=8416
SMTP_PORT=2526
WORKERS="${WORKERS:-2}"
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
url="$work/maillon-demo.db"
if [ "$DB" = postgres ]; then
  name="maillon_messagesbench_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $name" >/dev/null
  url="${PG_ADMIN%/*}/$name"
fi
# The SMTP sink: accepts everything, counts the messages.
python3 - "$SMTP_PORT" >"$work/sink.log" 2>&1 <<'PY' &
import socketserver, sys
class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        data = False
        for line in self.rfile:
            if data:
                if line in (b".\r\n", b".\n"):
                    data = False
                    self.wfile.write(b"250 queued\r\n")
                continue
            verb = line.split(b" ")[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"DATA":
                data = True
                self.wfile.write(b"354 go\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")
class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
sink=$!
trap 'stop_demo; kill $sink 2>/dev/null || true' EXIT
start_demo "$work" "$work/log" DATABASE_URL="$url" MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS="$WORKERS" \
  MAILLON_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" -- --members "$N"
until grep -q "Maillon écoute sur" "$work/log" 2>/dev/null; do
  if grep -qi "impossible\|erreur" "$work/log" 2>/dev/null; then cat "$work/log"; exit 1; fi
  sleep 2
done
# Sending hours all day, so that "now" is now whenever the benchmark runs.
sql="UPDATE structures SET send_from_hour = 0, send_until_hour = 24"
if [ "$DB" = postgres ]; then psql -q "$url" -c "$sql"; fi
python3 - "$PORT" "$DB" "$url" "$sql" "$WORKERS" <<'PY'
import http.client, re, sqlite3, subprocess, sys, time, urllib.parse
port, db, url, sql, workers = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
def query(q):
    if db == "sqlite":
        c = sqlite3.connect(url, timeout=30)
        v = c.execute(q).fetchone()[0]
        c.close()
        return v
    return int(subprocess.check_output(["psql", "-tAq", url, "-c", q]).decode().strip() or 0)
if db == "sqlite":
    c = sqlite3.connect(url, timeout=30); c.execute(sql); c.commit(); c.close()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
def post(path, fields, cookie=""):
    c.request("POST", path, urllib.parse.urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "Cookie": cookie})
    r = c.getresponse(); r.read()
    return r
def get(path):
    t = time.perf_counter()
    c.request("GET", path, headers={"Cookie": cookie}); r = c.getresponse(); body = r.read()
    assert r.status == 200, (path, r.status)
    return time.perf_counter() - t, body
r = post("/connexion", {"email": "accueil@jeanferrat.test", "password": "maillon-demo-2026", "suite": "/tableau-de-bord"})
cookie = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
c.request("GET", "/tableau-de-bord", headers={"Cookie": cookie}); r = c.getresponse()
sid = re.search(r"/structures/([0-9a-f-]{36})", (r.getheader("Location") or "") + r.read().decode()).group(1)
r = post(f"/structures/{sid}/messages", {"subject": "Assemblée générale", "body": "L'assemblée générale aura lieu le 15 janvier.\n\nVenez nombreux.", "sms_text": "AG du centre le 15 janvier a 18h. Venez nombreux !", "purpose": "news", "segment_id": ""}, cookie)
path = r.getheader("Location").split("?")[0]
mid = path.rsplit("/", 1)[1]
took, body = get(path)
total = re.search(r"<strong>(\d+) personne\(s\)</strong>", body.decode()).group(1)
print(f"aperçu (destinataires et moyens de {total} personnes) : {took:.2f} s")
queued_before = query("SELECT COUNT(*) FROM emails WHERE status = 'queued'")
t = time.perf_counter()
r = post(f"{path}/envoyer", {"quand": "maintenant"}, cookie)
assert r.status == 303, r.status
while query(f"SELECT COUNT(*) FROM member_messages WHERE id = '{mid}' AND status = 'sent'") == 0:
    time.sleep(0.05)
planned = time.perf_counter() - t
n = {ch: query(f"SELECT COUNT(*) FROM message_deliveries WHERE message_id = '{mid}' AND channel = '{ch}'") for ch in ("email", "sms", "post", "phone", "none")}
print(f"planification ({sum(n.values())} livraisons : {n}) : {planned:.2f} s")
t = time.perf_counter()
while True:
    left = query(f"SELECT COUNT(*) FROM message_deliveries d JOIN emails e ON e.id = d.email_id WHERE d.message_id = '{mid}' AND e.status = 'queued'")
    if left == 0:
        break
    time.sleep(0.2)
sent = query(f"SELECT COUNT(*) FROM message_deliveries d JOIN emails e ON e.id = d.email_id WHERE d.message_id = '{mid}' AND e.status = 'sent'")
spent = time.perf_counter() - t
print(f"e-mails envoyés au puits SMTP : {sent} en {spent:.1f} s, soit {sent / spent:.0f} par seconde ({workers} workers)")
took, body = get(f"{path}/lettres")
letters = body.decode().count('class="letter"')
print(f"page d'impression de {letters} lettres : {took:.2f} s ({len(body) // 1024} Kio)")
took, _ = get(path)
print(f"page de suivi : {took:.2f} s")
PY
stop_demo
kill $sink 2>/dev/null || true
if [ "$DB" = postgres ]; then sleep 1; psql -q "$PG_ADMIN" -c "DROP DATABASE $name" >/dev/null; fi
rm -rf "$work"
