"""`_contained` and `_containedType` over HTTP (search.html#contained)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

FAMILY = "容器甲乙"


@pytest.fixture(scope="module")
def ids(fhir_base: str) -> dict[str, str]:
    """Two Observations, each with a contained Patient named FAMILY, and a plain Patient."""
    found: dict[str, str] = {}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        for key in ("o1", "o2"):
            r = client.post("/Observation", json={
                "resourceType": "Observation", "status": "final", "code": {"text": "体温"},
                "contained": [{"resourceType": "Patient", "id": "p",
                               "name": [{"family": FAMILY, "given": [key]}]}],
                "subject": {"reference": "#p"}})
            assert r.status_code == 201, r.text
            found[key] = r.json()["id"]
        r = client.post("/Patient", json={"resourceType": "Patient",
                                          "name": [{"family": FAMILY, "given": ["top"]}]})
        assert r.status_code == 201, r.text
        found["top"] = r.json()["id"]
    return found


def _urls(bundle: dict[str, Any]) -> list[str]:
    return [e["fullUrl"].rpartition("/")[2] for e in bundle.get("entry", [])]


def _get(client: httpx.Client, **params: str) -> dict[str, Any]:
    r = client.get("/Patient", params={"family": FAMILY, **params})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_default_is_top_level_only(client: httpx.Client, ids: dict[str, str]) -> None:
    assert _urls(_get(client)) == [ids["top"]]


def test_contained_true_returns_the_containers(client: httpx.Client,
                                               ids: dict[str, str]) -> None:
    found = _get(client, _contained="true")
    assert sorted(_urls(found)) == sorted([ids["o1"], ids["o2"]])
    assert {e["resource"]["resourceType"] for e in found["entry"]} == {"Observation"}


def test_contained_resources_themselves(client: httpx.Client, ids: dict[str, str]) -> None:
    found = _get(client, _contained="true", _containedType="contained")
    assert sorted(_urls(found)) == sorted([f"{ids['o1']}#p", f"{ids['o2']}#p"])
    assert {e["resource"]["name"][0]["given"][0] for e in found["entry"]} == {"o1", "o2"}


def test_both_pages_and_totals(client: httpx.Client, ids: dict[str, str]) -> None:
    first = _get(client, _contained="both", _containedType="contained", _count="2",
                 _total="accurate")
    assert first["total"] == 3
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(nxt).json()
    assert "next" not in {link["relation"] for link in second["link"]}
    assert sorted(_urls(first) + _urls(second)) == sorted(
        [ids["top"], f"{ids['o1']}#p", f"{ids['o2']}#p"])


@pytest.mark.parametrize("params", [
    {"_contained": "maybe"}, {"_contained": "true", "_containedType": "x"},
    {"_contained": "true", "_sort": "family"},
])
def test_bad_contained_is_400(client: httpx.Client, params: dict[str, str]) -> None:
    r = client.get("/Patient", params=params)
    assert r.status_code == 400
    assert r.json()["resourceType"] == "OperationOutcome"
