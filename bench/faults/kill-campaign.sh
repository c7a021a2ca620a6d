#!/usr/bin/env bash
# kill -9 at random moments: ./bench/faults/kill-campaign.sh [organize|train|serve|all] [ROUNDS (default 20)] [SEED]
#   organize  re-organize over an existing dataset, killed at a random moment; the dataset folder must then be wholly
#             the old one or wholly the new one (every file's hash, metadata.json without its timestamp), leftovers
#             must be hidden staging folders that the next organize removes, and that next organize must succeed.
#   train     a tiny training (32x32, 3 batches per epoch, all phases) killed at a random moment; every checkpoint and
#             model file left must be whole (each zip entry's SHA-256 against the checkpoint's header; the model loaded
#             by 'vigil evaluate'), and 'vigil train --resume' must complete and write a model that evaluates.
#   serve     the server killed mid-ingestion (tests/Vigil.Server.Tests KillTests, SQLite) ROUNDS times: every point
#             acknowledged before the kill must be in the store.
# Each round prints one line; the end prints a summary. Exit status 1 when any check failed.
# Work files go to $VIGIL_BENCH_DIR/faults (default .build/faults).
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../scripts/common.sh"
source "$VIGIL_ROOT/bench/faults/lib.sh"
MODE=${1:-all}
FAULTS_IMAGES=${FAULTS_IMAGES:-1000}   # images per organize round
ROUNDS=${2:-20}
RANDOM=${3:-$$}
WORK="${VIGIL_BENCH_DIR:-$VIGIL_BUILD}/faults/kill"
vigil_ensure_packages dataset-fashion-mnist
"$VIGIL_ROOT/vigil" --version >/dev/null   # builds the CLI when the sources changed
CLI=(dotnet "$VIGIL_BUILD/cli/vigil.dll")
rm -rf "$WORK" && mkdir -p "$WORK"
cd "$WORK"

rounds=0 kills=0 finished_first=0 ended_old=0 ended_new=0 resumes_ok=0 corrupt=0 half=0 failures=0
note() { printf '%s\n' "$*"; }
fail() { failures=$((failures + 1)); note "    FAIL: $*"; }

# A random moment in [0, $1) seconds, in milliseconds resolution.
random_delay() { awk -v max="$1" -v r="$RANDOM" -v s="$RANDOM" 'BEGIN { printf "%.3f", max * (r * 32768 + s) / 1073741824 }'; }

# Starts "$@" in the background, kills it with SIGKILL after $delay seconds unless it ended; sets killed=1|0.
run_and_kill() {
  local delay=$1; shift
  "$@" >"$WORK/round.out" 2>"$WORK/round.err" &
  local pid=$!
  sleep "$delay"
  if kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; then killed=1; else killed=0; fi
  wait "$pid" 2>/dev/null || true
}

hidden_leftovers() { find "$1" -maxdepth 1 -name ".$2.*" -printf '%f\n' | sort | tr '\n' ' '; }

