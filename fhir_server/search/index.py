"""Index rows for one resource: what the storage writes into the idx_* tables on every write.

The per-type plan is computed once per resource type: which parameters, their extractor,
index table and the top-level keys they read. Parameters of the same type and expression
(e.g. Patient `name` and `phonetic`) share one extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fhir_server.search import contained, fulltext, near
from fhir_server.search.params import (
    INDEX_TABLES,
    ParamType,
    composite,
    modifiers,
    number,
    param_kind,
)
from fhir_server.search.registry import SearchParam, registry
from fhir_server.search.sql import RESOURCE_COLUMNS
from fhir_server.search.typed import Extractor, Typed

IndexValues = Callable[[Any, str], Iterable[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class _Output:
    codes: tuple[str, ...]
    table: str
    index_values: IndexValues


@dataclass(frozen=True, slots=True)
class _Entry:
    extract: Extractor
    roots: tuple[str, ...] | None
    outputs: tuple[_Output, ...]


def _entries(params: Iterable[SearchParam]) -> tuple[_Entry, ...]:
    """One entry per (type module, expression): parameters sharing an expression share its
    extraction."""
    groups: dict[tuple[ParamType, str], list[SearchParam]] = {}
    composites: list[_Entry] = []
    for p in params:
        kind = param_kind(p.type, p.code)
        if p.type == "composite":
            composites += _composite_entry(p)
        elif kind is not None and p.code not in RESOURCE_COLUMNS:
            groups.setdefault((kind, p.expression), []).append(p)
    return tuple(_entry(kind, group) for (kind, _), group in groups.items()) + tuple(composites)


def _entry(kind: ParamType, group: list[SearchParam]) -> _Entry:
    """The group's rows, and the rows of modifiers that search values of their own (`:text`,
    `:of-type`, `:identifier`, under `code:modifier`) from the same extracted values."""
    codes = tuple(p.code for p in group)
    outputs = [_Output(codes, kind.TABLE, kind.index_values)] + [
        _Output(tuple(f"{c}:{m.modifier}" for c in codes), m.TABLE, m.index_values)
        for m in modifiers.BY_TYPE.get(group[0].type, ())]
    roots = None if group[0].roots is None else tuple(group[0].roots)
    return _Entry(group[0].extract, roots, tuple(outputs))


def _composite_entry(param: SearchParam) -> list[_Entry]:
    """A composite's entry: its extractor gives finished rows (components side by side)."""
    found = composite.row_extractor(param)
    if found is None:
        return []
    extract, roots = found
    output = _Output((param.code,), composite.TABLE, composite.index_values)
    return [_Entry(extract, None if roots is None else tuple(roots), (output,))]


def _plan(resource_type: str) -> tuple[_Entry, ...]:
    cache = registry().derived
    key = ("index-plan", resource_type)
    if key not in cache:
        cache[key] = _entries(registry().params(resource_type).values()) + _near_entries(
            resource_type)
    plan: tuple[_Entry, ...] = cache[key]
    return plan


def _near_entries(resource_type: str) -> tuple[_Entry, ...]:
    """Location `near` (a special parameter): the position's coordinates as numbers."""
    return tuple(
        _Entry(c.extract, None if c.roots is None else tuple(c.roots),
               (_Output((code,), near.TABLE, number.index_values),))
        for code, c in near.coordinates(resource_type))


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
        for output in entry.outputs:
            _add_rows(rows[output.table], resource_type, output, values)
    if "contained" in present:
        rows[contained.TABLE] = contained.index_rows(resource, index_rows)
    rows[fulltext.TABLE] = fulltext.text_rows(resource)
    return rows


def _add_rows(table: list[tuple[Any, ...]], resource_type: str, output: _Output,
              values: list[Typed]) -> None:
    index_values = output.index_values
    found = [row for value, type_code in values for row in index_values(value, type_code)]
    if len(found) > 1:
        found = list(dict.fromkeys(found))
    for code in output.codes:
        head = (resource_type, code)
        table += [head + row for row in found]


def param_rows(resource: dict[str, Any], codes: frozenset[str]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of some parameters only, by table (with their `code:modifier` rows): what a
    reindex for newly stored SearchParameters writes, without the cost of the others."""
    resource_type = resource["resourceType"]
    cache = registry().derived
    key = ("param-plan", resource_type, codes)
    if key not in cache:
        cache[key] = _entries(p for c, p in registry().params(resource_type).items()
                              if c in codes)
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INDEX_TABLES}
    for entry in cache[key]:
        values = entry.extract(resource)
        for output in entry.outputs if values else ():
            _add_rows(rows[output.table], resource_type, output, values)
    return rows
