#!/usr/bin/env bash
# Installs what Switchboard needs on a Debian/Ubuntu machine, idempotently: a second run only checks.
#   scripts/setup.sh               what `npm run up` needs (Kamailio, RTPengine, SIPp, npm deps)
#   scripts/setup.sh --for-tests   also PostgreSQL and Redis running on loopback, and the test role
# Run as root (or with sudo available). Debian's packages only; nothing is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

FOR_TESTS=0
[[ "${1:-}" == "--for-tests" ]] && FOR_TESTS=1
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
log() { printf 'setup: %s\n' "$*" >&2; }

# ---- Node.js: the one thing we cannot install from Debian's archive on every release
if ! command -v node >/dev/null || [[ $(node -p 'process.versions.node.split(".")[0]') -lt 20 ]]; then
  log "Node.js >= 20 is required (found: $(node -v 2>/dev/null || echo none)). On Debian 13 / Ubuntu 24.04: apt-get install nodejs npm"
  exit 1
fi

# ---- Debian packages
KAMAILIO_MODULES=/usr/lib/x86_64-linux-gnu/kamailio/modules
[[ -d $KAMAILIO_MODULES ]] || KAMAILIO_MODULES=$(dirname "$(find /usr/lib -name tm.so -path '*kamailio*' 2>/dev/null | head -1)" 2>/dev/null || echo /nonexistent)
packages=()
command -v kamailio >/dev/null || packages+=(kamailio)
[[ -f $KAMAILIO_MODULES/janssonrpcc.so && -f $KAMAILIO_MODULES/rtjson.so ]] || packages+=(kamailio-json-modules kamailio-utils-modules)
[[ -f $KAMAILIO_MODULES/xhttp_prom.so ]] || packages+=(kamailio-extra-modules)
[[ -f $KAMAILIO_MODULES/tls.so ]] || packages+=(kamailio-tls-modules)
# db_redis: registrations persisted across a Kamailio restart (KAMAILIO_USRLOC_DB_URL)
[[ -f $KAMAILIO_MODULES/db_redis.so ]] || packages+=(kamailio-redis-modules)
command -v rtpengine >/dev/null || packages+=(rtpengine-daemon)
command -v sipp >/dev/null || packages+=(sip-tester)
command -v openssl >/dev/null || packages+=(openssl)
if ((FOR_TESTS)); then
  command -v pg_ctlcluster >/dev/null || packages+=(postgresql)
  command -v redis-server >/dev/null || packages+=(redis-server)
  command -v psql >/dev/null || packages+=(postgresql-client)
  command -v rabbitmq-server >/dev/null || packages+=(rabbitmq-server)
  command -v promtool >/dev/null || packages+=(prometheus)
  # deployment validation (tests/deploy): Ansible, its linters, Compose 1.29 for `config` without an engine
  command -v ansible-playbook >/dev/null || packages+=(ansible-core)
  command -v ansible-lint >/dev/null || packages+=(ansible-lint)
  command -v yamllint >/dev/null || packages+=(yamllint)
  command -v docker-compose >/dev/null || packages+=(docker-compose)
fi
if ((${#packages[@]})); then
  log "installing ${packages[*]}"
  # Packages must not start their own daemons (a system Kamailio or rtpengine would take our ports):
  # policy-rc.d answering 101 forbids it for the duration of the install.
  had_policy=0; [[ -e /usr/sbin/policy-rc.d ]] && had_policy=1
  ((had_policy)) || { printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d; }
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
  ((had_policy)) || $SUDO rm -f /usr/sbin/policy-rc.d
fi

# ---- npm dependencies and the generated Prisma client
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
# (again when the generator script changed: it patches how the client loads its WebAssembly)
GENERATED=control-plane/src/generated/prisma/internal/class.ts
if [[ ! -f $GENERATED || prisma/schema.prisma -nt $GENERATED || scripts/db/generate-client.mjs -nt $GENERATED ]]; then
  log "generating the Prisma client"
  node scripts/db/generate-client.mjs >/dev/null
fi

((FOR_TESTS)) || exit 0

# ---- PostgreSQL on 127.0.0.1:5432 with a role the tests use (works with trust, md5 or scram auth)
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! PGPASSWORD=switchboard psql -h 127.0.0.1 -U switchboard -d switchboard -tAc 'SELECT 1' >/dev/null 2>&1; then
  log "creating the PostgreSQL role and database 'switchboard'"
  as_postgres psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchboard') THEN
    CREATE ROLE switchboard LOGIN CREATEDB PASSWORD 'switchboard';
  ELSE
    ALTER ROLE switchboard LOGIN CREATEDB PASSWORD 'switchboard';
  END IF;
END $$;
SQL
  as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'switchboard'" | grep -q 1 || as_postgres createdb -O switchboard switchboard
fi

# ---- Redis on 127.0.0.1:6379
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
# ---- RabbitMQ on 127.0.0.1:5672 (guest/guest works from loopback): the outbox's AMQP tests
amqp_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
if ! amqp_up; then
  log "starting RabbitMQ"
  if [[ $(id -u) -eq 0 ]]; then runuser -u rabbitmq -- rabbitmq-server -detached >/dev/null 2>&1 || true
  else sudo -u rabbitmq rabbitmq-server -detached >/dev/null 2>&1 || true; fi
  for _ in $(seq 1 60); do amqp_up && break; sleep 1; done
  amqp_up || log "warning: RabbitMQ did not come up on 127.0.0.1:5672"
fi
log "ready"
