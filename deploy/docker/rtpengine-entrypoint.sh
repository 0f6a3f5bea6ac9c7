#!/bin/sh
# Starts rtpengine in the foreground on the mounted, rendered conf.
set -eu
conf=${RTPENGINE_CONF:-/etc/switchboard/rendered/rtpengine.conf}
if [ ! -s "$conf" ]; then
  echo "rtpengine-entrypoint: $conf is missing: mount the output of \`switchboard render\` there" >&2
  exit 78
fi
exec rtpengine --config-file="$conf" --foreground --log-stderr "$@"
