"""History queries: instance, type and system level, newest first, with stable keyset paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir_server.storage.models import Stored


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What to list: scope, `_since`, `_at` range, page size and the keyset position."""

    ceiling: datetime
    count: int
    res_type: str | None = None
    res_id: str | None = None
    since: datetime | None = None
    at: tuple[datetime, datetime] | None = None
    after: tuple[datetime, int, int] | None = None


def _conditions(q: HistoryQuery) -> tuple[list[str], list[Any]]:
    where, args = ["h.last_updated <= $1"], [q.ceiling]

    def add(sql: str, *values: Any) -> None:
        placeholders = [f"${len(args) + i + 1}" for i in range(len(values))]
        where.append(sql.format(*placeholders))
        args.extend(values)

    if q.res_type:
        add("h.res_type = {}", q.res_type)
    if q.res_id:
        add("h.res_id = {}", q.res_id)
    if q.since:
        add("h.last_updated >= {}", q.since)
    if q.at:
        # _at: versions current at some moment of [lo, hi] (http.html#history).
        add(
            "h.last_updated <= {1} AND NOT EXISTS (SELECT 1 FROM resource_history n WHERE "
            "n.rid = h.rid AND n.version = h.version + 1 AND n.last_updated <= {0})",
            *q.at,
        )
    if q.after:
        add("(h.last_updated, h.rid, h.version) < ({}, {}, {})", *q.after)
    return where, args


async def list_history(conn: Any, q: HistoryQuery) -> list[Stored]:
    """One page of versions matching q, newest first (one extra row tells if more follow)."""
    where, args = _conditions(q)
    sql = (
        "SELECT h.rid, h.res_type, h.res_id, h.version, h.last_updated, h.body IS NULL AS deleted,"
        " h.body, h.method FROM resource_history h WHERE "
        + " AND ".join(where)
        + f" ORDER BY h.last_updated DESC, h.rid DESC, h.version DESC LIMIT {int(q.count) + 1}"
    )
    rows = await conn.fetch(sql, *args)
    return [
        Stored(
            r["rid"],
            r["res_type"],
            r["res_id"],
            r["version"],
            r["last_updated"],
            r["deleted"],
            r["body"],
            r["method"],
        )
        for r in rows
    ]


async def count_history(conn: Any, q: HistoryQuery) -> int:
    """The total number of versions matching q (ignoring paging)."""
    where, args = _conditions(HistoryQuery(q.ceiling, q.count, q.res_type, q.res_id, q.since, q.at))
    sql = "SELECT count(*) FROM resource_history h WHERE " + " AND ".join(where)
    return int(await conn.fetchval(sql, *args))
