"""Reindexing: recompute the search index rows of stored resources from their bodies.

Idempotent: each batch replaces the rows of its resources, so a batch run twice (a worker
lost after the work but before the ack) leaves the same index. Progress is returned per batch.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import orjson

from fhir_server.jobs.app import celery_app
from fhir_server.search import index_rows
from fhir_server.storage.statements import INDEX_COLUMNS

BATCH = 500


async def reindex_batch(
    conn: asyncpg.Connection, res_type: str | None, after: int, size: int = BATCH
) -> tuple[int, int]:
    """Reindex up to size current resources with rid > after; returns (count, last rid)."""
    scope = "AND res_type = $3" if res_type else ""
    rows = await conn.fetch(
        f"SELECT rid, body FROM resource WHERE rid > $1 AND NOT deleted {scope} "
        f"ORDER BY rid LIMIT $2",
        after,
        size,
        *([res_type] if res_type else []),
    )
    if not rows:
        return 0, after
    rids = [r["rid"] for r in rows]
    async with conn.transaction():
        for table in INDEX_COLUMNS:
            await conn.execute(f"DELETE FROM {table} WHERE rid = ANY($1)", rids)
        for table, columns in INDEX_COLUMNS.items():
            records = [
                (r["rid"], *row)
                for r in rows
                for row in index_rows(orjson.loads(r["body"])).get(table, [])
            ]
            if records:
                names = ["rid", "res_type", "param"] + [c for c, _ in columns]
                await conn.copy_records_to_table(table, records=records, columns=names)
    return len(rows), rids[-1]


async def reindex_all(dsn: str, res_type: str | None = None, progress: Any = None) -> int:
    """Reindex every current resource (of one type), batch by batch; returns how many."""
    conn = await asyncpg.connect(dsn)
    try:
        total, after = 0, 0
        while True:
            done, after = await reindex_batch(conn, res_type, after)
            if not done:
                return total
            total += done
            if progress is not None:
                progress(total)
    finally:
        await conn.close()


@celery_app.task(  # type: ignore[untyped-decorator]
    name="regional_hie.reindex", acks_late=True
)
def reindex_task(dsn: str, res_type: str | None = None) -> int:
    """Celery entry point of reindexing."""
    return asyncio.run(reindex_all(dsn, res_type))
