"""Keeping Elasticsearch in step with PostgreSQL: after each commit, and rebuilt on demand.

After a commit, the versions written are queued and a background task of the event loop
sends them in bulk, so a write does not wait for Elasticsearch. When Elasticsearch cannot be
reached the batch is logged and dropped: PostgreSQL stays the source of truth, and
`reindex_elastic` (run by `hie reindex`) rebuilds the index from it at any time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import asyncpg
from elasticsearch import AsyncElasticsearch

from fhir_server import events
from fhir_server.search.fulltext import elastic
from fhir_server.settings import Settings, get_settings
from fhir_server.storage.models import Stored

log = logging.getLogger(__name__)
BATCH = 500


class _Indexer:
    """A queue of written versions and the task that sends them to Elasticsearch."""

    def __init__(self, settings: Settings) -> None:
        assert settings.elasticsearch_url is not None
        self.alias = settings.elasticsearch_index
        self.client = elastic.async_client(settings.elasticsearch_url,
                                           settings.elasticsearch_timeout)
        self.queue: asyncio.Queue[Stored] = asyncio.Queue()
        self.ready = False
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                await self._send(batch)
            except Exception as error:  # Elasticsearch down: PostgreSQL still has them all
                log.error("Elasticsearch indexing of %d resources failed (%s); "
                          "run `hie reindex` to rebuild it", len(batch), type(error).__name__)
            finally:
                for _ in batch:
                    self.queue.task_done()

    async def _send(self, batch: list[Stored]) -> None:
        if not self.ready:
            await elastic.ensure_index(self.client, self.alias)
            self.ready = True
        operations = [op for stored in batch for op in elastic.actions(stored, self.alias)]
        response = await self.client.bulk(operations=operations, require_alias=True)
        if reasons := elastic.failures(response):
            log.error("Elasticsearch refused %d documents: %s", len(reasons), set(reasons))


_indexers: dict[asyncio.AbstractEventLoop, _Indexer] = {}


@events.after_commit
async def index_written(written: Sequence[Stored]) -> None:
    """Queue the versions a transaction wrote for Elasticsearch (when it is configured)."""
    settings = get_settings()
    if settings.elasticsearch_url is None:
        return
    loop = asyncio.get_running_loop()
    if loop not in _indexers:
        _indexers[loop] = _Indexer(settings)
    for stored in written:
        _indexers[loop].queue.put_nowait(stored)


async def flush() -> None:
    """Wait until every queued version of this event loop has been sent."""
    indexer = _indexers.get(asyncio.get_running_loop())
    if indexer is not None:
        await indexer.queue.join()


async def close() -> None:
    """Send what is queued, then stop this event loop's indexer and close its client."""
    indexer = _indexers.pop(asyncio.get_running_loop(), None)
    if indexer is not None:
        await indexer.queue.join()
        indexer.task.cancel()
        await indexer.client.close()


_CURRENT = ("SELECT rid, res_type, res_id, version, last_updated, deleted, body FROM resource "
            "WHERE rid > $1 AND NOT deleted {scope} ORDER BY rid LIMIT {limit}")
_CHANGED = ("SELECT rid, res_type, res_id, version, last_updated, deleted, body FROM resource "
            "WHERE rid IN (SELECT rid FROM resource_history WHERE last_updated >= $1)")


def _stored(row: asyncpg.Record) -> Stored:
    return Stored(row["rid"], row["res_type"], row["res_id"], row["version"],
                  row["last_updated"], row["deleted"], row["body"])


async def _bulk(client: AsyncElasticsearch, index: str, versions: list[Stored]) -> None:
    operations = [op for stored in versions for op in elastic.actions(stored, index)]
    if operations:
        response = await client.bulk(operations=operations)
        if reasons := elastic.failures(response):
            raise RuntimeError(f"Elasticsearch refused {len(reasons)} documents: {set(reasons)}")


async def _fill(conn: asyncpg.Connection, client: AsyncElasticsearch, index: str,
                res_type: str | None, progress: Callable[[int], Any] | None) -> int:
    """Index every current resource (of one type), batch by batch; returns how many."""
    scope, extra = ("AND res_type = $2", [res_type]) if res_type else ("", [])
    sql = _CURRENT.format(scope=scope, limit=BATCH)
    total, after = 0, 0
    while rows := await conn.fetch(sql, after, *extra):
        await _bulk(client, index, [_stored(row) for row in rows])
        total, after = total + len(rows), rows[-1]["rid"]
        if progress is not None:
            progress(total)
    return total


async def _swap(client: AsyncElasticsearch, alias: str, fresh: str) -> None:
    """Point alias at the fresh index alone and drop the indexes it pointed at before."""
    old: Any = await client.indices.get_alias(name=alias) if await client.indices.exists_alias(
        name=alias) else {}
    moves: list[dict[str, Any]] = [{"add": {"index": fresh, "alias": alias}}]
    moves += [{"remove_index": {"index": name}} for name in old]
    await client.indices.update_aliases(actions=moves)


async def reindex_elastic(dsn: str, *, res_type: str | None = None,
                          progress: Callable[[int], Any] | None = None,
                          settings: Settings | None = None) -> int:
    """Rebuild the Elasticsearch full-text index from PostgreSQL; returns how many resources.

    The whole index is built anew behind the alias, which then moves to it at once; versions
    written meanwhile are indexed again afterwards. With res_type, that type's documents are
    rewritten in place. For `hie reindex`.
    """
    settings = settings or get_settings()
    if settings.elasticsearch_url is None:
        raise ValueError("HIE_ELASTICSEARCH_URL is not set")
    alias = settings.elasticsearch_index
    client = elastic.async_client(settings.elasticsearch_url, max(settings.elasticsearch_timeout,
                                                                  60.0))
    conn = await asyncpg.connect(dsn)
    try:
        if res_type is not None:
            await elastic.ensure_index(client, alias)
            return await _fill(conn, client, alias, res_type, progress)
        started: datetime = await conn.fetchval("SELECT now()")
        fresh = f"{alias}-{time.time_ns()}"
        await client.indices.create(index=fresh, **elastic.MAPPING)
        total = await _fill(conn, client, fresh, None, progress)
        await _swap(client, alias, fresh)
        await _bulk(client, alias, [_stored(row) for row in await conn.fetch(_CHANGED, started)])
        await client.indices.refresh(index=alias)
        return total
    finally:
        await conn.close()
        await client.close()


if __name__ == "__main__":  # `python -m fhir_server.search.fulltext.indexing`: rebuild it
    database_url = get_settings().database_url
    if database_url is None:
        raise SystemExit("HIE_DATABASE_URL is not set")
    print(f"{asyncio.run(reindex_elastic(database_url))} resources indexed")
