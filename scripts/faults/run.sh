#!/usr/bin/env bash
# Runs the fault-injection scenarios and prints their counts (one line each, plus any failed assertion).
#   scripts/faults/run.sh                    all of them, short versions (the same files CI runs)
#   scripts/faults/run.sh --full             the full versions (FAULT_FULL=1: PostgreSQL and Redis cut
#                                            30 s, the control-plane kill under longer traffic, a 20 s hang)
#   scripts/faults/run.sh [--full] redis     some of them, by name
# (a) active control plane closed (SIGTERM path)  failover   tests/e2e/failover.test.ts
#     active control plane SIGKILLed / SIGSTOPped kill       tests/faults/control-plane-kill.test.ts
# (b) PostgreSQL cut through a proxy              postgres   tests/faults/postgres-outage.test.ts
# (c) Redis cut through a proxy                   redis      tests/faults/redis-outage.test.ts
# (d) rtpengine stopped                           rtpengine  tests/e2e/media.test.ts ("rtpengine down: …")
# (e) malformed SIP corpus                        malformed  tests/faults/malformed-sip.test.ts
# Exit status: 1 if any scenario failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
declare -A files=(
  [failover]=tests/e2e/failover.test.ts
  [kill]=tests/faults/control-plane-kill.test.ts
  [postgres]=tests/faults/postgres-outage.test.ts
  [redis]=tests/faults/redis-outage.test.ts
  [rtpengine]=tests/e2e/media.test.ts
  [malformed]=tests/faults/malformed-sip.test.ts
)
order=(failover kill postgres redis rtpengine malformed)
if [[ "${1:-}" == "--full" ]]; then
  export FAULT_FULL=1
  shift
fi
sel=("$@")
[[ ${#sel[@]} -eq 0 ]] && sel=("${order[@]}")
echo "# faults: $(date -u +%FT%TZ) FAULT_FULL=${FAULT_FULL:-0} $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for name in "${sel[@]}"; do
  file=${files[$name]:-}
  if [[ -z "$file" ]]; then
    echo "unknown scenario '$name' (one of: ${order[*]})" >&2
    exit 2
  fi
  echo "== $name ($file)"
  start=$(date +%s)
  out=$(npx tap "$file" --disable-coverage -R tap 2>&1)
  rc=$?
  grep -E "^\s*# (failover:|[a-zA-Z-]+ (outage|kill|hang|stopped) counts|malformed SIP counts)|^\s*not ok|^# \{" <<<"$out"
  echo "   exit $rc in $(($(date +%s) - start)) s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  [[ $rc -ne 0 ]] && status=1
done
exit $status
