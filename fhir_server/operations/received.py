"""$received: the exact bytes a client sent for a version, as it sent them.

The canonical JSON the server serves is re-encoded (ids, meta, key order, number text);
this operation returns the body of the original create, update or patch request unchanged,
with its original Content-Type. Versions written inside a Bundle keep no separate body.
"""

from __future__ import annotations

from typing import Any

from fhir_server.errors import bad_request, not_found
from fhir_server.interactions.read import read
from fhir_server.operations.registry import Operation, OperationCall, OperationResult

DEFINITION: dict[str, Any] = {
    "resourceType": "OperationDefinition",
    "id": "Resource-received",
    "url": "http://regional-hie.cn/fhir/OperationDefinition/Resource-received",
    "name": "Received",
    "status": "active",
    "kind": "operation",
    "code": "received",
    "system": False,
    "type": False,
    "instance": True,
    "resource": ["Resource"],
    "parameter": [
        {"name": "version", "use": "in", "min": 0, "max": "1", "type": "positiveInt"},
        {"name": "return", "use": "out", "min": 1, "max": "1", "type": "Binary"},
    ],
}


def _version(params: dict[str, Any]) -> int | None:
    for p in params.get("parameter", []):
        if p.get("name") == "version":
            text = str(p.get("valueString", p.get("valuePositiveInt", "")))
            if not text.isdigit():
                raise bad_request(f"version must be a positive integer, not {text!r}")
            return int(text)
    return None


async def run(call: OperationCall) -> OperationResult:
    """The request body of the given (default: current) version, byte for byte."""
    assert call.res_type is not None and call.res_id is not None
    repo = call.platform.repo
    version = _version(call.parameters)
    if version is None:
        version = (await read(repo, call.res_type, call.res_id)).version
    found = await repo.received(call.res_type, call.res_id, version)
    if found is None:
        raise not_found(f"no request body is kept for {call.res_type}/{call.res_id} v{version}")
    return OperationResult(None, raw=found[0], media_type=found[1] or "application/octet-stream")


OPERATION = Operation("received", frozenset({"instance"}), run, DEFINITION)
