#!/bin/sh
# Starts Kamailio in the foreground on the mounted, rendered cfg after `kamailio -c` accepts it:
# a bad cfg stops the container with Kamailio's own error instead of a half-configured proxy.
set -eu
cfg=${KAMAILIO_CFG:-/etc/switchboard/rendered/kamailio.cfg}
if [ ! -s "$cfg" ]; then
  echo "kamailio-entrypoint: $cfg is missing: mount the output of \`switchboard render\` there" >&2
  exit 78
fi
kamailio -c -f "$cfg" >/tmp/kamailio-check.log 2>&1 || { cat /tmp/kamailio-check.log >&2; exit 78; }
mkdir -p "${KAMAILIO_RUNTIME_DIR:-/run/kamailio}"
# -DD: no fork to background, -E: log to stderr (the container runtime collects it)
exec kamailio -DD -E -f "$cfg" -Y "${KAMAILIO_RUNTIME_DIR:-/run/kamailio}" \
  -m "${KAMAILIO_SHM_MB:-1024}" -M "${KAMAILIO_PKG_MB:-32}" "$@"
