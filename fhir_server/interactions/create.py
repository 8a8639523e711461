"""create and conditional create (http.html#create, #ccreate)."""

from __future__ import annotations

from typing import Any

from fhir_server.interactions.conditions import criteria_key, match_at_most_one, parse_criteria
from fhir_server.interactions.writing import Received, WriteResult, check, new_id, store_new
from fhir_server.storage.postgres import Session


async def create(
    session: Session,
    res_type: str,
    resource: dict[str, Any],
    received: Received | None = None,
    if_none_exist: str | None = None,
    res_id: str | None = None,
) -> WriteResult:
    """Create a resource with a server id (any id in the body is ignored, per the spec).

    With If-None-Exist, the criteria's key row is locked first so that concurrent creates
    with the same criteria are serialised: exactly one resource results.
    """
    resource = {k: v for k, v in resource.items() if k != "id"}
    check(resource, res_type)
    if if_none_exist is not None:
        pairs = parse_criteria(if_none_exist)
        await session.lock_criteria(res_type, criteria_key(pairs))
        existing = await match_at_most_one(session, res_type, pairs)
        if existing is not None:
            return WriteResult(existing, 200)
    stored = await store_new(session, res_type, res_id or new_id(), resource, received, "POST")
    assert stored is not None, "a fresh server id cannot collide"
    if if_none_exist is not None:
        await session.record_criteria(res_type, criteria_key(pairs), stored.rid)
    return WriteResult(stored, 201)
