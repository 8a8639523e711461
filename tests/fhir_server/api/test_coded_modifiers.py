"""token `:text`, `:of-type`, `:in`; reference `:identifier`, `:[type]`, versions and our own
base URL, over HTTP: rows written by the platform's write path, found by search."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from fhir_server.settings import get_settings

pytestmark = pytest.mark.integration

V2 = "http://terminology.hl7.org/CodeSystem/v2-0203"
RESIDENT = "urn:oid:2.16.156.10011.1.3"
ID_NUMBER = "330106199003071535"  # valid MOD 11-2 check digit
MARK = uuid.uuid4().hex[:10]  # makes this module's values unique in the shared database
BASE = get_settings().base_url.rstrip("/")  # the server's own base: its absolute URLs are local


@pytest.fixture(scope="module")
def ids(fhir_base: str) -> dict[str, str]:
    patient = {"resourceType": "Patient", "name": [{"family": "修饰符"}],
               "identifier": [
                   {"system": RESIDENT, "value": ID_NUMBER,
                    "type": {"coding": [{"system": V2, "code": "NI"}]}},
                   {"system": f"urn:test:{MARK}", "value": "MR-1",
                    "type": {"coding": [{"system": V2, "code": "MR"}], "text": "病案号"}}]}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        r = client.post("/Patient", json=patient)
        assert r.status_code == 201, r.text
        patient_id = str(r.json()["id"])
        observation = {
            "resourceType": "Observation", "status": "final",
            "code": {"text": f"空腹血糖 {MARK} 測試",
                     "coding": [{"system": f"urn:test:{MARK}", "code": "glu",
                                 "display": f"Fasting glucose {MARK}"}]},
            "subject": {"reference": f"{BASE}/Patient/{patient_id}/_history/1",
                        "identifier": {"system": RESIDENT, "value": ID_NUMBER}}}
        r = client.post("/Observation", json=observation)
        assert r.status_code == 201, r.text
        return {"patient": patient_id, "observation": str(r.json()["id"])}


def _found(client: httpx.Client, path: str, params: dict[str, str]) -> set[str]:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return {e["resource"]["id"] for e in r.json().get("entry", [])}


@pytest.mark.parametrize(("key", "path", "params"), [
    ("patient", "/Patient", {"identifier:of-type": f"{V2}|NI|{ID_NUMBER}"}),
    ("patient", "/Patient", {"identifier:of-type": f"{V2}|MR|MR-1", "name": "修饰符"}),
    ("patient", "/Patient", {"identifier:text": "病案", "name": "修饰符"}),
    ("observation", "/Observation", {"code:text": f"空腹血糖 {MARK} 测试"}),  # folded
    ("observation", "/Observation", {"code:text": f"FASTING GLUCOSE {MARK}"}),
    ("observation", "/Observation", {"subject:identifier": f"{RESIDENT}|{ID_NUMBER}"}),
    ("observation", "/Observation", {"subject:identifier": ID_NUMBER, "code:text": "空腹"}),
    ("observation", "/Observation", {"subject:Patient": "{patient}"}),
    ("observation", "/Observation", {"subject": "Patient/{patient}/_history/1"}),
])
def test_found(client: httpx.Client, ids: dict[str, str], key: str, path: str,
               params: dict[str, str]) -> None:
    params = {k: v.format(**ids) for k, v in params.items()}
    assert ids[key] in _found(client, path, params)


@pytest.mark.parametrize(("key", "path", "params"), [
    ("patient", "/Patient", {"identifier:of-type": f"{V2}|MR|{ID_NUMBER}"}),  # wrong type
    ("observation", "/Observation", {"code:text": f"glucose {MARK}"}),  # starts-with only
    ("observation", "/Observation", {"subject:Group": "{patient}"}),
])
def test_not_found(client: httpx.Client, ids: dict[str, str], key: str, path: str,
                   params: dict[str, str]) -> None:
    params = {k: v.format(**ids) for k, v in params.items()}
    assert ids[key] not in _found(client, path, params)


@pytest.mark.parametrize("params", [
    {"code:in": "http://example.org/ValueSet/x"}, {"code:below": "http://loinc.org|1"},
])
def test_terminology_modifiers_without_the_module_are_a_400(
        client: httpx.Client, params: dict[str, str]) -> None:
    r = client.get("/Observation", params=params)
    assert r.status_code == 400, r.text
    outcome = r.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "not-supported"


async def test_the_typed_resident_id_is_in_no_index_in_clear(
        postgres: str, ids: dict[str, str]) -> None:
    conn = await asyncpg.connect(postgres)
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE 'idx_%'")]
        for table in tables:
            hits = await conn.fetchval(
                f"SELECT count(*) FROM {table} t WHERE t::text LIKE '%' || $1 || '%'",
                ID_NUMBER[:14])
            assert hits == 0, table
    finally:
        await conn.close()
