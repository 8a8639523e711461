"""System-wide search, POST `_search`, and `_summary` / `_elements` over HTTP.

Data of the test's own, all tagged T (a fresh code), created in this order:
    P   Patient, female, with text and maritalStatus (neither is isSummary)
    O1  Observation code X, subject P, valueQuantity and a note
    O2  Observation code Y, subject P
    E   Encounter, subject P
By hand (search.html#all): `_tag` is common to every type, `subject` is a parameter of
Observation and Encounter, `gender` of Patient only. `_elements` does not apply to included
resources (search.html#elements).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

TAGS = "http://regional-hie.cn/test-search-result"
CODES = "http://regional-hie.cn/test-search-result-code"
TEXT = {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">王芳</div>'}


@pytest.fixture(scope="module")
def data(fhir_base: str) -> dict[str, str]:
    tag = uuid.uuid4().hex
    meta = {"tag": [{"system": TAGS, "code": tag}]}
    ids = {"T": f"{TAGS}|{tag}"}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        def post(name: str, resource: dict[str, Any]) -> None:
            r = client.post(f"/{resource['resourceType']}", json={**resource, "meta": meta})
            assert r.status_code == 201, r.text
            ids[name] = r.json()["id"]

        post("P", {"resourceType": "Patient", "gender": "female", "text": TEXT,
                   "name": [{"family": "王", "given": ["芳"]}],
                   "maritalStatus": {"text": "married"}})
        subject = {"reference": f"Patient/{ids['P']}"}
        post("O1", {"resourceType": "Observation", "status": "final", "subject": subject,
                    "code": {"coding": [{"system": CODES, "code": "X"}]},
                    "valueQuantity": {"value": 5.4, "unit": "mmol/L"},
                    "note": [{"text": "空腹"}]})
        post("O2", {"resourceType": "Observation", "status": "final", "subject": subject,
                    "code": {"coding": [{"system": CODES, "code": "Y"}]}})
        post("E", {"resourceType": "Encounter", "status": "finished",
                   "class": {"code": "AMB"}, "subject": subject})
    return ids


def _names(data: dict[str, str], page: dict[str, Any], mode: str = "match") -> list[str]:
    by_id = {v: k for k, v in data.items()}
    return [by_id[e["resource"]["id"]] for e in page.get("entry", ())
            if e["search"]["mode"] == mode]


def _outcomes(page: dict[str, Any]) -> list[str]:
    return [i["diagnostics"] for e in page.get("entry", ()) if e["search"]["mode"] == "outcome"
            for i in e["resource"]["issue"]]


def _get(client: httpx.Client, path: str, params: Any,
         headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = client.get(path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"P", "O1", "O2", "E"}),
    ({"_type": "Patient,Observation"}, {"P", "O1", "O2"}),
    ({"_type": "Encounter", "status": "finished"}, {"E"}),
    ({"_type": "Observation,Encounter", "subject": "Patient/{P}"}, {"O1", "O2", "E"}),
    ({"_type": "Observation", "code": f"{CODES}|X"}, {"O1"}),
])
def test_system_search(client: httpx.Client, data: dict[str, str],
                       params: dict[str, str], expected: set[str]) -> None:
    query = {"_tag": data["T"], **{k: v.format(**data) for k, v in params.items()}}
    page = _get(client, "", query)
    assert set(_names(data, page)) == expected
    assert not _outcomes(page)


def test_system_search_sorted_and_paged_across_types(
    client: httpx.Client, data: dict[str, str]
) -> None:
    query = {"_tag": data["T"], "_type": "Patient,Observation,Encounter",
             "_sort": "-_lastUpdated", "_count": "1"}
    page = _get(client, "/", query)
    found = _names(data, page)
    while next_url := {ln["relation"]: ln["url"] for ln in page["link"]}.get("next"):
        assert "/fhir?" in next_url  # the system level: [base]?...
        page = client.get(next_url).json()
        found += _names(data, page)
    assert found == ["E", "O2", "O1", "P"]  # latest first


def test_system_search_parameters_not_common_to_the_types(
    client: httpx.Client, data: dict[str, str]
) -> None:
    strict = {"Prefer": "handling=strict"}
    listed = {"_tag": data["T"], "_type": "Patient,Observation", "gender": "female"}
    page = _get(client, "", listed)
    assert set(_names(data, page)) == {"P", "O1", "O2"}  # gender set aside for all types
    assert any("gender" in text for text in _outcomes(page))
    assert client.get("", params=listed, headers=strict).status_code == 400
    unlisted = {"_tag": data["T"], "gender": "female"}
    assert client.get("", params=unlisted, headers=strict).status_code == 400
    assert any("gender" in text for text in _outcomes(_get(client, "", unlisted)))


def test_system_search_count_and_errors(client: httpx.Client, data: dict[str, str]) -> None:
    assert _get(client, "", {"_tag": data["T"], "_summary": "count"})["total"] == 4
    r = client.get("", params={"_type": "Nope"})
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"


def test_post_search_merges_form_and_query(client: httpx.Client, data: dict[str, str]) -> None:
    r = client.post("/Observation/_search", params={"_tag": data["T"]},
                    data={"code": f"{CODES}|X"})
    assert r.status_code == 200, r.text
    assert _names(data, r.json()) == ["O1"]
    r = client.post("/_search", data={"_tag": data["T"], "_type": "Patient,Encounter"})
    assert r.status_code == 200, r.text
    assert set(_names(data, r.json())) == {"P", "E"}


def test_summary_true_over_http(client: httpx.Client, data: dict[str, str]) -> None:
    page = _get(client, "/Patient", {"_tag": data["T"], "_summary": "true"})
    patient = page["entry"][0]["resource"]
    assert sorted(patient) == ["gender", "id", "meta", "name", "resourceType"]
    assert [t["code"] for t in patient["meta"]["tag"]] == [data["T"].split("|")[1], "SUBSETTED"]


def test_elements_do_not_apply_to_included_resources(
    client: httpx.Client, data: dict[str, str]
) -> None:
    page = _get(client, "/Observation", {"_tag": data["T"], "code": f"{CODES}|X",
                                         "_include": "Observation:subject",
                                         "_elements": "status"})
    [match] = [e["resource"] for e in page["entry"] if e["search"]["mode"] == "match"]
    assert sorted(match) == ["code", "id", "meta", "resourceType", "status"]  # code: min 1
    assert match["meta"]["tag"][-1]["code"] == "SUBSETTED"
    [included] = [e["resource"] for e in page["entry"] if e["search"]["mode"] == "include"]
    assert included["id"] == data["P"]
    assert included["text"] == TEXT and included["maritalStatus"] == {"text": "married"}
    assert all(t["code"] != "SUBSETTED" for t in included["meta"]["tag"])


def test_summary_applies_to_included_resources(client: httpx.Client,
                                               data: dict[str, str]) -> None:
    page = _get(client, "/Observation", {"_tag": data["T"], "code": f"{CODES}|X",
                                         "_include": "Observation:subject",
                                         "_summary": "data"})
    resources = {e["search"]["mode"]: e["resource"] for e in page["entry"]}
    assert "text" not in resources["include"]
    assert resources["include"]["maritalStatus"] == {"text": "married"}
    assert resources["match"]["note"] == [{"text": "空腹"}]
