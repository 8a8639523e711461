"""Resident IDs and phones over HTTP: searchable exactly, in no index or key table in clear."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

pytestmark = pytest.mark.integration

RESIDENT = "urn:oid:2.16.156.10011.1.3"
ID_NUMBER = "41022519850314002X"  # valid MOD 11-2 check character
PHONE = "13937812345"


@pytest.fixture(scope="module")
def patient_id(fhir_base: str) -> str:
    patient = {"resourceType": "Patient", "name": [{"family": "隐私", "given": ["测试"]}],
               "identifier": [{"system": RESIDENT, "value": ID_NUMBER}],
               "telecom": [{"system": "phone",
                            "value": f"+86 {PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}"}],
               "contained": [{"resourceType": "RelatedPerson", "id": "mum",
                              "patient": {"reference": "#"},
                              "telecom": [{"system": "phone", "value": PHONE}]}]}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        r = client.post("/Patient", json=patient,
                        headers={"If-None-Exist": f"identifier={RESIDENT}|{ID_NUMBER}"})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


@pytest.mark.parametrize("params", [
    {"identifier": f"{RESIDENT}|{ID_NUMBER}"},
    {"identifier": f"{RESIDENT}|{ID_NUMBER.lower()}"},
    {"identifier": ID_NUMBER},
    {"phone": PHONE},
    {"phone": f"0086{PHONE}"},
    {"telecom": f"phone|{PHONE}"},
])
def test_exact_search_finds_the_patient(client: httpx.Client, patient_id: str,
                                        params: dict[str, str]) -> None:
    r = client.get("/Patient", params=params)
    assert r.status_code == 200, r.text
    assert patient_id in {e["resource"]["id"] for e in r.json().get("entry", [])}


def test_wrong_number_finds_nothing(client: httpx.Client, patient_id: str) -> None:
    r = client.get("/Patient", params={"identifier": f"{RESIDENT}|410225198503140021"})
    assert patient_id not in {e["resource"]["id"] for e in r.json().get("entry", [])}


async def test_no_clear_value_in_any_index(postgres: str, patient_id: str) -> None:
    conn = await asyncpg.connect(postgres)
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND (tablename LIKE 'idx_%' OR tablename = 'conditional_key')")]
        assert "idx_token" in tables and "conditional_key" in tables
        for table in tables:
            hits = await conn.fetchval(
                f"SELECT count(*) FROM {table} t WHERE t::text LIKE '%' || $1 || '%' "
                "OR t::text LIKE '%' || $2 || '%'", ID_NUMBER[:14], PHONE[3:])
            assert hits == 0, table
    finally:
        await conn.close()
