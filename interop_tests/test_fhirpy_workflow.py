"""A HIS vendor's visit workflow, driven by fhirpy: a FHIR client nobody here wrote.

Register a patient, send the visit (Encounter and Observations) as one transaction, find the
patient by identifier, update with If-Match, then read the history (http.html).
"""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import MultipleResourcesFound
from fhirpy.lib import SyncFHIRResource

pytestmark = pytest.mark.integration

RESIDENT_ID = "urn:oid:2.16.156.10011.1.3"  # PRC resident identity card number
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ENCOUNTER_URN = f"urn:uuid:{uuid.uuid4()}"
VITALS = (("8867-4", "心率", 78, "/min"), ("8310-5", "体温", 36.8, "Cel"))


def _resident_id(rng: random.Random) -> str:
    """An 18-character resident id of 兰考县 with a valid GB 11643 check character."""
    body = f"410225{rng.randint(1950, 2005)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}" \
           f"{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _register(client: SyncFHIRClient, resident_id: str) -> SyncFHIRResource:
    patient = client.resource(
        "Patient", identifier=[{"system": RESIDENT_ID, "value": resident_id}],
        name=[{"use": "official", "text": "王建国", "family": "王", "given": ["建国"]}],
        gender="male", birthDate="1968-05-12",
        address=[{"text": "河南省开封市兰考县城关镇", "district": "兰考县"}])
    patient.save()
    assert patient.id and patient["meta"]["versionId"] == "1"
    assert patient["name"][0]["text"] == "王建国"
    return patient


def _observation(patient_id: str, code: str, text: str, value: float, unit: str) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": LOINC, "code": code}], "text": text},
            "subject": {"reference": f"Patient/{patient_id}"},
            "encounter": {"reference": ENCOUNTER_URN},
            "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


def _visit_bundle(patient_id: str) -> dict[str, Any]:
    encounter = {"resourceType": "Encounter", "status": "finished",
                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                           "code": "AMB", "display": "门诊"},
                 "subject": {"reference": f"Patient/{patient_id}"}}
    entries = [{"fullUrl": ENCOUNTER_URN, "resource": encounter,
                "request": {"method": "POST", "url": "Encounter"}}]
    entries += [{"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": _observation(patient_id, *v),
                 "request": {"method": "POST", "url": "Observation"}} for v in VITALS]
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _send_visit(client: SyncFHIRClient, base: str, patient_id: str) -> str:
    """POST the visit transaction; the Observations must point at the new Encounter."""
    answer = client.execute(base, method="post", data=_visit_bundle(patient_id))
    assert answer["type"] == "transaction-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created"] * 3
    location = str(answer["entry"][0]["response"]["location"])
    encounter_id = location.split("/_history/")[0].rsplit("/", 1)[1]
    found = client.resources("Observation").search(encounter=f"Encounter/{encounter_id}").fetch()
    assert sorted(o["code"]["text"] for o in found) == sorted(v[1] for v in VITALS)
    assert {o["subject"]["reference"] for o in found} == {f"Patient/{patient_id}"}
    return encounter_id


def _find(client: SyncFHIRClient, resident_id: str) -> SyncFHIRResource:
    """By identifier, as an HIS matches a registration; by Chinese name, as a clerk types it."""
    found = client.resources("Patient").search(identifier=f"{RESIDENT_ID}|{resident_id}").fetch()
    assert len(found) == 1
    by_name = client.resources("Patient").search(name="王建").fetch_all()
    assert found[0].id in {p.id for p in by_name}
    return found[0]


def _update_if_match(base: str, patient: SyncFHIRResource) -> SyncFHIRResource:
    """fhirpy sends no If-Match of its own; a client with the header set does it for us."""
    version = patient["meta"]["versionId"]
    client = SyncFHIRClient(base, extra_headers={"If-Match": f'W/"{version}"'})
    phone = [{"system": "phone", "value": "13837812345"}]
    changed = client.resource("Patient", **{**patient, "telecom": phone})
    changed.save()
    assert changed["meta"]["versionId"] == str(int(version) + 1)
    with pytest.raises(MultipleResourcesFound):  # fhirpy reports every 412 by this name
        client.resource("Patient", **changed).save()
    return changed


def _check_history(client: SyncFHIRClient, patient: SyncFHIRResource) -> None:
    history = client.execute(f"Patient/{patient.id}/_history", method="get")
    assert history["type"] == "history"
    versions = [e["resource"]["meta"]["versionId"] for e in history["entry"]]
    assert versions == ["2", "1"]  # newest first (http.html#history)
    assert [e["request"]["method"] for e in history["entry"]] == ["PUT", "POST"]
    assert "telecom" in history["entry"][0]["resource"]
    assert "telecom" not in history["entry"][1]["resource"]


def test_his_visit_workflow(fhir_base: str) -> None:
    """Each step checks what it got back before the next one relies on it."""
    client = SyncFHIRClient(fhir_base)
    resident_id = _resident_id(random.Random(uuid.uuid4().int))
    patient = _register(client, resident_id)
    _send_visit(client, fhir_base, patient.id)
    found = _find(client, resident_id)
    assert found.id == patient.id and found["name"][0]["family"] == "王"
    updated = _update_if_match(fhir_base, found)
    assert client.reference("Patient", patient.id).to_resource()["telecom"] == updated["telecom"]
    _check_history(client, patient)
