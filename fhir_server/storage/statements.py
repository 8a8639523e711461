"""SQL for writing a resource version, generated once from the index-table layout.

A create or update is one round trip: the resource row, its history row and all of its
search index rows are written by one statement of data-modifying CTEs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# One typed value of any index table (composite components, contained resources' values):
# each table's columns map, in order, onto the slot columns of the same SQL type.
SLOT: tuple[tuple[str, str], ...] = (
    ("a", "text"), ("b", "text"), ("c", "text"), ("n", "numeric"), ("m", "numeric"),
    ("lo", "timestamptz"), ("hi", "timestamptz"),
)
COMPOSITE_SLOTS = 3

# Index tables: columns after (rid, res_type, param), with their SQL array types.
INDEX_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "idx_string": (("value", "text"),),
    "idx_token": (("system", "text"), ("code", "text")),
    "idx_reference": (("target_type", "text"), ("target_id", "text"), ("url", "text")),
    "idx_date": (("lo", "timestamptz"), ("hi", "timestamptz")),
    "idx_number": (("value", "numeric"),),
    "idx_quantity": (("system", "text"), ("code", "text"), ("value", "numeric")),
    "idx_uri": (("uri", "text"),),
    "idx_composite": tuple((f"{c}{k}", t) for k in range(COMPOSITE_SLOTS) for c, t in SLOT),
    "idx_contained": (("ctype", "text"), ("cid", "text"), *SLOT),
    "idx_text": (("value", "text"),),
}
# $1 res_type, $2 res_id, $3 version, $4 last_updated, $5 body, $6 method, $7 raw, $8 raw_type,
# $9 rid (updates only); index arrays follow from FIRST_INDEX_ARG.
FIRST_INDEX_ARG = 10


def _index_ctes(rid_expr: str, source: str) -> list[str]:
    ctes, arg = [], FIRST_INDEX_ARG
    for table, columns in INDEX_COLUMNS.items():
        arrays = [f"${arg}::text[]"] + [
            f"${arg + 1 + i}::{t}[]" for i, (_, t) in enumerate(columns)
        ]
        names = ", ".join(["param"] + [c for c, _ in columns])
        ctes.append(
            f"i_{table} AS (INSERT INTO {table} (rid, res_type, {names}) "
            f"SELECT {rid_expr}, $1, u.* FROM {source}unnest({', '.join(arrays)}) u)"
        )
        arg += 1 + len(columns)
    return ctes


_HISTORY = (
    "h AS (INSERT INTO resource_history "
    "(rid, version, res_type, res_id, last_updated, method, body, raw, raw_type) "
    "SELECT rid, $3, $1, $2, $4, $6, $5, $7, $8 FROM w)"
)

INSERT_NEW = (
    "WITH w AS (INSERT INTO resource (res_type, res_id, version, last_updated, deleted, body) "
    "VALUES ($1, $2, $3, $4, false, $5) ON CONFLICT (res_type, res_id) DO NOTHING RETURNING rid), "
    + ", ".join([_HISTORY] + _index_ctes("w.rid", "w, "))
    + " SELECT rid FROM w WHERE $9::bigint IS NULL"
)

_CLEAR = [f"d_{t} AS (DELETE FROM {t} WHERE rid = $9)" for t in INDEX_COLUMNS]

UPDATE_EXISTING = (
    "WITH w AS (UPDATE resource SET version = $3, last_updated = $4, "
    "deleted = ($5::bytea IS NULL), "
    "body = $5 WHERE rid = $9 RETURNING rid), "
    + ", ".join([_HISTORY] + _CLEAR + _index_ctes("$9", ""))
    + " SELECT rid FROM w"
)


def index_args(rows: dict[str, list[tuple[Any, ...]]]) -> list[Sequence[Any]]:
    """Turn index rows (res_type, param, values...) into the column arrays the statement takes."""
    args: list[Sequence[Any]] = []
    for table, columns in INDEX_COLUMNS.items():
        table_rows = rows.get(table) or ()
        width = 1 + len(columns)
        if not table_rows:
            args.extend([[]] * width)
            continue
        transposed = list(zip(*table_rows, strict=True))
        args.extend(list(col) for col in transposed[1 : 1 + width])
    return args


REWRITE_CURRENT = (
    "WITH w AS (UPDATE resource SET body = $5 WHERE rid = $9 AND res_type = $1 AND res_id = $2 "
    "AND version = $3 RETURNING rid), "
    "h AS (UPDATE resource_history SET body = $5, last_updated = $4, "
    "method = COALESCE($6, method), "
    "raw = COALESCE($7, raw), raw_type = COALESCE($8, raw_type) WHERE rid = $9 AND version = $3), "
    + ", ".join(_CLEAR + _index_ctes("$9", ""))
    + " SELECT rid FROM w"
)
"""Change the body of the current version in place (meta operations make no new version)."""


def _bulk_index_ctes(first_arg: int) -> list[str]:
    ctes, arg = [], first_arg
    for table, columns in INDEX_COLUMNS.items():
        arrays = [f"${arg}::int[]", f"${arg + 1}::text[]"] + [
            f"${arg + 2 + i}::{t}[]" for i, (_, t) in enumerate(columns)
        ]
        names = ", ".join(["param"] + [c for c, _ in columns])
        ctes.append(
            f"b_{table} AS (INSERT INTO {table} (rid, res_type, {names}) "
            f"SELECT n.rid, n.res_type, x.{', x.'.join(names.split(', '))} "
            f"FROM unnest({', '.join(arrays)}) AS x(ord, {names}) JOIN n USING (ord))"
        )
        arg += 2 + len(columns)
    return ctes


# $1 res_types, $2 res_ids, $3 versions, $4 last_updated, $5 bodies, $6 method; then per index
# table: ordinal of the resource, param and the values.
INSERT_MANY = (
    "WITH n AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('resource', 'rid')) AS rid, x.* "
    "FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::bytea[]) "
    "WITH ORDINALITY AS x(res_type, res_id, version, last_updated, body, ord)), "
    "w AS (INSERT INTO resource (rid, res_type, res_id, version, last_updated, deleted, body) "
    "OVERRIDING SYSTEM VALUE SELECT rid, res_type, res_id, version, last_updated, false, body "
    "FROM n), "
    "h AS (INSERT INTO resource_history "
    "(rid, version, res_type, res_id, last_updated, method, body) "
    "SELECT rid, version, res_type, res_id, last_updated, $6, body FROM n), "
    + ", ".join(_bulk_index_ctes(7))
    + " SELECT ord, rid FROM n ORDER BY ord"
)
"""Create many new resources in one statement: a Bundle's creates cost one round trip."""


def bulk_index_args(rows_per_item: list[dict[str, list[tuple[Any, ...]]]]) -> list[list[Any]]:
    """Column arrays for INSERT_MANY: each index row tagged with its resource's 1-based ordinal."""
    args: list[list[Any]] = []
    for table, columns in INDEX_COLUMNS.items():
        cols: list[list[Any]] = [[] for _ in range(2 + len(columns))]
        for ordinal, rows in enumerate(rows_per_item, start=1):
            for row in rows.get(table) or ():
                cols[0].append(ordinal)
                for i, value in enumerate(row[1:], start=1):
                    cols[i].append(value)
        args.extend(cols)
    return args
