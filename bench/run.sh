#!/usr/bin/env bash
# Builds and runs the benchmarks in Release and prints their figures: ./bench/run.sh [NAME [OPTIONS...]]
# NAME: all (default: organize-idx, organize-png, train-speed), one of those, or fmnist-oneclass [EPOCHS [CLASSES|all [HEAD_EPOCHS]]],
# fmnist-oneclass-probe [CLASSES], fmnist-supervised [EPOCHS [SIZE]], fmnist-known-unknown [EPOCHS_B0 [EPOCHS_VAE [SIZE]]],
# fmnist-few-labels [PERCENT [EPOCHS_B0 [EPOCHS_VAE [SIZE [both|labels|fixmatch|reassemble]]]]], fmnist-few-weights [PERCENT], fmnist-few-probe [PERCENT [labels|fixmatch]],
# phantoms-contaminated [EPOCHS (10) [PHANTOMS_PER_ORGAN [VAE_DATA [VAE_TRIM]]]], phantoms-oneclass [EPOCHS [PER_ORGAN [ORGANS]]],
# monitor-ingest [STORE],
# monitor-downsample [STORE], monitor-fanout [CLIENTS [SECONDS]], monitor-observers [BATCHES], metrics-ranking [SAMPLES], image-fuzz [CASES_PER_FORMAT [SEED [FORMAT]]],
# router [PER_ORGAN [EPOCHS [SIZE [reuse|new [ROUTER_SIZE]]]]] (the multi-organ repository; reuse: keep the models a previous run trained), serve-throughput MODEL IMAGES_DIR [CLIENTS [REQUESTS [MAX_BATCH [SOAK_MINUTES]]]], adamw-step [STEPS [ROUNDS]] (Vigil's AdamW step against TorchSharp's), chart-compare [--runs N] (uPlot vs ECharts in headless
# chromium, Node.js/npm; docs/benchmarks.md).
# STORE: a postgres:// URL (the benchmark adds a run to that database), or "postgres" for a fresh scratch database
# vigil_bench on the private cluster of scripts/postgres.sh; SQLite (a fresh file) without it.
# Work files go to $VIGIL_BENCH_DIR (default .build/).
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../scripts/common.sh"
if [ "${1:-}" = chart-compare ]; then
  vigil_ensure_packages chromium
  cd "$VIGIL_ROOT/bench/chart-compare"
  [ node_modules/.package-lock.json -nt package-lock.json ] || { npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.package-lock.json; }
  exec node run.mjs "${@:2}"
fi
vigil_ensure_packages dataset-fashion-mnist
# image-fuzz mutates real files: pydicom's, MRIcron's, scikit-image's (unpacked into .build/testdata) and Fashion-MNIST's.
if [ "${1:-}" = image-fuzz ]; then vigil_ensure_packages python3-pydicom mricron-data libgdcm-tools && vigil_fetch_test_corpora; fi
if [[ "${1:-}" == monitor-ingest || "${1:-}" == monitor-downsample ]] && [ "${2:-}" = postgres ]; then
  server=$("$VIGIL_ROOT/scripts/postgres.sh" start)
  psql -X -q "$server" -c "DROP DATABASE IF EXISTS vigil_bench WITH (FORCE)" -c "CREATE DATABASE vigil_bench" >/dev/null
  set -- "$1" "${server%/*}/vigil_bench" "${@:3}"
fi
case "${1:-all}" in all|train-speed|serve-throughput) "$VIGIL_ROOT/vigil" --version >/dev/null;; esac  # the CLI that train-speed and serve-throughput run, built as ./vigil builds it
export VIGIL_BUILD
dotnet build "$VIGIL_ROOT/bench/Vigil.Bench/Vigil.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly -o "$VIGIL_BUILD/bench"
exec dotnet "$VIGIL_BUILD/bench/Vigil.Bench.dll" "${1:-all}" "${VIGIL_BENCH_DIR:-$VIGIL_BUILD}" "${@:2}"
