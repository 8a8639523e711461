"""What the R4 type system says about a place in a resource: its type and its element.

Lookups return None where the definitions say nothing (inside `_x` primitive extensions,
unknown content); the patch then does what the JSON already shows.
"""

from __future__ import annotations

from typing import Any

from fhir_server.definitions.structure import Element, TypeDef, type_system
from fhir_server.patch.locate import Location

_RESOURCE_TYPES = frozenset({"Resource", "DomainResource"})


def typedef_at(resource: dict[str, Any], location: Location) -> TypeDef | None:
    """The type of the JSON object at `location` (a resource, datatype or backbone)."""
    types = type_system().types
    current: Any = resource
    typedef = types.get(str(resource.get("resourceType")))
    element: Element | None = None
    for step in location:
        current = current[step]
        if isinstance(step, str):
            element = typedef.elements.get(step) if typedef else None
        if isinstance(current, dict):
            typedef = type_of(element, current)
    return typedef


def element_at(resource: dict[str, Any], location: Location) -> Element | None:
    """The definition of the element a location points into (the list's, for an item)."""
    keys = [i for i, step in enumerate(location) if isinstance(step, str)]
    if not keys:
        return None
    owner = typedef_at(resource, location[:keys[-1]])
    return owner.elements.get(str(location[keys[-1]])) if owner else None


def type_of(element: Element | None, value: Any = None) -> TypeDef | None:
    """The TypeDef of an element's values: its backbone, its datatype, or the resource held."""
    if element is None:
        return None
    if element.backbone is not None:
        return element.backbone
    if element.type_code in _RESOURCE_TYPES:
        kind = value.get("resourceType") if isinstance(value, dict) else None
        return type_system().types.get(str(kind))
    return type_system().types.get(element.type_code)


def is_primitive(type_code: str) -> bool:
    """Whether a FHIR type is primitive (held as a JSON scalar plus an optional `_x`)."""
    return type_code in type_system().primitives


def json_kind(type_code: str) -> str | None:
    """The JSON representation of a primitive type: string, boolean, integer or number."""
    primitive = type_system().primitives.get(type_code)
    return primitive.json_kind if primitive else None


def choice_key(typedef: TypeDef, stem: str, type_code: str) -> str:
    """The JSON name of choice element `stem[x]` holding a `type_code` (deceased, dateTime ->
    deceasedDateTime); empty when the choice does not allow that type."""
    key = stem + type_code[:1].upper() + type_code[1:]
    return key if key in typedef.choices.get(stem, ()) else ""


def member_order(typedef: TypeDef) -> dict[str, int]:
    """Rank of each element name in definition order, for writing members in spec order."""
    return {name: rank for rank, name in enumerate(typedef.elements)}
