#!/usr/bin/env bash
# Installs what the system needs on a Debian/Ubuntu machine when it is missing: PostgreSQL and Redis
# server binaries (run by the AppHost and the tests as child processes, never as system services); with --tests,
# also what only the tests need.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if [ "${1:-}" = "--tests" ]; then
  # The Socket.IO tests: socket.io-client runs in Node, the browser test in Debian's headless Chromium.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net); install it and run this again." >&2
  exit 1
fi
