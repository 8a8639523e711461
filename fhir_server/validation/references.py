"""The lexical rule for `Reference.reference` (http://hl7.org/fhir/R4/references.html#literal)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from fhir_server.definitions.structure import type_system

ID = r"[A-Za-z0-9\-.]{1,64}"
RELATIVE = re.compile(rf"([A-Za-z]+)/{ID}(?:/_history/{ID})?", re.ASCII)
CONDITIONAL = re.compile(r"([A-Za-z]+)\?\S+", re.ASCII)
ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+", re.ASCII)
LOCAL = re.compile(rf"#(?:{ID})?", re.ASCII)
UUID = re.compile(r"urn:uuid:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", re.ASCII)
OID = re.compile(r"urn:oid:[0-2](?:\.(?:0|[1-9][0-9]*))+", re.ASCII)

EXPECTED = (
    "expected Type/id (optionally /_history/vid), an absolute URL, #id, "
    "urn:uuid:, urn:oid: or a conditional Type?query"
)


@lru_cache(maxsize=1)
def resource_types() -> frozenset[str]:
    """The concrete R4 resource types, computed once."""
    return type_system().resource_types


def _typed_problem(match: re.Match[str], reference: str) -> str | None:
    resource_type = match.group(1)
    if resource_type not in resource_types():
        return f"{reference!r} names an unknown resource type {resource_type!r}"
    return None


def _untyped_ok(reference: str) -> bool:
    if reference.startswith("urn:"):
        return bool(UUID.fullmatch(reference) or OID.fullmatch(reference))
    return bool(LOCAL.fullmatch(reference) or ABSOLUTE.fullmatch(reference))


def reference_problem(reference: str) -> str | None:
    """None if `reference` is a well-formed literal reference, else why it is not."""
    for pattern in (RELATIVE, CONDITIONAL):
        match = pattern.fullmatch(reference)
        if match:
            return _typed_problem(match, reference)
    if _untyped_ok(reference):
        return None
    return f"{reference[:80]!r} is not a valid reference: {EXPECTED}"


@lru_cache(maxsize=1)
def reference_fast_path() -> Callable[[str], object]:
    """Accepts the common `Type/id[/_history/vid]` form with a known type in one regex call."""
    names = "|".join(sorted(resource_types(), key=len, reverse=True))
    return re.compile(rf"(?:{names})/{ID}(?:/_history/{ID})?", re.ASCII).fullmatch
