"""Search queries on PostgreSQL: one keyset page in sort order, totals, types in use.

A search is one or more branches, one per resource type (a system-wide search has several);
each is a compiled set of clauses on the `resource` row `r` and the sort keys that apply to
its type. Several branches are combined with `UNION ALL`, each ordered and limited on its
own, so every branch can walk its own index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from fhir_server.search.clauses import Clause
from fhir_server.search.sort import SortKey, SortValue, collated
from fhir_server.search.sql import SqlArgs
from fhir_server.storage.models import Stored

_COLUMNS = "r.rid, r.res_type, r.res_id, r.version, r.last_updated, r.deleted, r.body"


@dataclass(frozen=True, slots=True)
class Branch:
    """One resource type's part of a search: its clauses and its sort keys."""

    res_type: str
    clauses: Sequence[Clause]
    keys: Sequence[SortKey]


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the sort order: a row's key values and its rid (ties broken by rid)."""

    values: tuple[SortValue, ...]
    rid: int


@dataclass(frozen=True, slots=True)
class Match:
    """A matching resource with its sort key values."""

    stored: Stored
    values: tuple[SortValue, ...]

    @property
    def position(self) -> Position:
        return Position(self.values, self.stored.rid)


@dataclass(frozen=True, slots=True)
class Moved:
    """A match written after the search began, with the version current when it began."""

    stored: Stored
    old_body: bytes
    old_updated: datetime


def _stored(row: Any) -> Stored:
    return Stored(row["rid"], row["res_type"], row["res_id"], row["version"],
                  row["last_updated"], row["deleted"], row["body"])


def _where(branch: Branch, args: SqlArgs) -> str:
    conditions = [f"r.res_type = {args.shared(branch.res_type)}", "NOT r.deleted"]
    conditions += [f"({clause.sql('r', args)})" for clause in branch.clauses]
    return " AND ".join(conditions)


def _order(exprs: Sequence[str], keys: Sequence[SortKey], rid: str, backwards: bool) -> str:
    """ORDER BY terms: missing values last going forwards (so first going backwards)."""
    nulls = "FIRST" if backwards else "LAST"
    terms = [f"{e} {'DESC' if k.descending != backwards else 'ASC'} NULLS {nulls}"
             for e, k in zip(exprs, keys, strict=True)]
    return ", ".join([*terms, f"{rid} {'DESC' if backwards else 'ASC'}"])


def _beyond(expr: str, value: SortValue, key: SortKey, backwards: bool, args: SqlArgs) -> str:
    """Rows strictly past `value` in this key, in the direction of travel ('' for none)."""
    if value is None:  # missing values come last: only they are after, all others before
        return f"{expr} IS NOT NULL" if backwards else ""
    greater = key.descending == backwards
    op = ">" if greater else "<"
    compared = f"{expr} {op} {args.add(value)}"
    return compared if backwards else f"({compared} OR {expr} IS NULL)"


def _keyset(branch: Branch, position: Position, backwards: bool, args: SqlArgs) -> str:
    """Rows strictly after (or before) position in the order of branch's keys, then rid."""
    terms: list[str] = []
    equal: list[str] = []
    for n, (key, value) in enumerate(zip(branch.keys, position.values, strict=True)):
        expr = key.value_sql(n)
        if beyond := _beyond(expr, value, key, backwards, args):
            terms.append(" AND ".join([*equal, beyond]))
        equal.append(f"{expr} IS NULL" if value is None else f"{expr} = {args.add(value)}")
    terms.append(" AND ".join([*equal, f"r.rid {'<' if backwards else '>'} "
                                        f"{args.add(position.rid)}"]))
    return "(" + " OR ".join(f"({t})" for t in terms) + ")"


def _branch_page(branch: Branch, position: Position | None, backwards: bool,
                 ceiling: datetime | None, limit: int, args: SqlArgs) -> str:
    laterals = "".join(key.lateral(n, args) for n, key in enumerate(branch.keys))
    exprs = [key.value_sql(n) for n, key in enumerate(branch.keys)]
    values = "".join(f", {k.column_sql(n)} AS s{n}" for n, k in enumerate(branch.keys))
    where = _where(branch, args)
    if ceiling is not None:  # unchanged since the search began (search.html#paging)
        where += f" AND r.last_updated <= {args.add(ceiling)}"
    if position is not None:
        where += " AND " + _keyset(branch, position, backwards, args)
    return (f"SELECT {_COLUMNS}{values} FROM resource r{laterals} WHERE {where} "
            f"ORDER BY {_order(exprs, branch.keys, 'r.rid', backwards)} LIMIT {int(limit)}")


