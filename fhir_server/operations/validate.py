"""$validate (resource-operation-validate): check a resource without storing it."""

from __future__ import annotations

from typing import Any

from fhir_server.errors import Issue, bad_request, operation_outcome
from fhir_server.operations.registry import Operation, OperationCall, OperationResult
from fhir_server.validation import validate_resource

DEFINITION: dict[str, Any] = {
    "resourceType": "OperationDefinition",
    "id": "Resource-validate",
    "url": "http://hl7.org/fhir/OperationDefinition/Resource-validate",
    "name": "Validate",
    "status": "active",
    "kind": "operation",
    "code": "validate",
    "system": False,
    "type": True,
    "instance": True,
    "resource": ["Resource"],
    "parameter": [
        {"name": "resource", "use": "in", "min": 0, "max": "1", "type": "Resource"},
        {"name": "mode", "use": "in", "min": 0, "max": "1", "type": "code"},
        {"name": "profile", "use": "in", "min": 0, "max": "1", "type": "uri"},
        {"name": "return", "use": "out", "min": 1, "max": "1", "type": "OperationOutcome"},
    ],
}


def _resource_of(params: dict[str, Any]) -> dict[str, Any]:
    if params.get("resourceType") != "Parameters":
        return params
    for p in params.get("parameter", []):
        if p.get("name") == "resource" and isinstance(p.get("resource"), dict):
            resource: dict[str, Any] = p["resource"]
            return resource
    raise bad_request("$validate needs a resource, directly or as the 'resource' parameter")


async def run(call: OperationCall) -> OperationResult:
    """Validate the given resource against R4; the outcome lists every problem found."""
    resource = _resource_of(call.parameters)
    issues = validate_resource(resource, expected_type=call.res_type)
    if not issues:
        issues = [Issue("informational", "validation passed: no errors", severity="information")]
    return OperationResult(operation_outcome(issues))


OPERATION = Operation("validate", frozenset({"type", "instance"}), run, DEFINITION)
