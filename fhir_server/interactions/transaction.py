"""transaction and batch (http.html#transaction): all-or-nothing, in the spec's order.

A transaction runs in one database transaction. First every entry's identity is settled
(server ids for creates, conditional creates/updates/deletes resolved under their criteria
locks), then `urn:uuid:` and conditional references are rewritten, then the entries run in
the spec's order: DELETE, POST, PUT/PATCH, GET. Any failure rolls back every entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fhir_server.errors import FhirError, Issue, bad_request, precondition_failed
from fhir_server.interactions.conditions import (
    criteria_key,
    match_at_most_one,
    matching,
    parse_criteria,
)
from fhir_server.interactions.entries import (
    STATUS_TEXT,
    Entry,
    Outcome,
    error_outcome,
    run_read,
    run_write,
)
from fhir_server.interactions.relink import relink
from fhir_server.interactions.writing import check, new_id, store_many
from fhir_server.storage.models import format_instant
from fhir_server.storage.postgres import Session

ORDER = ("DELETE", "POST", "PUT", "PATCH", "GET", "HEAD")


def bundle_entries(bundle: dict[str, Any], kind: str, limit: int) -> list[Any]:
    """The raw entries of a transaction or batch Bundle, checked for shape and size."""
    raw = bundle.get("entry", [])
    if not isinstance(raw, list):
        raise bad_request("Bundle.entry must be an array", expression="Bundle.entry")
    if len(raw) > limit:
        raise FhirError(413, Issue("too-costly", f"{len(raw)} entries; at most {limit} per {kind}"))
    return raw


async def _settle(session: Session, e: Entry) -> None:
    """Fix the resource id an entry will write, resolving its conditions under their locks."""
    assert e.res_type is not None
    if e.method == "POST":
        if e.if_none_exist:
            pairs = parse_criteria(e.if_none_exist)
            await session.lock_criteria(e.res_type, criteria_key(pairs))
            e.existing = await match_at_most_one(session, e.res_type, pairs)
        e.res_id = e.existing.res_id if e.existing else new_id()
    elif e.method in ("PUT", "PATCH", "DELETE") and e.conditional:
        pairs = parse_criteria(e.query or "")
        await session.lock_criteria(e.res_type, criteria_key(pairs))
        found = await matching(session, e.res_type, pairs)
        if len(found) > 1:
            raise precondition_failed(f"criteria {e.query!r} match more than one {e.res_type}")
        if found or e.method == "PUT":
            e.res_id, e.query = (
                (found[0].res_id if found else (e.resource or {}).get("id") or new_id()),
                None,
            )
            if e.resource is not None and e.method == "PUT":
                e.resource = {**e.resource, "id": e.res_id}


async def _rewrite(session: Session, entries: list[Entry], ids: dict[str, str]) -> None:
    """Point links at the ids settled for the Bundle; resolve conditional references.

    Each distinct conditional reference is searched once per transaction: an HIS Bundle
    repeats the same `Patient?identifier=...` in most of its entries.
    """
    resolved: dict[str, str] = {}
    for e in entries:
        if e.resource is None:
            continue
        for ref in relink(e.resource, ids):
            target = ref["reference"]
            if target not in resolved:
                res_type, _, query = target.partition("?")
                found = await match_at_most_one(session, res_type, parse_criteria(query))
                if found is None:
                    raise precondition_failed(f"conditional reference {target!r} matches nothing")
                resolved[target] = f"{res_type}/{found.res_id}"
            ref["reference"] = resolved[target]


def _identities(entries: list[Entry], base: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    seen: set[str] = set()
    for e in entries:
        if e.method == "GET" or e.res_id is None:
            continue
        local = f"{e.res_type}/{e.res_id}"
        if local in seen and e.existing is None:
            raise bad_request(f"Bundle.entry[{e.index}]: {local} appears twice in the transaction")
        seen.add(local)
        if e.full_url:
            ids[e.full_url] = local
    return ids


async def run_transaction(
    session: Session, entries: list[Entry], base: str, settings: Any
) -> dict[int, Outcome]:
    """Run every entry of a transaction in one session; the first failure aborts them all."""
    for e in entries:
        with blame(e):
            _check_first(e)
            await _settle(session, e)
    await _rewrite(session, entries, _identities(entries, base))
    outcomes = await _create_all(session, [e for e in entries if e.method == "POST"])
    for method in ORDER:
        for e in (x for x in entries if x.method == method and x.index not in outcomes):
            with blame(e):
                if method in ("GET", "HEAD"):
                    outcomes[e.index] = await run_read(session, e, base, settings)
                else:
                    outcomes[e.index] = await run_write(session, e)
    return outcomes


def _check_first(e: Entry) -> None:
    """Validate an entry's resource before anything walks it (an id in a create is ignored)."""
    if e.resource is None or e.method not in ("POST", "PUT"):
        return
    if e.method == "POST":
        e.resource = {k: v for k, v in e.resource.items() if k != "id"}
    check(e.resource, e.res_type or "")


async def _create_all(session: Session, posts: list[Entry]) -> dict[int, Outcome]:
    """The transaction's plain creates (checked by `_check_first`), written in one statement."""
    fresh = [e for e in posts if e.existing is None]
    items = [(e.res_type or "", e.res_id or "", e.resource or {}) for e in fresh]
    stored = await store_many(session, items, "POST")
    outcomes = {e.index: Outcome(201, s) for e, s in zip(fresh, stored, strict=True)}
    outcomes.update({e.index: Outcome(200, e.existing) for e in posts if e.existing is not None})
    return outcomes


@contextmanager
def blame(e: Entry) -> Iterator[None]:
    """Prefix the issues of a failure with the entry that caused it."""
    try:
        yield
    except FhirError as err:
        issues = [
            Issue(i.code, f"Bundle.entry[{e.index}]: {i.diagnostics}", i.severity, i.expression)
            for i in err.issues
        ]
        raise FhirError(err.status, issues, err.headers) from err


def response_entry(outcome: Outcome | FhirError, prefer: str) -> dict[str, Any]:
    """The response Bundle's entry for one request entry."""
    if isinstance(outcome, FhirError):
        return {"response": error_outcome(outcome)}
    response: dict[str, Any] = {"status": STATUS_TEXT.get(outcome.status, str(outcome.status))}
    entry: dict[str, Any] = {"response": response}
    stored = outcome.stored
    if stored is not None:
        response.update(
            location=stored.location,
            etag=stored.etag,
            lastModified=format_instant(stored.last_updated),
        )
        if prefer != "minimal" and not stored.deleted and outcome.status != 204:
            entry["resource"] = stored
    if outcome.resource is not None:
        entry["resource"] = outcome.resource
    return entry
