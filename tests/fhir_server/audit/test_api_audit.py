"""Every interaction through the FHIR API leaves AuditEvents (IHE BALP), one per patient
concerned, with redacted queries; failures too; the trail is readable, never writable."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from fhir_server.audit import chain
from fhir_server.audit.event import served

pytestmark = pytest.mark.integration
RESIDENT = "urn:oid:2.16.156.10011.1.3"  # the resident ID card system (protected)
RESIDENT_ID = "41010219800101123X"
PHONE = "13812345678"
TEXT = "convert_from(body, 'UTF8')"  # an event's JSON as text


async def _events(postgres: str, where: str, *args: Any) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(postgres)
    try:
        rows = await conn.fetch(f"SELECT * FROM audit_event WHERE {where} ORDER BY seq", *args)
    finally:
        await conn.close()
    return [{**dict(r), "event": served(r["seq"], r["patient"], r["body"])} for r in rows]


def _patient(client: httpx.Client, **extra: Any) -> str:
    body = {"resourceType": "Patient", "name": [{"family": "审", "given": ["计"]}], **extra}
    response = client.post("/Patient", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _observation(client: httpx.Client, patient: str, code: str) -> str:
    body = {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "urn:test:audit", "code": code}]},
            "subject": {"reference": f"Patient/{patient}"}}
    response = client.post("/Observation", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_create_and_read_are_patient_events(client: httpx.Client, postgres: str) -> None:
    patient = _patient(client)
    assert client.get(f"/Patient/{patient}").status_code == 200
    events = await _events(postgres, "patient = $1", patient)
    assert [(e["subtype"], e["action"], e["outcome"]) for e in events] == [
        ("create", "C", 0), ("read", "R", 0)]
    read = events[1]["event"]
    assert read["resourceType"] == "AuditEvent" and read["id"] == str(events[1]["seq"])
    assert read["meta"]["profile"] == [
        "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead"]
    whats = [e.get("what", {}).get("reference") for e in read["entity"]]
    assert f"Patient/{patient}/_history/1" in whats and f"Patient/{patient}" in whats
    assert read["meta"]["tag"][0]["code"] == "development"  # no issuer: said so


async def test_search_gives_one_event_per_patient(client: httpx.Client, postgres: str) -> None:
    code = uuid.uuid4().hex
    patients = [_patient(client) for _ in range(3)]
    for p in patients:
        _observation(client, p, code)
    found = client.get("/Observation", params={"code": f"urn:test:audit|{code}"}).json()
    assert len(found["entry"]) == 3
    events = await _events(postgres, "subtype = 'search-type' AND patient = ANY($1)", patients)
    assert sorted(e["patient"] for e in events) == sorted(patients)
    query = next(e for e in events[0]["event"]["entity"] if e["role"]["code"] == "24")
    assert code in base64.b64decode(query["query"]).decode()


async def test_queries_are_redacted(client: httpx.Client, postgres: str) -> None:
    patient = _patient(client, identifier=[{"system": RESIDENT, "value": RESIDENT_ID}],
                       telecom=[{"system": "phone", "value": PHONE}])
    found = client.get("/Patient", params={"identifier": f"{RESIDENT}|{RESIDENT_ID}",
                                           "phone": PHONE}).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [patient]
    events = await _events(postgres, "subtype = 'search-type' AND patient = $1", patient)
    body = bytes(events[0]["body"]).decode()
    query = next(e for e in events[0]["event"]["entity"] if e["role"]["code"] == "24")
    text = base64.b64decode(query["query"]).decode()
    assert RESIDENT_ID not in body and PHONE not in body
    assert RESIDENT_ID not in text and PHONE not in text and "hmac:" in text


async def test_failures_and_denials_are_recorded(client: httpx.Client, postgres: str) -> None:
    missing = f"no-such-{uuid.uuid4().hex[:8]}"
    assert client.get(f"/Patient/{missing}").status_code == 404
    bad = client.post("/Patient", json={"resourceType": "Patient", "gender": RESIDENT_ID})
    assert bad.status_code == 422 and RESIDENT_ID not in bad.text  # not echoed in clear
    events = await _events(postgres, f"outcome = 4 AND {TEXT} LIKE $1", f"%{missing}%")
    assert [e["subtype"] for e in events] == ["read"]
    assert "404" in events[0]["event"]["outcomeDesc"]


async def test_everything_is_one_patient_event(client: httpx.Client, postgres: str) -> None:
    patient = _patient(client)
    for code in ("a", "b"):
        _observation(client, patient, code)
    assert len(client.get(f"/Patient/{patient}/$everything").json()["entry"]) == 3
    events = await _events(postgres, "subtype = 'operation' AND patient = $1", patient)
    assert len(events) == 1 and events[0]["action"] == "E"


async def test_transaction_writes_are_audited_with_the_data(
        client: httpx.Client, postgres: str) -> None:
    full = f"urn:uuid:{uuid.uuid4()}"
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": full, "resource": {"resourceType": "Patient"},
         "request": {"method": "POST", "url": "Patient"}},
        {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                      "subject": {"reference": full}},
         "request": {"method": "POST", "url": "Observation"}}]}
    response = client.post("", json=bundle)
    assert response.status_code == 200, response.text
    patient = response.json()["entry"][0]["response"]["location"].split("/")[1]
    events = await _events(postgres, "patient = $1", patient)
    assert [e["subtype"] for e in events] == ["create"]  # one event for the patient's data
    whats = {e.get("what", {}).get("reference", "").split("/")[0]
             for e in events[0]["event"]["entity"]}
    assert {"Patient", "Observation"} <= whats
    after = await _events(postgres, "seq > $1 AND subtype = 'transaction'", events[0]["seq"])
    assert after and after[0]["outcome"] == 0  # and one for the transaction itself


async def test_a_failed_transaction_leaves_only_its_failure(
        client: httpx.Client, postgres: str) -> None:
    marker, existing = uuid.uuid4().hex, _patient(client)
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": {"resourceType": "Patient", "id": marker},
         "request": {"method": "PUT", "url": f"Patient/{marker}"}},
        {"resource": {"resourceType": "Patient", "id": existing},  # fails when it is written
         "request": {"method": "PUT", "url": f"Patient/{existing}", "ifMatch": 'W/"9"'}}]}
    assert client.post("", json=bundle).status_code == 412
    assert client.get(f"/Patient/{marker}").status_code == 404
    assert await _events(postgres, "patient = $1", marker) == []  # the create rolled back
    failed = await _events(postgres, "subtype = 'transaction' AND outcome = 4 "
                                     "AND recorded > now() - interval '1 minute'")
    assert failed


def test_the_trail_cannot_be_written_through_the_api(client: httpx.Client) -> None:
    event = {"resourceType": "AuditEvent", "type": {"code": "rest"}, "recorded":
             "2026-01-01T00:00:00Z", "agent": [{"requestor": True}],
             "source": {"observer": {"display": "x"}}}
    assert client.post("/AuditEvent", json=event).status_code == 405
    assert client.put("/AuditEvent/x", json={**event, "id": "x"}).status_code == 405
    assert client.delete("/AuditEvent/x").status_code == 405
    bundle = {"resourceType": "Bundle", "type": "batch", "entry": [
        {"resource": event, "request": {"method": "POST", "url": "AuditEvent"}}]}
    answer = client.post("", json=bundle)  # a batch answers each entry on its own
    assert answer.json()["entry"][0]["response"]["status"].startswith("405")
    assert client.post("", json={**bundle, "type": "transaction"}).status_code == 405


async def test_regulators_search_the_trail_and_that_is_audited(
        client: httpx.Client, postgres: str) -> None:
    patient = _patient(client)
    client.get(f"/Patient/{patient}")
    found = client.get("/AuditEvent", params={"patient": patient, "action": "R"}).json()
    assert [e["resource"]["subtype"][0]["code"] for e in found["entry"]] == ["read"]
    one = found["entry"][0]["resource"]["id"]
    assert client.get(f"/AuditEvent/{one}").json()["id"] == one
    assert client.get("/AuditEvent", params={"date": "ge2000-01-01", "_count": "1"}).json()[
        "link"][-1]["relation"] == "next"
    assert client.get("/AuditEvent", params={"entity-name": "x"}).status_code == 400
    audits = await _events(postgres, "entity_type = 'AuditEvent' AND subtype = 'read' "
                                     f"AND {TEXT} LIKE $1", f"%AuditEvent/{one}%")
    assert audits  # reading the audit trail is itself audited


async def test_the_table_is_append_only(client: httpx.Client, postgres: str) -> None:
    _patient(client)
    pool = await asyncpg.create_pool(postgres, min_size=1, max_size=1)
    try:
        await chain.seal_all(pool)  # so audit_seal has rows for the row triggers
    finally:
        await pool.close()
    conn = await asyncpg.connect(postgres)
    try:
        for statement in ("UPDATE audit_event SET outcome = 8", "DELETE FROM audit_event",
                          "TRUNCATE audit_event", "DELETE FROM audit_seal",
                          "TRUNCATE audit_seal"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
    finally:
        await conn.close()
