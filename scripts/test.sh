#!/usr/bin/env bash
# The whole suite twice: on SQLite, then on a throwaway PostgreSQL cluster on loopback.
# Installs Debian's chromium, postgresql and redis-server first when they are missing and we are root.
# A throwaway Redis on loopback serves the job queue's Redis test (TEST_REDIS_URL).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)  # the job queue's Redis test path
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

source scripts/pg_cluster.sh  # PGBIN, as_pg, pg_cluster_start, pg_cluster_stop (make bench uses it too)
tmp=$(mktemp -d)
port=$(PYTHON=$BIN/python pg_free_port)
redis_tmp=$(mktemp -d)
stop_cluster() {
  pg_cluster_stop "$tmp"
  rm -rf "$tmp"
  [ -f "$redis_tmp/redis.pid" ] && kill "$(cat "$redis_tmp/redis.pid")" 2>/dev/null
  rm -rf "$redis_tmp"
}
trap stop_cluster EXIT

pg_cluster_start "$tmp" "$port" contracts_test || exit 1

# A throwaway Redis on loopback for the job queue's Redis test (tests/jobs), stopped at exit.
redis_port=$(PYTHON=$BIN/python pg_free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$redis_tmp" \
  --daemonize yes --pidfile "$redis_tmp/redis.pid" --logfile "$redis_tmp/redis.log" || exit 1
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"

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
