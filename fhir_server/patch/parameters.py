"""Read a FHIRPath Patch Parameters resource into operations (R4 fhirpatch.html).

Everything here is about the shape of the request, so every failure is a 400. Which
`value[x]` names exist and what type each carries comes from the Parameters
StructureDefinition, not from a list kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fhir_server.definitions.structure import type_system
from fhir_server.errors import bad_request

OPERATION_TYPES = ("add", "insert", "delete", "replace", "move")
_SCALAR_PARTS = {"type": "str", "path": "str", "name": "str",
                 "index": "int", "source": "int", "destination": "int"}
# fhirpatch.html table: the parts each operation type needs besides `type` and `path`.
_NEEDS = {"add": ("name", "value"), "insert": ("value", "index"), "delete": (),
          "replace": ("value",), "move": ("source", "destination")}


@dataclass(frozen=True, slots=True)
class PatchValue:
    """The `value` of an operation: a typed value[x], a resource, or nested parts.

    `type_code` is the FHIR type of a value[x] (`date`, `HumanName`), `Resource` for a
    resource, None for parts; `shadow` holds the `_value[x]` id/extensions of a primitive.
    """

    type_code: str | None
    content: Any = None
    shadow: Any = None
    parts: tuple[tuple[str, PatchValue], ...] = ()


@dataclass(frozen=True, slots=True)
class Operation:
    """One `operation` parameter of a FHIRPath Patch."""

    type: str
    path: str
    name: str | None = None
    value: PatchValue | None = None
    index: int | None = None
    source: int | None = None
    destination: int | None = None


def parse_operations(parameters: object) -> list[Operation]:
    """The operations of a FHIRPath Patch Parameters resource, in order; 400 if malformed."""
    if not isinstance(parameters, dict) or parameters.get("resourceType") != "Parameters":
        raise bad_request("a FHIRPath Patch must be a Parameters resource")
    entries = parameters.get("parameter", [])
    if not isinstance(entries, list):
        raise bad_request("Parameters.parameter must be an array",
                          expression="Parameters.parameter")
    return [_operation(entry, n) for n, entry in enumerate(entries)]


def _operation(entry: object, n: int) -> Operation:
    where = f"Parameters.parameter[{n}]"
    if not isinstance(entry, dict) or entry.get("name") != "operation":
        raise bad_request("every parameter of a FHIRPath Patch must be named 'operation'",
                          expression=where)
    fields = _operation_fields(_parts_of(entry, where), where)
    op_type = fields.get("type")
    if op_type not in OPERATION_TYPES:
        raise bad_request(f"operation type {op_type!r} is not one of {', '.join(OPERATION_TYPES)}",
                          expression=f"{where}.part")
    for needed in ("path", *_NEEDS[op_type]):
        if needed not in fields:
            raise bad_request(f"the {op_type} operation needs a '{needed}' part",
                              expression=f"{where}.part")
    return Operation(**fields)


def _operation_fields(parts: list[dict[str, Any]], where: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for m, part in enumerate(parts):
        at = f"{where}.part[{m}]"
        name = _part_name(part, at)
        if name in fields:
            raise bad_request(f"the '{name}' part is given twice", expression=at)
        if name == "value":
            fields[name] = _value(part, at)
        elif name in _SCALAR_PARTS:
            fields[name] = _scalar(part, _SCALAR_PARTS[name], at)
        else:
            raise bad_request(f"unknown FHIRPath Patch part '{name}'", expression=at)
    return fields


def _parts_of(entry: dict[str, Any], where: str) -> list[dict[str, Any]]:
    parts = entry.get("part", [])
    if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
        raise bad_request("part must be an array of objects", expression=f"{where}.part")
    return parts


def _part_name(part: dict[str, Any], at: str) -> str:
    name = part.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request("every part needs a name", expression=at)
    return name


def _scalar(part: dict[str, Any], kind: str, at: str) -> str | int:
    found = _value_keys(part, at)
    content = part[found[0]] if len(found) == 1 else None
    if kind == "int" and type(content) is int and content >= 0:
        return content
    if kind == "str" and isinstance(content, str) and content:
        return content
    expected = "a non-negative valueInteger" if kind == "int" else "a string value (valueString)"
    raise bad_request(f"the '{part.get('name')}' part needs {expected}", expression=at)


def _value(part: dict[str, Any], at: str) -> PatchValue:
    """A value part: exactly one of value[x], resource, or nested parts."""
    found = _value_keys(part, at)
    kinds = len(found) + ("resource" in part) + ("part" in part)
    if kinds != 1:
        raise bad_request("a value part needs exactly one of value[x], resource or part",
                          expression=at)
    if found:
        key = found[0]
        return PatchValue(_value_types()[key], part[key], part.get("_" + key))
    if "resource" in part:
        return _resource_value(part["resource"], at)
    return PatchValue(None, parts=_nested_parts(part, at))


def _resource_value(resource: object, at: str) -> PatchValue:
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        raise bad_request("a resource part must hold a resource", expression=at)
    return PatchValue("Resource", resource)


def _nested_parts(part: dict[str, Any], at: str) -> tuple[tuple[str, PatchValue], ...]:
    nested = []
    for m, child in enumerate(_parts_of(part, at)):
        child_at = f"{at}.part[{m}]"
        nested.append((_part_name(child, child_at), _value(child, child_at)))
    if not nested:
        raise bad_request("a value given as parts needs at least one part", expression=at)
    return tuple(nested)


def _value_keys(part: dict[str, Any], at: str) -> list[str]:
    types = _value_types()
    unknown = [key for key in part if key.startswith("value") and key not in types]
    if unknown:
        raise bad_request(f"'{unknown[0]}' is not a Parameters value[x] type", expression=at)
    return [key for key in part if key in types]


@lru_cache(maxsize=1)
def _value_types() -> dict[str, str]:
    """Parameters.parameter.value[x] JSON names -> FHIR type code, from the R4 definitions."""
    parameter = type_system().types["Parameters"].elements["parameter"].backbone
    if parameter is None:
        raise RuntimeError("the R4 definitions have no Parameters.parameter backbone")
    return {name: parameter.elements[name].type_code for name in parameter.choices["value"]}