organize_campaign() {
  note "== organize: kill -9 while re-organizing over an existing dataset ($ROUNDS rounds)"
  # Two slices of Fashion-MNIST: one PNG per image to write gives the kill a window of a second or more to land in.
  idx_slice 0 "$FAULTS_IMAGES" src-old; idx_slice "$FAULTS_IMAGES" "$FAULTS_IMAGES" src-new
  local source_old=(--source src-old/t10k-images-idx3-ubyte) source_new=(--source src-new/t10k-images-idx3-ubyte)
  # Reference versions, organized without interruption; a second organize of the same source must match it.
  "${CLI[@]}" organize "${source_old[@]}" --name ds --output ref-old >/dev/null 2>&1
  local start=$(date +%s.%N)
  "${CLI[@]}" organize "${source_new[@]}" --name ds --output ref-new >/dev/null 2>&1
  local full=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  local old new
  old=$(dataset_digest ref-old/ds); new=$(dataset_digest ref-new/ds)
  "${CLI[@]}" organize "${source_new[@]}" --name ds --output ref-again >/dev/null 2>&1
  [ "$(dataset_digest ref-again/ds)" = "$new" ] || { fail "organize is not reproducible: the same source gave two datasets"; return; }
  note "   old dataset $old, new dataset $new; a whole organize takes ${full} s (process start included)"
  # Past the whole organize's time too: the swap comes last, and a loaded machine stretches every round a little.
  local window=$(awk -v f="$full" 'BEGIN { printf "%.2f", f * 1.4 }')
  for ((i = 1; i <= ROUNDS; i++)); do
    rounds=$((rounds + 1))
    rm -rf out && mkdir out && cp -a ref-old/ds out/ds
    local delay=$(random_delay "$window")
    run_and_kill "$delay" "${CLI[@]}" organize "${source_new[@]}" --name ds --output out
    kills=$((kills + killed)); [ "$killed" = 1 ] || finished_first=$((finished_first + 1))
    local after state left
    after=$(dataset_digest out/ds)
    left=$(hidden_leftovers out ds)
    if [ "$after" = "$old" ]; then state=old; ended_old=$((ended_old + 1))
    elif [ "$after" = "$new" ]; then state=new; ended_new=$((ended_new + 1))
    elif [ "$after" = missing ] && ls -d out/.ds.old-* >/dev/null 2>&1 && [ "$(dataset_digest "$(ls -d out/.ds.old-* | head -1)")" = "$old" ]; then
      state="old (between the two renames; restored by the next organize)"; ended_old=$((ended_old + 1))
    else state="HALF ($after)"; half=$((half + 1)); fi
    # The next organize must work, restore or replace whatever was left, and leave no hidden folder behind.
    local next=ok
    if ! "${CLI[@]}" organize "${source_new[@]}" --name ds --output out >/dev/null 2>"$WORK/next.err"; then next="FAILED: $(tail -1 "$WORK/next.err")"
    elif [ "$(dataset_digest out/ds)" != "$new" ]; then next="wrong result"
    elif [ -n "$(hidden_leftovers out ds)" ]; then next="left $(hidden_leftovers out ds)"; fi
    note "   round $i: kill at ${delay} s ($([ "$killed" = 1 ] && echo killed || echo 'had finished')): dataset = $state; leftovers: ${left:-none}; next organize: $next"
    [[ "$state" == HALF* ]] && fail "round $i: half-swapped dataset"
    [ "$next" = ok ] || fail "round $i: next organize: $next"
  done
  note "   organize: the dataset was the old one after $ended_old rounds, the new one after $ended_new"
}

