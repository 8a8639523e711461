"""Index rows for one resource: what the storage writes into the idx_* tables on every write.

The per-type plan (which parameters, which extractor, which table) is computed once per
resource type, so indexing a resource is extraction plus normalisation only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fhir_server.search.params import INDEX_TABLES, PARAM_TYPES
from fhir_server.search.registry import registry
from fhir_server.search.sql import RESOURCE_COLUMNS
from fhir_server.search.typed import Extractor

IndexValues = Callable[[Any, str], Iterable[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    table: str
    extract: Extractor
    index_values: IndexValues


def _plan(resource_type: str) -> tuple[_Entry, ...]:
    cache = registry().derived
    key = ("index-plan", resource_type)
    plan = cache.get(key)
    if plan is None:
        plan = cache[key] = tuple(
            _Entry(p.code, PARAM_TYPES[p.type].TABLE, p.extract, PARAM_TYPES[p.type].index_values)
            for p in registry().params(resource_type).values()
            if p.type in PARAM_TYPES and p.code not in RESOURCE_COLUMNS
        )
    return plan


def index_rows(resource: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per index table for a resource, each `(res_type, param, ...)` without the rid.

    Every table is present (possibly empty) so the caller can replace a resource's rows
    table by table. Dates are timezone-aware datetimes, numbers Decimals.
    """
    resource_type = resource["resourceType"]
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INDEX_TABLES}
    for entry in _plan(resource_type):
        values = entry.extract(resource)
        if not values:
            continue
        index_values = entry.index_values
        found = [row for value, type_code in values for row in index_values(value, type_code)]
        if found:
            head = (resource_type, entry.code)
            unique = dict.fromkeys(found) if len(found) > 1 else found
            rows[entry.table] += [head + row for row in unique]
    return rows
