"""Group commit of read events: concurrent requests share a statement, each is answered only
after its events are committed, and a failed batch fails every request in it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from fhir_server.audit.event import Facts
from fhir_server.audit.store import Batcher, Pending
from fhir_server.auth.principal import DEVELOPMENT
from fhir_server.storage.migrate import upgrade

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def dsn(postgres: str) -> str:
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute("DROP DATABASE IF EXISTS batcher_test")
        await admin.execute("CREATE DATABASE batcher_test")
    finally:
        await admin.close()
    url = postgres.rsplit("/", 1)[0] + "/batcher_test"
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture()
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()


def _pending(patient: str) -> Pending:
    facts = Facts("read", "R", datetime.now(UTC), 0, DEVELOPMENT, None)
    return Pending(facts, (), (patient,), "Patient")


class _CountingPool:
    """The real pool, counting how many connections the batcher took (statements' batches)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool, self.acquired = pool, 0

    def acquire(self) -> Any:
        self.acquired += 1
        return self.pool.acquire()


@pytest.mark.parametrize("synchronous", [True, False])
async def test_concurrent_requests_share_a_commit(pool: asyncpg.Pool, synchronous: bool) -> None:
    counting = _CountingPool(pool)
    batcher = Batcher(counting, synchronous)
    names = [f"b-{synchronous}-{n}" for n in range(50)]
    await asyncio.gather(*(batcher.submit(_pending(name)) for name in names))
    stored = await pool.fetchval("SELECT count(*) FROM audit_event WHERE patient = ANY($1)",
                                 names)
    assert stored == 50
    assert counting.acquired < 5  # 50 requests, a handful of statements


class _BrokenPool:
    def acquire(self) -> Any:
        raise ConnectionError("database down")


async def test_a_failed_batch_fails_every_request() -> None:
    batcher = Batcher(_BrokenPool())
    results = await asyncio.gather(*(batcher.submit(_pending(str(n))) for n in range(3)),
                                   return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
