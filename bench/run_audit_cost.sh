#!/usr/bin/env bash
# What the audit trail costs (issue 7): the core benchmark's read and create scenarios on this
# tree and on a baseline revision without the audit (default: the commit before audit/ landed),
# at 1 client (latency added to one request) and 16 clients (throughput under load).
#   bench/run_audit_cost.sh                  # baseline = parent of the commit adding fhir_server/audit
#   bench/run_audit_cost.sh <rev>            # any baseline revision
set -euo pipefail
cd "$(dirname "$0")/.."
export HIE_DEFINITIONS_DIR="${HIE_DEFINITIONS_DIR:-/tmp/hiedefs}"
rev="${1:-$(git log --diff-filter=A --format=%H -1 -- fhir_server/audit/__init__.py)~1}"
base=/tmp/hie-audit-baseline
rm -rf "$base"; git worktree prune
git worktree add --detach -q "$base" "$rev"
trap 'git worktree remove --force "$base"' EXIT
run() {  # tree, clients, scenario
  (cd "$1" && PYTHONPATH="$1" python bench/core/stack.py --workers 2 --nice -10 -- \
      --clients "$2" --duration 20 --scenario "$3" 2>&1 | grep -E '^\| (read|create) ')
}
for scenario in read create; do
  for clients in 1 16; do
    echo "## $scenario, $clients client(s)"
    echo "baseline ($rev):"; run "$base" "$clients" "$scenario"
    echo "with audit:";      run "$PWD" "$clients" "$scenario"
    if [ "$scenario" = read ]; then
      echo "with audit, HIE_AUDIT_SYNCHRONOUS_READS=false:"
      HIE_AUDIT_SYNCHRONOUS_READS=false run "$PWD" "$clients" "$scenario"
    fi
  done
done
