#!/usr/bin/env bash
# The whole suite twice: on SQLite, then on a throwaway PostgreSQL cluster on loopback.
# Installs Debian's chromium and postgresql first when they are missing and we are root.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${need[*]} from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
      || { echo "could not install ${need[*]}"; exit 1; }
  else
    echo "Missing ${need[*]}: install them (apt-get install ${need[*]}) or run make test as root." >&2
    exit 1
  fi
fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
tmp=$(mktemp -d)
as_pg() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
port=$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_cluster() {
  as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap stop_cluster EXIT

as_pg "$PGBIN/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null || exit 1
as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/postgres.log" -w start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || { cat "$tmp/postgres.log"; exit 1; }
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres contracts_test || exit 1

echo "== Test suite on SQLite"
$BIN/python -m pytest "$@"
sqlite_status=$?
echo "== Test suite on PostgreSQL (127.0.0.1:$port)"
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/contracts_test" $BIN/python -m pytest "$@"
postgres_status=$?

if [ $sqlite_status -ne 0 ] || [ $postgres_status -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_status, PostgreSQL exit $postgres_status"
  exit 1
fi
echo "Both databases passed."
