#!/usr/bin/env bash
# Runs the fault-injection scenarios (short versions, the same files CI runs) and prints their counts.
#   scripts/faults/run.sh            all of them
#   scripts/faults/run.sh postgres   one (failover | postgres | malformed)
# (a) kill the active control plane   tests/e2e/failover.test.ts
# (b) PostgreSQL cut through a proxy  tests/faults/postgres-outage.test.ts
# (d) rtpengine stopped               tests/e2e/media.test.ts ("rtpengine stopped: 503 …")
# (e) malformed SIP corpus            tests/faults/malformed-sip.test.ts
# (c) Redis cut: not scripted yet (see docs/runbook.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
declare -A files=([failover]=tests/e2e/failover.test.ts [postgres]=tests/faults/postgres-outage.test.ts [malformed]=tests/faults/malformed-sip.test.ts)
sel=("${@:-failover postgres malformed}")
for name in ${sel[@]}; do
  echo "== $name (${files[$name]})"
  npx tap "${files[$name]}" --disable-coverage -R tap 2>&1 | grep -E "^\s*# (failover|postgres outage counts|malformed SIP counts)|^\s*not ok|^# \{" || true
done
