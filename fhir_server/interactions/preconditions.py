"""HTTP preconditions on versions: If-Match, If-None-Match (http.html#concurrency)."""

from __future__ import annotations

from fhir_server.errors import bad_request, precondition_failed
from fhir_server.storage.models import Stored


def parse_etag(value: str) -> int:
    """The version number in an ETag such as `W/"3"`; 400 for anything else."""
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit():
        raise bad_request(f"not a version ETag: {value!r}")
    return int(text)


def require_version(current: Stored | None, if_match: str | None) -> None:
    """412 unless the current, live version is the one If-Match names."""
    if if_match is None:
        return
    expected = parse_etag(if_match)
    if current is None or current.deleted:
        raise precondition_failed(f"If-Match {if_match}: the resource does not exist")
    if current.version != expected:
        raise precondition_failed(
            f"If-Match {if_match}: the current version is {current.version}, not {expected}"
        )


def require_absent(current: Stored | None, if_none_match: str | None) -> None:
    """412 when `If-None-Match: *` is given and the resource already exists."""
    if (
        if_none_match
        and if_none_match.strip() == "*"
        and current is not None
        and not current.deleted
    ):
        raise precondition_failed("If-None-Match: * and the resource already exists")
