#!/usr/bin/env bash
# Installs what is needed, then runs the main job on the bundled stories260K model.
set -euo pipefail
cd "$(dirname "$0")"
./tools/install-deps.sh
dotnet run --project src/Preference.Cli -c Release -- generate --prompt "Once upon a time" --max-new-tokens 64 "$@"
