"""patch and conditional patch (http.html#patch): JSON Patch and FHIRPath Patch."""

from __future__ import annotations

from typing import Any

from fhir_server.errors import FhirError, Issue, not_found
from fhir_server.interactions.conditions import match_at_most_one, parse_criteria
from fhir_server.interactions.preconditions import require_version
from fhir_server.interactions.read import read
from fhir_server.interactions.writing import Received, WriteResult, check, store_next
from fhir_server.patch import apply_fhirpath_patch, apply_json_patch
from fhir_server.storage.postgres import Session

JSON_PATCH = "application/json-patch+json"


def apply(resource: dict[str, Any], document: Any, media_type: str) -> dict[str, Any]:
    """Apply a JSON Patch (by media type) or a FHIRPath Patch Parameters resource."""
    if media_type == JSON_PATCH:
        return apply_json_patch(resource, document)
    if isinstance(document, dict) and document.get("resourceType") == "Parameters":
        return apply_fhirpath_patch(resource, document)
    raise FhirError(
        415,
        Issue("not-supported", f"patch needs {JSON_PATCH} or a FHIRPath Patch Parameters resource"),
    )


async def patch(
    session: Session,
    res_type: str,
    res_id: str,
    document: Any,
    media_type: str,
    received: Received | None = None,
    if_match: str | None = None,
) -> WriteResult:
    """Apply a patch to the current version and store the result as the next version."""
    current = await session.current(res_type, res_id, lock=True)
    if current is None:
        raise not_found(f"{res_type}/{res_id} is not known")
    await read(session, res_type, res_id)  # 410 for a deleted resource
    require_version(current, if_match)
    patched = apply(current.resource(), document, media_type)
    check(patched, res_type)
    return WriteResult(await store_next(session, current, patched, received, "PATCH"), 200)


async def conditional_patch(
    session: Session,
    res_type: str,
    criteria: str,
    document: Any,
    media_type: str,
    received: Received | None = None,
    if_match: str | None = None,
) -> WriteResult:
    """Patch the single match of the criteria; 404 when nothing matches, 412 for several."""
    found = await match_at_most_one(session, res_type, parse_criteria(criteria))
    if found is None:
        raise not_found(f"no {res_type} matches the conditional patch criteria")
    return await patch(session, res_type, found.res_id, document, media_type, received, if_match)
