#!/usr/bin/env bash
# Repository-core benchmark (issue 2) on a fresh stack: a new PostgreSQL cluster, the server with
# 2 uvicorn workers, then read / create / update / transaction under 16 clients for 20 s each.
# Prints markdown tables (figures, then CPU per process group); stops everything at the end.
#   bench/run_core.sh                       # the figures of docs/benchmarks.md
#   bench/run_core.sh --duration 5 --scenario read   # any bench/fhir_load.py option
set -euo pipefail
cd "$(dirname "$0")/.."
export HIE_DEFINITIONS_DIR="${HIE_DEFINITIONS_DIR:-/tmp/hiedefs}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
# --nice -10: on a shared machine, other work takes less CPU from the stack (root only).
exec python bench/core/stack.py --workers 2 --nice -10 -- --clients 16 --duration 20 "$@"
