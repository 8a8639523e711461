"""`python -m search build|measure|explain …`: the search benchmark's commands.

    build    synthesize a county and load it into its own cluster (dataset.py)
    measure  run the queries with 16 clients under wrk at each dataset (measure.py)
    explain  EXPLAIN (ANALYZE, BUFFERS) of every statement the queries run (explain.py)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

ROOT = Path("/tmp/bench-search")
DATASETS = ["small", "large"]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=ROOT, help="where the datasets live")
    parser.add_argument("--dataset", action="append", help="dataset name (repeatable; "
                        f"default {' and '.join(DATASETS)})")
    parser.add_argument("--query", action="append", help="query name (repeatable; default all)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="search", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="synthesize and load a dataset")
    build.add_argument("--name", required=True, help="dataset name, e.g. small or large")
    build.add_argument("--residents", type=int, required=True, help="hie synth --patients")
    build.add_argument("--seed", type=int, default=1)
    build.add_argument("--root", type=Path, default=ROOT)
    build.add_argument("--force", action="store_true", help="rebuild an existing dataset")
    measure = commands.add_parser("measure", help="latency and throughput under wrk")
    _common(measure)
    measure.add_argument("--clients", type=int, default=16)
    measure.add_argument("--duration", type=float, default=20, help="measured seconds per query")
    measure.add_argument("--warmup", type=float, default=3)
    measure.add_argument("--nice", type=int, default=-10, help="as core/stack.py --nice")
    measure.add_argument("--profile", type=Path, help="py-spy the server into this folder")
    measure.add_argument("--force", action="store_true",
                         help="measure queries whose answers fail their check (not 4xx/5xx)")
    measure.add_argument("--json", type=Path, help="also write the figures here")
    explain = commands.add_parser("explain", help="plans of every statement, checked")
    _common(explain)
    explain.add_argument("--samples", type=int, default=3, help="requests per query")
    return parser


def _measure(args: argparse.Namespace) -> int:
    from search import measure, report
    from search.queries import QUERIES

    settings = measure.Settings(args.clients, args.duration, args.warmup, args.workers,
                                args.nice, args.profile, args.force)
    measure.set_niceness(args.nice)
    names = args.query or list(QUERIES)
    by_dataset = {d: measure.measure(args.root / d, names, settings)
                  for d in args.dataset or DATASETS}
    for dataset, outcomes in by_dataset.items():
        print(f"\n### {dataset}\n\n{report.figures_table(outcomes)}\n\n{report.limits(outcomes)}")
        for o in outcomes:
            if o.result and o.result.hot_spots:
                print(f"\nServer profile, {o.query.name}:\n{o.result.hot_spots}")
    if len(by_dataset) > 1:
        print(f"\n### Sizes compared\n\n{report.comparison(by_dataset)}")
    if args.json:
        args.json.write_bytes(orjson.dumps([_as_json(o) for outs in by_dataset.values()
                                            for o in outs], option=orjson.OPT_INDENT_2))
    return 0


def _as_json(o: Any) -> dict[str, Any]:
    run = o.result.run if o.result else None
    return {"dataset": o.dataset, "query": o.query.name, "status": o.status,
            "matches_per_request": o.results,
            "requests_per_s": run.per_second if run else None,
            "latency_ms": run.latency_ms if run else None,
            "errors": run.errors if run else None,
            "cpu_percent": o.result.cpu if o.result else None}


def main() -> int:
    """Dispatch to the command's module."""
    args = _parser().parse_args()
    if args.command == "build":
        from search.dataset import build

        build(args.root, args.name, args.residents, args.seed, args.force)
        return 0
    if args.command == "measure":
        return _measure(args)
    from search.explain import explain_all

    return explain_all(args.root, args.dataset or DATASETS, args.query, args.samples,
                       args.workers)


if __name__ == "__main__":
    sys.exit(main())
