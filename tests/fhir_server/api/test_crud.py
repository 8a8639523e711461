"""create, read, vread, update, delete and history over real HTTP and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration

PATIENT = {
    "resourceType": "Patient",
    "name": [{"family": "张", "given": ["三"]}],
    "gender": "male",
    "birthDate": "1960-03-01",
}


def _create(client: httpx.Client, resource: dict = PATIENT) -> httpx.Response:
    r = client.post(f"/{resource['resourceType']}", json=resource)
    assert r.status_code == 201, r.text
    return r


def test_create_sets_id_version_location_and_etag(client: httpx.Client) -> None:
    r = _create(client, {**PATIENT, "id": "ignored-by-create"})
    body = r.json()
    assert body["id"] != "ignored-by-create"
    assert body["meta"]["versionId"] == "1"
    assert body["meta"]["lastUpdated"].endswith("Z")
    assert r.headers["etag"] == 'W/"1"'
    assert r.headers["location"].endswith(f"/Patient/{body['id']}/_history/1")
    assert "last-modified" in r.headers


def test_read_returns_what_was_stored(client: httpx.Client) -> None:
    created = _create(client).json()
    r = client.get(f"/Patient/{created['id']}")
    assert r.status_code == 200
    assert r.json() == created
    assert r.headers["content-type"].startswith("application/fhir+json")


def test_update_increments_version_and_vread_keeps_old(client: httpx.Client) -> None:
    created = _create(client).json()
    changed = {**created, "gender": "female"}
    r = client.put(f"/Patient/{created['id']}", json=changed)
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["versionId"] == "2"
    old = client.get(f"/Patient/{created['id']}/_history/1").json()
    assert old["gender"] == "male"
    assert client.get(f"/Patient/{created['id']}").json()["gender"] == "female"


def test_update_as_create_with_client_id(client: httpx.Client) -> None:
    r = client.put("/Patient/client-chosen-1", json={**PATIENT, "id": "client-chosen-1"})
    assert r.status_code == 201, r.text
    assert r.json()["meta"]["versionId"] == "1"


def test_update_with_mismatched_id_is_400(client: httpx.Client) -> None:
    r = client.put("/Patient/abc", json={**PATIENT, "id": "xyz"})
    assert r.status_code == 400
    assert r.json()["resourceType"] == "OperationOutcome"
    assert client.get("/Patient/abc").status_code == 404


def test_delete_then_read_is_410_and_history_keeps_it(client: httpx.Client) -> None:
    pid = _create(client).json()["id"]
    assert client.delete(f"/Patient/{pid}").status_code == 204
    assert client.get(f"/Patient/{pid}").status_code == 410
    assert client.delete(f"/Patient/{pid}").status_code == 204
    history = client.get(f"/Patient/{pid}/_history").json()
    assert [e["request"]["method"] for e in history["entry"]] == ["DELETE", "POST"]
    assert client.get(f"/Patient/{pid}/_history/2").status_code == 410
    assert client.get(f"/Patient/{pid}/_history/1").status_code == 200
    revived = client.put(f"/Patient/{pid}", json={**PATIENT, "id": pid})
    assert revived.status_code == 201 and revived.json()["meta"]["versionId"] == "3"


def test_if_match_optimistic_locking(client: httpx.Client) -> None:
    created = _create(client).json()
    url = f"/Patient/{created['id']}"
    ok = client.put(url, json=created, headers={"If-Match": 'W/"1"'})
    assert ok.status_code == 200
    stale = client.put(url, json=created, headers={"If-Match": 'W/"1"'})
    assert stale.status_code == 412
    assert stale.json()["resourceType"] == "OperationOutcome"


def test_if_none_match_and_if_modified_since_on_read(client: httpx.Client) -> None:
    r = _create(client)
    url = f"/Patient/{r.json()['id']}"
    assert client.get(url, headers={"If-None-Match": 'W/"1"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"7"'}).status_code == 200
    since = r.headers["last-modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    assert (
        client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code
        == 200
    )


def test_prefer_minimal_and_operation_outcome(client: httpx.Client) -> None:
    r = client.post("/Patient", json=PATIENT, headers={"Prefer": "return=minimal"})
    assert r.status_code == 201 and r.content == b"" and "location" in r.headers
    r = client.post("/Patient", json=PATIENT, headers={"Prefer": "return=OperationOutcome"})
    assert r.status_code == 201 and r.json()["resourceType"] == "OperationOutcome"


def test_history_type_and_system_with_paging(client: httpx.Client) -> None:
    ids = [
        _create(client, {"resourceType": "Device", "status": "active"}).json()["id"]
        for _ in range(5)
    ]
    page = client.get("/Device/_history", params={"_count": 2}).json()
    assert page["type"] == "history" and len(page["entry"]) == 2
    seen = []
    while True:
        seen += [e["resource"]["id"] for e in page["entry"]]
        nxt = [link["url"] for link in page.get("link", []) if link["relation"] == "next"]
        if not nxt:
            break
        page = httpx.get(nxt[0]).json()
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    system = client.get("/_history", params={"_count": 3}).json()
    assert len(system["entry"]) == 3


def test_history_since_and_at(client: httpx.Client) -> None:
    created = _create(client).json()
    moment = created["meta"]["lastUpdated"]
    client.put(f"/Patient/{created['id']}", json={**created, "gender": "female"})
    since = client.get(f"/Patient/{created['id']}/_history", params={"_since": moment}).json()
    assert len(since["entry"]) == 2
    at = client.get(f"/Patient/{created['id']}/_history", params={"_at": moment}).json()
    assert [e["resource"]["meta"]["versionId"] for e in at["entry"]] == ["1"]
    assert client.get("/Patient/_history", params={"_since": "yesterday"}).status_code == 400


def test_unknown_search_parameters_lenient_by_default_strict_on_request(
    client: httpx.Client,
) -> None:
    _create(client)
    lenient = client.get("/Patient", params={"gender": "male", "no-such": "1", "_count": 1})
    assert lenient.status_code == 200, lenient.text
    body = lenient.json()
    self_link = next(link["url"] for link in body["link"] if link["relation"] == "self")
    assert "no-such" not in self_link and "gender=male" in self_link
    outcome = [e for e in body["entry"] if e["search"]["mode"] == "outcome"]
    assert "no-such" in outcome[0]["resource"]["issue"][0]["diagnostics"]
    strict = client.get(
        "/Patient", params={"no-such": "1"}, headers={"Prefer": "handling=strict"}
    )
    assert strict.status_code == 400
    # Conditional criteria are never lenient: an ignored criterion could match everything.
    r = client.delete("/Patient", params={"no-such-param": "1"})
    assert r.status_code == 400


def test_summary_count_returns_the_total_without_entries(client: httpx.Client) -> None:
    for _ in range(3):
        _create(client, {"resourceType": "Device", "status": "inactive"})
    body = client.get("/Device", params={"status": "inactive", "_summary": "count"}).json()
    assert body["entry"] == [] and body["total"] >= 3
    page = client.get("/Device", params={"status": "inactive", "_count": 1}).json()
    assert len(page["entry"]) == 1
