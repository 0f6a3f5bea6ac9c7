#!/bin/sh
# Starts rtpengine in the foreground on the mounted, rendered conf.
set -eu
conf=${RTPENGINE_CONF:-/etc/switchboard/rendered/rtpengine.conf}
if [ ! -s "$conf" ]; then
  echo "rtpengine-entrypoint: $conf is missing: mount the output of \`switchboard render\` there" >&2
  exit 78
fi
# RTPENGINE_INTERFACE_OVERRIDE (e.g. "$(HOST_IP)" from the Kubernetes downward API, or
# "private!public") replaces the rendered interface: one ConfigMap serves every media node
if [ -n "${RTPENGINE_INTERFACE_OVERRIDE:-}" ]; then
  sed "s|^interface = .*|interface = ${RTPENGINE_INTERFACE_OVERRIDE}|" "$conf" >/tmp/rtpengine.conf
  conf=/tmp/rtpengine.conf
fi
exec rtpengine --config-file="$conf" --foreground --log-stderr "$@"
