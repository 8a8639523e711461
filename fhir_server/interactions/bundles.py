"""Assemble response Bundles. Entries carry `Stored` versions; the renderer serialises them
straight from their stored bytes, so a page of results is never parsed and re-encoded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fhir_server.storage.models import Stored, format_instant

METHOD_STATUS = {
    "POST": "201 Created",
    "PUT": "200 OK",
    "PATCH": "200 OK",
    "DELETE": "204 No Content",
}


def bundle(
    kind: str, entries: list[dict[str, Any]], links: list[tuple[str, str]], total: int | None = None
) -> dict[str, Any]:
    """A Bundle of the given type with its links and entries."""
    out: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": format_instant(datetime.now(UTC))},
        "type": kind,
    }
    if total is not None:
        out["total"] = total
    if links:
        out["link"] = [{"relation": rel, "url": url} for rel, url in links]
    out["entry"] = entries
    return out


def full_url(base: str, stored: Stored) -> str:
    return f"{base}/{stored.res_type}/{stored.res_id}"


def search_entry(base: str, stored: Stored, mode: str = "match") -> dict[str, Any]:
    """A searchset entry for a current version."""
    return {"fullUrl": full_url(base, stored), "resource": stored, "search": {"mode": mode}}


def history_entry(base: str, stored: Stored) -> dict[str, Any]:
    """A history entry: the version (absent for deletions), its request and its response."""
    method = stored.method or "PUT"
    url = stored.res_type if method == "POST" else f"{stored.res_type}/{stored.res_id}"
    entry: dict[str, Any] = {"fullUrl": full_url(base, stored)}
    if not stored.deleted:
        entry["resource"] = stored
    entry["request"] = {"method": method, "url": url}
    entry["response"] = {
        "status": METHOD_STATUS.get(method, "200 OK"),
        "etag": stored.etag,
        "lastModified": format_instant(stored.last_updated),
    }
    return entry
