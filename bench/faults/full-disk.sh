#!/usr/bin/env bash
# Full disk: ./bench/faults/full-disk.sh   (root: it mounts a small tmpfs under /tmp and unmounts it at the end)
# On a disk that is full, organize, train, evaluate (its output redirected there), detect (--heatmap there) and serve
# (its SQLite store there) must each exit non-zero with a one-line message that says the disk is full, without a stack
# trace, and leave what was already on that disk whole: an existing dataset keeps every file and hash, an existing
# run's checkpoints and model still load, and once space is freed the same command succeeds.
# Each check prints one line; the end prints a summary. Exit status 1 when any check failed.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../scripts/common.sh"
source "$VIGIL_ROOT/bench/faults/lib.sh"
[ "$(id -u)" = 0 ] || { echo "full-disk.sh: needs root (it mounts a tmpfs)" >&2; exit 2; }
vigil_ensure_packages dataset-fashion-mnist
"$VIGIL_ROOT/vigil" --version >/dev/null   # builds the CLI when the sources changed
CLI=(dotnet "$VIGIL_BUILD/cli/vigil.dll")
WORK="${VIGIL_BENCH_DIR:-$VIGIL_BUILD}/faults/full-disk"
DISK=$(mktemp -d /tmp/vigil-full-disk.XXXXXX)
rm -rf "$WORK" && mkdir -p "$WORK"
mount -t tmpfs -o size=256m tmpfs "$DISK"
cleanup() { cd /; umount "$DISK" 2>/dev/null || umount -l "$DISK"; rmdir "$DISK"; }
trap cleanup EXIT
cd "$WORK"

checks=0 passed=0
declare -a failed=()
# fill LEFT_KB: takes all but LEFT_KB of the disk's free space with a filler file (0 = completely full).
fill() {
  rm -f "$DISK/filler"
  local avail=$(df -Pk "$DISK" | awk 'NR==2 {print $4}')
  [ "$avail" -le "$1" ] || fallocate -l "$(( (avail - $1) * 1024 ))" "$DISK/filler"
}
free_disk() { rm -f "$DISK/filler"; }

# expect_disk_full NAME: checks the last command's exit status ($rc) and stderr (err.txt) report the full disk.
expect_disk_full() {
  checks=$((checks + 1))
  local message=$(grep -m1 -E 'error|failed' err.txt || tail -1 err.txt)
  if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && grep -q "no space left on the disk" err.txt && ! grep -qE '^\s+at |Exception' err.txt; then
    passed=$((passed + 1)); echo "   $1: exit $rc: $message"
  else
    failed+=("$1"); echo "   $1: FAIL (exit $rc): $(grep -v '^\s*at ' err.txt | head -3 | tr '\n' ' ')"
  fi
}
# expect NAME CONDITION...: one more check, passed when the condition (a command) succeeds.
expect() {
  local name=$1; shift
  checks=$((checks + 1))
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "   $name: ok"; else failed+=("$name"); echo "   $name: FAIL"; fi
}
run() { set +e; "${CLI[@]}" "$@" >out.txt 2>err.txt; rc=$?; set -e; }

no_hidden_leftovers() { [ -z "$(find "$DISK/datasets" -maxdepth 1 -name '.ds.*' ! -name '.ds.lock')" ]; }
checkpoints_whole() { [[ "$(verify_run_files "$1")" == OK* ]]; }

idx_slice 0 300 small
idx_slice 0 3000 large
"${CLI[@]}" sample --output sample --per-organ 40 --image-size 32 --seed 3 >/dev/null
"${CLI[@]}" organize --source sample/manifest.csv --name tiny --output data >/dev/null 2>&1
TRAIN=(train --dataset data/tiny --phase all --model tiny --image-size 32 --batch-size 16 --max-batches 3 --seed 1)
echo "== full disk: a ${DISK} tmpfs of 256 MiB"

echo "-- organize: re-organize over an existing dataset on a full disk"
run organize --source small/t10k-images-idx3-ubyte --name ds --output "$DISK/datasets"
[ "$rc" = 0 ] || { echo "setup: organize failed: $(tail -1 err.txt)"; exit 1; }
before=$(dataset_digest "$DISK/datasets/ds")
fill 256
run organize --source large/t10k-images-idx3-ubyte --name ds --output "$DISK/datasets"
expect_disk_full "organize 3,000 images with 256 KiB free"
expect "organize: the old dataset is whole (same files, same hashes)" test "$(dataset_digest "$DISK/datasets/ds")" = "$before"
expect "organize: no staging folder left behind" no_hidden_leftovers
free_disk
run organize --source large/t10k-images-idx3-ubyte --name ds --output "$DISK/datasets"
expect "organize: succeeds once space is freed" test "$rc" = 0

