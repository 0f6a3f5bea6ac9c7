#!/bin/sh
# Smoke test of a running stack: the demo extension 1001 REGISTERs with digest auth (401 then 200).
# That one transaction crosses Kamailio, the control plane's JSON-RPC auth lookup and the database.
# Exit status is SIPp's: 0 when the scenario passed.
set -eu
target=${SIP_TARGET:-127.0.0.1:5060}
domain=${SIP_DOMAIN:-127.0.0.1}
dir=${SCENARIOS:-/scenarios}
work=$(mktemp -d)
printf 'SEQUENTIAL\n%s;%s\n' "${SIP_USER:-1001}" "$domain" >"$work/users.csv"
# the password is the public demo one printed by `npm run up` (seed-demo), never a real credential
exec sipp "$target" -sf "$dir/register_ok.xml" -inf "$work/users.csv" \
  -au "${SIP_USER:-1001}" -ap "${SIP_PASSWORD:-alice-demo-pass}" -key expires 600 \
  -i 127.0.0.1 -p "${SIPP_LOCAL_PORT:-5070}" -t u1 -m 1 -r 1 -timeout 20s -timeout_error -nostdin
