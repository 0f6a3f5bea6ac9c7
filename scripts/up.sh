#!/usr/bin/env bash
# npm run up: brings the whole platform up on loopback, on the embedded database.
#   SIP 127.0.0.1:5060 (UDP+TCP) → Kamailio → lookups → control plane (API 127.0.0.1:8080, JSON-RPC 8089)
#   media → RTPengine (ng 127.0.0.1:22222, RTP 30000-39999)
# State lives in var/: the database (var/data), rendered configs, pids and logs (var/run).
# Stop everything with `npm run down`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run=$root/var/run
mkdir -p "$run" "$root/var/data" "$root/var/log" "$root/var/recordings"

bash scripts/setup.sh

# Anything of ours still running? Start clean.
bash scripts/down.sh >/dev/null 2>&1 || true
ports="5060 8080 8089 22222"
[[ ${SIP_TLS_ENABLED:-false} == true ]] && ports="$ports 5061"
for port in $ports; do
  if ss -Hlntu "sport = :$port" | grep -q .; then
    echo "up: port $port is already in use by another program (a system kamailio or rtpengine?): stop it first" >&2
    ss -Hlntup "sport = :$port" >&2 || true
    exit 1
  fi
done

export DATA_DIR=$root/var/data
export KAMAILIO_RUNTIME_DIR=$run/kamailio
export RTPENGINE_RECORDING_DIR=$root/var/recordings
mkdir -p "$run/rtpengine"
# the static emergency route used when the control plane is unreachable (matches the demo seed)
export EMERGENCY_NUMBERS=${EMERGENCY_NUMBERS:-112,15,17,18}
export EMERGENCY_TRUNK_URI=${EMERGENCY_TRUNK_URI:-sip:127.0.0.1:5091}
mkdir -p "$KAMAILIO_RUNTIME_DIR"

# SIP over TLS (SIP_TLS_ENABLED=true, listener SIP_TLS_LISTEN, default tls:127.0.0.1:5061): without
# SIP_TLS_CERT/SIP_TLS_KEY a self-signed development pair is made once in var/run/tls/ and reused
# (phones that pinned it keep working); the key is readable by its owner only.
if [[ ${SIP_TLS_ENABLED:-false} == true && -z ${SIP_TLS_CERT:-} ]]; then
  tls_dir=$run/tls
  if [[ ! -s $tls_dir/cert.pem || ! -s $tls_dir/key.pem ]]; then
    mkdir -p "$tls_dir" && chmod 700 "$tls_dir"
    tls_host=${SIP_TLS_LISTEN:-tls:127.0.0.1:5061}; tls_host=${tls_host#tls:}; tls_host=${tls_host%:*}
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$tls_host" \
      -addext "subjectAltName=IP:$tls_host" -keyout "$tls_dir/key.pem" -out "$tls_dir/cert.pem" 2>/dev/null) \
      || { echo "up: openssl could not generate the development TLS certificate" >&2; exit 1; }
    chmod 600 "$tls_dir/key.pem" && chmod 644 "$tls_dir/cert.pem"
    echo "up: generated a self-signed SIP TLS certificate in $tls_dir (development only)"
  fi
  export SIP_TLS_CERT=$tls_dir/cert.pem SIP_TLS_KEY=$tls_dir/key.pem
fi

echo "up: rendering configs into $run"
scripts/switchboard render --out "$run" >/dev/null
scripts/switchboard check >/dev/null || { echo "up: the rendered kamailio.cfg does not pass kamailio -c" >&2; exit 1; }

echo "up: starting the control plane (API 127.0.0.1:8080)"
BOOTSTRAP_ADMIN_KEY_FILE=$run/admin.key nohup node_modules/.bin/tsx control-plane/src/server.ts >"$root/var/log/control-plane.log" 2>&1 &
echo $! >"$run/control-plane.pid"

# Kamailio connects to the control plane's JSON-RPC listener at start and backs off between attempts:
# start it once the control plane listens, so the first REGISTER does not meet a 503.
for _ in $(seq 1 60); do
  curl -fsS http://127.0.0.1:8080/health/live >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS http://127.0.0.1:8080/health/live >/dev/null || { echo "up: the control plane did not start; see var/log/control-plane.log" >&2; tail -5 "$root/var/log/control-plane.log" >&2; exit 1; }
echo "up: starting RTPengine (ng 127.0.0.1:22222)"
nohup rtpengine --config-file="$run/rtpengine.conf" --foreground --log-stderr >"$root/var/log/rtpengine.log" 2>&1 &
echo $! >"$run/rtpengine.pid"

echo "up: starting Kamailio (SIP 127.0.0.1:5060)"
nohup kamailio -DD -E -f "$run/kamailio.cfg" -Y "$KAMAILIO_RUNTIME_DIR" -m 1024 -M 32 >"$root/var/log/kamailio.log" 2>&1 &
echo $! >"$run/kamailio.pid"

for _ in $(seq 1 20); do [[ -s $run/admin.key ]] && break; sleep 0.25; done
if [[ -s $run/admin.key ]]; then
  SWITCHBOARD_API_KEY=$(cat "$run/admin.key") scripts/switchboard seed-demo
fi

# ready when the control plane says so and sees Kamailio and RTPengine up
ready=000
for _ in $(seq 1 40); do
  body=$(curl -s -w ' %{http_code}' http://127.0.0.1:8080/health/ready || true)
  ready=${body##* }
  [[ $ready == 200 && $body == *'"kamailio":{"status":"up"'* && $body == *'"rtpengine":{"status":"up"'* ]] && break
  sleep 0.5
done

cat <<TXT

Switchboard is up (health/ready: HTTP $ready).
  SIP        127.0.0.1:5060 (UDP and TCP), domain 127.0.0.1$([[ ${SIP_TLS_ENABLED:-false} == true ]] && printf '\n  SIP TLS    %s (certificate %s)' "${SIP_TLS_LISTEN:-tls:127.0.0.1:5061}" "$SIP_TLS_CERT")
  API        http://127.0.0.1:8080/api/v1   OpenAPI: http://127.0.0.1:8080/docs
  Admin key  $run/admin.key (created on first boot; use it as "Authorization: Bearer <key>")
  Logs       var/log/{control-plane,kamailio,rtpengine}.log

Next:
  1. Register a softphone: server 127.0.0.1, user 1001, password alice-demo-pass
     (and a second one as 1002 / bob-demo-pass).
  2. From 1001, call 1002.
  3. Ask why a call goes where it goes:
     SWITCHBOARD_API_KEY=\$(cat var/run/admin.key) scripts/switchboard route explain --from 1001 --to 0123456789 --domain 127.0.0.1
Stop everything with: npm run down
TXT
