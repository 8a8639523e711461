"""Reindex throughput on a synthetic county (issue 3 target: at least 5,000 resources/s).

    export PYTHONPATH=.:bench:deploy/scripts
    python bench/bench_reindex.py [--mode parameter|full] [--runners N]
        [--synth /tmp/bench-search/small/synth] [--root /tmp/bench-reindex]

The first run loads the `hie synth` NDJSON of --synth (read only; the search benchmark's
`small` synthesis holds ~217,000 resources) into a cluster of its own under --root, as the
search benchmark loads its datasets; later runs reuse it. Then it measures:

- `parameter` (default): what a new SearchParameter costs. A stored SearchParameter on the
  clinical types is written with SQL; its trigger queues the reindex job of that code
  (migration 0004), which `runners` processes work through (the job split by type).
- `full`: `hie reindex` of every parameter of every resource, `runners` jobs side by side.

Prints resources per second over the whole run: wall clock from starting the runners to
their last commit, their start-up and registry compilation included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from search import load
from search.cluster import LOADING, Cluster

FACILITY = {
    "resourceType": "SearchParameter", "status": "active", "name": "HieFacility",
    "url": "http://regional-hie.cn/fhir/SearchParameter/hie-facility", "code": "hie-facility",
    "description": "数据来源医疗机构", "type": "reference", "target": ["Organization"],
    "base": ["Observation", "DiagnosticReport", "Encounter", "Claim", "Immunization",
             "MedicationRequest", "ServiceRequest", "Condition", "Patient", "Coverage",
             "EpisodeOfCare"],
    "expression": "Observation.performer | DiagnosticReport.performer | "
                  "Encounter.serviceProvider | Claim.provider | Immunization.performer.actor | "
                  "MedicationRequest.requester | ServiceRequest.requester | Condition.recorder | "
                  "Patient.managingOrganization | Coverage.payor | "
                  "EpisodeOfCare.managingOrganization",
}


def prepare(root: Path, synth: Path) -> Cluster:
    """The benchmark's own cluster, loaded from the synthesis the first time."""
    cluster = Cluster(root / "pg")
    if (root / "loaded").exists():
        return cluster
    if not cluster.exists():
        cluster.create()
    from fhir_server.storage.migrate import upgrade

    with cluster.running({**LOADING, **_socket(cluster)}) as dsn:
        upgrade(dsn)
        tick = load.every(10, lambda n: print(f"  loaded {n:,}", flush=True))
        stored = asyncio.run(load.copy_resources(
            dsn, load.read_resources(load.ndjson_files(synth)), tick))
        asyncio.run(load.vacuum_analyze(dsn))
    (root / "loaded").write_text(f"{stored}\n")
    return cluster


def _socket(cluster: Cluster) -> dict[str, str]:
    return {"unix_socket_directories": f"'{cluster.folder}'"}


async def queue_jobs(dsn: str, mode: str, runners: int) -> tuple[list[list[str]], int]:
    """The job ids per runner and the number of resources they cover."""
    from fhir_server.jobs import records
    from fhir_server.search.registry import base_types

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM job")
        sizes = {r["res_type"]: r["n"] for r in await conn.fetch(
            "SELECT res_type, count(*) AS n FROM resource WHERE NOT deleted GROUP BY 1")}
        params: dict[str, Any] = {}
        types = list(sizes)
        if mode == "parameter":
            definition = {**FACILITY, "id": str(uuid.uuid4())}
            await conn.execute("DELETE FROM resource WHERE res_type = 'SearchParameter'")
            await conn.execute(
                "INSERT INTO resource (res_type, res_id, version, last_updated, body) "
                "VALUES ('SearchParameter', $1, 1, now(), $2)",
                definition["id"], orjson.dumps(definition))
            queued = await conn.fetchrow("SELECT id, params FROM job")
            await conn.execute("DELETE FROM job WHERE id = $1", queued["id"])
            params = orjson.loads(queued["params"])
            types = [t for t in base_types(params["types"]) if t in sizes]
        jobs: list[list[str]] = []
        for share in deal({t: sizes[t] for t in types}, runners):
            ids = [await records.create(conn, "reindex", {**params, "types": [t]})
                   for t in share]
            jobs.append(ids)
        return jobs, sum(sizes[t] for t in types)
    finally:
        await conn.close()


def deal(sizes: dict[str, int], runners: int) -> list[list[str]]:
    """Resource types dealt to runners so each gets about as many resources (largest first,
    each to the least loaded runner)."""
    loads: list[tuple[int, list[str]]] = [(0, []) for _ in range(runners)]
    for res_type, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        loads.sort(key=lambda load_: load_[0])
        loads[0] = (loads[0][0] + size, [*loads[0][1], res_type])
    return [types for _, types in loads if types]


def run_share(dsn: str, job_ids: list[str]) -> int:
    """One runner process: its jobs one after another, as a worker runs them."""
    from fhir_server.jobs.reindex import run_job
    from fhir_server.search import index_rows

    index_rows({"resourceType": "Patient", "id": "warm-up"})  # compile before the clock

    async def work() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            done = 0
            for job_id in job_ids:
                job = await run_job(conn, job_id)
                assert job is not None and job.state == "done", job
                done += job.done
            return done
        finally:
            await conn.close()

    return asyncio.run(work())


def main() -> None:
    """Prepare, queue, run, report."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synth", type=Path, default=Path("/tmp/bench-search/small/synth"))
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench-reindex"))
    parser.add_argument("--mode", choices=("parameter", "full"), default="parameter")
    parser.add_argument("--runners", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ.setdefault("HIE_DEFINITIONS_DIR", "/tmp/hiedefs")
    cluster = prepare(args.root, args.synth)
    with cluster.running(_socket(cluster)) as dsn:
        jobs, covered = asyncio.run(queue_jobs(dsn, args.mode, args.runners))
        started = time.perf_counter()
        with ProcessPoolExecutor(len(jobs)) as pool:
            done = sum(pool.map(run_share, [dsn] * len(jobs), jobs))
        seconds = time.perf_counter() - started
    print(f"{args.mode} reindex: {done:,} resources ({covered:,} in scope) with {len(jobs)} "
          f"runner(s) in {seconds:.1f} s: {done / seconds:,.0f} resources/s")


if __name__ == "__main__":
    main()
