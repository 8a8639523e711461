"""What a search covers: its resource types, their compiled clauses and sort keys, and the
parameters set aside (unknown ones, when lenient; search.html#errors).

A type-level search has one branch. A system-wide search (search.html#all) has one per type
listed in `_type`, or per type in use when `_type` is absent; without `_type` only the
parameters every resource type defines (and `_list`, `_text`, `_content`) apply. A
parameter any type in scope does not know is set aside for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fhir_server.definitions.structure import type_system
from fhir_server.errors import bad_request
from fhir_server.interactions.paging import page_size
from fhir_server.search import RESULT_PARAMS, SearchQuery, compile_query, registry
from fhir_server.search.clauses import Clause
from fhir_server.search.sort import SortKey, parse_sort
from fhir_server.storage.postgres import Reader
from fhir_server.storage.search import Branch, types_in_use

Pair = tuple[str, str]
# Result parameters a search through branches cannot answer (set aside like unknown
# parameters when not `false`): type-level `_contained` searches take their own path
# (interactions/search.py); system-wide and compartment searches do not search contained.
NOT_YET = frozenset({"_contained", "_containedType"})
_SYSTEM_SPECIAL = frozenset({"_list", "_text", "_content"})


@dataclass(frozen=True, slots=True)
class Scope:
    """A compiled search: branches, result parameters, the pairs its links repeat, and
    the names set aside."""

    branches: list[Branch]
    result: list[Pair]
    kept: list[Pair]
    ignored: list[str]
    cursor: str | None
    include_type: str

    @property
    def keys(self) -> Sequence[SortKey]:
        """The sort keys (as the first type has them; every type has the same kinds)."""
        return self.branches[0].keys if self.branches else ()

    @property
    def mutable(self) -> bool:
        """Whether an update can move a resource in the sort order."""
        return any(k.mutable for k in self.keys)

    def count(self, default: int, maximum: int) -> int:
        """The page size `_count` asks for (the last one given)."""
        values = [v for k, v in self.result if k == "_count"]
        return page_size(values[-1] if values else None, default, maximum)


_INCLUDES = frozenset({"_include", "_revinclude"})


def type_scope(res_type: str, pairs: list[Pair], lenient: bool,
               extra: tuple[Clause, ...]) -> Scope:
    """The scope of a search on one type; extra clauses are ANDed to its own."""
    criteria, cursor = _split_cursor(pairs)
    query = compile_query(res_type, criteria, lenient=lenient)
    queries = {res_type: query}
    return _scope(queries, criteria, list(query.ignored), lenient, cursor, res_type, extra)


async def common_scope(reader: Reader, pairs: list[Pair], lenient: bool) -> Scope:
    """The scope of a system-wide search."""
    criteria, cursor = _split_cursor(pairs)
    listed = _listed_types(criteria)
    ignored: list[Pair] = []
    if listed is None:
        ignored = [p for p in criteria if not _common(p[0])]
        if ignored and not lenient:
            raise bad_request(f"'{ignored[0][0]}' is not a parameter of every resource type: "
                              "name the types with _type", code="not-supported")
    types = listed if listed is not None else await types_in_use(reader.conn)
    usable = [p for p in criteria if p not in ignored]
    queries = {t: compile_query(t, usable, lenient=lenient) for t in types}
    unknown = {p for q in queries.values() for p in q.ignored}
    if unknown:  # unknown to some type in scope: set aside for every type
        usable = [p for p in usable if p not in unknown]
        queries = {t: compile_query(t, usable) for t in types}
    ignored += [p for p in criteria if p in unknown]
    return _scope(queries, criteria, ignored, lenient, cursor, "*", ())


def _scope(queries: dict[str, SearchQuery], criteria: list[Pair], ignored: list[Pair],
           lenient: bool, cursor: str | None, include_type: str,
           extra: tuple[Clause, ...]) -> Scope:
    result = [p for p in criteria
              if p[0] in RESULT_PARAMS or p[0].partition(":")[0] in _INCLUDES]  # `:iterate`
    for pair in result:
        if pair[0] in NOT_YET and pair[1] not in ("", "false"):
            if not lenient:
                raise bad_request(f"{pair[0]} is not supported", code="not-supported")
            ignored.append(pair)
    result = [p for p in result if p not in ignored]
    keys, unknown_sort = _sort_keys(list(queries), result, lenient)
    kept = [p for p in criteria if p not in ignored and p[0] != "_sort"]
    if any(keys.values()):
        first = next(iter(keys.values()))
        kept.append(("_sort", ",".join(("-" if k.descending else "") + k.code for k in first)))
    branches = [Branch(t, [*q.clauses, *extra], keys[t]) for t, q in queries.items()]
    names = [k for k, _ in ignored] + [f"_sort={code}" for code in unknown_sort]
    return Scope(branches, result, kept, names, cursor, include_type)


def _sort_keys(types: list[str], result: list[Pair],
               lenient: bool) -> tuple[dict[str, list[SortKey]], list[str]]:
    """Sort keys per type; a name unknown to any type is set aside for all."""
    values = [v for k, v in result if k == "_sort"]
    parsed = {t: parse_sort(t, values, lenient) for t in types}
    unknown = sorted({code for _, codes in parsed.values() for code in codes})
    if unknown:
        kept = [item for v in values for item in v.split(",")
                if item.strip().removeprefix("-") not in unknown]
        parsed = {t: parse_sort(t, [",".join(kept)] if kept else [], lenient) for t in types}
    keys = {t: found for t, (found, _) in parsed.items()}
    kinds = {tuple(k.sql_class for k in found) for found in keys.values()}
    if len(kinds) > 1:
        raise bad_request("the _sort parameters have different types in the types searched")
    return keys, unknown


def _split_cursor(pairs: list[Pair]) -> tuple[list[Pair], str | None]:
    cursors = [v for k, v in pairs if k == "_cursor"]
    return [p for p in pairs if p[0] != "_cursor"], (cursors[-1] if cursors else None)


def _listed_types(criteria: list[Pair]) -> list[str] | None:
    """The types `_type` names (all its occurrences), or None without `_type`; 400 if unknown."""
    values = [v for k, v in criteria if k == "_type"]
    if not values:
        return None
    names = sorted({n.strip() for v in values for n in v.split(",") if n.strip()})
    known = type_system().resource_types
    for name in names:
        if name not in known:
            raise bad_request(f"unknown resource type '{name}' in _type")
    return names


def _common(name: str) -> bool:
    """Whether a parameter applies to a search without `_type`."""
    code = name.partition(":")[0].partition(".")[0]
    return name in RESULT_PARAMS or code in _SYSTEM_SPECIAL or code in _common_codes()


def _common_codes() -> frozenset[str]:
    """The parameters every resource type defines (`_id`, `_lastUpdated`, `_tag`, ...)."""
    cache: dict[Any, Any] = registry().derived
    key = ("common-params",)
    if key not in cache:
        codes = [frozenset(params) for params in registry().by_type.values()]
        cache[key] = frozenset.intersection(*codes) if codes else frozenset()
    found: frozenset[str] = cache[key]
    return found
