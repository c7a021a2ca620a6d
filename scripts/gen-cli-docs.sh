#!/usr/bin/env bash
# Regenerates docs/cli.md from the CLI's own --help texts, so the reference is always exact
# (tests/Vigil.Cli.Tests checks that every help text appears in it verbatim).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/docs/cli.md"
tmp=$(mktemp)
{
  cat <<'HEAD'
# CLI reference

`./vigil` builds the CLI when its sources changed, then runs it. Every verb accepts `--help`.

Conventions shared by every verb:
- **Exit codes**: `0` success; `1` the work failed or a check did not pass; `2` bad input (unknown option, invalid
  value, missing or empty source) — nothing was written; `130` interrupted (Ctrl+C) — partial output discarded.
- **Errors** are one line on stderr: `vigil <verb>: error: <what is wrong, where, how to fix it>`.
  Set `VIGIL_DEBUG=1` to get stack traces for unexpected failures.
- **A full disk** (or a full quota) is exit `1` with `vigil <verb>: error: no space left on the disk holding <folder>:
  free some space there and run the command again, or write to another disk; what was complete before is kept.` —
  an existing dataset, checkpoint or model on that disk stays whole (`bench/faults/full-disk.sh` checks it).
- **`--format json`** prints exactly one JSON document on stdout (snake_case keys); progress and logs go to stderr.
- **Progress**: a live bar (items/s, ETA) when stderr is a terminal, one summary line per stage otherwise.
- **Interactive menus** appear only when stdin and stdout are terminals (`VIGIL_NONINTERACTIVE=1` disables them).

The sections below are the programs' own `--help` output.
HEAD
  for verb in "" organize "datasets" "datasets list" train evaluate detect repository "repository init" "repository add" "repository check" "repository list" sample demo serve doctor; do
    echo
    echo "## vigil${verb:+ $verb}"
    echo
    echo '```text'
    # shellcheck disable=SC2086
    "$root/vigil" $verb --help
    echo '```'
  done
} > "$tmp"
mv "$tmp" "$out"
echo "wrote $out"
