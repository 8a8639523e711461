"""The audit trail (ARCHITECTURE.md `audit/`): one AuditEvent per interaction (IHE BALP),
written in the same transaction as the data, hash-chained, searchable by regulators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fhir_server.audit import store
from fhir_server.audit.recorder import _facts


async def record(conn: Any, subtype: str, *, outcome: int = 0, patients: Sequence[str] = (),
                 rids: Sequence[int] = (), what: tuple[str, ...] = (),
                 description: str | None = None) -> list[tuple[str, str | None]]:
    """Record a module's own interaction (an MPI steward's merge, a DICOMweb retrieve, ...):
    one event per patient (ids in patients, or the patients of the resources rids), by the
    current principal. Pass the connection of the transaction that does the work, so the
    event commits with it. subtype is a restful-interaction code or the module's own."""
    facts = _facts(subtype, outcome, None, what, description)
    return await store.write(conn, facts, rids, patients)
