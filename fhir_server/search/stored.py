"""Keep this process's search registry in step with the SearchParameters stored on the server.

Every write of a SearchParameter bumps `search_registry.version` in its own transaction
(trigger in migration 0004); each request reads that one row (`sync`) and rebuilds the
registry when the version moved, so every API process and worker agrees on the parameters
from the first request after the commit. The row also carries the urls whose reindex is
unfinished (`pending`), which searches report as possibly partial.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson

from fhir_server.search.registry import registry, use_stored

log = logging.getLogger(__name__)
SEARCHABLE_STATUSES = ("active", "draft")
_without_table: list[bool] = []  # non-empty once the database turned out to lack the table
_STATE = "SELECT version, pending FROM search_registry WHERE id = 1"
_DEFINITIONS = ("SELECT body FROM resource WHERE res_type = 'SearchParameter' AND NOT deleted "
                "AND convert_from(body, 'UTF8')::jsonb->>'status' = ANY($1::text[]) ORDER BY rid")


async def sync(conn: Any) -> None:
    """Bring the registry to the stored version (conn: an asyncpg connection or pool).

    Costs one single-row read when nothing changed. A database without the table (migrated
    before 0004) has no stored parameters: said once, then not asked again.
    """
    if _without_table:
        return
    try:
        row = await conn.fetchrow(_STATE)
    except asyncpg.UndefinedTableError:
        log.warning("no search_registry table: stored SearchParameters are not used "
                    "(run `hie db upgrade`)")
        _without_table.append(True)
        return
    if row is None:
        return
    current = registry()
    if row["version"] == current.version:
        if current.pending != frozenset(row["pending"]):
            current.pending = frozenset(row["pending"])
        return
    await _rebuild(conn)  # concurrent rebuilds are harmless: each installs a whole registry


async def _rebuild(conn: Any) -> None:
    """Read the stored definitions and the state, then lay them over the R4 registry."""
    async with _snapshot(conn) as reader:
        row = await reader.fetchrow(_STATE)
        bodies = await reader.fetch(_DEFINITIONS, list(SEARCHABLE_STATUSES))
    refused = use_stored((orjson.loads(b["body"]) for b in bodies), row["version"],
                         row["pending"])
    if refused:
        log.warning("stored SearchParameters not usable, left out: %s", refused)


@asynccontextmanager
async def _snapshot(conn: Any) -> AsyncIterator[Any]:
    """One repeatable-read snapshot (on a pool's connection when given a pool), so that the
    version and the definitions read belong together."""
    if isinstance(conn, asyncpg.Pool):
        async with conn.acquire() as own, own.transaction(isolation="repeatable_read",
                                                           readonly=True):
            yield own
    else:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            yield conn


def pending_codes(res_types: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The parameters a search uses (criteria and `_sort` keys, first link of a chain) that
    are stored SearchParameters whose reindex is unfinished: their results may be partial."""
    current = registry()
    if not current.pending:
        return []
    names = [v.lstrip("-") for k, v in pairs if k == "_sort" for v in v.split(",")]
    names += [k.split(".", 1)[0].split(":", 1)[0] for k, _ in pairs]
    found = {code for t in res_types for code in names
             if (param := current.get(t, code)) is not None and current.is_pending(param)}
    return sorted(found)
