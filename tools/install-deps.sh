#!/usr/bin/env bash
# Installs the system packages the project needs on Debian 12. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dotnet >/dev/null; then
  echo "error: the .NET 10 SDK is required (https://dot.net); install it and run this again" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ -f ui/package.json ]; then
  # The web app the server serves and the browser tests drive; Playwright must never download browsers here.
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build)
fi