train_campaign() {
  note "== train: kill -9 during a tiny training, then --resume ($ROUNDS rounds)"
  "${CLI[@]}" sample --output src-train --per-organ 40 --image-size 32 --seed 3 >/dev/null
  "${CLI[@]}" organize --source src-train/manifest.csv --name tiny --output data >/dev/null 2>&1
  local args=(train --dataset data/tiny --phase all --model tiny --image-size 32 --epochs 2 --batch-size 16 --max-batches 3 --seed 1)
  local start=$(date +%s.%N)
  "${CLI[@]}" "${args[@]}" --output run-ref >/dev/null 2>&1
  local full=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  note "   a whole training takes ${full} s (process start included)"
  local window=$(awk -v f="$full" 'BEGIN { printf "%.2f", f * 1.05 }')
  for ((i = 1; i <= ROUNDS; i++)); do
    rounds=$((rounds + 1))
    rm -rf run
    local delay=$(random_delay "$window")
    run_and_kill "$delay" "${CLI[@]}" "${args[@]}" --output run
    kills=$((kills + killed)); [ "$killed" = 1 ] || finished_first=$((finished_first + 1))
    local left check files temps
    # "|| true": a kill before the run folder exists leaves nothing to list, which is no error (set -e).
    files=$( [ -d run ] && find run -name '*.ckpt' -o -name '*.vigil' | sed 's|^run/||' | sort | tr '\n' ' ' || true )
    temps=$( [ -d run ] && find run -name '.*.tmp' | wc -l || echo 0)
    check=$( [ -d run ] && verify_run_files run || echo "OK 0")
    if [ "${check%% *}" != OK ]; then corrupt=$((corrupt + $(printf '%s\n' "$check" | wc -l))); fail "round $i: corrupt: $check"; fi
    if [ -f run/model.vigil ] && ! "${CLI[@]}" evaluate --model run/model.vigil --dataset data/tiny --format json >/dev/null 2>"$WORK/eval.err"; then
      corrupt=$((corrupt + 1)); fail "round $i: the model left by the killed run does not load: $(tail -1 "$WORK/eval.err")"
    fi
    # Resume (or start, when the kill came before the run folder existed) and finish.
    local resume=(--output run); [ -d run ] && resume+=(--resume)
    local outcome
    if "${CLI[@]}" "${args[@]}" "${resume[@]}" >/dev/null 2>"$WORK/resume.err" \
       && "${CLI[@]}" evaluate --model run/model.vigil --dataset data/tiny --format json >/dev/null 2>>"$WORK/resume.err"; then
      resumes_ok=$((resumes_ok + 1)); outcome="resume ok"
    else outcome="RESUME FAILED: $(grep -v '^(set VIGIL_DEBUG' "$WORK/resume.err" | tail -1)"; fail "round $i: $outcome"; fi
    local after=$(verify_run_files run)
    # The resumed training took the run folder's lock, which removes what the killed one left half-written.
    local temps_after=$(find run -name '.*.tmp' | wc -l)
    [ "$temps_after" = 0 ] || fail "round $i: $temps_after temporary files left after the resume"
    [ "${after%% *}" = OK ] || { corrupt=$((corrupt + 1)); fail "round $i: after resume: $after"; }
    note "   round $i: kill at ${delay} s ($([ "$killed" = 1 ] && echo killed || echo 'had finished')): files ${files:-none}; ${check}; temp files left ${temps} (after resume ${temps_after}); $outcome (${after})"
  done
}

serve_campaign() {
  note "== serve: kill -9 mid-ingestion into SQLite ($ROUNDS rounds of tests/Vigil.Server.Tests KillTests)"
  dotnet build "$VIGIL_ROOT/tests/Vigil.Server.Tests" -c Release -nologo -v q -clp:ErrorsOnly -p:VigilSkipWeb=true >/dev/null
  for ((i = 1; i <= ROUNDS; i++)); do
    rounds=$((rounds + 1))
    local log="$WORK/serve-$i.log" figure
    if dotnet test "$VIGIL_ROOT/tests/Vigil.Server.Tests" -c Release --no-build --logger "console;verbosity=detailed" \
         --filter "FullyQualifiedName~KillTests.EveryAcknowledgedPointSurvivesKillNineMidIngestion&FullyQualifiedName!~Postgres" >"$log" 2>&1 \
       && grep -q "Test Run Successful" "$log"; then
      kills=$((kills + 1)); figure=$(grep -o 'SQLite: .*' "$log" | head -1)
      note "   round $i: killed; every acknowledged point stored (${figure#SQLite: })"
    else
      grep -q "acknowledged point .* is missing" "$log" && { kills=$((kills + 1)); corrupt=$((corrupt + 1)); }
      fail "round $i: $(grep -m1 -E 'Assert|missing|Failed|error' "$log")"
    fi
  done
}

case "$MODE" in
  organize) organize_campaign ;;
  train) train_campaign ;;
  serve) serve_campaign ;;
  all) organize_campaign; train_campaign; serve_campaign ;;
  *) echo "usage: $0 [organize|train|serve|all] [ROUNDS] [SEED]" >&2; exit 2 ;;
esac
note "== summary ($MODE): rounds $rounds, kills $kills (the process had already finished in $finished_first), resumes OK $resumes_ok," \
     "corrupt files found $corrupt, half-swapped folders $half, failed checks $failures"
[ "$failures" = 0 ]
