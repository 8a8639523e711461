"""Concurrent writers against the real server (http.html#concurrency, #ccreate).

Many clients at once must neither duplicate a conditionally created resource, nor let two
writers win the same version, nor lose an update.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

FHIR_JSON = "application/fhir+json"


@pytest.fixture()
async def fhir(fhir_base: str) -> AsyncIterator[httpx.AsyncClient]:
    """An async FHIR JSON client with room for every request at once."""
    limits = httpx.Limits(max_connections=60, max_keepalive_connections=60)
    headers = {"Accept": FHIR_JSON, "Content-Type": FHIR_JSON}
    async with httpx.AsyncClient(base_url=fhir_base, timeout=60, limits=limits,
                                 headers=headers) as client:
        yield client


def _patient(system: str, value: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "identifier": [{"system": system, "value": value}],
            **extra}


async def _create(fhir: httpx.AsyncClient) -> dict[str, Any]:
    created = await fhir.post("/Patient", json=_patient("urn:test:mrn", uuid.uuid4().hex))
    assert created.status_code == 201, created.text
    return dict(created.json())


async def test_parallel_conditional_creates_make_one_resource(fhir: httpx.AsyncClient) -> None:
    mrn = uuid.uuid4().hex
    criteria = f"identifier=urn:test:mrn|{mrn}"
    answers = await asyncio.gather(*(
        fhir.post("/Patient", json=_patient("urn:test:mrn", mrn),
                  headers={"If-None-Exist": criteria}) for _ in range(50)))
    assert Counter(a.status_code for a in answers) == {201: 1, 200: 49}
    assert len({a.json()["id"] for a in answers}) == 1
    found = (await fhir.get("/Patient", params={"identifier": f"urn:test:mrn|{mrn}"})).json()
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [answers[0].json()["id"]]


async def test_parallel_if_match_lets_exactly_one_writer_win(fhir: httpx.AsyncClient) -> None:
    patient = await _create(fhir)
    path = f"/Patient/{patient['id']}"
    answers = await asyncio.gather(*(
        fhir.put(path, json={**patient, "gender": "other", "birthDate": f"2000-01-{i + 1:02d}"},
                 headers={"If-Match": 'W/"1"'}) for i in range(20)))
    assert Counter(a.status_code for a in answers) == {200: 1, 412: 19}
    current = (await fhir.get(path)).json()
    assert current["meta"]["versionId"] == "2"
    winner = next(a for a in answers if a.status_code == 200).json()
    assert current["birthDate"] == winner["birthDate"]


async def test_parallel_updates_lose_nothing(fhir: httpx.AsyncClient) -> None:
    """20 PUTs without If-Match, each adding its own name: all succeed, each is one version."""
    patient = await _create(fhir)
    path = f"/Patient/{patient['id']}"
    answers = await asyncio.gather(*(
        fhir.put(path, json={**patient, "name": [{"text": f"writer {i}"}]}) for i in range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    assert sorted(int(a.json()["meta"]["versionId"]) for a in answers) == list(range(2, 22))
    history = (await fhir.get(f"{path}/_history", params={"_count": "50"})).json()
    versions = {e["resource"]["meta"]["versionId"]: e["resource"] for e in history["entry"]}
    assert sorted(map(int, versions)) == list(range(1, 22))
    by_version = {a.json()["meta"]["versionId"]: a.json()["name"] for a in answers}
    assert {v: versions[v]["name"] for v in by_version} == by_version


async def test_parallel_patches_lose_nothing(fhir: httpx.AsyncClient) -> None:
    """20 JSON Patches, each appending an identifier: the result holds all twenty."""
    patient = await _create(fhir)
    path = f"/Patient/{patient['id']}"
    answers = await asyncio.gather(*(
        fhir.patch(path, json=[{"op": "add", "path": "/identifier/-",
                                "value": {"system": "urn:test:writer", "value": str(i)}}],
                   headers={"Content-Type": "application/json-patch+json"}) for i in range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    current = (await fhir.get(path)).json()
    assert current["meta"]["versionId"] == "21"
    written = {i["value"] for i in current["identifier"] if i["system"] == "urn:test:writer"}
    assert written == {str(i) for i in range(20)}
