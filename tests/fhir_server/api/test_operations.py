"""$validate, $meta, $meta-add, $meta-delete."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


def test_validate_reports_problems_without_storing(client: httpx.Client) -> None:
    bad = {"resourceType": "Observation", "status": "bogus"}
    r = client.post("/Observation/$validate", json=bad)
    assert r.status_code == 200
    issues = r.json()["issue"]
    assert any(i["severity"] == "error" for i in issues)
    good = {"resourceType": "Observation", "status": "final", "code": {"text": "血压"}}
    params = {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": good}]}
    ok = client.post("/Observation/$validate", json=params).json()
    assert all(i["severity"] == "information" for i in ok["issue"])


def test_meta_add_and_delete_keep_the_version(client: httpx.Client) -> None:
    pid = client.post("/Patient", json={"resourceType": "Patient"}).json()["id"]
    tag = {"system": "http://regional-hie.cn/tags", "code": "慢病管理"}
    add = {
        "resourceType": "Parameters",
        "parameter": [{"name": "meta", "valueMeta": {"tag": [tag]}}],
    }
    r = client.post(f"/Patient/{pid}/$meta-add", json=add)
    assert r.status_code == 200, r.text
    assert r.json()["parameter"][0]["valueMeta"]["tag"] == [tag]
    current = client.get(f"/Patient/{pid}").json()
    assert current["meta"]["tag"] == [tag] and current["meta"]["versionId"] == "1"
    assert client.get(f"/Patient/{pid}/$meta").json()["parameter"][0]["valueMeta"]["tag"] == [tag]
    type_meta = client.get("/Patient/$meta").json()["parameter"][0]["valueMeta"]
    assert tag in type_meta["tag"]
    found = client.get("/Patient", params={"_tag": f"{tag['system']}|{tag['code']}"}).json()
    assert pid in [e["resource"]["id"] for e in found["entry"]]
    client.post(f"/Patient/{pid}/$meta-delete", json=add)
    assert "tag" not in client.get(f"/Patient/{pid}").json()["meta"]


def test_meta_add_needs_post(client: httpx.Client) -> None:
    pid = client.post("/Patient", json={"resourceType": "Patient"}).json()["id"]
    assert client.get(f"/Patient/{pid}/$meta-add").status_code == 405
    assert client.get(f"/Patient/{pid}/$nope").status_code == 404


def test_received_returns_the_exact_bytes_sent(client: httpx.Client) -> None:
    sent = b'{ "resourceType" : "Patient",\n  "gender":"male", "birthDate":"1950-01-01" }'
    r = client.post("/Patient", content=sent, headers={"Content-Type": "application/fhir+json"})
    pid = r.json()["id"]
    client.put(f"/Patient/{pid}", json={**r.json(), "gender": "female"})
    first = client.get(f"/Patient/{pid}/$received", params={"version": "1"})
    assert first.status_code == 200 and first.content == sent
    assert first.headers["content-type"].startswith("application/fhir+json")
    assert b'"female"' in client.get(f"/Patient/{pid}/$received").content
    assert client.get(f"/Patient/{pid}/$received", params={"version": "x"}).status_code == 400
