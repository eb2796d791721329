#!/usr/bin/env bash
# The README's first command: install what is missing, then run the whole system through the AppHost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
exec dotnet run --project ContentPlatform.AppHost -- "$@"
