"""read and vread (http.html#read, #vread)."""

from __future__ import annotations

from fhir_server.errors import FhirError, Issue, bad_request, not_found
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader


def _gone(stored: Stored, what: str) -> FhirError:
    return FhirError(410, Issue("deleted", f"{what} was deleted"), {"ETag": stored.etag})


async def read(reader: Reader, res_type: str, res_id: str) -> Stored:
    """The current version; 404 if it never existed, 410 if deleted."""
    stored = await reader.read(res_type, res_id)
    if stored is None:
        raise not_found(f"{res_type}/{res_id} is not known")
    if stored.deleted:
        raise _gone(stored, f"{res_type}/{res_id}")
    return stored


async def vread(reader: Reader, res_type: str, res_id: str, version: str) -> Stored:
    """One version; 404 if unknown, 410 if that version records a deletion."""
    if not version.isdigit():
        raise bad_request(f"version id must be a positive integer, not {version!r}")
    stored = await reader.vread(res_type, res_id, int(version))
    if stored is None:
        raise not_found(f"{res_type}/{res_id}/_history/{version} is not known")
    if stored.deleted:
        raise _gone(stored, f"{res_type}/{res_id} version {version}")
    return stored
