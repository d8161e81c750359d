#!/usr/bin/env bash
# `make run`: the web server and one job consumer (docs/jobs.md) together; Ctrl-C stops both,
# and either one stopping stops the other.
set -uo pipefail
cd "$(dirname "$0")/.."
FLASK=${FLASK:-.venv/bin/flask --app contracts_app}
PORT=${PORT:-5000}

$FLASK jobs worker --workers 1 &
worker=$!
$FLASK run --host 127.0.0.1 --port "$PORT" &
web=$!

stop() {
  trap - INT TERM EXIT
  kill -INT "$worker" 2>/dev/null  # SIGINT: the consumer finishes its current task first
  kill -TERM "$web" 2>/dev/null
  wait "$worker" "$web" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

wait -n "$worker" "$web"
