"""transaction and batch Bundles: order, urn:uuid references, conditional references, rollback."""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.integration


def _encounter_bundle(mrn: str) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "urn:mrn", "value": mrn}],
                },
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": f"identifier=urn:mrn|{mrn}",
                },
            },
            {
                "fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
                "resource": {
                    "resourceType": "Encounter",
                    "status": "finished",
                    "class": {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                        "code": "AMB",
                    },
                    "subject": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
                },
                "request": {"method": "POST", "url": "Encounter"},
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                    "subject": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
                    "encounter": {"reference": "urn:uuid:22222222-2222-4222-8222-222222222222"},
                    "valueQuantity": {"value": 72, "unit": "/min"},
                },
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }


def test_transaction_resolves_urn_uuid_references(client: httpx.Client) -> None:
    r = client.post(
        "", json=_encounter_bundle(uuid.uuid4().hex), headers={"Prefer": "return=representation"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in body["entry"]]
    assert statuses == ["201 Created"] * 3
    patient, encounter, obs = (e["resource"] for e in body["entry"])
    assert obs["subject"]["reference"] == f"Patient/{patient['id']}"
    assert obs["encounter"]["reference"] == f"Encounter/{encounter['id']}"


def test_transaction_conditional_create_reuses_patient(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    first = client.post("", json=_encounter_bundle(mrn)).json()
    second = client.post("", json=_encounter_bundle(mrn)).json()
    assert second["entry"][0]["response"]["status"] == "200 OK"
    assert first["entry"][0]["response"]["location"] == second["entry"][0]["response"]["location"]


def test_transaction_is_all_or_nothing(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    bundle = _encounter_bundle(mrn)
    bundle["entry"][2]["resource"]["status"] = "not-a-status"
    r = client.post("", json=bundle)
    assert r.status_code == 422, r.text
    assert "Bundle.entry[2]" in r.text
    found = client.get("/Patient", params={"identifier": f"urn:mrn|{mrn}"}).json()
    assert found.get("total", len(found["entry"])) == 0


def test_transaction_conditional_reference(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    pid = client.post(
        "/Patient",
        json={"resourceType": "Patient", "identifier": [{"system": "urn:mrn", "value": mrn}]},
    ).json()["id"]
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"text": "心率"},
                    "subject": {"reference": f"Patient?identifier=urn:mrn|{mrn}"},
                },
                "request": {"method": "POST", "url": "Observation"},
            }
        ],
    }
    r = client.post("", json=bundle, headers={"Prefer": "return=representation"})
    assert r.status_code == 200, r.text
    assert r.json()["entry"][0]["resource"]["subject"]["reference"] == f"Patient/{pid}"
    bundle["entry"][0]["resource"]["subject"]["reference"] = "Patient?identifier=urn:mrn|none"
    assert client.post("", json=bundle).status_code == 412


def test_transaction_processing_order_delete_before_create(client: httpx.Client) -> None:
    pid = client.post("/Patient", json={"resourceType": "Patient"}).json()["id"]
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"request": {"method": "GET", "url": f"Patient/{pid}"}},
            {
                "resource": {"resourceType": "Patient", "id": pid, "gender": "male"},
                "request": {"method": "PUT", "url": f"Patient/{pid}"},
            },
        ],
    }
    r = client.post("", json=bundle)
    assert r.status_code == 200, r.text
    # GET runs last, so it sees the PUT made in the same transaction.
    assert r.json()["entry"][0]["resource"]["gender"] == "male"


def test_batch_entries_fail_independently(client: httpx.Client) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {
                "resource": {"resourceType": "Patient"},
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "resource": {"resourceType": "Patient", "gender": "x"},
                "request": {"method": "POST", "url": "Patient"},
            },
            {"request": {"method": "GET", "url": "Patient/does-not-exist"}},
            {"request": {"method": "FLY", "url": "Patient"}},
        ],
    }
    r = client.post("", json=bundle)
    assert r.status_code == 200
    statuses = [e["response"]["status"] for e in r.json()["entry"]]
    assert statuses == ["201 Created", "422", "404", "400"]
    assert r.json()["entry"][1]["response"]["outcome"]["resourceType"] == "OperationOutcome"


def test_transaction_relinks_uri_and_narrative_but_not_identifiers(client: httpx.Client) -> None:
    binary_url = "http://elsewhere.example/fhir/Binary/b1"
    doc_uuid = "urn:uuid:6a2c0c0e-8d4e-4d8e-9d0b-0f6f3f6c2b11"
    div = f'<div xmlns="http://www.w3.org/1999/xhtml"><a href="{binary_url}">报告</a></div>'
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": doc_uuid,
                "resource": {
                    "resourceType": "DocumentReference",
                    "status": "current",
                    "masterIdentifier": {"system": "urn:ietf:rfc:3986", "value": doc_uuid},
                    "text": {"status": "generated", "div": div},
                    "content": [{"attachment": {"contentType": "text/plain", "url": binary_url}}],
                },
                "request": {"method": "POST", "url": "DocumentReference"},
            },
            {
                "fullUrl": binary_url,
                "resource": {"resourceType": "Binary", "contentType": "text/plain", "data": "aGk="},
                "request": {"method": "POST", "url": "Binary"},
            },
        ],
    }
    r = client.post("", json=bundle, headers={"Prefer": "return=representation"})
    assert r.status_code == 200, r.text
    doc, binary = (e["resource"] for e in r.json()["entry"])
    assert doc["content"][0]["attachment"]["url"] == f"Binary/{binary['id']}"
    assert f'href="Binary/{binary["id"]}"' in doc["text"]["div"]
    assert doc["masterIdentifier"]["value"] == doc_uuid


def test_transaction_with_absurd_nesting_is_refused_and_writes_nothing(
    client: httpx.Client,
) -> None:
    deep: dict = {"url": "http://x"}
    for _ in range(400):
        deep = {"url": "http://x", "extension": [deep]}
    mrn = uuid.uuid4().hex
    bundle = _encounter_bundle(mrn)
    bundle["entry"][1]["resource"]["extension"] = [deep]
    r = client.post("", json=bundle)
    assert r.status_code in (400, 422), r.text
    assert "Bundle.entry[1]" in r.text
    found = client.get("/Patient", params={"identifier": f"urn:mrn|{mrn}"}).json()
    assert found.get("total", len(found["entry"])) == 0
