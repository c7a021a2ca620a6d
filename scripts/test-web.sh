#!/usr/bin/env bash
# Runs the web dashboard's unit tests (Vitest) and writes a JUnit report to $1/vitest-junit.xml.
# Usage: scripts/test-web.sh RESULTS_DIR    Exit status: non-zero when a test fails or the tests cannot run.
set -euo pipefail
results="${1:?usage: scripts/test-web.sh RESULTS_DIR}"
mkdir -p "$results"
results="$(cd "$results" && pwd)"
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../web"
command -v npm >/dev/null || { echo "npm is missing: install Node.js 20.19+ and npm (apt-get install nodejs npm)" >&2; exit 1; }
# Same rule as the server build: reinstall only when the lock file is newer than the installed tree.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi
exec npx --no-install vitest run --reporter=default --reporter=junit --outputFile.junit="$results/vitest-junit.xml"
