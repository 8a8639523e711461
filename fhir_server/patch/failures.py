"""Reporting a well-formed patch that cannot apply, and the rules every patch obeys."""

from __future__ import annotations

from typing import Any

from fhir_server.errors import FhirError, Issue, unprocessable


def patch_failed(diagnostics: str, expression: str | None = None) -> FhirError:
    """422: the patch document is valid but cannot be applied to this resource."""
    return unprocessable([Issue("processing", diagnostics, expression=expression)])


def check_identity_kept(before: dict[str, Any], after: object) -> dict[str, Any]:
    """The patched resource, after checking it is still a resource with the same type and id.

    R4 http.html#patch: a patch changes the content of one resource; it cannot turn it into
    another resource, so `resourceType` and `id` are fixed.
    """
    if not isinstance(after, dict):
        raise patch_failed("the patch must leave a resource (a JSON object)")
    for key in ("resourceType", "id"):
        if after.get(key) != before.get(key):
            raise patch_failed(f"a patch must not change {key} "
                               f"({before.get(key)!r} -> {after.get(key)!r})", key)
    return after
