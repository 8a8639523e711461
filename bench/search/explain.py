"""EXPLAIN (ANALYZE, BUFFERS) of every statement the server runs for the benchmark's queries.

The dataset's cluster is started with auto_explain logging each statement's plan (ANALYZE,
BUFFERS, JSON) to a jsonlog file; the server runs on it and the queries' requests are sent one
at a time, each after a marker statement, so the log can be cut request by request. This
catches exactly what the server runs (the search, its `_include`, `_sort` and `$everything`
statements), not a reconstruction of it. Two passes: `plan_cache_mode` force_custom_plan, and
force_generic_plan, which asyncpg's prepared statements switch to after five executions when
PostgreSQL deems it no worse. Exit status 1, and FAIL lines, when any plan has a Seq Scan on
`resource` or an `idx_*` table.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import asyncpg
import httpx
import orjson
from core import stack
from core.seed import wait_ready

from search.cluster import Cluster
from search.dataset import stale
from search.measure import load_queryset
from search.plans import Statement, buffers, key_lines, seq_scans, touches, visited
from search.queries import QUERIES

MODES = ("force_custom_plan", "force_generic_plan")
MARK = "bench-explain:"
Samples = dict[str, list[list[Statement]]]  # query name -> per request, its statements


def _settings(folder: Path, mode: str) -> dict[str, str]:
    return {"session_preload_libraries": "auto_explain", "auto_explain.log_min_duration": "0",
            "auto_explain.log_analyze": "on", "auto_explain.log_buffers": "on",
            "auto_explain.log_format": "json", "auto_explain.log_nested_statements": "on",
            "logging_collector": "on", "log_destination": "jsonlog",
            "log_directory": str(folder), "log_filename": "explain-%Y%m%d-%H%M%S.log",
            "plan_cache_mode": mode}


async def _mark(dsn: str, label: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"SELECT '{MARK}{label}'")
    finally:
        await conn.close()


def _send(dsn: str, base: str, names: list[str], samples: int, qs: dict[str, object]) -> None:
    with httpx.Client(headers={"Accept": "application/fhir+json"}, timeout=300) as client:
        for name in names:
            rng = random.Random(f"explain-{name}")
            for k in range(samples):
                path = QUERIES[name].path(rng, qs)
                asyncio.run(_mark(dsn, f"{name}:{k}"))
                response = client.get(f"{base}/{path}")
                if response.status_code != 200:
                    print(f"  {name}: HTTP {response.status_code} for {path}", file=sys.stderr)


def _statements(log: Path) -> list[Statement]:
    found = []
    for line in log.read_bytes().splitlines():
        message = orjson.loads(line).get("message", "")
        if message.startswith("duration:") and "plan:\n" in message:
            found.append(Statement.from_log(orjson.loads(message.split("plan:\n", 1)[1])))
    return found


def _cut(statements: list[Statement]) -> Samples:
    """Group the statements by the marker before them. Statements before any marker are the
    server's start-up; asyncpg's per-connection queries (type introspection, JIT) are left out."""
    samples: Samples = {}
    current: list[Statement] | None = None
    for s in statements:
        if MARK in s.text:
            name = s.text.split(MARK, 1)[1].split(":")[0]
            current = []
            samples.setdefault(name, []).append(current)
        elif current is not None and touches(s.plan):
            current.append(s)
    return samples


def explain_dataset(folder: Path, mode: str, names: list[str], samples: int,
                    workers: int) -> Samples:
    """Run the queries on the dataset in folder under auto_explain; their statements."""
    cluster, qs = Cluster(folder / "pg"), load_queryset(folder)
    if warning := stale(folder):
        print(warning)
    for old in cluster.folder.glob("explain-*.json"):
        old.unlink()
    with ExitStack() as stop, tempfile.TemporaryDirectory(prefix="bench-explain-") as work:
        dsn = stop.enter_context(cluster.running(_settings(cluster.folder, mode)))
        base, _ = stop.enter_context(stack.server(dsn, workers, Path(work) / "server.log"))
        asyncio.run(wait_ready(base))
        _send(dsn, base, names, samples, qs)
    return _cut(_statements(max(cluster.folder.glob("explain-*.json"))))


_MEASURES: dict[str, Callable[[list[Statement]], float]] = {
    "rows": lambda ss: sum(s.rows for s in ss),
    "buffers": lambda ss: sum(buffers(s.plan) for s in ss),
    "visited": lambda ss: sum(visited(s.plan) for s in ss),
    "ms": lambda ss: sum(s.ms for s in ss),
}


def _median(requests: list[list[Statement]], measure: str) -> float:
    values = _MEASURES[measure]
    return statistics.median(values(r) for r in requests) if requests else 0.0


def _cells(requests: list[list[Statement]]) -> str:
    return " / ".join(f"{_median(requests, m):,.{1 if m == 'ms' else 0}f}"
                      for m in ("rows", "buffers", "visited", "ms"))


def table(results: dict[str, Samples], names: list[str]) -> str:
    """Per query: rows / buffers / rows visited / ms (medians) at each dataset, and the ratio."""
    datasets = list(results)
    head = " | ".join(f"{d}: rows / buffers / visited / ms" for d in datasets)
    rows = [f"| Query | statements | {head} | buffers {datasets[-1]}÷{datasets[0]} |",
            "|---|---:|" + "---|" * len(datasets) + "---:|"]
    for name in names:
        per = [results[d].get(name, []) for d in datasets]
        count = len(per[0][0]) if per[0] else 0
        first, last = _median(per[0], "buffers"), _median(per[-1], "buffers")
        ratio = f"{last / first:.1f}" if first else "—"
        rows.append(f"| {name} | {count} | {' | '.join(_cells(p) for p in per)} | {ratio} |")
    return "\n".join(rows)


def failures(results: dict[str, Samples], mode: str) -> list[str]:
    """FAIL lines: every query whose plans read a watched table with a Seq Scan."""
    lines = []
    for dataset, samples in results.items():
        for name, requests in samples.items():
            scanned = sorted({t for r in requests for s in r for t in seq_scans(s.plan)})
            if scanned:
                lines.append(f"FAIL {dataset} {mode} {name}: Seq Scan on {', '.join(scanned)}")
    return lines


def plans_text(samples: Samples, names: list[str]) -> str:
    """The key lines of each query's statements (first request)."""
    out = []
    for name in names:
        for k, s in enumerate((samples.get(name) or [[]])[0]):
            out += [f"{name} [{k + 1}] {s.ms:.1f} ms: {' '.join(s.text.split())[:150]}"]
            out += [f"    {line}" for line in key_lines(s.plan)]
    return "\n".join(out)


def explain_all(root: Path, datasets: list[str], names: list[str] | None, samples: int,
                workers: int) -> int:
    """Both plan modes at every dataset: tables, key lines, and FAIL lines; 1 if any failed."""
    names = names or list(QUERIES)
    failed = []
    for mode in MODES:
        results = {d: explain_dataset(root / d, mode, names, samples, workers) for d in datasets}
        print(f"\n### {mode}\n\n{table(results, names)}\n")
        print(f"Key lines ({datasets[-1]}, first request):\n```text\n"
              f"{plans_text(results[datasets[-1]], names)}\n```")
        failed += failures(results, mode)
    print("\n".join(failed) if failed else "\nNo Seq Scan on resource or idx_* in any plan.")
    return 1 if failed else 0
