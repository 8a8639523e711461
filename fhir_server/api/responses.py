"""Responses to writes and reads: ETag, Location, Last-Modified and the Prefer header."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from fhir_server.api.formats import render
from fhir_server.errors import Issue, operation_outcome
from fhir_server.interactions.writing import WriteResult
from fhir_server.storage.models import Stored


def base_url(request: Request) -> str:
    """The FHIR base of this request, as the client reached it."""
    return str(request.base_url).rstrip("/") + "/fhir"


def _prefer(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    for part in request.headers.get("prefer", "").replace(",", ";").split(";"):
        key, _, value = part.strip().partition("=")
        if key.strip() == name and value.strip() in allowed:
            return value.strip()
    return default


def prefer_return(request: Request, default: str = "representation") -> str:
    """`Prefer: return=...`: minimal, representation or OperationOutcome."""
    return _prefer(request, "return", ("minimal", "representation", "OperationOutcome"), default)


def prefer_handling(request: Request) -> str:
    """`Prefer: handling=...`: strict or lenient (the default) for unknown search parameters."""
    return _prefer(request, "handling", ("strict", "lenient"), "lenient")


def version_headers(stored: Stored) -> dict[str, str]:
    """ETag and Last-Modified of a version."""
    return {"ETag": stored.etag, "Last-Modified": format_datetime(stored.last_updated, usegmt=True)}


def write_response(request: Request, result: WriteResult) -> Response:
    """201/200 with Location, ETag and Last-Modified, and a body as Prefer asks."""
    stored = result.stored
    headers = version_headers(stored)
    headers["Location" if result.status == 201 else "Content-Location"] = (
        f"{base_url(request)}/{stored.location}"
    )
    prefer = prefer_return(request)
    if prefer == "minimal":
        return render(request, None, result.status, headers)
    if prefer == "OperationOutcome":
        verb = "created" if result.status == 201 else "stored"
        issue = Issue(
            "informational",
            f"{stored.res_type}/{stored.res_id} {verb} as version {stored.version}",
            severity="information",
        )
        return render(request, operation_outcome([issue]), result.status, headers)
    return render(request, stored, result.status, headers)


def not_modified(request: Request, stored: Stored) -> bool:
    """True when If-None-Match or If-Modified-Since shows the client already has this version."""
    etag = request.headers.get("if-none-match")
    if etag is not None:
        return etag.strip() in (stored.etag, f'"{stored.version}"', "*")
    since = request.headers.get("if-modified-since")
    if since:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return moment.tzinfo is not None and stored.last_updated.replace(microsecond=0) <= moment
    return False
