"""Content negotiation: parse request bodies and render responses as FHIR JSON or XML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fhir_server.audit.trail import disclose
from fhir_server.errors import FhirError, Issue, bad_request
from fhir_server.formats.xml import resource_from_xml, resource_to_xml
from fhir_server.storage.models import Stored

JSON = "application/fhir+json"
XML = "application/fhir+xml"
JSON_TYPES = frozenset({JSON, "application/json", "json", "application/json+fhir", "text/json"})
XML_TYPES = frozenset({XML, "application/xml", "text/xml", "xml", "application/xml+fhir"})
PATCH_TYPES = frozenset({"application/json-patch+json"})


def media_type(value: str | None) -> str:
    """The bare media type of a Content-Type or _format value."""
    return (value or "").split(";")[0].strip().lower()


def wanted_format(request: Request) -> str:
    """JSON or XML, from `_format` first, then Accept; 406 when neither is acceptable."""
    fmt = request.query_params.get("_format")
    if fmt is not None:
        if media_type(fmt) in XML_TYPES:
            return XML
        if media_type(fmt) in JSON_TYPES:
            return JSON
        raise FhirError(406, Issue("not-supported", f"_format {fmt!r} is not supported"))
    accept = request.headers.get("accept", "")
    kinds = [media_type(part) for part in accept.split(",")] if accept else ["*/*"]
    for kind in kinds:
        if kind in XML_TYPES:
            return XML
        if (
            kind in JSON_TYPES
            or kind in ("*/*", "application/*", "")
            or kind.startswith("text/html")
        ):
            return JSON
    raise FhirError(406, Issue("not-supported", f"cannot produce any of: {accept}"))


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds limit bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FhirError(413, Issue("too-costly", f"the body exceeds {limit} bytes"))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FhirError(413, Issue("too-costly", f"the body exceeds {limit} bytes"))
        chunks.append(chunk)
    return b"".join(chunks)


def _depth_ok(node: Any, limit: int) -> bool:
    stack = [(node, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    return True


def parse_document(body: bytes, content_type: str | None, max_depth: int | None) -> Any:
    """Parse a JSON or XML body; 400 for malformed input, 415 for other media types."""
    kind = media_type(content_type)
    if not body:
        raise bad_request("the request has no body")
    if kind in XML_TYPES:
        return resource_from_xml(body)
    if kind not in JSON_TYPES and kind not in PATCH_TYPES and kind != "":
        raise FhirError(415, Issue("not-supported", f"unsupported Content-Type {content_type!r}"))
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"malformed JSON: {exc}", code="structure") from exc
    if max_depth is not None and not _depth_ok(document, max_depth):
        raise bad_request(f"the body nests deeper than {max_depth} levels", code="structure")
    return document


def parse_resource(
    body: bytes, content_type: str | None, max_depth: int | None
) -> dict[str, Any]:
    """Parse a body that must be one resource (a JSON object with a resourceType).

    max_depth None skips the nesting pre-check, for callers that validate every resource
    (whose walk has its own depth limit) before anything else walks it.
    """
    document = parse_document(body, content_type, max_depth)
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        raise bad_request("the body must be a FHIR resource with a resourceType", code="structure")
    return document


def _swap_stored(node: Any, convert: Callable[[Stored], Any]) -> Any:
    """Replace every Stored in a response tree (orjson would serialise the dataclass itself)."""
    if isinstance(node, Stored):
        return convert(node)
    if isinstance(node, dict):
        return {k: _swap_stored(v, convert) for k, v in node.items()}
    if isinstance(node, list):
        return [_swap_stored(v, convert) for v in node]
    return node


def _parsed(stored: Stored) -> Any:
    return _disclosed(stored).resource()


# Dataclasses (Stored) go to `default` instead of being serialised field by field.
_PASS = orjson.OPT_PASSTHROUGH_DATACLASS
_PRETTY = orjson.OPT_INDENT_2 | _PASS


def _disclosed(stored: Stored) -> Stored:
    """Note for the audit a resource the response sends (whatever path it leaves by)."""
    if stored.body is not None:
        disclose(stored.rid, f"{stored.res_type}/{stored.res_id}/_history/{stored.version}")
    return stored


def _fragment_default(node: Any) -> Any:
    if isinstance(node, Stored):
        return orjson.Fragment(_disclosed(node).body or b"null")
    raise TypeError(f"cannot serialise {type(node).__name__}")


def _parsed_default(node: Any) -> Any:
    if isinstance(node, Stored):
        return _disclosed(node).resource()
    raise TypeError(f"cannot serialise {type(node).__name__}")


def render(
    request: Request,
    content: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    fmt: str | None = None,
) -> Response:
    """A response in the negotiated format; `content` may be a dict, a Stored or None."""
    fmt = fmt or wanted_format(request)
    pretty = request.query_params.get("_pretty") == "true"
    if content is None:
        return Response(status_code=status, headers=headers)
    if fmt == XML:
        body = resource_to_xml(_swap_stored(content, _parsed), pretty=pretty)
    elif pretty:
        body = orjson.dumps(content, default=_parsed_default, option=_PRETTY)
    elif isinstance(content, Stored) and content.body is not None:
        body = _disclosed(content).body or b""
    else:  # Stored bodies are spliced in as they are stored: no tree walk, no re-encoding
        body = orjson.dumps(content, default=_fragment_default, option=_PASS)
    return Response(body, status, headers, media_type=f"{fmt}; charset=utf-8")
