"""`_include` / `_revinclude` over HTTP, on data of the test's own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


def _post(client: httpx.Client, resource: dict[str, Any]) -> str:
    r = client.post(f"/{resource['resourceType']}", json=resource)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _modes(bundle: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(type, id) -> search mode of every entry; asserts no resource appears twice."""
    keys = [(e["resource"]["resourceType"], e["resource"].get("id")) for e in bundle["entry"]]
    assert len(keys) == len(set(keys)), keys
    return {k: e["search"]["mode"] for k, e in zip(keys, bundle["entry"], strict=True)}


@pytest.fixture(scope="module")
def record(fhir_base: str) -> dict[str, str]:
    """Organization <- Patient <- two Observations; one performer is deleted."""
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        ids = {"org": _post(client, {"resourceType": "Organization", "name": "兰考县人民医院"})}
        ids["doc"] = _post(client, {"resourceType": "Practitioner"})
        ids["gone"] = _post(client, {"resourceType": "Practitioner"})
        org = {"reference": f"Organization/{ids['org']}"}
        ids["pt"] = _post(client, {"resourceType": "Patient", "managingOrganization": org})
        for key, performer in (("o1", "doc"), ("o2", "gone")):
            ids[key] = _post(client, {
                "resourceType": "Observation", "status": "final", "code": {"text": "血压"},
                "subject": {"reference": f"Patient/{ids['pt']}"},
                "performer": [{"reference": f"Practitioner/{ids[performer]}"}]})
        assert client.delete(f"/Practitioner/{ids['gone']}").status_code in (200, 204)
    return ids


def test_include_adds_live_targets_once(client: httpx.Client, record: dict[str, str]) -> None:
    found = client.get("/Observation", params=[
        ("subject", f"Patient/{record['pt']}"), ("_include", "Observation:performer"),
        ("_include", "Observation:subject")]).json()
    assert _modes(found) == {
        ("Observation", record["o1"]): "match", ("Observation", record["o2"]): "match",
        ("Practitioner", record["doc"]): "include", ("Patient", record["pt"]): "include"}


def test_include_iterate(client: httpx.Client, record: dict[str, str]) -> None:
    params = [("_id", record["o1"]), ("_include", "Observation:subject"),
              ("_include:iterate", "Patient:organization")]
    assert _modes(client.get("/Observation", params=params).json()) == {
        ("Observation", record["o1"]): "match", ("Patient", record["pt"]): "include",
        ("Organization", record["org"]): "include"}
    plain = [("_id", record["o1"]), ("_include", "Observation:subject"),
             ("_include", "Patient:organization")]
    assert ("Organization", record["org"]) not in _modes(
        client.get("/Observation", params=plain).json())


def test_revinclude(client: httpx.Client, record: dict[str, str]) -> None:
    found = client.get("/Patient", params=[("_id", record["pt"]),
                                           ("_revinclude", "Observation:subject")]).json()
    assert _modes(found) == {("Patient", record["pt"]): "match",
                             ("Observation", record["o1"]): "include",
                             ("Observation", record["o2"]): "include"}


def test_each_page_carries_its_own_includes(client: httpx.Client, record: dict[str, str]) -> None:
    params = [("subject", f"Patient/{record['pt']}"), ("_include", "Observation:performer"),
              ("_count", "1")]
    first = client.get("/Observation", params=params).json()
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(nxt).json()
    pages = [_modes(first), _modes(second)]
    matches = [k for m in pages for k, mode in m.items() if mode == "match"]
    assert sorted(matches) == sorted([("Observation", record["o1"]), ("Observation", record["o2"])])
    included = {k for m in pages for k, mode in m.items() if mode == "include"}
    assert included == {("Practitioner", record["doc"])}  # the deleted performer never


@pytest.mark.parametrize("value", ["Observation:code", "Observation:nope", "Nope:subject"])
def test_invalid_include_is_400(client: httpx.Client, value: str) -> None:
    r = client.get("/Observation", params={"_include": value})
    assert r.status_code == 400
    assert r.json()["resourceType"] == "OperationOutcome"
