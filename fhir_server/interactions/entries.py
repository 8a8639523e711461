"""Bundle entries of a transaction or batch: parse their requests and run each one."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson

from fhir_server.audit.access import refuse_write
from fhir_server.errors import FhirError, bad_request
from fhir_server.interactions import create, delete, patch, read, search, update
from fhir_server.interactions.writing import WriteResult
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Session

METHODS = ("DELETE", "POST", "PUT", "PATCH", "GET", "HEAD")
STATUS_TEXT = {200: "200 OK", 201: "201 Created", 204: "204 No Content"}


@dataclass(slots=True)
class Entry:
    """One request of a Bundle, parsed: method, target and the conditional headers."""

    index: int
    method: str
    res_type: str | None
    res_id: str | None
    version: str | None
    query: str | None
    resource: dict[str, Any] | None
    full_url: str | None
    if_match: str | None = None
    if_none_exist: str | None = None
    if_none_match: str | None = None
    extra: list[str] = field(default_factory=list)
    existing: Stored | None = None

    @property
    def conditional(self) -> bool:
        return self.query is not None and self.res_id is None


@dataclass(slots=True)
class Outcome:
    """What one entry produced, for its entry in the response Bundle."""

    status: int
    stored: Stored | None = None
    resource: dict[str, Any] | Stored | None = None


def _split_url(url: str, base: str) -> tuple[list[str], str | None]:
    if url.startswith(base + "/"):
        url = url[len(base) + 1 :]
    path, _, query = url.partition("?")
    parts = [p for p in path.split("/") if p]
    return parts, (query if "?" in url else None)


def parse_entry(index: int, raw: Any, base: str, types: frozenset[str]) -> Entry:
    """Parse entry[index] of a transaction or batch; 400 for a malformed request."""
    where = f"Bundle.entry[{index}]"
    request = raw.get("request") if isinstance(raw, dict) else None
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        raise bad_request(f"{where}.request with a url is required", expression=f"{where}.request")
    method = str(request.get("method", "")).upper()
    if method not in METHODS:
        raise bad_request(f"{where}.request.method {method!r} is not allowed")
    parts, query = _split_url(request["url"], base)
    if not parts or parts[0] not in types:
        raise bad_request(f"{where}.request.url {request['url']!r} names no resource type")
    if parts[0] == "AuditEvent" and method != "GET":
        raise refuse_write()
    resource = raw.get("resource")
    if method in ("POST", "PUT") and not isinstance(resource, dict):
        raise bad_request(f"{where}.resource is required for {method}")
    return Entry(
        index,
        method,
        parts[0] if parts else None,
        parts[1] if len(parts) > 1 else None,
        parts[3] if len(parts) > 3 and parts[2] == "_history" else None,
        query,
        resource,
        raw.get("fullUrl"),
        request.get("ifMatch"),
        request.get("ifNoneExist"),
        request.get("ifNoneMatch"),
        parts[2:] if len(parts) > 2 and parts[2] != "_history" else [],
    )


def _written(result: WriteResult) -> Outcome:
    return Outcome(result.status, result.stored)


async def run_write(session: Session, e: Entry) -> Outcome:
    """Perform one write entry (POST, PUT, PATCH, DELETE) inside the session."""
    assert e.res_type is not None
    if e.method == "POST" and e.existing is not None:
        return Outcome(200, e.existing)
    if e.method == "POST":
        assert e.resource is not None
        return _written(
            await create.create(
                session, e.res_type, e.resource, None, e.if_none_exist, res_id=e.res_id
            )
        )
    if e.method == "PUT":
        assert e.resource is not None
        if e.conditional:
            return _written(
                await update.conditional_update(
                    session, e.res_type, e.query or "", e.resource, None, e.if_match
                )
            )
        return _written(
            await update.update(
                session, e.res_type, e.res_id or "", e.resource, None, e.if_match, e.if_none_match
            )
        )
    if e.method == "PATCH":
        return await _patch(session, e)
    if e.conditional:
        stored = await delete.conditional_delete(session, e.res_type, e.query or "")
    else:
        stored = await delete.delete(session, e.res_type, e.res_id or "", e.if_match)
    return Outcome(204, stored)


async def _patch(session: Session, e: Entry) -> Outcome:
    assert e.res_type is not None
    document: Any = e.resource
    media = "application/fhir+json"
    if isinstance(document, dict) and document.get("resourceType") == "Binary":
        media = str(document.get("contentType", ""))
        try:
            document = orjson.loads(base64.b64decode(document.get("data", ""), validate=True))
        except (binascii.Error, orjson.JSONDecodeError) as exc:
            raise bad_request(
                f"Bundle.entry[{e.index}]: the Binary patch is not base64 JSON"
            ) from exc
    if e.conditional:
        return _written(
            await patch.conditional_patch(
                session, e.res_type, e.query or "", document, media, None, e.if_match
            )
        )
    return _written(
        await patch.patch(session, e.res_type, e.res_id or "", document, media, None, e.if_match)
    )


async def run_read(session: Session, e: Entry, base: str, settings: Any) -> Outcome:
    """Perform one GET entry: read, vread, search or history."""
    pairs = parse_qsl(e.query or "", keep_blank_values=True)
    if e.res_type is None or (e.res_id == "_history") or "_history" in e.extra:
        raise bad_request(f"Bundle.entry[{e.index}]: history inside a Bundle is not supported")
    if e.res_id is None:
        found = await search.search(
            session, base, e.res_type, pairs, settings.default_page_size, settings.max_page_size
        )
        return Outcome(200, resource=found)
    if e.version is not None:
        return Outcome(200, resource=await read.vread(session, e.res_type, e.res_id, e.version))
    return Outcome(200, resource=await read.read(session, e.res_type, e.res_id))


def error_outcome(error: FhirError) -> dict[str, Any]:
    """The response of a failed batch entry."""
    return {"status": str(error.status), "outcome": error.outcome()}
