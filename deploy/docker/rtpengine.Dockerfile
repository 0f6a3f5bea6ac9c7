# syntax=docker/dockerfile:1
# RTPengine from Debian bookworm's rtpengine-daemon, userspace forwarding (table = -1 in the
# rendered conf: no kernel module in a container). The conf is rendered by `switchboard render` and
# mounted at /etc/switchboard/rendered/rtpengine.conf. Host networking is required: RTP uses the
# whole port-min..port-max UDP range and SDP must carry the address peers really reach.
#   docker build -f deploy/docker/rtpengine.Dockerfile -t switchboard/rtpengine deploy/docker
FROM debian:bookworm-slim
# the system user is created first with a fixed uid (the package's postinst reuses it), so that
# Kubernetes' runAsNonRoot/runAsUser can check a numeric USER
RUN groupadd --system --gid 10011 rtpengine \
 && useradd --system --uid 10011 --gid 10011 --home-dir /run/rtpengine --no-create-home --shell /usr/sbin/nologin rtpengine \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rtpengine-daemon curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /run/rtpengine /var/spool/rtpengine /etc/switchboard/rendered \
 && chown rtpengine:rtpengine /run/rtpengine \
 && chown 10011:10001 /var/spool/rtpengine && chmod 2770 /var/spool/rtpengine
# the spool is shared with the control plane (gid 10001), which collects and seals the pcaps:
# setgid keeps new recordings in its group
COPY rtpengine-entrypoint.sh /usr/local/bin/rtpengine-entrypoint
# the package's system user: RTP ports are above 1024 and userspace forwarding needs no capability;
# recordings go to /var/spool/rtpengine (mount a volume there)
USER 10011:10011
ENV RTPENGINE_CONF=/etc/switchboard/rendered/rtpengine.conf \
    RTPENGINE_METRICS_URL=http://127.0.0.1:22224/metrics
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -m 2 "$RTPENGINE_METRICS_URL" >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/rtpengine-entrypoint"]
