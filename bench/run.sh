#!/usr/bin/env bash
# Runs the processor benchmark: captures the 200k entries once (cached), then N runs (default 5)
# of processor vs reference consumer vs raw Redis. Extra arguments go to the runner (--profile).
#   bench/run.sh [runs] [--profile]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
shift || true
cache="${SLUICE_CACHE:-$HOME/.cache/sluice}/bench"
node bench/capture-entries.ts
node bench/run-processor-bench.ts --runs "$runs" "$@" | tee "$cache/last-run.md"