echo "-- train: a run on a full disk"
rm -rf "$DISK/datasets"
run "${TRAIN[@]}" --epochs 1 --output "$DISK/run"
[ "$rc" = 0 ] || { echo "setup: train failed: $(tail -1 err.txt)"; exit 1; }
fill 64
run "${TRAIN[@]}" --epochs 2 --resume --output "$DISK/run"
expect_disk_full "train --resume with 64 KiB free (checkpoints to write)"
expect "train: every checkpoint left is whole" checkpoints_whole "$DISK/run"
run evaluate --model "$DISK/run/model.vigil" --dataset data/tiny --format json
expect "train: the earlier model.vigil still evaluates" test "$rc" = 0
fill 0
run "${TRAIN[@]}" --epochs 1 --output "$DISK/run-new"
expect_disk_full "train into a new run folder on a completely full disk"
free_disk
run "${TRAIN[@]}" --epochs 2 --resume --output "$DISK/run"
expect "train: --resume completes once space is freed" test "$rc" = 0

echo "-- evaluate and detect: output on a full disk"
cp "$DISK/run/model.vigil" model.vigil
fill 0
set +e; "${CLI[@]}" evaluate --model model.vigil --dataset data/tiny --format json >"$DISK/eval.json" 2>err.txt; rc=$?; set -e
expect_disk_full "evaluate --format json > file on a full disk"
set +e; "${CLI[@]}" detect --model model.vigil sample/brain_mri --format csv >"$DISK/detect.csv" 2>err.txt; rc=$?; set -e
expect_disk_full "detect --format csv > file on a full disk"
run detect --model model.vigil sample/brain_mri --heatmap "$DISK/heat" --format csv
expect_disk_full "detect --heatmap DIR on a full disk"
free_disk

echo "-- serve: the SQLite store on a full disk"
fill 0
set +e; timeout 60 "${CLI[@]}" serve --port 0 --db "$DISK/monitoring.db" >out.txt 2>err.txt; rc=$?; set -e
expect_disk_full "serve --db on a full disk"
free_disk
# A store that fills up while the server ingests: the server must say so, keep what it stored, and keep serving reads.
serve_log="$WORK/serve.err"
"${CLI[@]}" serve --port 0 --db "$DISK/monitoring.db" >serve.out 2>"$serve_log" &
serve_pid=$!
url=""
for _ in $(seq 1 150); do url=$(head -1 serve.out 2>/dev/null || true); [ -n "$url" ] && break; sleep 0.2; done
url=${url%/}
if [ -z "$url" ]; then echo "setup: serve did not start: $(tail -3 "$serve_log")"; kill "$serve_pid"; exit 1; fi
curl -sf -X POST "$url/api/runs" -H 'content-type: application/json' -d '{"id":"full"}' >/dev/null
fill 512
statuses="" acknowledged=0
for batch in $(seq 0 399); do   # 1,000 points a request: the server's limit
  python3 -c "import json,sys; b=int(sys.argv[1]); print(json.dumps({'points':[{'series':'loss/train','step':s,'value':s*0.5} for s in range(b*1000,b*1000+1000)]}))" "$batch" >body.json
  code=$(curl -s -o resp.txt -w '%{http_code}' -X POST "$url/api/runs/full/log" -H 'content-type: application/json' --data-binary @body.json || echo 000)
  [ "$code" = 200 ] || { statuses="batch $batch: HTTP $code $(head -c 300 resp.txt)"; break; }
  acknowledged=$((batch + 1))
done
echo "   serve ingestion on a filling disk: ${statuses:-every batch accepted (the disk never filled)}"
checks=$((checks + 1))
if [ -n "$statuses" ] && grep -q "no space left on the disk" resp.txt "$serve_log"; then passed=$((passed + 1)); echo "   serve: the full disk is reported: $(grep -h -m1 'no space left on the disk' resp.txt "$serve_log" | head -c 300)"
else failed+=("serve: full disk during ingestion reported"); echo "   serve: FAIL: the full disk is not reported in user terms (log: $(grep -m2 -iE 'error|fail|full' "$serve_log" | tr '\n' ' ' | head -c 400))"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/runs")
expect "serve: still answers reads after the disk filled (HTTP $code)" test "$code" = 200
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null || true
free_disk
checks=$((checks + 1))
integrity=$(sqlite3 "$DISK/monitoring.db" "PRAGMA integrity_check;" 2>&1 || true)
if [ "$integrity" = ok ]; then passed=$((passed + 1)); echo "   serve: the store is whole after the disk filled ($acknowledged batches of 1,000 points acknowledged)"
else failed+=("serve: store integrity"); echo "   serve: FAIL: integrity_check: $integrity"; fi

echo "== summary (full disk): checks $checks, passed $passed, failed $(( checks - passed ))${failed:+: ${failed[*]}}"
[ "$passed" = "$checks" ]
