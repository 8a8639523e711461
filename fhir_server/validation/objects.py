"""The hot path: walk one JSON object against its compiled `ObjectSpec`.

A spec maps every JSON property a type allows to a `Property` (built by
`validation.compiler`), and lists the required elements and choice groups. Checks append
`Issue`s to one list; paths are only formatted when an issue or a nested object needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fhir_server.errors import Issue
from fhir_server.validation.primitives import FastPath, json_kind

Issues = list[Issue]
# (value, the object holding it, that object's path, issues, depth of that object)
PropertyCheck = Callable[[Any, dict[str, Any], str, Issues, int], None]

# Objects nested deeper than this are refused instead of walked (no RecursionError).
MAX_DEPTH = 100


class Property(NamedTuple):
    """How one JSON property is checked: two fast paths for valid values, then `check`."""

    fast: FastPath | None  # accepts a valid non-empty string in one C call
    child: ObjectSpec | None  # a single complex value: walked here, without a closure call
    check: PropertyCheck  # everything else, and the explanation of every error


@dataclass(slots=True)
class ObjectSpec:
    """What one resource, datatype or backbone element allows in its JSON object."""

    name: str
    props: dict[str, Property] = field(default_factory=dict)
    required: tuple[tuple[str, tuple[str, ...]], ...] = ()
    choices: tuple[tuple[str, frozenset[str]], ...] = ()


def check_object(
    spec: ObjectSpec, obj: dict[str, Any], path: str, issues: Issues, depth: int
) -> None:
    """Check every property of `obj`, then its required elements and choice groups."""
    if not obj:
        issues.append(Issue("value", "empty objects are not allowed", expression=path))
        return
    if depth > MAX_DEPTH:
        issues.append(_too_deep(path))
        return
    props = spec.props
    for key, value in obj.items():  # the hot loop: kept in one function on purpose
        prop = props.get(key)
        if prop is None:
            issues.append(_unknown(spec, key, path))
            continue
        fast, child, check = prop
        if fast is not None and type(value) is str and value and fast(value):
            continue
        if child is not None and type(value) is dict:
            check_object(child, value, f"{path}.{key}", issues, depth + 1)
        else:
            check(value, obj, path, issues, depth)
    if spec.required:
        _check_required(spec, obj, path, issues)
    if spec.choices:
        _check_choices(spec, obj, path, issues)


def _unknown(spec: ObjectSpec, key: str, path: str) -> Issue:
    return Issue(
        "structure", f"unknown property {key!r} in {spec.name}", expression=f"{path}.{key}"
    )


def _too_deep(path: str) -> Issue:
    return Issue(
        "structure", f"nesting deeper than {MAX_DEPTH} objects is not accepted", expression=path
    )


def _check_required(spec: ObjectSpec, obj: dict[str, Any], path: str, issues: Issues) -> None:
    for label, alternatives in spec.required:
        for name in alternatives:
            if name in obj:
                break
        else:
            issues.append(
                Issue(
                    "required",
                    f"{spec.name}.{label} is required (minimum 1)",
                    expression=f"{path}.{label.removesuffix('[x]')}",
                )
            )


def _check_choices(spec: ObjectSpec, obj: dict[str, Any], path: str, issues: Issues) -> None:
    for stem, names in spec.choices:
        present = [key for key in obj if key in names]
        if len(present) > 1:
            issues.append(
                Issue(
                    "structure",
                    f"{stem}[x] takes one type only, got {', '.join(present)}",
                    expression=f"{path}.{present[1]}",
                )
            )


def check_resource(
    value: Any,
    resources: dict[str, ObjectSpec],
    path: str | None,
    issues: Issues,
    depth: int,
    expected_type: str | None = None,
) -> None:
    """Check a resource, found at `path` (None at the top), against its type's spec."""
    if type(value) is not dict:
        issues.append(
            Issue(
                "structure", f"expected a resource object, got {json_kind(value)}", expression=path
            )
        )
        return
    spec = _resource_spec(value, resources, path, issues, expected_type)
    if spec is not None:
        check_object(spec, value, path or spec.name, issues, depth)


def _resource_spec(
    value: dict[str, Any],
    resources: dict[str, ObjectSpec],
    path: str | None,
    issues: Issues,
    expected_type: str | None,
) -> ObjectSpec | None:
    resource_type = value.get("resourceType")
    spec = resources.get(resource_type) if type(resource_type) is str else None
    if spec is None:
        message = (
            "resourceType is missing"
            if resource_type is None
            else f"resourceType {resource_type!r} is not a concrete R4 resource type"
        )
        issues.append(
            Issue("required" if resource_type is None else "value", message, expression=path)
        )
    elif expected_type is not None and resource_type != expected_type:
        issues.append(
            Issue(
                "invalid",
                f"resourceType {resource_type!r} does not match the "
                f"expected type {expected_type!r}",
                expression=path,
            )
        )
    return spec
