#!/bin/sh
# `switchboard <command>` inside the control-plane image: the compiled CLI (no tsx at run time).
exec node /app/dist/control-plane/src/cli/index.js "$@"