async def page_rows(conn: Any, branches: Sequence[Branch], position: Position | None,
                    backwards: bool, ceiling: datetime | None, limit: int) -> list[Match]:
    """Up to limit matches past position (before it if backwards), nearest first.

    With a ceiling, only resources last written at or before it are considered.
    """
    args = SqlArgs(1)
    parts = [_branch_page(b, position, backwards, ceiling, limit, args) for b in branches]
    sql = parts[0]
    if len(parts) > 1:
        keys = branches[0].keys
        exprs = [collated(f"u.s{n}", k.sql_class) for n, k in enumerate(keys)]
        union = " UNION ALL ".join(f"({p})" for p in parts)
        sql = (f"SELECT * FROM ({union}) u ORDER BY {_order(exprs, keys, 'u.rid', backwards)} "
               f"LIMIT {int(limit)}")
    rows = await conn.fetch(sql, *args.values)
    width = len(branches[0].keys)
    return [Match(_stored(row), tuple(row[f"s{n}"] for n in range(width))) for row in rows]


async def moved_rows(conn: Any, branches: Sequence[Branch], ceiling: datetime,
                     limit: int) -> list[Moved]:
    """Matches last written after ceiling that existed then, with their version at ceiling.

    Resources created after the ceiling are left out: they were not there when the search
    began. At most limit rows.
    """
    args = SqlArgs(1)
    at = args.add(ceiling)
    parts = [
        f"SELECT {_COLUMNS}, h.body AS old_body, h.last_updated AS old_updated FROM resource r "
        "CROSS JOIN LATERAL (SELECT h.body, h.last_updated FROM resource_history h "
        f"WHERE h.rid = r.rid AND h.last_updated <= {at} ORDER BY h.version DESC LIMIT 1) h "
        f"WHERE {_where(b, args)} AND r.last_updated > {at} AND h.body IS NOT NULL"
        for b in branches
    ]
    sql = " UNION ALL ".join(f"({p})" for p in parts) + f" LIMIT {int(limit)}"
    rows = await conn.fetch(sql, *args.values)
    return [Moved(_stored(row), row["old_body"], row["old_updated"]) for row in rows]


def _matching(branches: Sequence[Branch], args: SqlArgs) -> str:
    return " UNION ALL ".join(f"(SELECT 1 FROM resource r WHERE {_where(b, args)})"
                              for b in branches)


async def count(conn: Any, branches: Sequence[Branch]) -> int:
    """How many current resources match (`_total=accurate`)."""
    args = SqlArgs(1)
    sql = " + ".join(f"(SELECT count(*) FROM resource r WHERE {_where(b, args)})"
                     for b in branches)
    return int(await conn.fetchval(f"SELECT {sql}", *args.values))


async def estimate(conn: Any, branches: Sequence[Branch], exact_below: int) -> int:
    """`_total=estimate`: exact up to exact_below, above that the planner's row estimate."""
    args = SqlArgs(1)
    matching = _matching(branches, args)
    capped = await conn.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM ({matching}) u LIMIT {int(exact_below)}) c",
        *args.values)
    if capped < exact_below:
        return int(capped)
    plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {matching}", *args.values)
    planned = orjson.loads(plan)[0]["Plan"]["Plan Rows"]
    return max(int(capped), int(planned))


async def types_in_use(conn: Any) -> list[str]:
    """The resource types with at least one live resource (a skip scan of the type index)."""
    rows = await conn.fetch(
        "WITH RECURSIVE t(x) AS (SELECT min(res_type) FROM resource WHERE NOT deleted "
        "UNION ALL SELECT (SELECT min(res_type) FROM resource WHERE NOT deleted "
        "AND res_type > t.x) FROM t WHERE t.x IS NOT NULL) SELECT x FROM t WHERE x IS NOT NULL")
    return [row["x"] for row in rows]
