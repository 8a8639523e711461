"""Evaluate a patch path with fhirpathpy and find where each match lives in the JSON.

fhirpathpy, asked for raw results, returns its ResourceNodes; each carries `propName`, the
node's own path with list indexes (`Patient.name[0].given[1]`). That path is walked back
through the JSON (resolving choice names such as `deceased` -> `deceasedBoolean` and
primitive extensions in `_given`) and the element found there must be the very node
returned; results the path cannot explain (a union loses it) are found by object identity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import fhirpathpy
from fhirpathpy.models import models

from fhir_server.errors import bad_request
from fhir_server.patch.failures import patch_failed
from fhir_server.patch.syntax import check_syntax

Location = tuple[str | int, ...]
Compiled = Callable[..., list[Any]]

_STEP = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")
_LITERAL = re.compile(r"('(?:[^'\\]|\\.)*'|`[^`]*`)")
# FHIRPath reserves `div` and `mod` as operators, yet Narrative has a `div` element and the
# spec's own patch tests write `Patient.text.div`; after a dot they can only be names.
_KEYWORD_MEMBER = re.compile(r"\.(div|mod)\b")
_NOT_FOUND = object()


class PathCache:
    """Each distinct path of one patch, compiled once (fhirpathpy with the R4 model)."""

    def __init__(self) -> None:
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, path: str) -> Compiled:
        """The compiled path; 400 when it is not valid FHIRPath."""
        if path not in self._compiled:
            expression = _quote_keyword_members(path)
            try:
                check_syntax(expression)
                self._compiled[path] = fhirpathpy.compile(expression, models["r4"],
                                                          {"returnRawData": True})
            except Exception as exc:  # the parser raises IndexError, KeyError, Exception...
                raise bad_request(f"invalid FHIRPath {path!r}: {exc}", expression=path) from exc
        return self._compiled[path]


def _quote_keyword_members(path: str) -> str:
    pieces = _LITERAL.split(path)  # odd pieces are string literals and quoted names
    return "".join(piece if n % 2 else _KEYWORD_MEMBER.sub(r".`\1`", piece)
                   for n, piece in enumerate(pieces))


def find(resource: dict[str, Any], path: str, paths: PathCache) -> list[Location]:
    """Where every element the path selects sits in `resource`, without duplicates."""
    compiled = paths.compiled(path)
    try:
        nodes = compiled(resource, {"resource": resource, "rootResource": resource})
    except Exception as exc:  # evaluation errors are raised as bare Exceptions
        raise patch_failed(f"cannot evaluate {path!r}: {exc}", path) from exc
    found: list[Location] = []
    for node in nodes:
        if getattr(node, "data", node) is None:
            continue  # placeholders fhirpathpy makes for `_given: [null, ...]`
        location = _location_of(resource, node, path)
        if location not in found and not _is_companion(location):
            found.append(location)
    return found


def _is_companion(location: Location) -> bool:
    """Whether this is a primitive's `_name` object itself, which fhirpathpy also returns
    (beside the value) when it holds more than extensions; it is not a separate element."""
    tail = location[:-1] if location and isinstance(location[-1], int) else location
    return bool(tail) and str(tail[-1]).startswith("_")


def value_at(resource: dict[str, Any], location: Location) -> Any:
    """The JSON value at a location."""
    value: Any = resource
    for step in location:
        value = value[step]
    return value


def _location_of(resource: dict[str, Any], node: Any, path: str) -> Location:
    data = getattr(node, "data", node)
    prop = getattr(node, "propName", None)
    if prop is None and data is resource:
        return ()
    location = _walk(resource, prop) if isinstance(prop, str) else None
    if location is not None and _same(_get(resource, location), data):
        return location
    if isinstance(data, dict | list):
        for location, value in _tree(resource, ()):
            if value is data:
                return location
    raise patch_failed(f"{path!r} selects a value that is not an element of the resource", path)


def _walk(resource: dict[str, Any], prop: str) -> Location | None:
    """The JSON location of a fhirpathpy propName; its first step is the resource type."""
    steps = _STEP.findall(prop)[1:]
    location: list[str | int] = []
    current: Any = resource
    try:
        for name, index in steps:
            if not isinstance(current, dict):  # id/extension of a primitive live in `_name`
                location = _shadow_of(location)
                current = _get(resource, tuple(location))
            key = member_key(current, name)
            location.append(key)
            current = current[key]
            if index:
                location.append(int(index))
                current = current[int(index)]
    except (KeyError, IndexError, TypeError, LookupError):
        return None
    return tuple(location)


def member_key(obj: dict[str, Any], name: str) -> str:
    """The JSON key holding element `name`: itself, or the one typed choice `name[x]`."""
    if name in obj:
        return name
    typed = [key for key in obj if key.startswith(name) and key[len(name):][:1].isupper()]
    if len(typed) != 1:
        raise LookupError(name)
    return typed[0]


def _shadow_of(location: list[str | int]) -> list[str | int]:
    if isinstance(location[-1], int):
        return [*location[:-2], f"_{location[-2]}", location[-1]]
    return [*location[:-1], f"_{location[-1]}"]


def _get(resource: dict[str, Any], location: Location) -> Any:
    try:
        return value_at(resource, location)
    except (KeyError, IndexError, TypeError):
        return _NOT_FOUND


def _same(found: Any, data: Any) -> bool:
    if isinstance(data, dict | list):
        return found is data
    return type(found) is type(data) and bool(found == data)


def _tree(value: Any, location: Location) -> Iterator[tuple[Location, Any]]:
    yield location, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _tree(child, (*location, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _tree(child, (*location, index))
