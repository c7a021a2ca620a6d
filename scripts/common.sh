# Shared by ./vigil and ./test.sh: locate the repo, install what a fresh machine lacks, build when sources changed.
# Sourced, not executed.
VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIGIL_BUILD="$VIGIL_ROOT/.build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages: runtime ones are needed by `vigil` itself, test ones by ./test.sh.
VIGIL_RUNTIME_PACKAGES=(libgdcm-tools)
# postgresql: the PostgreSQL store's tests run against a private cluster (scripts/postgres.sh).
# python3-grpcio, python3-grpc-tools: an independent gRPC client of the inference service (tests/Vigil.Serving.Tests/python).
# python3-torch, -psutil, -pytest, -setuptools, -venv, -pip: the Python monitoring client's tests (scripts/test-python.sh).
VIGIL_TEST_PACKAGES=(python3-pydicom python3-numpy python3-pil mricron-data dataset-fashion-mnist postgresql chromium python3-grpcio python3-grpc-tools
                     python3-torch python3-psutil python3-pytest python3-setuptools python3-venv python3-pip)

vigil_missing_packages() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

# Installs missing Debian packages (as root, or through sudo when available). Quiet unless it fails.
vigil_ensure_packages() {
  local missing; missing=$(vigil_missing_packages "$@")
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
      echo "vigil: missing Debian packages: $missing (install them with: sudo apt-get install $missing)" >&2; return 1; fi
  fi
  echo "vigil: installing Debian packages: $missing" >&2
  local log; log=$(mktemp)
  if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >"$log" 2>&1 \
        || { $sudo apt-get update -qq >>"$log" 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >>"$log" 2>&1; }; }; then
    cat "$log" >&2; rm -f "$log"
    echo "vigil: could not install $missing; install them with apt-get and retry" >&2; return 1
  fi
  rm -f "$log"
}

vigil_require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "vigil: the .NET SDK 10 is required (https://dot.net); 'dotnet' is not on PATH" >&2; exit 1
  fi
}

# Warns when the disk holding the checkout is nearly full: a build that runs out of space half-way fails with
# copy errors far from the cause. The build itself needs ~0.6 GB (libtorch is hard-linked from the NuGet cache where
# the file system allows, copied where it does not).
vigil_check_disk() {
  local free_kb
  free_kb=$(df -Pk "$VIGIL_ROOT" 2>/dev/null | awk 'NR==2 {print $4}')
  if [ -n "$free_kb" ] && [ "$free_kb" -lt 2000000 ]; then
    echo "vigil: warning: only $((free_kb / 1024)) MB free on the disk of $VIGIL_ROOT; the build needs about 600 MB, more if the NuGet cache is on another disk." >&2
  fi
}

# True when some source file is newer than the stamp (or there is no stamp).
vigil_sources_changed() {
  local stamp=$1
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$VIGIL_ROOT/src" "$VIGIL_ROOT"/Directory.*.props "$VIGIL_ROOT"/Directory.Build.targets "$VIGIL_ROOT/build" \
        -newer "$stamp" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
        -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null)" ]
}

# Real image files no one here wrote, for format tests: scikit-image's sample data (retina.jpg, 16-bit and
# multi-page TIFFs, palette PNGs…), unpacked from the Debian package without installing its dependencies.
VIGIL_TESTDATA="$VIGIL_BUILD/testdata"
vigil_fetch_test_corpora() {
  local dest="$VIGIL_TESTDATA/skimage"
  [ -f "$dest/.complete" ] && return 0
  local tmp; tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download python3-skimage >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get download python3-skimage >/dev/null 2>&1; }); then
    echo "test.sh: could not download Debian package python3-skimage (test images)" >&2; rm -rf "$tmp"; return 1
  fi
  rm -rf "$dest"; mkdir -p "$dest"
  dpkg-deb -x "$tmp"/python3-skimage_*.deb "$tmp/x"
  cp -r "$tmp/x/usr/lib/python3/dist-packages/skimage/data/." "$dest/"
  rm -rf "$tmp"; touch "$dest/.complete"
}
