#!/usr/bin/env bash
# Builds a three-route multi-organ repository from synthetic sample data, end to end, and detects with it:
#   ./scripts/repository-demo.sh [OUT] [PER_ORGAN] [EPOCHS]     (defaults: demo-repository 300 5; about 8 min on 2 cores)
# Steps: sample + organize one dataset per organ (brain MRI, chest X-ray, colour fundus) → train a router on the three,
# one model per organ and a generalist on their union → vigil repository init/add/check → vigil detect --repository on
# a test image of each organ and a Fashion-MNIST item (unroutable) → vigil evaluate --repository against the generalist.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="$(mkdir -p "${1:-demo-repository}" && cd "${1:-demo-repository}" && pwd)"
per_organ="${2:-300}"
epochs="${3:-5}"
vigil() { "$root/vigil" "$@"; }
step() { printf '\n== %s\n' "$*"; }

datasets=()
for organ in brain chest fundus; do
  step "sample and organize: $organ"
  vigil sample --output "$out/sample/$organ" --organs "$organ" --per-organ "$per_organ" --image-size 96 --seed "$((${#datasets[@]} + 42))" >/dev/null
  vigil organize --source "$out/sample/$organ/manifest.csv" --name "$organ" --output "$out/datasets" >/dev/null
  datasets+=("$out/datasets/$organ")
done
dataset_args=()
for d in "${datasets[@]}"; do dataset_args+=(--dataset "$d"); done

step "train the router on the three datasets"
vigil train --phase router "${dataset_args[@]}" --output "$out/runs/router"
for organ in brain chest fundus; do
  step "train the $organ model"
  vigil train --phase all --dataset "$out/datasets/$organ" --image-size 64 --epochs "$epochs" --output "$out/runs/$organ"
done
step "train a generalist on the union (the fallback, and what the repository is compared against)"
vigil train --phase all "${dataset_args[@]}" --image-size 64 --epochs "$epochs" --output "$out/runs/generalist"

step "put the repository together"
repo="$out/repository"
rm -rf "$repo"
vigil repository init "$repo" --router "$out/runs/router/model.vigil" --fallback "$out/runs/generalist/model.vigil"
vigil repository add "$repo" --route brain/MRI --model "$out/runs/brain/model.vigil"
vigil repository add "$repo" --route chest/X-ray --model "$out/runs/chest/model.vigil"
vigil repository add "$repo" --route retina/fundus --model "$out/runs/fundus/model.vigil"
vigil repository check "$repo"

step "detect: one test image per organ, and a Fashion-MNIST item the router has never seen"
images=()
for organ in brain chest fundus; do
  first=$(awk -F, 'NR == 2 { print $1 }' "$out/datasets/$organ/splits/test.csv")
  images+=("$(realpath -m "$out/datasets/$organ/$first")")
done
stranger="$out/fashion-mnist-item.png"
python3 - "$stranger" <<'PY'
import gzip, struct, sys, zlib
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    f.read(16); pixels = f.read(28 * 28)
rows = b"".join(b"\0" + pixels[r * 28:(r + 1) * 28] for r in range(28))
chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
vigil detect --repository "$repo" "${images[@]}" "$stranger"

step "evaluate: routing, then AUROC per route against the generalist on the same test images"
vigil evaluate --repository "$repo" "${dataset_args[@]}"
printf '\nRepository: %s — serve it as one model with: mkdir -p served && ln -s %s served/organs && vigil serve --models served\n' "$repo" "$repo"
