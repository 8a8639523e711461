"""Compartment search (`Patient/A/Observation`, `Patient/A/*`) on data of the test's own.

Patient A's compartment (R4 CompartmentDefinition patient): Observations whose subject or
performer is A (a1 code X with encounter E, a2 code Y, a3 performed by A about patient B),
Encounter E (subject A), and A itself. Not in it: b1 (subject B), a4 (subject A, deleted).
Encounter E's compartment: E and a1 (encounter E).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

CODE = "http://regional-hie.cn/test-compartment"


def _post(client: httpx.Client, resource: dict[str, Any]) -> str:
    r = client.post(f"/{resource['resourceType']}", json=resource)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _obs(code: str, **refs: str) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Observation", "status": "final",
                           "code": {"coding": [{"system": CODE, "code": code}]}}
    for key, target in refs.items():
        ref = {"reference": target}
        out[key] = [ref] if key == "performer" else ref
    return out


@pytest.fixture(scope="module")
def data(fhir_base: str) -> dict[str, str]:
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        ids = {"A": _post(client, {"resourceType": "Patient"}),
               "B": _post(client, {"resourceType": "Patient"})}
        a, b = f"Patient/{ids['A']}", f"Patient/{ids['B']}"
        ids["E"] = _post(client, {"resourceType": "Encounter", "status": "finished",
                                  "class": {"code": "AMB"}, "subject": {"reference": a}})
        ids["a1"] = _post(client, _obs("X", subject=a, encounter=f"Encounter/{ids['E']}"))
        ids["a2"] = _post(client, _obs("Y", subject=a))
        ids["a3"] = _post(client, _obs("X", subject=b, performer=a))
        ids["b1"] = _post(client, _obs("X", subject=b))
        ids["a4"] = _post(client, _obs("X", subject=a))
        assert client.delete(f"/Observation/{ids['a4']}").status_code in (200, 204)
    return ids


def _ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == mode]


def _all_pages(client: httpx.Client, url: str, params: Any = None) -> list[str]:
    found: list[str] = []
    page = client.get(url, params=params).json()
    while True:
        found += _ids(page)
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not nxt:
            return found
        page = client.get(nxt[0]).json()


def test_typed_compartment_search(client: httpx.Client, data: dict[str, str]) -> None:
    a = data["A"]
    assert set(_ids(client.get(f"/Patient/{a}/Observation").json())) == {
        data["a1"], data["a2"], data["a3"]}
    own = {"code": f"{CODE}|X", "subject": f"Patient/{a}"}
    assert _ids(client.get(f"/Patient/{a}/Observation", params=own).json()) == [data["a1"]]
    assert set(_ids(client.get(f"/Patient/{a}/Observation",
                               params={"code": f"{CODE}|X"}).json())) == {data["a1"], data["a3"]}
    assert _ids(client.get(f"/Patient/{a}/Encounter").json()) == [data["E"]]
    assert _ids(client.get(f"/Patient/{a}/Patient").json()) == [a]
    assert _ids(client.get(f"/Patient/{data['B']}/Encounter").json()) == []
    assert _ids(client.get(f"/Encounter/{data['E']}/Observation").json()) == [data["a1"]]


def test_compartment_search_pages_within_the_compartment(
    client: httpx.Client, data: dict[str, str]
) -> None:
    url = f"/Patient/{data['A']}/Observation"
    first = client.get(url, params={"_count": "2"}).json()
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    assert f"/Patient/{data['A']}/Observation?" in nxt
    found = _all_pages(client, url, {"_count": "2"})
    assert sorted(found) == sorted([data["a1"], data["a2"], data["a3"]])


def test_post_compartment_search(client: httpx.Client, data: dict[str, str]) -> None:
    r = client.post(f"/Patient/{data['A']}/Observation/_search", data={"code": f"{CODE}|Y"})
    assert r.status_code == 200, r.text
    assert _ids(r.json()) == [data["a2"]]


def test_all_types(client: httpx.Client, data: dict[str, str]) -> None:
    url = f"/Patient/{data['A']}/*"
    everything = {data["A"], data["E"], data["a1"], data["a2"], data["a3"]}
    assert set(_ids(client.get(url).json())) == everything
    paged = _all_pages(client, url, {"_count": "2"})
    assert len(paged) == 5 and set(paged) == everything
    assert set(_ids(client.get(url, params={"_type": "Observation"}).json())) == {
        data["a1"], data["a2"], data["a3"]}
    assert _ids(client.get(url, params={"_id": data["a2"]}).json()) == [data["a2"]]
    with_includes = client.get(url, params={"_include": "Observation:subject"}).json()
    assert _ids(with_includes, "include") == [data["B"]]  # A is a match already


def test_all_types_unsupported_parameters(client: httpx.Client, data: dict[str, str]) -> None:
    url = f"/Patient/{data['A']}/*"
    lenient = client.get(url, params={"code": "X"}).json()
    assert [e["resource"]["resourceType"] for e in lenient["entry"]
            if e["search"]["mode"] == "outcome"] == ["OperationOutcome"]
    strict = client.get(url, params={"code": "X"}, headers={"Prefer": "handling=strict"})
    assert strict.status_code == 400


@pytest.mark.parametrize(("path", "status"), [
    ("/Organization/1/Observation", 404),  # not a compartment
    ("/Patient/1/Medication", 400),  # never in the Patient compartment
    ("/Patient/1/Nope", 404),
    ("/Patient/1/*?_type=Nope", 400),
])
def test_errors(client: httpx.Client, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert r.json()["resourceType"] == "OperationOutcome"
