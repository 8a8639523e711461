"""Index rows for one resource: what the storage writes into the idx_* tables on every write.

The per-type plan is computed once per resource type: which parameters, their extractor,
index table and the top-level keys they read. Parameters of the same type and expression
(e.g. Patient `name` and `phonetic`) share one extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fhir_server.search import contained, fulltext
from fhir_server.search.params import INDEX_TABLES, ParamType, composite, param_kind
from fhir_server.search.registry import SearchParam, registry
from fhir_server.search.sql import RESOURCE_COLUMNS
from fhir_server.search.typed import Extractor

IndexValues = Callable[[Any, str], Iterable[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class _Entry:
    codes: tuple[str, ...]
    table: str
    extract: Extractor
    index_values: IndexValues
    roots: tuple[str, ...] | None


def _entries(params: Iterable[SearchParam]) -> tuple[_Entry, ...]:
    groups: dict[tuple[ParamType, str], list[SearchParam]] = {}
    composites: list[_Entry] = []
    for p in params:
        kind = param_kind(p.type, p.code)
        if p.type == "composite":
            composites += _composite_entry(p)
        elif kind is not None and p.code not in RESOURCE_COLUMNS:
            groups.setdefault((kind, p.expression), []).append(p)
    return tuple(
        _Entry(tuple(p.code for p in group), kind.TABLE, group[0].extract, kind.index_values,
               None if group[0].roots is None else tuple(group[0].roots))
        for (kind, _), group in groups.items()
    ) + tuple(composites)


def _composite_entry(param: SearchParam) -> list[_Entry]:
    """A composite's entry: its extractor gives finished rows (components side by side)."""
    found = composite.row_extractor(param)
    if found is None:
        return []
    extract, roots = found
    return [_Entry((param.code,), composite.TABLE, extract, composite.index_values,
                   None if roots is None else tuple(roots))]


def _plan(resource_type: str) -> tuple[_Entry, ...]:
    cache = registry().derived
    key = ("index-plan", resource_type)
    if key not in cache:
        cache[key] = _entries(registry().params(resource_type).values())
    plan: tuple[_Entry, ...] = cache[key]
    return plan


def index_rows(resource: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per index table for a resource, each `(res_type, param, ...)` without the rid.

    Every table is present (possibly empty) so the caller can replace a resource's rows
    table by table. Dates are timezone-aware datetimes, numbers Decimals.
    """
    resource_type = resource["resourceType"]
    present = resource.keys()
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INDEX_TABLES}
    for entry in _plan(resource_type):
        if entry.roots is not None and present.isdisjoint(entry.roots):
            continue
        values = entry.extract(resource)
        if not values:
            continue
        index_values = entry.index_values
        found = [row for value, type_code in values for row in index_values(value, type_code)]
        if len(found) > 1:
            found = list(dict.fromkeys(found))
        for code in entry.codes:
            head = (resource_type, code)
            rows[entry.table] += [head + row for row in found]
    if "contained" in present:
        rows[contained.TABLE] = contained.index_rows(resource, index_rows)
    rows[fulltext.TABLE] = fulltext.text_rows(resource)
    return rows
