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
