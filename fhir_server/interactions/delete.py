"""delete and conditional delete (http.html#delete, #cdelete): deletions are new versions."""

from __future__ import annotations

from fhir_server.errors import precondition_failed
from fhir_server.interactions.conditions import matching, parse_criteria
from fhir_server.interactions.preconditions import require_version
from fhir_server.interactions.writing import store_next
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Session


async def delete(
    session: Session, res_type: str, res_id: str, if_match: str | None = None
) -> Stored | None:
    """Record a deletion; None when there was nothing live to delete (still a success)."""
    current = await session.current(res_type, res_id, lock=True)
    require_version(current, if_match)
    if current is None or current.deleted:
        return None
    return await store_next(session, current, None, None, "DELETE")


async def conditional_delete(session: Session, res_type: str, criteria: str) -> Stored | None:
    """Delete the single match of the criteria; 412 when several match."""
    pairs = parse_criteria(criteria)
    found = await matching(session, res_type, pairs)
    if len(found) > 1:
        raise precondition_failed(f"conditional delete criteria match more than one {res_type}")
    return await delete(session, res_type, found[0].res_id) if found else None
