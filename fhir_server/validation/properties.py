"""Factories of `PropertyCheck` closures, one per JSON property of a compiled type.

Cardinality follows the JSON rules (http://hl7.org/fhir/R4/json.html): a repeating
element is a non-empty array, a single one never is; null only appears inside a primitive
array whose `_name` companion carries the id or extensions at the same index.
"""

from __future__ import annotations

from typing import Any

from fhir_server.errors import Issue
from fhir_server.validation.objects import (
    Issues,
    ObjectSpec,
    PropertyCheck,
    check_object,
    check_resource,
)
from fhir_server.validation.primitives import NULL, FastPath, PrimitiveCheck, json_kind


def _shape_issue(value: Any, expression: str, want_array: bool) -> Issue:
    """The issue for a value that is not what the cardinality asks (array or single)."""
    if value is None:
        return Issue("value", NULL[1], expression=expression)
    if want_array:
        if value == []:
            return Issue(
                "value",
                "empty arrays are not allowed; omit the property instead",
                expression=expression,
            )
        return Issue(
            "structure", f"expected an array, got {json_kind(value)}", expression=expression
        )
    return Issue(
        "structure",
        "expected a single value, got an array (maximum cardinality is 1)",
        expression=expression,
    )


def primitive_single(name: str, check: PrimitiveCheck, fast: FastPath | None) -> PropertyCheck:
    """A primitive element with maximum cardinality 1; `fast` accepts valid strings quickly."""

    def run(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
        if fast is not None and type(value) is str and value and fast(value):
            return
        if type(value) is list:
            issues.append(_shape_issue(value, f"{path}.{name}", False))
            return
        problem = check(value)
        if problem is not None:
            issues.append(Issue(problem[0], problem[1], expression=f"{path}.{name}"))

    return run


def _has_companion(parent: dict[str, Any], name: str, index: int) -> bool:
    companion = parent.get("_" + name)
    return type(companion) is list and index < len(companion) and companion[index] is not None


def primitive_array(name: str, check: PrimitiveCheck, fast: FastPath | None) -> PropertyCheck:
    """A repeating primitive element: null items only where `_name` has extensions."""

    def run(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
        if type(value) is not list or not value:
            issues.append(_shape_issue(value, f"{path}.{name}", True))
            return
        for index, item in enumerate(value):
            if fast is not None and type(item) is str and item and fast(item):
                continue
            if item is None and _has_companion(parent, name, index):
                continue
            problem = check(item)
            if problem is not None:
                issues.append(Issue(problem[0], problem[1], expression=f"{path}.{name}[{index}]"))

    return run


def companion_single(name: str, spec: ObjectSpec) -> PropertyCheck:
    """The `_name` object holding the id and extensions of a single primitive."""
    return complex_single("_" + name, spec)


def companion_array(name: str, spec: ObjectSpec) -> PropertyCheck:
    """The `_name` array of a repeating primitive: objects or nulls, aligned with `name`."""
    key = "_" + name

    def run(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
        if type(value) is not list or not value:
            issues.append(_shape_issue(value, f"{path}.{key}", True))
            return
        values = parent.get(name)
        if type(values) is list and len(values) != len(value):
            issues.append(
                Issue(
                    "structure",
                    f"{key} must have as many items as {name}",
                    expression=f"{path}.{key}",
                )
            )
        for index, item in enumerate(value):
            if item is not None:
                _object_item(spec, item, f"{path}.{key}[{index}]", issues, depth)

    return run


def _object_item(spec: ObjectSpec, item: Any, expression: str, issues: Issues, depth: int) -> None:
    if type(item) is dict:
        check_object(spec, item, expression, issues, depth + 1)
    elif item is None:
        issues.append(Issue("value", NULL[1], expression=expression))
    else:
        issues.append(
            Issue("structure", f"expected an object, got {json_kind(item)}", expression=expression)
        )


def complex_single(name: str, spec: ObjectSpec) -> PropertyCheck:
    """A datatype or backbone element with maximum cardinality 1."""

    def run(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
        if type(value) is dict:
            check_object(spec, value, f"{path}.{name}", issues, depth + 1)
        elif type(value) is list:
            issues.append(_shape_issue(value, f"{path}.{name}", False))
        else:
            _object_item(spec, value, f"{path}.{name}", issues, depth)

    return run


def complex_array(name: str, spec: ObjectSpec) -> PropertyCheck:
    """A repeating datatype or backbone element."""

    def run(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
        if type(value) is not list or not value:
            issues.append(_shape_issue(value, f"{path}.{name}", True))
            return
        for index, item in enumerate(value):
            if type(item) is dict:
                check_object(spec, item, f"{path}.{name}[{index}]", issues, depth + 1)
            else:
                _object_item(spec, item, f"{path}.{name}[{index}]", issues, depth)

    return run


def resource_property(name: str, is_array: bool, resources: dict[str, ObjectSpec]) -> PropertyCheck:
    """An element holding whole resources (contained, Bundle.entry.resource, ...)."""

    def run(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
        if is_array != (type(value) is list) or value == []:
            issues.append(_shape_issue(value, f"{path}.{name}", is_array))
            return
        items = enumerate(value) if is_array else ((None, value),)
        for index, item in items:
            where = f"{path}.{name}" if index is None else f"{path}.{name}[{index}]"
            check_resource(item, resources, where, issues, depth + 1)

    return run


def ignored(value: Any, parent: dict[str, Any], path: str, issues: Issues, depth: int) -> None:
    """A property checked elsewhere (`resourceType`, by `check_resource`)."""
