"""Writing audit events: one row per patient concerned, in batches.

A request's events share one body (event.shared: the AuditEvent without id and patient);
each row adds its patient, and the AuditEvent is assembled on read (event.served). The
patients are those of the resources a request touched: their Patient compartment
references in `idx_reference`, or themselves when they are Patients, found by rid through
indexes, so the cost follows the resources touched, never the size of the tables.

Reads and searches do not wait for a commit each: concurrent requests of one process join
a batch (Batcher) that is written by one statement, one commit, before any of them is
answered. Writes record their events on their own transaction's connection (`write`).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from fhir_server.audit.event import Facts, shared
from fhir_server.search.compartments import compartments

MAX_BATCH = 500  # requests per statement
INSERT_SQL = (
    "INSERT INTO audit_event (recorded, action, subtype, outcome, patient, agent, client, "
    "organization, entity_type, body) SELECT * FROM unnest($1::timestamptz[], $2::text[], "
    "$3::text[], $4::int2[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::bytea[]) RETURNING seq, patient"
)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@lru_cache(maxsize=1)
def patients_sql() -> str:
    """(rid, patient id) of the resources $1, through the Patient compartment's parameters."""
    members = ", ".join(_quoted(f"{t}.{p}") for t, p in compartments()["Patient"].pairs(None))
    # Each rid is probed through the rid indexes (LATERAL): a plan through the target index
    # would read every reference to any Patient.
    return (
        "SELECT t.rid, p.id FROM unnest($1::bigint[]) AS t(rid) CROSS JOIN LATERAL ("
        "SELECT i.target_id AS id FROM idx_reference i WHERE i.rid = t.rid "
        "AND i.target_type = 'Patient' AND i.target_id IS NOT NULL "
        f"AND i.res_type || '.' || i.param = ANY(ARRAY[{members}]) "
        "UNION SELECT r.res_id FROM resource r WHERE r.rid = t.rid "
        "AND r.res_type = 'Patient') p"
    )


@dataclass(frozen=True, slots=True)
class Pending:
    """One request's events to write: what happened, the resources touched, known patients."""

    facts: Facts
    rids: Sequence[int] = ()
    patients: Sequence[str] = ()
    entity_type: str | None = None

    def rows(self, found: dict[int, set[str]]) -> list[tuple[Any, ...]]:
        """One row per patient (or one without a patient)."""
        ids: set[str] = {p for rid in self.rids for p in found.get(rid, ())}
        ids.update(self.patients)
        facts, principal = self.facts, self.facts.principal
        body = orjson.dumps(shared(facts))
        agent = principal.practitioner or principal.subject
        return [(facts.recorded, facts.action, facts.subtype, facts.outcome, patient, agent,
                 principal.client_id, principal.organization, self.entity_type, body)
                for patient in (sorted(ids) if ids else [None])]


async def write_many(conn: Any, batch: Sequence[Pending]) -> list[tuple[str, str | None]]:
    """Write the events of several requests with one lookup and one insert on conn."""
    found: dict[int, set[str]] = defaultdict(set)
    rids = sorted({rid for pending in batch for rid in pending.rids})
    if rids:
        for rid, patient in await conn.fetch(patients_sql(), rids):
            found[rid].add(patient)
    rows = [row for pending in batch for row in pending.rows(found)]
    columns = [list(column) for column in zip(*rows, strict=True)]
    inserted = await conn.fetch(INSERT_SQL, *columns)
    return [(str(row["seq"]), row["patient"]) for row in inserted]


async def write(conn: Any, facts: Facts, rids: Sequence[int] = (), patients: Sequence[str] = (),
                entity_type: str | None = None) -> list[tuple[str, str | None]]:
    """Write one request's events on conn (inside its transaction, if any): ids, patients."""
    return await write_many(conn, [Pending(facts, rids, patients, entity_type)])


class Batcher:
    """Group commit for the audit events of one process's concurrent requests."""

    def __init__(self, pool: Any, synchronous: bool = True) -> None:
        self.pool = pool
        self.synchronous = synchronous  # wait for the WAL flush (HIE_AUDIT_SYNCHRONOUS_READS)
        self._waiting: list[tuple[Pending, asyncio.Future[None]]] = []
        self._flushing = False

    async def submit(self, pending: Pending) -> None:
        """Return once pending's events are committed (raise if they could not be)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((pending, done))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            await asyncio.sleep(0)  # the requests of this turn of the loop join the batch
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                await self._write(batch)
        finally:
            self._flushing = False

    async def _insert(self, conn: Any, batch: list[Pending]) -> None:
        if self.synchronous:  # the insert commits on its own, flushed before we answer
            await write_many(conn, batch)
            return
        async with conn.transaction():  # answered before the flush: a crash may lose it
            await conn.execute("SET LOCAL synchronous_commit = off")
            await write_many(conn, batch)

    async def _write(self, batch: list[tuple[Pending, asyncio.Future[None]]]) -> None:
        try:
            async with self.pool.acquire() as conn:
                await self._insert(conn, [pending for pending, _ in batch])
        except Exception as error:  # every request of the batch fails: none goes unaudited
            for _, done in batch:
                if not done.done():
                    done.set_exception(error)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)
