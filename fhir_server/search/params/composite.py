"""Composite search parameters (FHIR R4 search.html#composite): `code-value-quantity=x$gt5`.

The components must match the same element (one Observation.component, one useContext),
so each element gives rows of idx_composite holding all of its components side by side:
component k in slot k, a value of the component's own type mapped onto typed slot columns
(`storage.statements.SLOT`). A component's type is that of the SearchParameter its
`definition` names; its SQL is that type's own `value_sql`, aimed at the slot's columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

from fhir_server.errors import bad_request
from fhir_server.search.escaping import split_unescaped
from fhir_server.search.expression import parse_expression, root_name, split_union
from fhir_server.search.extract import compile_expression
from fhir_server.search.registry import SearchParam, registry
from fhir_server.search.sql import SqlArgs
from fhir_server.search.typed import Extractor, Typed
from fhir_server.storage.statements import COMPOSITE_SLOTS, INDEX_COLUMNS, SLOT

if TYPE_CHECKING:
    from fhir_server.search.params import ParamType

TABLE = "idx_composite"
Slot = tuple[Any, ...]

# R4 errata: DocumentReference `relationship` gives its `relatesto` (reference) component the
# expression `code` and its `relation` (token) component `target`; the definitions' own
# expressions (relatesTo.target, relatesTo.code) say which goes where.
_ERRATA = {
    "http://hl7.org/fhir/SearchParameter/DocumentReference-relationship": ("target", "code"),
}
_COLUMN = re.compile(r"\bi\.([a-z_]+)\b")
# Component expressions name FHIRPath System types (`value.as(DateTime)` in Observation
# code-value-date) where the element's FHIR primitive type (dateTime) is meant.
_SYSTEM_TYPE = re.compile(r"\bas\((Boolean|String|Integer|Decimal|Date|DateTime|Time)\)")


def _slot_columns(table: str) -> dict[str, int]:
    """Each column of an index table -> its position in SLOT (the next free one of its type)."""
    free = list(range(len(SLOT)))
    positions: dict[str, int] = {}
    for name, sql_type in INDEX_COLUMNS[table]:
        position = next(i for i in free if SLOT[i][1] == sql_type)
        free.remove(position)
        positions[name] = position
    return positions


SLOT_COLUMNS: dict[str, dict[str, int]] = {
    table: _slot_columns(table) for table in ("idx_string", "idx_token", "idx_reference",
                                             "idx_date", "idx_number", "idx_quantity", "idx_uri")
}
"""Per value table: its columns' positions in a slot."""


def to_slot(table: str, row: tuple[Any, ...]) -> Slot:
    """A row of a value table (its columns after res_type and param) as a slot."""
    slot: list[Any] = [None] * len(SLOT)
    for position, value in zip(SLOT_COLUMNS[table].values(), row, strict=True):
        slot[position] = value
    return tuple(slot)


def slot_sql(kind: ParamType, value: Any, modifier: str | None, args: SqlArgs,
             suffix: str = "") -> str:
    """The type's own condition on index row `i`, aimed at the slot columns (`i.b1`...)."""
    columns = SLOT_COLUMNS[kind.TABLE]
    sql = kind.value_sql(value, modifier, args)
    return _COLUMN.sub(lambda m: f"i.{SLOT[columns[m.group(1)]][0]}{suffix}", sql)


@dataclass(frozen=True, slots=True)
class Part:
    """One component: the type module that indexes and matches it, and its expression."""

    kind: ParamType
    expression: str


@dataclass(frozen=True, slots=True)
class CompositeValue:
    """A parsed query value: per component its type module and parsed value."""

    parts: tuple[tuple[ParamType, Any], ...]


def _types_by_url() -> dict[str, str]:
    cache = registry().derived
    key = ("composite", "types-by-url")
    if key not in cache:
        cache[key] = {p.url: p.type for params in registry().by_type.values()
                      for p in params.values()}
    types: dict[str, str] = cache[key]
    return types


def parts(param: SearchParam) -> tuple[Part, ...] | None:
    """The components with their types; None when one cannot be searched (or too many)."""
    from fhir_server.search.params import PARAM_TYPES

    if not param.components or len(param.components) > COMPOSITE_SLOTS:
        return None
    expressions = _ERRATA.get(param.url) or tuple(c.expression for c in param.components)
    found = []
    for component, expression in zip(param.components, expressions, strict=True):
        kind = PARAM_TYPES.get(_types_by_url().get(component.definition, ""))
        if kind is None or kind.TABLE not in SLOT_COLUMNS or not expression:
            return None
        found.append(Part(kind, expression))
    return tuple(found)


# --- the write path -----------------------------------------------------------------------

ComponentValues = Callable[[dict[str, Any], dict[str, Any]], list[Typed]]


@dataclass(frozen=True, slots=True)
class _Group:
    """Elements of one union alternative of the parameter and how to read each component."""

    keys: tuple[str, ...]  # JSON path from the resource to the elements; () for the resource
    elements: Extractor
    components: tuple[tuple[ParamType, ComponentValues], ...]
    roots: frozenset[str] | None


