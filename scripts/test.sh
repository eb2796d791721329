#!/usr/bin/env bash
# The README's second command: install what is missing, build, run every test, and end with the totals line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh --tests || exit 1

# The real socket.io-client the Socket.IO tests run (versions pinned in its package.json; no lock file is written).
socketio_client=ContentPlatform.Tests/SocketIO/node
if [ ! -d "$socketio_client/node_modules/socket.io-client" ]; then
  (cd "$socketio_client" && npm install --no-audit --no-fund --no-package-lock) || exit 1
fi

# Redocly CLI, pinned, for the OpenAPI lint test (ContentPlatform.Tests/OpenApi), in a folder git ignores (.tools/).
redocly_version=2.77.0
if [ "$(.tools/redocly/node_modules/.bin/redocly --version 2>/dev/null)" != "$redocly_version" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm (Node.js 20 or later) is required to install Redocly CLI for the OpenAPI lint test." >&2; exit 1; }
  npm install --prefix .tools/redocly --no-save --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" || exit 1
fi

results="$(pwd)/TestResults"
rm -rf "$results"

dotnet build ContentPlatform.sln -c Release -nologo -v quiet || exit 1
dotnet test ContentPlatform.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

# Sum the counters of every test assembly's TRX file into one plain line CI can read.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(( $(get failed) + $(get error) + $(get timeout) + $(get aborted) ))
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - executed))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$status" -ne 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
