"""update, update-as-create and conditional update (http.html#update, #cond-update)."""

from __future__ import annotations

from typing import Any

from fhir_server.errors import bad_request
from fhir_server.interactions.conditions import criteria_key, match_at_most_one, parse_criteria
from fhir_server.interactions.create import create
from fhir_server.interactions.preconditions import require_absent, require_version
from fhir_server.interactions.writing import Received, WriteResult, check, store_new, store_next
from fhir_server.storage.postgres import Session


async def update(
    session: Session,
    res_type: str,
    res_id: str,
    resource: dict[str, Any],
    received: Received | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> WriteResult:
    """Write the next version, or create with the client's id (201) when none exists."""
    if resource.get("id") != res_id:
        raise bad_request(
            f"the body's id {resource.get('id')!r} must equal the URL's id {res_id!r}",
            expression=f"{res_type}.id",
        )
    check(resource, res_type)
    for _ in range(2):
        current = await session.current(res_type, res_id, lock=True)
        require_version(current, if_match)
        require_absent(current, if_none_match)
        if current is not None:
            stored = await store_next(session, current, resource, received, "PUT")
            return WriteResult(stored, 201 if current.deleted else 200)
        created = await store_new(session, res_type, res_id, resource, received, "PUT")
        if created is not None:
            return WriteResult(created, 201)
        # A concurrent update-as-create won: the row now exists, go round once more to update it.
    raise AssertionError("unreachable: the row exists after a lost insert race")


async def conditional_update(
    session: Session,
    res_type: str,
    criteria: str,
    resource: dict[str, Any],
    received: Received | None = None,
    if_match: str | None = None,
) -> WriteResult:
    """Update the single match of the criteria, or create when nothing matches."""
    pairs = parse_criteria(criteria)
    await session.lock_criteria(res_type, criteria_key(pairs))
    found = await match_at_most_one(session, res_type, pairs)
    body_id = resource.get("id")
    if found is not None:
        if body_id is not None and body_id != found.res_id:
            raise bad_request(
                f"the body's id {body_id!r} is not the matched {res_type}/{found.res_id}"
            )
        return await update(
            session, res_type, found.res_id, {**resource, "id": found.res_id}, received, if_match
        )
    if body_id is not None:
        return await update(session, res_type, body_id, resource, received, if_match)
    return await create(session, res_type, resource, received)
