"""The PostgreSQL repository: the source of truth for every resource and version."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg

from fhir_server import events
from fhir_server.storage.models import Stored
from fhir_server.storage.statements import (
    INSERT_MANY,
    INSERT_NEW,
    REWRITE_CURRENT,
    UPDATE_EXISTING,
    bulk_index_args,
    index_args,
)

_COLUMNS = "rid, res_type, res_id, version, last_updated, deleted, body"


def _stored(row: asyncpg.Record, method: str = "") -> Stored:
    return Stored(
        row["rid"],
        row["res_type"],
        row["res_id"],
        row["version"],
        row["last_updated"],
        row["deleted"],
        row["body"],
        method,
    )


class Reader:
    """Read paths that work on a pool or inside a transaction's connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def read(self, res_type: str, res_id: str) -> Stored | None:
        """The current version of a resource, deleted or not."""
        row = await self.conn.fetchrow(
            f"SELECT {_COLUMNS} FROM resource WHERE res_type = $1 AND res_id = $2", res_type, res_id
        )
        return _stored(row) if row else None

    async def vread(self, res_type: str, res_id: str, version: int) -> Stored | None:
        """One historic version of a resource."""
        row = await self.conn.fetchrow(
            "SELECT rid, res_type, res_id, version, last_updated, body IS NULL AS deleted, body, "
            "method FROM resource_history WHERE res_type = $1 AND res_id = $2 AND version = $3",
            res_type,
            res_id,
            version,
        )
        return _stored(row, row["method"]) if row else None

    async def find(
        self, res_type: str, where: str, args: list[Any], limit: int, after_rid: int = 0
    ) -> list[Stored]:
        """Current, non-deleted resources of a type matching a compiled search condition."""
        n = len(args) + 2
        sql = (
            f"SELECT {_COLUMNS} FROM resource r WHERE r.res_type = $1 AND NOT r.deleted "
            f"AND r.rid > ${n} AND ({where}) ORDER BY r.rid LIMIT {int(limit)}"
        )
        return [_stored(row) for row in await self.conn.fetch(sql, res_type, *args, after_rid)]

    async def count(self, res_type: str, where: str, args: list[Any]) -> int:
        """How many current resources of a type match a compiled search condition."""
        sql = (
            f"SELECT count(*) FROM resource r WHERE r.res_type = $1 AND NOT r.deleted AND ({where})"
        )
        return int(await self.conn.fetchval(sql, res_type, *args))

    async def received(self, res_type: str, res_id: str, version: int) -> tuple[bytes, str] | None:
        """The exact bytes and content type a client sent for one version, if kept."""
        row = await self.conn.fetchrow(
            "SELECT raw, raw_type FROM resource_history WHERE res_type = $1 AND res_id = $2 "
            "AND version = $3 AND raw IS NOT NULL",
            res_type,
            res_id,
            version,
        )
        return (row["raw"], row["raw_type"]) if row else None

    async def meta_in_use(self, res_type: str | None) -> dict[str, list[Any]]:
        """The distinct tags, security labels and profiles on current resources (of a type)."""
        scope, args = ("AND res_type = $1", [res_type]) if res_type else ("", [])
        tokens = await self.conn.fetch(
            "SELECT DISTINCT param, system, code FROM idx_token "
            "WHERE param IN ('_tag', '_security') "
            f"{scope} ORDER BY 1, 2, 3",
            *args,
        )
        profiles = await self.conn.fetch(
            f"SELECT DISTINCT uri FROM idx_uri WHERE param = '_profile' {scope} ORDER BY 1", *args
        )
        meta: dict[str, list[Any]] = {"profile": [r["uri"] for r in profiles]}
        for key, param in (("tag", "_tag"), ("security", "_security")):
            meta[key] = [
                {**({"system": r["system"]} if r["system"] else {}), "code": r["code"]}
                for r in tokens
                if r["param"] == param
            ]
        return meta


