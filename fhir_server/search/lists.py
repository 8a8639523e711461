"""`_list` (FHIR R4 search, 3.1.1.4.11): resources that are items of a List.

`_list=42` matches the resources List/42 names in `entry.item` (indexed as List's `item`
reference parameter). `_list=$current-problems` and the other functional lists of
list.html#functional are computed, not stored: each is a condition on the resources of
the one type it lists (e.g. an active Condition), combined with the search's other
parameters (`patient=...`). A functional list asked of another type is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search.escaping import split_unescaped, unescape

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler
    from fhir_server.search.sql import SqlArgs

_ACTIVE_CLINICAL = "active,recurrence,relapse"

# list.html#functional: the functional list names, by the resource type each lists, and
# the parameters that define "current" for it.
FUNCTIONAL: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "$current-problems": {"Condition": (("clinical-status", _ACTIVE_CLINICAL),)},
    "$current-medications": {
        "MedicationStatement": (("status", "active,intended"),),
        "MedicationRequest": (("status", "active,on-hold"),),
    },
    "$current-allergies": {"AllergyIntolerance": (("clinical-status", "active"),)},
    "$current-drug-allergies": {
        "AllergyIntolerance": (("clinical-status", "active"), ("category", "medication")),
    },
}


@dataclass(frozen=True, slots=True)
class ListClause:
    """The resource is an item of one of the stored Lists."""

    list_ids: tuple[str, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`EXISTS` over the `item` references of the live Lists."""
        lst = args.alias("l")
        ids = args.add(list(self.list_ids))
        return (f"EXISTS (SELECT 1 FROM resource {lst} JOIN idx_reference i ON i.rid = {lst}.rid "
                f"WHERE {lst}.res_type = 'List' AND {lst}.res_id = ANY({ids}) "
                f"AND NOT {lst}.deleted AND i.param = 'item' "
                f"AND i.target_type = {alias}.res_type AND i.target_id = {alias}.res_id)")


@dataclass(frozen=True, slots=True)
class AnyClause:
    """Any one of the clauses holds (the alternatives of a `_list` value)."""

    alternatives: tuple[Clause, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """The alternatives joined with OR."""
        return " OR ".join(f"({clause.sql(alias, args)})" for clause in self.alternatives)


@dataclass(frozen=True, slots=True)
class AllClause:
    """Every one of the clauses holds (the conditions of a functional list)."""

    clauses: tuple[Clause, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """The clauses joined with AND."""
        return " AND ".join(f"({clause.sql(alias, args)})" for clause in self.clauses)


def compile_list(resource_type: str, name: str, value: str,
                 compile_param: ClauseCompiler) -> Clause:
    """The clause for `_list=id[,id...]`, where an id may name a functional list."""
    if name != "_list":
        raise bad_request(f"'{name}': _list takes no modifier", code="not-supported")
    ids = [unescape(v) for v in split_unescaped(value, ",")]
    if any(not v for v in ids):
        raise bad_request(f"empty alternative in _list value '{value}'")
    stored = tuple(v for v in ids if not v.startswith("$"))
    alternatives: list[Clause] = [ListClause(stored)] if stored else []
    for functional in (v for v in ids if v.startswith("$")):
        alternatives.append(_functional(resource_type, functional, compile_param))
    return alternatives[0] if len(alternatives) == 1 else AnyClause(tuple(alternatives))


def _functional(resource_type: str, name: str, compile_param: ClauseCompiler) -> Clause:
    by_type = FUNCTIONAL.get(name)
    if by_type is None:
        known = ", ".join(sorted(FUNCTIONAL))
        raise bad_request(f"unknown functional list '{name}' (known: {known})",
                          code="not-supported")
    conditions = by_type.get(resource_type)
    if conditions is None:
        raise bad_request(f"functional list '{name}' lists {' and '.join(sorted(by_type))}, "
                          f"not {resource_type}")
    return AllClause(tuple(compile_param(resource_type, code, v) for code, v in conditions))
