#!/usr/bin/env bash
# Reproduces the tables of docs/PERFORMANCE.md: our backends and the reference tool's cost script
# (numpy doing the reference's two full SVDs per layer) timed in the same run, same thread count.
# Usage: docs/tools/bench-vs-reference.sh [THREADS] [REFERENCE_SCRIPT]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads="${1:-1}"
reference="${2:-$root/../shared/bench/reference_cost.py}"
cd "$root"
uptime
for backend in openblas ejml; do
    ./amct bench --backend "$backend" --threads "$threads" --runs 3 --reference "$reference" \
        256x256x3x3 512x512x3x3
done
./amct bench --backend openblas --threads "$threads" --runs 1 --reference "$reference" \
    512x512x5x5 1024x1024x3x3
# The reference needs about 9 GB and tens of minutes here: ours alone.
./amct bench --backend openblas --threads "$threads" --runs 1 --warmups 0 2048x2048x5x5
./amct bench --resnet50 --threads "$threads"
uptime
