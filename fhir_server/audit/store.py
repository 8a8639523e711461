"""Writing audit events: one SQL statement per request, one row per patient concerned.

The statement finds the patients of the resources a request touched (their Patient
compartment references in `idx_reference`, or themselves when they are Patients), and
inserts one event per patient (BALP's patient-specific variants), or a single event when no
patient is concerned. The body is the AuditEvent as served; its id is made in the statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import orjson

from fhir_server.audit.event import BALP, PATIENT_ROLE, PATIENT_TYPE, Facts, entities, profile
from fhir_server.audit.event import template as event_template
from fhir_server.search.compartments import compartments


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@lru_cache(maxsize=1)
def insert_sql() -> str:
    """The insert statement, with the Patient compartment's (type, parameter) pairs inlined.

    $1 rids touched, $2 patient ids known to the caller, $3 recorded, $4 action, $5 subtype,
    $6 outcome, $7 agent, $8 client, $9 organization, $10 entity type, $11 template (jsonb),
    $12 shared entities (jsonb array), $13 profile for events without a patient,
    $14 profile for patient events. Returns the ids and patients of the events written.
    """
    pairs = ", ".join(f"({_quoted(t)}, {_quoted(p)})"
                      for t, p in compartments()["Patient"].pairs(None))
    patient_entity = orjson.dumps({"type": PATIENT_TYPE, "role": PATIENT_ROLE}).decode()
    return f"""
WITH touched(rid) AS (SELECT unnest($1::bigint[])),
pats AS (
    SELECT i.target_id AS pid FROM touched t JOIN idx_reference i ON i.rid = t.rid
    JOIN (VALUES {pairs}) c(t, p) ON i.res_type = c.t AND i.param = c.p
    WHERE i.target_type = 'Patient' AND i.target_id IS NOT NULL
    UNION SELECT r.res_id FROM touched t JOIN resource r ON r.rid = t.rid
    WHERE r.res_type = 'Patient'
    UNION SELECT unnest($2::text[])),
events AS (
    SELECT gen_random_uuid()::text AS id, pid FROM pats
    UNION ALL SELECT gen_random_uuid()::text, NULL WHERE NOT EXISTS (SELECT 1 FROM pats))
INSERT INTO audit_event (id, recorded, action, subtype, outcome, patient, agent, client,
    organization, entity_type, body)
SELECT e.id, $3, $4, $5, $6, e.pid, $7, $8, $9, $10, convert_to((
    $11::jsonb || jsonb_build_object(
        'id', e.id,
        'meta', COALESCE($11::jsonb -> 'meta', '{{}}'::jsonb) || jsonb_build_object(
            'profile', jsonb_build_array(CASE WHEN e.pid IS NULL THEN $13 ELSE $14 END)),
        'entity', $12::jsonb || CASE WHEN e.pid IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(
            '{patient_entity}'::jsonb || jsonb_build_object(
                'what', jsonb_build_object('reference', 'Patient/' || e.pid))) END)
    )::text, 'UTF8')
FROM events e
RETURNING id, patient"""


def arguments(facts: Facts, rids: Sequence[int], patients: Sequence[str],
              entity_type: str | None) -> list[Any]:
    """The statement's arguments for one request's events."""
    principal = facts.principal
    agent = principal.practitioner or principal.subject
    return [
        list(rids), list(patients), facts.recorded, facts.action, facts.subtype,
        facts.outcome, agent, principal.client_id, principal.organization, entity_type,
        orjson.dumps(event_template(facts)).decode(), orjson.dumps(entities(facts)).decode(),
        profile(facts, False), profile(facts, True),
    ]


async def write(conn: Any, facts: Facts, rids: Sequence[int], patients: Sequence[str] = (),
                entity_type: str | None = None) -> list[tuple[str, str | None]]:
    """Insert the events of one request on conn (inside its transaction, if any)."""
    rows = await conn.fetch(insert_sql(), *arguments(facts, rids, patients, entity_type))
    return [(row["id"], row["patient"]) for row in rows]


__all__ = ["BALP", "write"]
