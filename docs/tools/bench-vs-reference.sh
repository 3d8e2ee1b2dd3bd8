#!/usr/bin/env bash
# Reproduces the tables of docs/PERFORMANCE.md: our backends and the reference tool's cost script
# (numpy doing the reference's two full SVDs per layer) timed in the same run, same thread count,
# one `amct bench --reference` call per shape (each prints the time ratio and both peak resident
# sets, and the load average at its start and end).
# Usage: docs/tools/bench-vs-reference.sh [THREADS] [REFERENCE_SCRIPT]
#   THREADS: 0 (the default) = automatic (2 on a quiet 2-core machine, 1 when it is busy);
#   use 1 when the load average is above 1, 2 on a quiet machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
threads="${1:-0}"
reference="${2:-$root/../shared/bench/reference_cost.py}"
cd "$root"
uptime
# The issue's shapes, OpenBLAS against the reference (ratio targets: 10x, 10x, 10x, 12x).
./amct bench --backend openblas --threads "$threads" --runs 3 --reference "$reference" 512x512x3x3
./amct bench --backend openblas --threads "$threads" --runs 3 --reference "$reference" 1024x1024x3x3
./amct bench --backend openblas --threads "$threads" --runs 1 --reference "$reference" 1024x1024x5x5
./amct bench --backend openblas --threads "$threads" --runs 1 --reference "$reference" 2048x2048x3x3
# The reference needs about 9 GB and tens of minutes here: ours alone, with its peak RSS.
./amct bench --backend openblas --threads "$threads" --runs 1 --warmups 0 2048x2048x5x5
# EJML (the pure-Java fallback) against the reference, one thread each.
./amct bench --backend ejml --threads 1 --runs 3 --reference "$reference" 256x256x3x3 512x512x3x3
./amct bench --resnet50 --threads "$threads"
uptime
