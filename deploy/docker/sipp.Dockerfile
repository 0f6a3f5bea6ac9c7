# syntax=docker/dockerfile:1
# SIPp (Debian's sip-tester) for the compose `sipp` profile: runs the smoke scenario against the
# stack on the host network. Scenarios are mounted from tests/sipp/scenarios.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sip-tester \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10003 --no-create-home --shell /usr/sbin/nologin sipp
COPY sipp-smoke.sh /usr/local/bin/sipp-smoke
USER 10003
ENTRYPOINT ["/usr/local/bin/sipp-smoke"]
