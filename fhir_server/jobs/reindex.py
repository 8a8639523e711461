"""Reindexing: recompute the search index rows of stored resources from their bodies.

A reindex is a job (`records.py`): its params name the resource types (none: all), the
parameter codes to recompute (none: every parameter) and the urls of stored
SearchParameters it makes complete. It runs batch by batch in rid order;
each batch replaces the rows of its resources and moves the job's cursor in one
transaction, so a batch run twice leaves the same index and a job taken over after a lost
worker continues after its last committed batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
import orjson

from fhir_server.jobs import records
from fhir_server.jobs.app import celery_app
from fhir_server.search import index_rows
from fhir_server.search.index import param_rows
from fhir_server.search.registry import base_types, registry
from fhir_server.search.stored import sync
from fhir_server.settings import get_settings
from fhir_server.storage.statements import INDEX_COLUMNS

BATCH = 1000
KIND = "reindex"
Progress = Callable[[int, int | None], None]

_SCOPE = "AND res_type = ANY($3::text[])"
_BATCH_SQL = "SELECT rid, body FROM resource WHERE rid > $1 AND NOT deleted {scope} " \
             "ORDER BY rid LIMIT $2"
_COUNT_SQL = "SELECT count(*) FROM resource WHERE NOT deleted {scope}"


def _types(params: dict[str, Any]) -> list[str] | None:
    bases = params.get("types")
    return base_types(bases) if bases else None


def _codes(params: dict[str, Any]) -> frozenset[str] | None:
    codes = params.get("codes")
    return frozenset(codes) if codes else None


async def reindex_batch(
    conn: asyncpg.Connection, types: Sequence[str] | None, after: int, size: int = BATCH,
    codes: frozenset[str] | None = None,
) -> tuple[int, int]:
    """Reindex up to size current resources with rid > after (of these types, or any), in
    the caller's transaction; only the parameters of codes when given. Returns (count, last
    rid)."""
    scope = _SCOPE if types is not None else ""
    args = [after, size, *([list(types)] if types is not None else [])]
    rows = await conn.fetch(_BATCH_SQL.format(scope=scope), *args)
    if not rows:
        return 0, after
    rids = [r["rid"] for r in rows]
    if codes is None:
        computed = [(r["rid"], index_rows(orjson.loads(r["body"]))) for r in rows]
        await _clear(conn, rids, None)
    else:
        computed = [(r["rid"], param_rows(orjson.loads(r["body"]), codes)) for r in rows]
        await _clear(conn, rids, codes)
    await _write(conn, computed)
    return len(rows), rids[-1]


async def _clear(conn: asyncpg.Connection, rids: list[int], codes: frozenset[str] | None) -> None:
    """Delete the index rows of these resources (of these parameters and their modifiers)."""
    for table in INDEX_COLUMNS:
        if codes is None:
            await conn.execute(f"DELETE FROM {table} WHERE rid = ANY($1::bigint[])", rids)
        else:
            await conn.execute(f"DELETE FROM {table} WHERE rid = ANY($1::bigint[]) "
                               f"AND split_part(param, ':', 1) = ANY($2::text[])",
                               rids, sorted(codes))


async def _write(conn: asyncpg.Connection,
                 computed: list[tuple[int, dict[str, list[tuple[Any, ...]]]]]) -> None:
    """COPY the computed rows into their tables."""
    for table, columns in INDEX_COLUMNS.items():
        records_ = [(rid, *row) for rid, rows_ in computed for row in rows_.get(table, ())]
        if records_:
            names = ["rid", "res_type", "param"] + [c for c, _ in columns]
            await conn.copy_records_to_table(table, records=records_, columns=names)


async def _count(conn: asyncpg.Connection, types: list[str] | None) -> int:
    if types is None:
        return int(await conn.fetchval(_COUNT_SQL.format(scope="")))
    return int(await conn.fetchval(_COUNT_SQL.format(scope="AND res_type = ANY($1::text[])"),
                                   types))


async def _next_batch(conn: asyncpg.Connection, job_id: str, types: list[str] | None,
                      codes: frozenset[str] | None) -> bool:
    """One batch and its progress in one transaction; False when the job is complete."""
    async with conn.transaction():
        job = await records.lock_for_batch(conn, job_id)
        if job.state not in records.UNFINISHED:
            return False
        count, cursor = await reindex_batch(conn, types, job.cursor, BATCH, codes)
        if count:
            await records.advance(conn, job_id, count, cursor)
            return True
        await records.finish(conn, job_id)
        await _complete(conn, job.params.get("urls", ()))
        return False


async def _complete(conn: asyncpg.Connection, urls: Sequence[str]) -> None:
    """The SearchParameters of these urls now have their existing data indexed."""
    if urls:
        await conn.execute(
            "UPDATE search_registry SET pending = ARRAY(SELECT u FROM unnest(pending) u "
            "WHERE u <> ALL($1::text[])) WHERE id = 1", list(urls))


async def run_job(conn: asyncpg.Connection, job_id: str,
                  progress: Progress | None = None) -> records.Job | None:
    """Run (or continue) a reindex job to its end; None when another runner holds it."""
    if not await records.try_take(conn, job_id):
        return None
    try:
        await sync(conn)  # index with every stored SearchParameter, not this process's view
        job = await records.get(conn, job_id)
        if job is None or job.state not in records.UNFINISHED:
            return job
        types = _types(job.params)
        await records.start(conn, job_id, await _count(conn, types))
        while await _next_batch(conn, job_id, types, _codes(job.params)):
            if progress is not None:
                current = await records.get(conn, job_id)
                assert current is not None
                progress(current.done, current.total)
        return await records.get(conn, job_id)
    except Exception as error:
        await records.fail(conn, job_id, f"{type(error).__name__}: {error}")
        raise
    finally:
        await records.release(conn, job_id)


async def run_unfinished(dsn: str) -> int:
    """Run every queued or interrupted reindex job no other runner holds; how many ran."""
    conn = await asyncpg.connect(dsn)
    try:
        ran = 0
        for job_id in await records.unfinished(conn, KIND):
            ran += await run_job(conn, job_id) is not None
        return ran
    finally:
        await conn.close()


async def reindex_all(dsn: str, res_type: str | None = None,
                      progress: Progress | None = None) -> int:
    """Queue and run a reindex of every current resource (of one type); returns how many."""
    job = await run_reindex_job(dsn, res_type, None, progress)
    return job.done if job is not None else 0


async def queue_reindex(conn: asyncpg.Connection, res_type: str | None) -> str:
    """Queue a reindex of one type (None: everything); returns the job id.

    The job also completes the pending stored SearchParameters it covers: all of them, or
    for one type those defined on no other type.
    """
    pending = list(await conn.fetchval("SELECT pending FROM search_registry WHERE id = 1"))
    if res_type is not None:
        elsewhere = {p.url for t in registry().by_type if t != res_type
                     for p in registry().params(t).values()}
        pending = [url for url in pending if url not in elsewhere]
    return await records.create(conn, KIND, {"types": [res_type] if res_type else None,
                                             "urls": pending})


@celery_app.task(  # type: ignore[untyped-decorator]
    name="regional_hie.jobs.run", acks_late=True
)
def run_jobs_task() -> int:
    """Celery entry point: run the unfinished reindex jobs (redelivered if the worker dies)."""
    dsn = get_settings().database_url
    if not dsn:
        raise RuntimeError("HIE_DATABASE_URL is not set for the worker")
    return asyncio.run(run_unfinished(dsn))


@celery_app.task(  # type: ignore[untyped-decorator]
    name="regional_hie.reindex", acks_late=True
)
def reindex_task(dsn: str, res_type: str | None = None) -> int:
    """Celery entry point of a whole reindex (of one type)."""
    return asyncio.run(reindex_all(dsn, res_type))


async def run_reindex_job(dsn: str, res_type: str | None, job_id: str | None,
                          progress: Progress | None = None) -> records.Job | None:
    """Run a new reindex (of one type, or all), or continue job_id; the job at its end, or
    None when it is unknown or another runner holds it."""
    conn = await asyncpg.connect(dsn)
    try:
        if job_id is None:
            await sync(conn)
            job_id = await queue_reindex(conn, res_type)
        return await run_job(conn, job_id, progress)
    finally:
        await conn.close()
