# syntax=docker/dockerfile:1
# Kamailio 5.6 from Debian bookworm's packages, with the modules the rendered cfg loads (json:
# janssonrpcc/rtjson; utils; extra: xhttp_prom; tls). The image carries no config and no Node: the
# cfg is rendered by `switchboard render` (control-plane image, Ansible, or the Kubernetes ConfigMap)
# and mounted at /etc/switchboard/rendered/kamailio.cfg; the entrypoint refuses to start on a cfg
# that fails `kamailio -c`. Run it with host networking (docs/deploy.md: Via/Contact addresses).
#   docker build -f deploy/docker/kamailio.Dockerfile -t switchboard/kamailio deploy/docker
FROM debian:bookworm-slim
# the system user is created first with a fixed uid (the package's postinst reuses it), so that
# Kubernetes' runAsNonRoot/runAsUser can check a numeric USER
RUN groupadd --system --gid 10010 kamailio \
 && useradd --system --uid 10010 --gid 10010 --home-dir /run/kamailio --no-create-home --shell /usr/sbin/nologin kamailio \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      kamailio kamailio-json-modules kamailio-utils-modules kamailio-extra-modules kamailio-tls-modules \
      curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /run/kamailio /etc/switchboard/rendered \
 && chown kamailio:kamailio /run/kamailio
COPY kamailio-entrypoint.sh /usr/local/bin/kamailio-entrypoint
# the package's system user; SIP ports are above 1024 so no capability is needed
USER 10010:10010
ENV KAMAILIO_CFG=/etc/switchboard/rendered/kamailio.cfg \
    KAMAILIO_RUNTIME_DIR=/run/kamailio \
    KAMAILIO_SHM_MB=1024 \
    KAMAILIO_PKG_MB=32 \
    KAMAILIO_RPC_URL=http://127.0.0.1:5071/RPC
# the RPC listener answers loopback only, which is the container's own with host networking
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -m 2 -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","method":"core.version","id":1}' "$KAMAILIO_RPC_URL" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/kamailio-entrypoint"]
