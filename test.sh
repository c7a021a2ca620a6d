#!/usr/bin/env bash
# Runs every test suite of the project and ends with one line: "N passed, N failed (of which Python client: …)".
# Installs what a fresh machine lacks (Debian packages, NuGet restore). Exit status is non-zero on any failure.
set -uo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/scripts/common.sh"
cd "$VIGIL_ROOT"
vigil_require_dotnet
vigil_check_disk
vigil_ensure_packages "${VIGIL_RUNTIME_PACKAGES[@]}" "${VIGIL_TEST_PACKAGES[@]}" || exit 1
vigil_fetch_test_corpora || exit 1
export VIGIL_TESTDATA

passed=0; failed=0
RESULTS="$VIGIL_BUILD/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

echo "== build (Release)"
if ! dotnet build Vigil.slnx -c Release -nologo -v q -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"; exit 1
fi

# The PostgreSQL store's tests need a server: a private cluster on loopback (scripts/postgres.sh), stopped at exit
# unless it was already running, or the one VIGIL_TEST_POSTGRES already names.
if [ -z "${VIGIL_TEST_POSTGRES:-}" ]; then
  echo "== PostgreSQL (scripts/postgres.sh)"
  if ! scripts/postgres.sh url >/dev/null 2>&1; then trap 'scripts/postgres.sh stop' EXIT; fi
  if ! VIGIL_TEST_POSTGRES=$(scripts/postgres.sh start); then
    echo "PostgreSQL could not start, so the store tests cannot run (see the messages above; or set VIGIL_TEST_POSTGRES to a server's URL)"
    echo "0 passed, 1 failed"; exit 1
  fi
fi
export VIGIL_TEST_POSTGRES

# A test that hangs is killed after 10 minutes and counted as failed, so the run always ends.
# The browser suite runs on its own afterwards: it measures the dashboard's main-thread work and load times (reported
# in test-results/dashboard-performance.json), which two cores shared with the training tests would mostly not be.
dotnet_test() {
  dotnet test "$@" -c Release --no-build -nologo -v q --blame-hang-timeout 10m --blame-hang-dump-type none \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS"
}
echo "== .NET test suites"
dotnet_test Vigil.slnx --filter "FullyQualifiedName!~Vigil.Web.Tests."
dotnet_status=$?
echo "== browser tests (Vigil.Web.Tests, alone)"
dotnet_test tests/Vigil.Web.Tests/Vigil.Web.Tests.csproj || dotnet_status=1

# Totals from the TRX files: one per test project that ran tests (the browser suite's filtered-out pass has none).
read -r p f n < <(python3 - "$RESULTS" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = n = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    n += int(c.get("total", 0)) > 0
print(p, f, n)
PY
)
passed=$((passed + p)); failed=$((failed + f))

echo "== web unit tests (Vitest)"
scripts/test-web.sh "$RESULTS"; web_status=$?
read -r wp wf < <(python3 - "$RESULTS/vitest-junit.xml" <<'PY'
import sys, os, xml.etree.ElementTree as ET
if not os.path.exists(sys.argv[1]): print(0, 1); sys.exit()
r = ET.parse(sys.argv[1]).getroot()
t = int(r.get("tests", 0)); f = int(r.get("failures", 0)) + int(r.get("errors", 0))
print(t - f, f)
PY
)
passed=$((passed + wp)); failed=$((failed + wf))
if [ $web_status -ne 0 ] && [ "$wf" -eq 0 ]; then failed=$((failed + 1)); fi

# The Python client (clients/python): installed with pip into a venv that sees Debian's torch and numpy, its tests
# run a real torch loop against the vigil serve built above.
echo "== Python client tests (clients/python, pytest)"
scripts/test-python.sh "$RESULTS"; python_status=$?
read -r pyp pyf < <(python3 - "$RESULTS/python-junit.xml" <<'PY'
import sys, os, xml.etree.ElementTree as ET
if not os.path.exists(sys.argv[1]): print(0, 1); sys.exit()
r = ET.parse(sys.argv[1]).getroot()
s = r if r.tag == "testsuite" else r.find("testsuite")
t = int(s.get("tests", 0)); f = int(s.get("failures", 0)) + int(s.get("errors", 0)); k = int(s.get("skipped", 0))
print(t - f - k, f)
PY
)
passed=$((passed + pyp)); failed=$((failed + pyf))
if [ $python_status -ne 0 ] && [ "$pyf" -eq 0 ]; then failed=$((failed + 1)); pyf=1; fi

expected_suites=$(ls -d tests/*.Tests | wc -l)
if [ "$n" -lt "$expected_suites" ]; then
  echo "only $n of $expected_suites test projects reported results"; failed=$((failed + expected_suites - n))
fi
if [ $dotnet_status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi

echo "$passed passed, $failed failed (of which Python client: $pyp passed, $pyf failed)"
[ "$failed" -eq 0 ]
