#!/usr/bin/env bash
# Runs every test: installs what the tests need (Debian packages, npm packages, the built UI), then the UI unit
# tests (Vitest) and the .NET suites (the browser tests drive Debian's chromium against ui/dist).
set -euo pipefail
cd "$(dirname "$0")"
./tools/install-deps.sh
(cd ui && npm test --silent)
dotnet test Preference.sln -c Release
