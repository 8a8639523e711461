"""When audit events are written: writes inside their own transaction, everything else once
the request's answer is known, before it is sent.

- Writes: a before-commit subscriber records each written version's interaction in the
  writing transaction, so the data and its audit commit together or not at all.
- Reads, searches, operations: after the handler returned and before the response is sent,
  one statement records the disclosure (one event per patient concerned); if it fails the
  client gets an error, never unaudited data.
- Failures and denials (any FhirError): recorded with their outcome, outside the failed
  transaction, which has rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from fhir_server.audit import store, trail
from fhir_server.audit.event import Facts
from fhir_server.auth.principal import current as current_principal
from fhir_server.storage.models import Stored

# A write event lists the written resources as entities when there are at most this many.
MAX_LISTED = 20
_SUBTYPES = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
# Audit events are not themselves audited (they are the audit): reading them is, below.
UNAUDITED_TYPES = frozenset({"AuditEvent"})


def _facts(subtype: str, outcome: int, query: str | None, what: tuple[str, ...],
           description: str | None = None) -> Facts:
    current = trail.current()
    return Facts(
        subtype=subtype, action=trail.ACTIONS.get(subtype, "E"), recorded=datetime.now(UTC),
        outcome=outcome, principal=current_principal(),
        address=current.address if current else None, query=query, what=what,
        description=description,
    )


def _reference(stored: Stored) -> str:
    return f"{stored.res_type}/{stored.res_id}/_history/{stored.version}"


async def record_writes(session: Any, written: Sequence[Stored]) -> None:
    """Before-commit subscriber: the events of this transaction's writes, per kind of write
    (create, update, patch, delete) and patient, in one lookup and one insert."""
    ordered = sorted(written, key=lambda s: s.method)
    batch = []
    for method, group in groupby(ordered, key=lambda s: s.method):
        versions = list(group)
        what = tuple(_reference(s) for s in versions) if len(versions) <= MAX_LISTED else ()
        types = {s.res_type for s in versions}
        batch.append(store.Pending(_facts(_SUBTYPES.get(method, "update"), 0, None, what),
                                   [s.rid for s in versions], (),
                                   types.pop() if len(types) == 1 else None))
    await store.write_many(session.conn, batch)
    current = trail.current()
    if current is not None:
        current.recorded = True


def request_events(current: trail.Trail, outcome: int = 0,
                   description: str | None = None) -> store.Pending:
    """The events of a request whose writes (if any) were not recorded in a transaction."""
    searching = current.interaction.startswith("search") or current.interaction == "operation"
    query = current.query if searching or current.query else None
    first = (current.first,) if current.first else ()
    facts = _facts(current.interaction, outcome, query, first, description)
    entity_type = current.path.strip("/").split("/")[0] or None
    return store.Pending(facts, tuple(current.disclosed), (), entity_type)


_WRITES = frozenset({"create", "update", "patch", "delete"})


def wanted(current: trail.Trail) -> bool:
    """Whether a successful request still needs its event: not the CapabilityStatement, and
    not a write already recorded with its transaction."""
    if current.interaction == "capabilities":
        return False
    return not (current.recorded and current.interaction in _WRITES)


async def record_failure(batcher: store.Batcher, current: trail.Trail, status: int,
                         issues: Sequence[Any]) -> None:
    """A refused or failed request: outcome 4 for the client's errors and denials, 8 for the
    server's; the reason is the first issue's text (redacted)."""
    text = "; ".join(str(getattr(i, "diagnostics", "") or getattr(i, "code", ""))
                     for i in issues[:3]) or f"HTTP {status}"
    current.disclosed.clear()  # nothing was sent
    outcome = 4 if status < 500 else 8
    await batcher.submit(request_events(current, outcome, f"HTTP {status}: {text}"))
