#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, in a folder of its own, for `make test` and `make bench`.
#
# Sourced (scripts/test.sh): defines PGBIN, as_pg, pg_cluster_start DIR PORT DBNAME and
# pg_cluster_stop DIR; the caller owns DIR (and removes it).
# Run:  bash scripts/pg_cluster.sh CMD [ARGS...]  starts a cluster on a free port in a
# temporary folder, runs CMD with PG_CLUSTER_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/contracts
# and stops the cluster and removes the folder however CMD ends; exits with CMD's status.

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_pg() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cluster_start() {  # DIR PORT DBNAME
  local dir=$1 port=$2 name=$3
  [ -n "$PGBIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  # No fsync: the cluster is thrown away, and tests and benchmarks compare like with like.
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null || return 1
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { cat "$dir/postgres.log"; return 1; }
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name" || return 1
}

pg_cluster_stop() {  # DIR
  as_pg "$PGBIN/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1
}

pg_free_port() {
  "${PYTHON:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  [ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
  pg_dir=$(mktemp -d)
  pg_port=$(pg_free_port)
  trap 'pg_cluster_stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
  pg_cluster_start "$pg_dir" "$pg_port" contracts || exit 1
  PG_CLUSTER_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/contracts" "$@"
  exit $?
fi
