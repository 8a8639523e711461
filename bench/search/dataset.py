"""Build a search-benchmark dataset: a synthetic county in its own PostgreSQL cluster on disk.

    python -m search build --name large --residents 50000     # via bench/run_search.sh

Layout under --root (default /tmp/bench-search), per dataset NAME:
    NAME/synth/          `hie synth` output (NDJSON used; no DICOM)
    NAME/pg/             the PostgreSQL cluster (cluster.py), migrated by the platform
    NAME/queryset.json   sampled resident IDs, names, codes and dates (sampling.py)
    NAME/dataset.json    counts, sizes and how long each step took
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from search import load
from search.cluster import LOADING, Cluster
from search.everything import PATIENT_ID, everything_patient
from search.sampling import Sampler

REPO = Path(__file__).resolve().parents[2]
# What decides the stored rows: the schema, and how index rows are extracted.
INDEX_SOURCES = ("fhir_server/storage/migrations/versions/*.py",
                 "fhir_server/storage/statements.py", "fhir_server/search/index.py",
                 "fhir_server/search/params/*.py")


def fingerprint() -> str:
    """A hash of the code that decides what a load writes (INDEX_SOURCES)."""
    digest = hashlib.sha256()
    for pattern in INDEX_SOURCES:
        for path in sorted(REPO.glob(pattern)):
            digest.update(path.relative_to(REPO).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def stale(folder: Path) -> str | None:
    """Why the dataset in folder may not match the code any more (None: it matches)."""
    built = orjson.loads((folder / "dataset.json").read_bytes()).get("fingerprint")
    if built == fingerprint():
        return None
    return (f"WARNING: dataset {folder.name} was loaded by other schema or index code than the "
            f"tree's ({built} ≠ {fingerprint()}): rebuild it with `bench/run_search.sh build "
            f"--name {folder.name} --residents N --force`")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def synthesize(out: Path, residents: int, seed: int) -> float:
    """`hie synth` (NDJSON and Bundles, no DICOM) into out; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "synthdata", "synth", "--patients", str(residents),
                    "--seed", str(seed), "--out", str(out), "--no-dicom", "--force"],
                   cwd=REPO, check=True)
    return time.monotonic() - started


def _synthesized(synth: Path) -> tuple[int, int] | None:
    manifest = synth / "manifest.json"
    if not manifest.exists():
        return None
    found = orjson.loads(manifest.read_bytes())
    return int(found["patients"]), int(found["seed"])


def _timed(step: str, work: Callable[[], Any], figures: dict[str, Any]) -> Any:
    _say(f"{step} …")
    started = time.monotonic()
    result = work()
    figures[f"{step}_seconds"] = round(time.monotonic() - started, 1)
    return result


async def _sizes(dsn: str) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            "SELECT relname, reltuples::bigint AS rows, pg_total_relation_size(oid) AS bytes "
            "FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "ORDER BY bytes DESC")
        total = await conn.fetchval("SELECT pg_database_size(current_database())")
        per_type = await conn.fetch("SELECT res_type, count(*) AS n FROM resource "
                                    "GROUP BY res_type ORDER BY n DESC")
    finally:
        await conn.close()
    return {"database_bytes": total,
            "tables": {r["relname"]: {"rows": r["rows"], "bytes": r["bytes"]} for r in tables},
            "resources_per_type": {r["res_type"]: r["n"] for r in per_type}}


def _store(dsn: str, synth: Path, sampler: Sampler, figures: dict[str, Any]) -> None:
    from fhir_server.storage.migrate import upgrade

    upgrade(dsn)
    stream = map(sampler.see, load.read_resources(load.ndjson_files(synth)))
    extra = map(sampler.see, everything_patient())
    tick = load.every(10, lambda n: _say(f"  {n:,} resources"))
    stored = _timed("load", lambda: asyncio.run(
        load.copy_resources(dsn, (r for part in (stream, extra) for r in part), tick)), figures)
    figures.update(stored=stored, load_rate_per_s=round(stored / max(figures["load_seconds"], 0.1)))
    _timed("vacuum_analyze", lambda: asyncio.run(load.vacuum_analyze(dsn)), figures)
    figures.update(asyncio.run(_sizes(dsn)))


def build(root: Path, name: str, residents: int, seed: int, force: bool) -> Path:
    """Make dataset `name` from scratch (synthesis, cluster, load); returns its folder.

    An existing synthesis of the same size and seed is kept, so rebuilding after a schema
    change (a migration or an index table added) only loads again.
    """
    folder = root / name
    cluster = Cluster(folder / "pg")
    if cluster.exists() and not force:
        raise SystemExit(f"{folder} already holds a dataset (use --force to rebuild it)")
    shutil.rmtree(cluster.folder, ignore_errors=True)
    figures: dict[str, Any] = {"name": name, "residents": residents, "seed": seed,
                               "fingerprint": fingerprint()}
    synth = folder / "synth"
    if _synthesized(synth) != (residents, seed):
        figures["synth_seconds"] = round(synthesize(synth, residents, seed), 1)
    cluster.create()
    sampler = Sampler(random.Random(seed))
    with cluster.running(LOADING) as dsn:
        _store(dsn, synth, sampler, figures)
    queryset = {"dataset": name, **sampler.queryset(PATIENT_ID)}
    (folder / "queryset.json").write_bytes(orjson.dumps(queryset, option=orjson.OPT_INDENT_2))
    (folder / "dataset.json").write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    _say(f"{name}: {figures['stored']:,} resources, {figures['database_bytes'] / 2**30:.1f} GiB; "
         f"loaded and indexed in {figures['load_seconds']} s ({figures['load_rate_per_s']:,}/s)")
    return folder
