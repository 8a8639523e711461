"""Run the search queries against a dataset with 16 clients under wrk, through the core harness.

For each dataset: its cluster is started, then the server with 2 uvicorn workers
(core/stack.py). Each query is first probed (a few requests with httpx, every answer checked),
then replayed by core/runner.py: 3 s of warm-up, then the measured run with CPU sampling
(and py-spy with --profile). A query whose probe fails (4xx/5xx) is reported, not measured.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
from core import stack
from core.runner import Options, Result, run_scenario
from core.scenarios import Scenario
from core.seed import wait_ready
from core.workload import Line, Seeded

from search.cluster import Cluster
from search.dataset import stale
from search.queries import QUERIES, Query

PROBES = 12
POOL = 2_000  # distinct requests per query file; wrk cycles through them


@dataclass(frozen=True)
class Outcome:
    """One query on one dataset: its probe, and its wrk figures when it could be measured."""

    dataset: str
    query: Query
    status: str  # "ok", or what the probe found wrong
    results: float  # mean matches per request in the probe
    result: Result | None = None


@dataclass(frozen=True)
class Settings:
    """How to measure (the command line's options)."""

    clients: int = 16
    seconds: float = 20
    warmup: float = 3
    workers: int = 2
    nice: int = -10
    profile: Path | None = None
    force: bool = False


def load_queryset(folder: Path) -> dict[str, Any]:
    """The dataset's query-set file."""
    found: dict[str, Any] = orjson.loads((folder / "queryset.json").read_bytes())
    return found


Build = Callable[[random.Random, Seeded, int], Iterable[Line]]


def _lines(query: Query, qs: dict[str, Any]) -> Build:
    def build(rng: random.Random, seeded: Seeded, count: int) -> Iterable[Line]:
        return (("GET", query.path(rng, qs), None) for _ in range(count))

    return build


def probe(base: str, query: Query, qs: dict[str, Any]) -> tuple[str, float]:
    """GET a few requests of the query, check each answer; (status, mean matches)."""
    rng, counts = random.Random(f"probe-{query.name}"), []
    with httpx.Client(headers={"Accept": "application/fhir+json"}, timeout=120) as client:
        for _ in range(PROBES):
            path = query.path(rng, qs)
            response = client.get(f"{base}/{path}")
            if response.status_code != 200:
                return f"HTTP {response.status_code}: {response.text[:300]}", 0.0
            bundle = orjson.loads(response.content)
            params = parse_qs(urlsplit(path).query)
            if problem := query.check(bundle, params, qs):
                return f"{problem} ({path})", 0.0
            counts.append(sum(1 for e in bundle.get("entry", [])
                              if e.get("search", {}).get("mode", "match") == "match"))
    return "ok", sum(counts) / len(counts)


def _measure(base: str, query: Query, qs: dict[str, Any], options: Options,
             force: bool) -> Outcome:
    status, results = probe(base, query, qs)
    if status != "ok" and (status.startswith("HTTP") or not force):
        return Outcome(qs["dataset"], query, status, results)
    scenario = Scenario(query.name, query.title, _lines(query, qs), POOL)
    return Outcome(qs["dataset"], query, status, results, run_scenario(scenario, Seeded([], []),
                                                                       options))


def measure(folder: Path, names: list[str], settings: Settings) -> list[Outcome]:
    """Serve the dataset in folder and measure the named queries; the outcomes, in order."""
    qs = load_queryset(folder)
    if warning := stale(folder):
        print(warning, file=sys.stderr)
    cluster = Cluster(folder / "pg")
    with ExitStack() as stop, tempfile.TemporaryDirectory(prefix="bench-search-") as work:
        dsn = stop.enter_context(cluster.running())
        base, pid = stop.enter_context(stack.server(dsn, settings.workers,
                                                    Path(work) / "server.log"))
        asyncio.run(wait_ready(base))
        postmaster = cluster.postmaster()
        stop.enter_context(stack.priority(settings.nice, [pid, postmaster]))
        options = Options(base, settings.clients, settings.seconds, settings.warmup, 2024,
                          Path(work), {"server": [pid], "postgres": [postmaster]},
                          settings.profile)
        outcomes = []
        for name in names:
            print(f"{qs['dataset']}: {name} …", file=sys.stderr, flush=True)
            outcomes.append(_measure(base, QUERIES[name], qs, options, settings.force))
        return outcomes


def set_niceness(nice: int) -> None:
    """Set this process's niceness, inherited by PostgreSQL and the server started later
    (core/stack.py does the same); below 0 needs root."""
    if nice:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