class Session(Reader):
    """One database transaction: every write of an interaction or of a Bundle goes through one."""

    def __init__(self, conn: Any) -> None:
        super().__init__(conn)
        self.written: list[Stored] = []  # told to the after-commit subscribers (events.py)

    def _wrote(self, stored: Stored) -> Stored:
        self.written.append(stored)
        return stored

    async def current(self, res_type: str, res_id: str, *, lock: bool = False) -> Stored | None:
        """The current version (deleted or not); with lock, held until the transaction ends."""
        sql = f"SELECT {_COLUMNS} FROM resource WHERE res_type = $1 AND res_id = $2"
        row = await self.conn.fetchrow(sql + (" FOR UPDATE" if lock else ""), res_type, res_id)
        return _stored(row) if row else None

    async def insert(
        self,
        res_type: str,
        res_id: str,
        version: int,
        moment: datetime,
        body: bytes,
        rows: dict[str, list[tuple[Any, ...]]],
        method: str,
        raw: bytes | None,
        raw_type: str | None,
    ) -> Stored | None:
        """Write a resource that has no row yet; None if another transaction created it first."""
        rid = await self.conn.fetchval(
            INSERT_NEW,
            res_type,
            res_id,
            version,
            moment,
            body,
            method,
            raw,
            raw_type,
            None,
            *index_args(rows),
        )
        if rid is None:
            return None
        return self._wrote(Stored(rid, res_type, res_id, version, moment, False, body, method))

    async def insert_many(
        self,
        items: list[tuple[str, str, bytes, dict[str, list[tuple[Any, ...]]]]],
        moment: datetime,
        method: str,
    ) -> list[Stored]:
        """Create many new resources (type, id, body, index rows) as version 1, in one statement."""
        if not items:
            return []
        types, ids, bodies = ([i[0] for i in items], [i[1] for i in items], [i[2] for i in items])
        rows = await self.conn.fetch(
            INSERT_MANY,
            types,
            ids,
            [1] * len(items),
            [moment] * len(items),
            bodies,
            method,
            *bulk_index_args([i[3] for i in items]),
        )
        return [
            self._wrote(Stored(row["rid"], types[k], ids[k], 1, moment, False, bodies[k], method))
            for k, row in enumerate(rows)
        ]

    async def replace(
        self,
        current: Stored,
        moment: datetime,
        body: bytes | None,
        rows: dict[str, list[tuple[Any, ...]]],
        method: str,
        raw: bytes | None,
        raw_type: str | None,
    ) -> Stored:
        """Write the next version of a locked resource (body None records a deletion)."""
        version = current.version + 1
        await self.conn.fetchval(
            UPDATE_EXISTING,
            current.res_type,
            current.res_id,
            version,
            moment,
            body,
            method,
            raw,
            raw_type,
            current.rid,
            *index_args(rows),
        )
        return self._wrote(Stored(
            current.rid,
            current.res_type,
            current.res_id,
            version,
            moment,
            body is None,
            body,
            method,
        ))

    async def rewrite(
        self, current: Stored, body: bytes, rows: dict[str, list[tuple[Any, ...]]]
    ) -> Stored:
        """Replace the body of the current, locked version without making a new version."""
        await self.conn.fetchval(
            REWRITE_CURRENT,
            current.res_type,
            current.res_id,
            current.version,
            current.last_updated,
            body,
            None,
            None,
            None,
            current.rid,
            *index_args(rows),
        )
        return self._wrote(Stored(
            current.rid,
            current.res_type,
            current.res_id,
            current.version,
            current.last_updated,
            False,
            body,
            current.method,
        ))

    async def lock_criteria(self, res_type: str, criteria: str) -> None:
        """Serialise conditional creates with the same criteria through their unique key row."""
        key = hashlib.sha256(criteria.encode()).hexdigest()
        await self.conn.execute(
            "INSERT INTO conditional_key (res_type, criteria) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            res_type,
            key,
        )
        await self.conn.execute(
            "SELECT 1 FROM conditional_key WHERE res_type = $1 AND criteria = $2 FOR UPDATE",
            res_type,
            key,
        )

    async def record_criteria(self, res_type: str, criteria: str, rid: int) -> None:
        """Remember which resource a conditional create made (for audit and diagnosis)."""
        key = hashlib.sha256(criteria.encode()).hexdigest()
        await self.conn.execute(
            "UPDATE conditional_key SET rid = $3 WHERE res_type = $1 AND criteria = $2",
            res_type,
            key,
            rid,
        )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's reset query on release: the platform keeps no session state (no SET,
    LISTEN or session advisory locks), and the reset would cost a round trip per request."""


class Repository(Reader):
    """The connection pool; reads outside a transaction go straight to the pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        self.pool = pool

    @classmethod
    async def connect(cls, dsn: str, *, min_size: int = 2, max_size: int = 16) -> Repository:
        """Open a pool against dsn."""
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            statement_cache_size=256,
            reset=_keep_session,
        )
        return cls(pool)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[Session]:
        """A session for work that is one SQL statement, atomic on its own: no BEGIN/COMMIT,
        unless before-commit subscribers must join it (then a real transaction)."""
        if events.has_before_commit():
            async with self.transaction() as session:
                yield session
            return
        async with self.pool.acquire() as conn:
            session = Session(conn)
            yield session
        await events.committed(session.written)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A database transaction: everything written inside commits together or not at all;
        after the commit, the after-commit subscribers hear what it wrote (events.py)."""
        async with self.pool.acquire() as conn:
            session = Session(conn)
            async with conn.transaction():
                yield session
                await events.committing(session)
        await events.committed(session.written)
