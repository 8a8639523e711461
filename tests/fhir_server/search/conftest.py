"""A database of its own holding every R4 example with its search index rows.

It lives in the session's PostgreSQL cluster (the shared `postgres` fixture) but in a
separate database, so the API tests' data and these examples never meet.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest

from fhir_server.search import index_rows
from fhir_server.search.params.date import parse_range
from fhir_server.storage.migrate import upgrade

from .examples import all_resources

DATABASE = "search_examples"
# Examples without meta.lastUpdated are stored as last updated at this instant.
DEFAULT_UPDATED = datetime(2020, 1, 1, tzinfo=UTC)


def _last_updated(resource: dict[str, Any]) -> datetime:
    found = parse_range(resource.get("meta", {}).get("lastUpdated", ""))
    return found[0] if found else DEFAULT_UPDATED


async def _fresh_database(server_dsn: str) -> str:
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    return server_dsn.rsplit("/", 1)[0] + "/" + DATABASE


async def _load(conn: asyncpg.Connection, resources: tuple[dict[str, Any], ...]) -> None:
    rids = await conn.fetch(
        "INSERT INTO resource (res_type, res_id, version, last_updated, body) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], "
        "$5::bytea[]) RETURNING rid",
        [r["resourceType"] for r in resources], [r["id"] for r in resources],
        [1] * len(resources), [_last_updated(r) for r in resources],
        [orjson.dumps(r) for r in resources])
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for record, resource in zip(rids, resources, strict=True):
        for table, rows in index_rows(resource).items():
            tables.setdefault(table, []).extend((record["rid"], *row) for row in rows)
    for table, rows in tables.items():
        await conn.copy_records_to_table(table, records=rows)
    await conn.execute("ANALYZE")


@pytest.fixture(scope="session")
async def examples_db(postgres: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a database holding every resource of the R4 package, indexed."""
    dsn = await _fresh_database(postgres)
    await asyncio.to_thread(upgrade, dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    unique = {(r["resourceType"], r["id"]): r for r in reversed(all_resources()) if "id" in r}
    async with pool.acquire() as conn:
        await _load(conn, tuple(unique.values()))
    yield pool
    await pool.close()
