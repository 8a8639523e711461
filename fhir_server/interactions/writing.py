"""The one write path every interaction shares: stamp meta, validate, index, store."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from fhir_server.errors import unprocessable
from fhir_server.search import index_rows
from fhir_server.search.registry import check_definition
from fhir_server.search.stored import SEARCHABLE_STATUSES
from fhir_server.storage.models import Stored, format_instant
from fhir_server.storage.postgres import Session
from fhir_server.validation import validate_resource


@dataclass(frozen=True, slots=True)
class Received:
    """The exact bytes a client sent, kept beside the canonical version."""

    body: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The stored version a write produced and the HTTP status it earns."""

    stored: Stored
    status: int


def new_id() -> str:
    """A server-assigned logical id."""
    return str(uuid.uuid4())


def check(resource: dict[str, Any], res_type: str) -> None:
    """Reject (422) a resource that breaks the R4 structure rules, and (400) a SearchParameter
    the server could not search with (it joins the registry once stored)."""
    issues = validate_resource(resource, expected_type=res_type)
    if issues:
        raise unprocessable(issues)
    if res_type == "SearchParameter" and resource.get("status") in SEARCHABLE_STATUSES:
        check_definition(resource)


def stamp(resource: dict[str, Any], res_id: str, version: int, moment: datetime) -> dict[str, Any]:
    """The resource as stored: id and meta.versionId/lastUpdated set by the server, first."""
    meta = dict(resource.get("meta") or {})
    meta["versionId"] = str(version)
    meta["lastUpdated"] = format_instant(moment)
    rest = {k: v for k, v in resource.items() if k not in ("resourceType", "id", "meta")}
    return {"resourceType": resource["resourceType"], "id": res_id, "meta": meta, **rest}


def _encode(resource: dict[str, Any]) -> tuple[bytes, dict[str, list[tuple[Any, ...]]]]:
    return orjson.dumps(resource), index_rows(resource)


async def store_new(
    session: Session,
    res_type: str,
    res_id: str,
    resource: dict[str, Any],
    received: Received | None,
    method: str,
    version: int = 1,
) -> Stored | None:
    """Store a resource without a current row; None when a concurrent writer created it first."""
    moment = datetime.now(UTC)
    body, rows = _encode(stamp(resource, res_id, version, moment))
    raw, raw_type = (received.body, received.content_type) if received else (None, None)
    return await session.insert(
        res_type, res_id, version, moment, body, rows, method, raw, raw_type
    )


async def store_next(
    session: Session,
    current: Stored,
    resource: dict[str, Any] | None,
    received: Received | None,
    method: str,
) -> Stored:
    """Store the next version of a locked resource; resource None records a deletion."""
    moment = datetime.now(UTC)
    body, rows = (
        (None, {})
        if resource is None
        else _encode(stamp(resource, current.res_id, current.version + 1, moment))
    )
    raw, raw_type = (received.body, received.content_type) if received else (None, None)
    return await session.replace(current, moment, body, rows, method, raw, raw_type)


async def store_many(
    session: Session, items: list[tuple[str, str, dict[str, Any]]], method: str
) -> list[Stored]:
    """Store many new resources (type, id, resource), already checked, in one round trip."""
    moment = datetime.now(UTC)
    prepared = []
    for res_type, res_id, resource in items:
        body, rows = _encode(stamp(resource, res_id, 1, moment))
        prepared.append((res_type, res_id, body, rows))
    return await session.insert_many(prepared, moment, method)
