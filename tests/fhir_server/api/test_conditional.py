"""Conditional create, update, delete and patch."""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.integration


def _patient(mrn: str) -> dict:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:oid:1.2.156.112604.1.2", "value": mrn}],
        "name": [{"family": "李", "given": ["四"]}],
    }


def test_conditional_create_returns_existing(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    header = {"If-None-Exist": f"identifier=urn:oid:1.2.156.112604.1.2|{mrn}"}
    first = client.post("/Patient", json=_patient(mrn), headers=header)
    again = client.post("/Patient", json=_patient(mrn), headers=header)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]


def test_conditional_create_with_several_matches_is_412(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    client.post("/Patient", json=_patient(mrn))
    client.post("/Patient", json=_patient(mrn))
    r = client.post("/Patient", json=_patient(mrn), headers={"If-None-Exist": f"identifier={mrn}"})
    assert r.status_code == 412


def test_conditional_create_with_unknown_parameter_is_400(client: httpx.Client) -> None:
    r = client.post("/Patient", json=_patient("x"), headers={"If-None-Exist": "no-such-param=1"})
    assert r.status_code == 400
    assert r.json()["resourceType"] == "OperationOutcome"


def test_conditional_update_creates_then_updates(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    url = f"/Patient?identifier=urn:oid:1.2.156.112604.1.2|{mrn}"
    created = client.put(url, json=_patient(mrn))
    assert created.status_code == 201, created.text
    updated = client.put(url, json={**_patient(mrn), "gender": "male"})
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    assert updated.json()["meta"]["versionId"] == "2"


def test_conditional_delete(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    pid = client.post("/Patient", json=_patient(mrn)).json()["id"]
    assert client.delete(f"/Patient?identifier={mrn}").status_code == 204
    assert client.get(f"/Patient/{pid}").status_code == 410


def test_conditional_patch(client: httpx.Client) -> None:
    mrn = uuid.uuid4().hex
    pid = client.post("/Patient", json=_patient(mrn)).json()["id"]
    ops = [{"op": "add", "path": "/gender", "value": "female"}]
    r = client.patch(
        f"/Patient?identifier={mrn}",
        content=httpx_json(ops),
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert r.status_code == 200, r.text
    assert client.get(f"/Patient/{pid}").json()["gender"] == "female"


def test_json_patch_and_fhirpath_patch(client: httpx.Client) -> None:
    pid = client.post("/Patient", json=_patient(uuid.uuid4().hex)).json()["id"]
    ops = [{"op": "replace", "path": "/name/0/family", "value": "王"}]
    r = client.patch(
        f"/Patient/{pid}",
        content=httpx_json(ops),
        headers={"Content-Type": "application/json-patch+json", "If-Match": 'W/"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"][0]["family"] == "王" and r.json()["meta"]["versionId"] == "2"
    fhirpath = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "operation",
                "part": [
                    {"name": "type", "valueCode": "add"},
                    {"name": "path", "valueString": "Patient"},
                    {"name": "name", "valueString": "birthDate"},
                    {"name": "value", "valueDate": "1970-01-01"},
                ],
            }
        ],
    }
    r = client.patch(
        f"/Patient/{pid}", json=fhirpath, headers={"Content-Type": "application/fhir+json"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["birthDate"] == "1970-01-01"
    bad = [{"op": "replace", "path": "/gender", "value": "not-a-gender"}]
    r = client.patch(
        f"/Patient/{pid}",
        content=httpx_json(bad),
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert r.status_code == 422
    assert client.get(f"/Patient/{pid}").json()["meta"]["versionId"] == "3"


def httpx_json(value: object) -> bytes:
    import orjson

    return orjson.dumps(value)
