"""SearchParameters stored on the server: validated on write, searchable by new writes at
once in every process, by existing data after their reindex job (run by a real Celery
worker on Redis), partial results flagged meanwhile, listed in the CapabilityStatement;
$reindex and $reindex-status."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import services

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]
VILLAGE_EXT = "http://regional-hie.cn/fhir/StructureDefinition/village-code"
VILLAGE = {
    "resourceType": "SearchParameter", "status": "active", "name": "VillageCode",
    "url": "http://regional-hie.cn/fhir/SearchParameter/Patient-village-code",
    "description": "村（居）委会代码（国家统计局统计用区划代码）", "code": "village-code",
    "base": ["Patient"], "type": "token",
    "expression": f"Patient.extension('{VILLAGE_EXT}').value",
}
RESIDENT_ID = {
    "resourceType": "SearchParameter", "status": "active", "name": "ResidentId",
    "url": "http://regional-hie.cn/fhir/SearchParameter/Patient-resident-id",
    "description": "居民身份证号", "code": "resident-id", "base": ["Patient"], "type": "token",
    "expression": "Patient.identifier.where(system='urn:oid:2.16.156.10011.1.3')",
}


@contextmanager
def celery_worker(postgres: str, redis_url: str) -> Iterator[None]:
    """A real Celery worker process on the test broker and database."""
    env = {**os.environ, "HIE_BROKER_URL": redis_url, "HIE_DATABASE_URL": postgres}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "fhir_server.jobs.app:celery_app", "worker",
         "--concurrency=1", "--pool=solo", "--loglevel=WARNING"], env=env, cwd=ROOT)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def second_server(postgres: str, redis_url: str) -> Iterator[httpx.Client]:
    """Another platform on the same database: two uvicorn worker processes."""
    port = services.free_port()
    env = {**os.environ, "HIE_DATABASE_URL": postgres, "HIE_BROKER_URL": redis_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "fhir_server.api.asgi:app", "--port", str(port),
         "--workers", "2", "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}/fhir"
    try:
        with httpx.Client(base_url=base, timeout=30,
                          headers={"Accept": "application/fhir+json"}) as client:
            _wait_for(lambda: _answers(client))
            yield client
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(client: httpx.Client) -> bool:
    try:
        return client.get("/metadata").status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for(condition: Any, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def _villager(code: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "name": [{"family": "王", "given": ["村民"]}],
            "extension": [{"url": VILLAGE_EXT, "valueCode": code}]}


def _search(client: httpx.Client, **params: str) -> tuple[set[str], list[str]]:
    """The ids found and the diagnostics of the outcome entries."""
    bundle = client.get("/Patient", params=params).json()
    entries = bundle.get("entry", [])
    found = {e["resource"]["id"] for e in entries if e["search"]["mode"] == "match"}
    notes = [i["diagnostics"] for e in entries if e["search"]["mode"] == "outcome"
             for i in e["resource"]["issue"]]
    return found, notes


@pytest.mark.parametrize(("change", "status", "reason"), [
    ({"expression": "Patient.extension(", "code": "bad-syntax"}, 400, "does not compile"),
    ({"type": "special", "code": "bad-type"}, 400, "not searchable"),
    ({"code": "identifier"}, 400, "Patient-identifier"),
    ({"expression": "Observation.code", "code": "bad-root"}, 400, "none of its base types"),
    # an unknown base breaks the R4 structure rules first (a required binding): 422
    ({"base": ["Villager"], "code": "bad-base"}, 422, "resource-types"),
])
def test_unusable_search_parameters_are_refused(client: httpx.Client, change: dict[str, Any],
                                                status: int, reason: str) -> None:
    definition = {**VILLAGE, **change, "url": f"http://example.org/sp/{uuid.uuid4()}"}
    r = client.post("/SearchParameter", json=definition)
    assert r.status_code == status, r.text
    assert reason in r.json()["issue"][0]["diagnostics"]


def test_a_new_parameter_is_complete_once_its_reindex_ran(
    client: httpx.Client, postgres: str, redis_url: str
) -> None:
    code = f"V{uuid.uuid4().hex[:10]}"
    before = client.post("/Patient", json=_villager(code)).json()["id"]
    assert client.post("/SearchParameter", json=VILLAGE).status_code == 201
    after = client.post("/Patient", json=_villager(code)).json()["id"]
    # No worker yet: the new write is indexed, the older one waits for the reindex job,
    # and the searchset says so.
    found, notes = _search(client, **{"village-code": code})
    assert found == {after}
    assert notes == ["search parameters still being reindexed, results may be incomplete: "
                     "village-code"]
    with celery_worker(postgres, redis_url):
        _wait_for(lambda: not _search(client, **{"village-code": code})[1])
    assert _search(client, **{"village-code": code}) == ({before, after}, [])
    assert _search(client, **{"village-code": f"{code}x"}) == (set(), [])


def test_every_server_process_uses_a_parameter_at_once(
    client: httpx.Client, postgres: str, redis_url: str
) -> None:
    with second_server(postgres, redis_url) as other:
        assert client.post("/SearchParameter", json=RESIDENT_ID).status_code == 201
        for n in range(4):  # requests land on either worker process of the other server
            number = f"11010519491231{n:03d}{uuid.uuid4().int % 10}"
            patient = {"resourceType": "Patient", "identifier": [
                {"system": "urn:oid:2.16.156.10011.1.3", "value": number}]}
            pid = other.post("/Patient", json=patient).json()["id"]
            found, _ = _search(other, **{"resident-id": number})
            assert found == {pid}


def test_reindex_operation_and_its_status(
    client: httpx.Client, postgres: str, redis_url: str
) -> None:
    client.post("/Patient", json=_villager("V-status"))
    r = client.post("/Patient/$reindex", json={"resourceType": "Parameters"})
    assert r.status_code == 202, r.text
    status_url = r.headers["Content-Location"]
    job = {p["name"]: p for p in r.json()["parameter"]}
    assert job["state"]["valueCode"] == "queued"
    assert status_url == job["status"]["valueUri"]
    assert status_url.endswith(f"/$reindex-status?job={job['job']['valueString']}")
    with celery_worker(postgres, redis_url):
        _wait_for(lambda: client.get(status_url).status_code == 200)
    done = {p["name"]: p for p in client.get(status_url).json()["parameter"]}
    assert done["state"]["valueCode"] == "done"
    assert done["done"]["valueInteger"] == done["total"]["valueInteger"] >= 1
    assert "finished" in done and "error" not in done
    assert client.get("/$reindex-status", params={"job": "nope"}).status_code == 404
    assert client.get("/$reindex").status_code == 405  # it changes state: POST only


def test_the_capability_statement_lists_stored_parameters(client: httpx.Client) -> None:
    if client.get("/SearchParameter", params={"url": VILLAGE["url"]}).json().get("total") == 0:
        client.post("/SearchParameter", json=VILLAGE)
    statement = client.get("/metadata").json()
    patient = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Patient")
    params = {p["name"]: p for p in patient["searchParam"]}
    assert params["village-code"] == {
        "name": "village-code", "definition": VILLAGE["url"], "type": "token",
        "documentation": VILLAGE["description"]}
    assert params["birthdate"]["documentation"] == "The patient's date of birth"
    assert params["_text"]["type"] == "string"  # served by a module of its own
    location = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Location")
    assert "near" in {p["name"] for p in location["searchParam"]}