def _element_keys(alternative: str, resource_type: str) -> tuple[str, ...]:
    steps = parse_expression(alternative)
    if isinstance(steps, list) and steps[0].arg == resource_type and all(
            s.kind == "child" for s in steps[1:]):
        return tuple(s.arg for s in steps[1:])
    raise ValueError(f"composite elements must be a plain path: {alternative}")


def _component(path: str, expression: str, resource_type: str
               ) -> tuple[ComponentValues, frozenset[str] | None]:
    """Read a component relative to an element (given wrapped in its path) or `%resource`."""
    expression = _SYSTEM_TYPE.sub(lambda m: f"as({m.group(1)[0].lower()}{m.group(1)[1:]})",
                                  expression)
    relative = [a for a in split_union(expression) if not a.startswith("%resource.")]
    absolute = [a[len("%resource."):] for a in split_union(expression) if a not in relative]
    on_element = compile_expression(" | ".join(f"{path}.{a}" for a in relative), resource_type)
    on_resource = compile_expression(
        " | ".join(f"{resource_type}.{a}" for a in absolute), resource_type)

    def values(scope: dict[str, Any], resource: dict[str, Any]) -> list[Typed]:
        found = on_element.extract(scope) if relative else []
        return found + on_resource.extract(resource) if absolute else found
    return values, (on_element.roots if not absolute else None)


def _group(alternative: str, resource_type: str, found: tuple[Part, ...]) -> _Group:
    keys = _element_keys(alternative, resource_type)
    compiled = [_component(alternative, p.expression, resource_type) for p in found]
    if keys:
        elements = compile_expression(alternative, resource_type).extract
        roots: frozenset[str] | None = frozenset(keys[:1])
    else:
        elements = _itself
        known = [r for _, r in compiled if r is not None]
        roots = min(known, key=len) if known else None
    return _Group(keys, elements, tuple((p.kind, c) for p, (c, _) in zip(found, compiled,
                                                                           strict=True)), roots)


def _itself(resource: dict[str, Any]) -> list[Typed]:
    return [(resource, resource["resourceType"])]


def _wrap(keys: tuple[str, ...], element: Any, resource_type: str) -> dict[str, Any]:
    """The element alone on its path, so path extractors read only this element."""
    for key in reversed(keys):
        element = {key: element}
    return {"resourceType": resource_type, **element}


def _slots(kind: ParamType, values: list[Typed]) -> list[Slot]:
    return [to_slot(kind.TABLE, row) for value, type_code in values
            for row in kind.index_values(value, type_code)]


def _rows(group: _Group, resource: dict[str, Any]) -> list[Slot]:
    empty = (None,) * len(SLOT)
    rows: list[Slot] = []
    for element, _ in group.elements(resource):
        if type(element) is not dict:
            continue
        scope = _wrap(group.keys, element, resource["resourceType"]) if group.keys else element
        slots = [_slots(kind, values(scope, resource)) for kind, values in group.components]
        if all(slots):
            padding = empty * (COMPOSITE_SLOTS - len(slots))
            rows += [sum(combination, ()) + padding for combination in product(*slots)]
    return rows


def row_extractor(param: SearchParam) -> tuple[Extractor, frozenset[str] | None] | None:
    """An extractor of finished idx_composite rows (as values) and the top-level keys it
    needs; None when the parameter cannot be indexed."""
    found = parts(param)
    if found is None:
        return None
    resource_type = root_name(param.expression)
    try:
        groups = [_group(a, resource_type, found) for a in split_union(param.expression)]
    except Exception:  # an expression neither compiler takes: the parameter is unsearchable
        return None

    def extract(resource: dict[str, Any]) -> list[Typed]:
        return [(row, "composite") for group in groups for row in _rows(group, resource)]
    known = [g.roots for g in groups if g.roots is not None]
    return extract, (frozenset().union(*known) if len(known) == len(groups) else None)


def index_values(value: Any, type_code: str) -> list[tuple[Any, ...]]:
    """The row itself: `row_extractor` already built it from the components."""
    return [value]


# --- the query -----------------------------------------------------------------------------

def accepts(modifier: str) -> bool:
    """No modifiers besides `:missing` (search.html#modifiers)."""
    return False


def parser(param: SearchParam) -> Callable[[str, str | None], CompositeValue]:
    """The parser of this parameter's values: components separated by unescaped `$`."""
    found = parts(param)
    if found is None:
        raise bad_request(f"composite parameter '{param.code}' is not supported",
                          code="not-supported")

    def parse(text: str, modifier: str | None) -> CompositeValue:
        pieces = split_unescaped(text, "$")
        if len(pieces) != len(found) or not all(pieces):
            raise bad_request(f"'{param.code}' takes {len(found)} values separated by '$', "
                              f"not '{text}'")
        return CompositeValue(tuple((p.kind, p.kind.parse_value(piece, None))
                                    for p, piece in zip(found, pieces, strict=True)))
    return parse


def parse_value(text: str, modifier: str | None) -> CompositeValue:
    """Composite values are parsed by their parameter's `parser`, which knows the types."""
    raise bad_request("a composite value needs its parameter to be parsed")


def value_sql(value: CompositeValue, modifier: str | None, args: SqlArgs) -> str:
    """Every component's condition on its own slot of the same idx_composite row."""
    return " AND ".join(f"({slot_sql(kind, v, None, args, str(k))})"
                        for k, (kind, v) in enumerate(value.parts))
