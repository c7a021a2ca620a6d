#!/usr/bin/env bash
# Tests of the Python client (clients/python): a venv with Debian's torch/numpy/psutil/pytest visible
# (--system-site-packages), the package installed into it by pip from the checkout (no network), then pytest against
# the vigil serve the .NET build produced. Writes RESULTS/python-junit.xml. Usage: scripts/test-python.sh RESULTS_DIR
set -uo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
cd "$VIGIL_ROOT"
results="${1:-$VIGIL_BUILD/test-results}"; mkdir -p "$results"
venv="$VIGIL_BUILD/pyvenv"
if [ ! -x "$venv/bin/python" ] && ! /usr/bin/python3 -m venv --system-site-packages "$venv"; then
  echo "could not create a Python venv (install python3-venv)"; exit 1
fi
log=$(mktemp)
if ! "$venv/bin/pip" install -q --no-index --no-build-isolation ./clients/python >"$log" 2>&1; then
  cat "$log"; rm -f "$log"; echo "pip could not install ./clients/python"; exit 1
fi
rm -f "$log"; rm -rf clients/python/build
VIGIL_CLI_DLL="${VIGIL_CLI_DLL:-$VIGIL_ROOT/src/Vigil.Cli/bin/Release/net10.0/vigil.dll}" \
  timeout 900 "$venv/bin/python" -m pytest -q -p no:cacheprovider clients/python/tests --junitxml "$results/python-junit.xml"
