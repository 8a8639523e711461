#!/usr/bin/env bash
# Search benchmark (issue 3): datasets of the synthetic county at two sizes, the queries of the
# issue under 16 clients with wrk, and the EXPLAIN evidence. Datasets live in /tmp/bench-search.
#   bench/run_search.sh build --name small --residents 10000   # ~217,000 resources, ~1.5 min
#   bench/run_search.sh build --name large --residents 50000   # ~1,090,000 resources, ~8 min
#   bench/run_search.sh measure                  # every query, small then large, 16 clients × 20 s
#   bench/run_search.sh measure --dataset large --query everything --profile /tmp/prof
#   bench/run_search.sh explain                  # plans at both sizes; exit 1 on a Seq Scan
# After a schema change (a new migration or index table) rebuild with --force: the synthetic
# county is kept, only the load runs again.
set -euo pipefail
cd "$(dirname "$0")/.."
export HIE_DEFINITIONS_DIR="${HIE_DEFINITIONS_DIR:-/tmp/hiedefs}"
export PYTHONPATH="$PWD:$PWD/bench:$PWD/deploy/scripts${PYTHONPATH:+:$PYTHONPATH}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
if [ "${1:-}" = build ]; then
  exec nice -n 10 python -m search "$@"   # loading yields to the other work on the machine
fi
exec python -m search "$@"
