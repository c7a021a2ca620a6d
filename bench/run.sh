#!/usr/bin/env bash
# Builds and runs the benchmarks in Release and prints their figures: ./bench/run.sh [NAME [OPTIONS...]]
# NAME: all (default: organize-idx, organize-png, train-speed), one of those, or fmnist-oneclass [EPOCHS [CLASSES]],
# fmnist-supervised [EPOCHS [SIZE]], fmnist-known-unknown [EPOCHS_B0 [EPOCHS_VAE [SIZE]]], monitor-ingest,
# monitor-downsample, monitor-fanout [CLIENTS [SECONDS]] (docs/benchmarks.md).
# Work files go to $VIGIL_BENCH_DIR (default .build/).
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../scripts/common.sh"
vigil_ensure_packages dataset-fashion-mnist
dotnet build "$VIGIL_ROOT/bench/Vigil.Bench/Vigil.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly -o "$VIGIL_BUILD/bench"
exec dotnet "$VIGIL_BUILD/bench/Vigil.Bench.dll" "${1:-all}" "${VIGIL_BENCH_DIR:-$VIGIL_BUILD}" "${@:2}"
