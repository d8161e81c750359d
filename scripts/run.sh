#!/usr/bin/env bash
# `make run`: the web server and one job consumer (docs/jobs.md) together; Ctrl-C stops both,
# and either one stopping stops the other.
set -uo pipefail
cd "$(dirname "$0")/.."
FLASK=${FLASK:-.venv/bin/flask --app contracts_app}
PORT=${PORT:-5000}

# One worker process per core: the every-SLA job's shares are rendered by the consumers' workers
# (issue #33), so a consumer with one worker would use one core.
$FLASK jobs worker --worker-type process --workers "${JOB_WORKERS:-$(nproc)}" &
worker=$!
$FLASK run --host 127.0.0.1 --port "$PORT" &
web=$!

stop() {
  trap - INT TERM EXIT
  # SIGTERM: the consumer's running job stops at its next step and goes back on the queue (the
  # next start resumes it); its worker processes stop with it. It has 30 s for that.
  kill -TERM "$worker" 2>/dev/null
  kill -TERM "$web" 2>/dev/null
  for _ in $(seq 40); do
    kill -0 "$worker" 2>/dev/null || break
    sleep 1
  done
  kill -KILL "$worker" 2>/dev/null  # still there: its job is resumed by the next consumer that starts
  wait "$worker" "$web" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

wait -n "$worker" "$web"
