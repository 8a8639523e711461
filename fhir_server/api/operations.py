"""Invoke a `$operation` at system, type or instance level."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fhir_server.api.formats import parse_document, read_body, render
from fhir_server.api.responses import base_url
from fhir_server.errors import bad_request, not_found
from fhir_server.operations.registry import OperationCall
from fhir_server.platform import Platform


async def _parameters(request: Request, platform: Platform) -> dict[str, Any]:
    if request.method == "GET":
        return {
            "resourceType": "Parameters",
            "parameter": [
                {"name": k, "valueString": v}
                for k, v in request.query_params.multi_items()
                if k not in ("_format", "_pretty")
            ],
        }
    raw = await read_body(request, platform.settings.max_body_bytes)
    document = parse_document(
        raw, request.headers.get("content-type"), platform.settings.max_json_depth
    )
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        raise bad_request("an operation's body must be a Parameters or other resource")
    return document


async def invoke(
    request: Request,
    platform: Platform,
    name: str,
    level: str,
    res_type: str | None,
    res_id: str | None,
) -> Response:
    """Find the operation, build its input and render its output."""
    if res_type is not None and res_type not in platform.resource_types:
        raise not_found(f"unknown resource type {res_type!r}")
    op = platform.operations.find(name, level, res_type, request.method)
    params = await _parameters(request, platform)
    call = OperationCall(
        platform, base_url(request), level, res_type, res_id, params, request.method
    )
    result = await op.handler(call)
    if result.raw is not None:
        return Response(result.raw, result.status, media_type=result.media_type)
    return render(request, result.resource, result.status, result.headers)
