#!/usr/bin/env bash
# Builds and runs the benchmarks in Release and prints their figures: ./bench/run.sh [organize-idx|organize-png|all]
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../scripts/common.sh"
vigil_ensure_packages dataset-fashion-mnist
dotnet build "$VIGIL_ROOT/bench/Vigil.Bench/Vigil.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly -o "$VIGIL_BUILD/bench"
exec dotnet "$VIGIL_BUILD/bench/Vigil.Bench.dll" "${1:-all}" "${2:-$VIGIL_BUILD}"
