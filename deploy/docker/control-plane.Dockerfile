# syntax=docker/dockerfile:1
# The Switchboard control plane: API, Kamailio's JSON-RPC lookups, and the `switchboard` CLI that
# renders kamailio.cfg/rtpengine.conf (the Kamailio and RTPengine images carry no Node: the configs
# are rendered by this image, see docs/deploy.md). Build from the repository root:
#   docker build -f deploy/docker/control-plane.Dockerfile -t switchboard/control-plane .
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dev dependencies, the generated Prisma client, tsc into dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install hook may download engines; the client is generated explicitly below
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY control-plane/src ./control-plane/src
COPY control-plane/types ./control-plane/types
COPY scripts/db/generate-client.mjs ./scripts/db/
# prisma generate (without the schema engine: migrations are plain SQL), then the client reads its
# WebAssembly from its file (less memory); see the script
RUN node scripts/db/generate-client.mjs && npm run build

# ---- production dependencies only, resolved from the same lock file
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    CP_JSONRPC_HOST=0.0.0.0 \
    CP_JSONRPC_PORT=8089 \
    DATA_DIR=/var/lib/switchboard
WORKDIR /app
# a fixed uid/gid so Kubernetes' runAsUser and volume ownership can name it
RUN groupadd --system --gid 10001 switchboard \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/switchboard --shell /usr/sbin/nologin switchboard \
 && mkdir -p /var/lib/switchboard /etc/switchboard/rendered \
 && chown 10001:10001 /var/lib/switchboard /etc/switchboard/rendered
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# the migration runner looks for prisma/migrations four levels above dist/control-plane/src/db
COPY prisma/migrations ./prisma/migrations
# the renderer looks for its templates four levels above dist/control-plane/src/modules/config-render
COPY kamailio/templates ./kamailio/templates
COPY rtpengine/rtpengine.conf.hbs ./rtpengine/rtpengine.conf.hbs
COPY deploy/docker/switchboard-cli.sh /usr/local/bin/switchboard
USER 10001:10001
EXPOSE 8080 8089
# liveness only (the process answers); readiness (database, Redis) is the orchestrator's probe
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# migrations are a separate step (`switchboard migrate`: an init container, a compose one-shot or
# an Ansible task), so that N replicas never race on the schema
# --max-semi-space-size=1: the young generation stays at 2 MB under load (see control-plane/src/runtime-flags.ts)
CMD ["node", "--max-semi-space-size=1", "dist/control-plane/src/server.js"]
