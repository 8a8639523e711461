"""Queries that follow references between stored resources: includes and compartments.

Forward references go from a resource's `idx_reference` rows (by `rid`) to the target's
(res_type, res_id) key; reverse references go from a target's key through the
(target_id, target_type, param) index to the referring rows. Deleted and missing targets
drop out of the joins. Each query answers a whole round of include parameters at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader

_COLUMNS = "t.rid, t.res_type, t.res_id, t.version, t.last_updated, t.deleted, t.body"

Spec = tuple[str | None, str | None, str | None]
"""(source type, reference parameter, target type); None stands for any (`*`)."""

# The include parameters as a relation s(src, param, target); NULL matches anything.
_SPECS = "unnest({0}::text[], {1}::text[], {2}::text[]) AS s(src, param, target)"
_SPEC_MATCH = (
    "(s.src IS NULL OR i.res_type = s.src) AND (s.param IS NULL OR i.param = s.param) "
    "AND (s.target IS NULL OR i.target_type = s.target)"
)

_REFERENCED = (
    f"SELECT {_COLUMNS} FROM resource t WHERE (t.res_type, t.res_id) IN ("
    f"SELECT i.target_type, i.target_id FROM idx_reference i JOIN {_SPECS.format('$2', '$3', '$4')}"
    f" ON {_SPEC_MATCH} WHERE i.rid = ANY($1::bigint[]) AND i.target_id IS NOT NULL) "
    "AND NOT t.deleted AND t.rid <> ALL($5::bigint[]) AND ({where}) ORDER BY t.rid LIMIT $6"
)

_REFERRING = (
    f"SELECT {_COLUMNS} FROM resource t WHERE t.rid IN ("
    "SELECT i.rid FROM unnest($1::text[], $2::text[]) AS m(type, id) "
    "JOIN idx_reference i ON i.target_id = m.id AND i.target_type = m.type "
    f"JOIN {_SPECS.format('$3', '$4', '$5')} ON {_SPEC_MATCH}) "
    "AND NOT t.deleted AND t.rid <> ALL($6::bigint[]) ORDER BY t.rid LIMIT $7"
)

_MEMBERS = (
    f"SELECT {_COLUMNS} FROM resource t WHERE NOT t.deleted AND t.rid > $1 AND ({{where}}) "
    "ORDER BY t.rid LIMIT $2"
)


def _spec_arrays(specs: Sequence[Spec]) -> list[list[str | None]]:
    return [[s[k] for s in specs] for k in range(3)]


async def referenced(
    reader: Reader,
    rids: Sequence[int],
    specs: Sequence[Spec],
    exclude: Sequence[int],
    limit: int,
    where: str = "TRUE",
    args: Sequence[Any] = (),
) -> list[Stored]:
    """Live resources that the resources `rids` refer to through one of specs.

    Resources in exclude are left out; `where` (on row `t`, arguments from `$7`) narrows
    the targets further. In storage order, at most limit.
    """
    sql = _REFERENCED.format(where=where)
    rows = await reader.conn.fetch(
        sql, list(rids), *_spec_arrays(specs), list(exclude), limit, *args
    )
    return [Stored(*row) for row in rows]


async def referring(
    reader: Reader,
    targets: Sequence[tuple[str, str]],
    specs: Sequence[Spec],
    exclude: Sequence[int],
    limit: int,
) -> list[Stored]:
    """Live resources that refer to one of targets (type, id) through one of specs.

    A spec's target type, when given, must be the referred resource's type.
    """
    rows = await reader.conn.fetch(
        _REFERRING,
        [t for t, _ in targets],
        [i for _, i in targets],
        *_spec_arrays(specs),
        list(exclude),
        limit,
    )
    return [Stored(*row) for row in rows]


async def members(
    reader: Reader, where: str, args: Sequence[Any], after: int, limit: int
) -> list[Stored]:
    """Live resources of any type satisfying `where` (on row `t`, arguments from `$3`).

    In storage order after rid `after`, at most limit: keyset pages that stay stable while
    resources are added (new ones sort last). `where` should bound the rows through an
    index (a compartment), since no resource type narrows the scan.
    """
    rows = await reader.conn.fetch(_MEMBERS.format(where=where), after, limit, *args)
    return [Stored(*row) for row in rows]
