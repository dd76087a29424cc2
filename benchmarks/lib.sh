# Shared by the benchmark scripts (sourced): start the demo server and stop exactly that
# process, by its PID — never by a name pattern, which could stop another Maillon.
#
#   start_demo DIR LOG [VAR=value …] -- [demo arguments …]   sets DEMO_PID
#   stop_demo                                                 SIGINT, then waits for it
# BIN must point at the maillon binary.

start_demo() {
  local dir=$1 log=$2
  shift 2
  local vars=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    vars+=("$1")
    shift
  done
  [ "$#" -gt 0 ] && shift
  # `exec` twice (the subshell, then env): $! is the server's own PID.
  (cd "$dir" && exec env "${vars[@]}" "$BIN" demo "$@") >"$log" 2>&1 &
  DEMO_PID=$!
}

stop_demo() {
  if [ -n "${DEMO_PID:-}" ]; then
    kill -INT "$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
    DEMO_PID=
  fi
}

#   new_database DB SQLITE_URL   sets DB_URL: a new PostgreSQL database when DB=postgres,
#                                else SQLITE_URL ('' for the demo's own file)
#   drop_database                drops the PostgreSQL database made by new_database
PG_ADMIN="${MAILLON_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"

new_database() {
  DB_URL="$2"
  BENCH_PG_NAME=""
  if [ "$1" = postgres ]; then
    BENCH_PG_NAME="maillon_bench_$$"
    psql -q "$PG_ADMIN" -c "CREATE DATABASE $BENCH_PG_NAME" >/dev/null
    DB_URL="${PG_ADMIN%/*}/$BENCH_PG_NAME"
  fi
}

drop_database() {
  if [ -n "${BENCH_PG_NAME:-}" ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE $BENCH_PG_NAME WITH (FORCE)" >/dev/null
    BENCH_PG_NAME=""
  fi
}
