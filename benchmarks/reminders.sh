#!/usr/bin/env bash
# Reminder planning (docs/benchmarks.md): the demo, plus 20 sessions starting in 26 hours
# with 10,000 confirmed registrations that have an e-mail, half of them a mobile too (the
# demo structures send SMS); then `maillon remind` plans the reminders due and queues
# the e-mails and SMS, and says how long it took.
# Reminders are never planned at night (22:00–08:00, Europe/Paris): run it by day.
# Usage: benchmarks/reminders.sh [sqlite|postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-sqlite}"
PORT=8413
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
cargo build --release --locked -q
BIN="$PWD/target/release/maillon"
source benchmarks/lib.sh
work=$(mktemp -d)
url="$work/maillon-demo.db"
if [ "$DB" = postgres ]; then
  name="maillon_rembench_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $name" >/dev/null
  url="${PG_ADMIN%/*}/$name"
fi
start_demo "$work" "$work/log" DATABASE_URL="$url" MAILLON_ADDR="127.0.0.1:$PORT" MAILLON_LOG=warn MAILLON_WORKERS=0 --
until grep -q "écoute" "$work/log" 2>/dev/null; do sleep 1; done
stop_demo
sleep 2
start_date=$(TZ=Europe/Paris date -d '+26 hours' +%Y-%m-%d)
start_time=$(TZ=Europe/Paris date -d '+26 hours' +%H:00)
sql="INSERT INTO workshop_sessions (id, workshop_id, structure_id, date, start_time, end_time, capacity, seats_taken, animator, created_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
SELECT 'bench-s' || i, w.id, w.structure_id, '$start_date', '$start_time', '23:59', 500, 500, '', 0
FROM n, (SELECT id, structure_id FROM workshops ORDER BY id LIMIT 1) w;
INSERT INTO registrations (id, session_id, structure_id, name, phone, email, seats, needs, status, asked_at, token_hash, source, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
SELECT 'bench-r' || i, 'bench-s' || (1 + i % 20), w.structure_id, 'Personne ' || i,
  CASE WHEN i % 2 = 0 THEN '+336' || (10000000 + i) ELSE '' END, 'p' || i || '@example.fr', 1, '', 'confirmee', 0, 'bench-t' || i, 'public', 0, 0
FROM n, (SELECT structure_id FROM workshops ORDER BY id LIMIT 1) w;"
if [ "$DB" = postgres ]; then
  psql -q "$url" -c "$sql" >/dev/null
else
  python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" "$url" "$sql"
fi
echo "$DB, sessions on $start_date at $start_time (Paris):"
DATABASE_URL="$url" MAILLON_LOG=warn "$BIN" remind
DATABASE_URL="$url" MAILLON_LOG=warn "$BIN" remind
[ "$DB" = postgres ] && psql -q "$PG_ADMIN" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
rm -rf "$work"
