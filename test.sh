#!/usr/bin/env bash
# Runs every test: installs what the tests need (Debian packages, npm packages), then the .NET and UI test suites.
set -euo pipefail
cd "$(dirname "$0")"
./tools/install-deps.sh
dotnet test Preference.sln -c Release
