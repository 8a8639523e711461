"""Write-time validation of R4 resources against the official 4.0.1 StructureDefinitions.

The definitions are compiled once per process into per-type checks (`compiler`), so a
write pays only for walking its own JSON. What is and is not checked: docs/conformance.md,
section "Validation of R4 resources".
"""

from __future__ import annotations

from typing import Any

from fhir_server.errors import Issue
from fhir_server.validation.compiler import resource_specs
from fhir_server.validation.objects import check_resource

__all__ = ["prepare_validators", "validate_resource"]


def validate_resource(resource: dict[str, Any], *, expected_type: str | None = None) -> list[Issue]:
    """Every error in `resource` as an Issue with a FHIRPath-like expression; [] if valid.

    `expected_type`, when given, is the resource type the request's URL names.
    """
    issues: list[Issue] = []
    check_resource(resource, resource_specs(), None, issues, 0, expected_type)
    return issues


def prepare_validators() -> None:
    """Compile the validators now (about a second), so the first write does not pay for it."""
    resource_specs()
