#!/usr/bin/env bash
# npm run down: stops what `npm run up` started (and only that), using the pid files in var/run.
set -uo pipefail
cd "$(dirname "$0")/.."
run=var/run
for name in kamailio rtpengine control-plane; do
  pidfile=$run/$name.pid
  [[ -f $pidfile ]] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "down: stopped $name ($pid)"
  fi
  rm -f "$pidfile"
done
exit 0
