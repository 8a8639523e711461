"""Turn an operation's value into the JSON to store, checking it fits the target element.

fhirpatch.html: "The type of the value must be correct for the place at which it will be
added/inserted. Servers SHALL return an error if the type is wrong." Values given as nested
parts describe an anonymous (backbone) or complex value element by element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir_server.definitions.structure import Element, TypeDef
from fhir_server.patch.elements import choice_key, is_primitive, json_kind, type_of
from fhir_server.patch.failures import patch_failed
from fhir_server.patch.parameters import PatchValue

# datatypes.html#quantity: these profiles of Quantity may stand where a Quantity is expected.
_QUANTITY_PROFILES = frozenset({"Age", "Count", "Distance", "Duration", "SimpleQuantity",
                                "MoneyQuantity"})


@dataclass(frozen=True, slots=True)
class Member:
    """Where a value goes inside an object: its JSON key and (if known) its definition."""

    key: str
    element: Element | None


def member(typedef: TypeDef | None, name: str, value: PatchValue, path: str) -> Member:
    """The key and definition of child `name` of an object of type `typedef`.

    A choice element may be named by its stem (`deceased`) or its typed name
    (`deceasedBoolean`); the value's type picks the typed name.
    """
    if typedef is None:
        return Member(name, None)
    if name in typedef.elements:
        return Member(name, typedef.elements[name])
    if name in typedef.choices and value.type_code:
        key = choice_key(typedef, name, value.type_code)
        if key:
            return Member(key, typedef.elements[key])
        raise patch_failed(f"{name}[x] of {typedef.name} cannot hold a {value.type_code}", path)
    raise patch_failed(f"{typedef.name} has no element '{name}'", path)


def to_json(value: PatchValue, element: Element | None, path: str) -> tuple[Any, Any]:
    """(JSON value, `_x` shadow or None) for storing `value` as an `element`."""
    if value.type_code is None:
        return _from_parts(value.parts, type_of(element), path), None
    if element is not None:
        _check_type(value.type_code, element, path)
    return value.content, value.shadow


def _check_type(given: str, element: Element, path: str) -> None:
    expected = element.type_code
    if given == expected or (expected == "Quantity" and given in _QUANTITY_PROFILES):
        return
    if is_primitive(given) and is_primitive(expected) and json_kind(given) == json_kind(expected):
        return  # e.g. valueString for a code or the xhtml div: the JSON is the same
    if given == "Resource" and expected in ("Resource", "DomainResource"):
        return
    raise patch_failed(f"a {given} value cannot be stored in {element.path} ({expected})", path)


def _from_parts(parts: tuple[tuple[str, PatchValue], ...], typedef: TypeDef | None,
                path: str) -> dict[str, Any]:
    if typedef is not None and typedef.kind == "primitive-type":
        raise patch_failed(f"a {typedef.name} value cannot be given as parts", path)
    built: dict[str, Any] = {}
    for name, part_value in parts:
        where = member(typedef, name, part_value, path)
        content, shadow = to_json(part_value, where.element, path)
        _place(built, where, content, shadow, path)
    return built


def _place(built: dict[str, Any], where: Member, content: Any, shadow: Any, path: str) -> None:
    repeats = where.element.is_array if where.element else where.key in built
    if not repeats:
        if where.key in built:
            raise patch_failed(f"'{where.key}' is given twice but does not repeat", path)
        built[where.key] = content
        if shadow is not None:
            built["_" + where.key] = shadow
        return
    items = built.setdefault(where.key, [])
    if not isinstance(items, list):
        built[where.key] = items = [items]
    items.append(content)
    if shadow is not None or "_" + where.key in built:
        shadows = built.setdefault("_" + where.key, [])
        if not isinstance(shadows, list):
            built["_" + where.key] = shadows = [shadows]
        shadows.extend([None] * (len(items) - 1 - len(shadows)))
        shadows.append(shadow)
