"""search/stored.py without a database: a database migrated before 0004 is tolerated."""

from __future__ import annotations

import importlib
from typing import Any

import asyncpg

from fhir_server.search import registry

stored = importlib.import_module("fhir_server.search.stored")


class _OldDatabase:
    """A connection to a database without the search_registry table."""

    def __init__(self) -> None:
        self.asked = 0

    async def fetchrow(self, *args: Any) -> None:
        self.asked += 1
        raise asyncpg.UndefinedTableError('relation "search_registry" does not exist')


async def test_a_database_without_the_table_is_asked_once() -> None:
    before = registry()
    old = _OldDatabase()
    try:
        await stored.sync(old)
        await stored.sync(old)
    finally:
        stored._without_table.clear()
    assert old.asked == 1
    assert registry() is before  # the registry stays as it was: R4 definitions only
