"""`Patient/{id}/$everything` and `Encounter/{id}/$everything` on data of the test's own.

Patient A (managingOrganization O, generalPractitioner P1) has, in its compartment:
o2020 (effective 2020-01-01), o2021 (effective 2021-06-01, encounter E), onone (no care
date), all performed by P2; Encounter E (period 2021-06-01, participant P1,
serviceProvider O); MedicationRequest mr (medication M, authoredOn 2019-05-05,
requester P1, encounter E). gone (subject A) is deleted; ob belongs to patient B.
So the record is 6 matches (A, o2020, o2021, onone, E, mr) and 4 includes (O, P1, P2, M).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration


def _post(client: httpx.Client, resource: dict[str, Any]) -> str:
    r = client.post(f"/{resource['resourceType']}", json=resource)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _obs(patient: str, performer: str, **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final", "code": {"text": "血糖"},
            "subject": {"reference": patient}, "performer": [{"reference": performer}],
            **extra}


@pytest.fixture(scope="module")
def rec(fhir_base: str) -> dict[str, str]:
    with httpx.Client(base_url=fhir_base, timeout=30) as c:
        ids = {"O": _post(c, {"resourceType": "Organization", "name": "兰考县中心医院"}),
               "P1": _post(c, {"resourceType": "Practitioner"}),
               "P2": _post(c, {"resourceType": "Practitioner"}),
               "M": _post(c, {"resourceType": "Medication", "code": {"text": "二甲双胍"}})}
        ids["A"] = _post(c, {
            "resourceType": "Patient",
            "managingOrganization": {"reference": f"Organization/{ids['O']}"},
            "generalPractitioner": [{"reference": f"Practitioner/{ids['P1']}"}]})
        ids["B"] = _post(c, {"resourceType": "Patient"})
        a, p2 = f"Patient/{ids['A']}", f"Practitioner/{ids['P2']}"
        ids["E"] = _post(c, {
            "resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"},
            "subject": {"reference": a}, "period": {"start": "2021-06-01", "end": "2021-06-01"},
            "participant": [{"individual": {"reference": f"Practitioner/{ids['P1']}"}}],
            "serviceProvider": {"reference": f"Organization/{ids['O']}"}})
        ids["o2020"] = _post(c, _obs(a, p2, effectiveDateTime="2020-01-01"))
        ids["o2021"] = _post(c, _obs(a, p2, effectiveDateTime="2021-06-01",
                                     encounter={"reference": f"Encounter/{ids['E']}"}))
        ids["onone"] = _post(c, _obs(a, p2))
        ids["mr"] = _post(c, {
            "resourceType": "MedicationRequest", "status": "active", "intent": "order",
            "subject": {"reference": a}, "authoredOn": "2019-05-05",
            "medicationReference": {"reference": f"Medication/{ids['M']}"},
            "requester": {"reference": f"Practitioner/{ids['P1']}"},
            "encounter": {"reference": f"Encounter/{ids['E']}"}})
        ids["gone"] = _post(c, _obs(a, p2))
        assert c.delete(f"/Observation/{ids['gone']}").status_code in (200, 204)
        ids["ob"] = _post(c, _obs(f"Patient/{ids['B']}", p2))
    return ids


def _entries(bundle: dict[str, Any]) -> dict[str, set[str]]:
    """Ids by search mode; asserts no resource appears twice in the Bundle."""
    keys = [(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]]
    assert len(keys) == len(set(keys)), keys
    out: dict[str, set[str]] = {"match": set(), "include": set()}
    for e in bundle["entry"]:
        out[e["search"]["mode"]].add(e["resource"]["id"])
    return out


def _get(client: httpx.Client, path: str, **params: str) -> dict[str, Any]:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "searchset"
    return dict(r.json())


def test_the_whole_record(client: httpx.Client, rec: dict[str, str]) -> None:
    found = _get(client, f"/Patient/{rec['A']}/$everything")
    assert _entries(found) == {
        "match": {rec[k] for k in ("A", "o2020", "o2021", "onone", "E", "mr")},
        "include": {rec[k] for k in ("O", "P1", "P2", "M")}}
    assert found["total"] == 6
    assert not [link for link in found["link"] if link["relation"] == "next"]


def test_type(client: httpx.Client, rec: dict[str, str]) -> None:
    path = f"/Patient/{rec['A']}/$everything"
    assert _entries(_get(client, path, _type="Observation")) == {
        "match": {rec["o2020"], rec["o2021"], rec["onone"]}, "include": set()}
    assert _entries(_get(client, path, _type="Observation,Practitioner")) == {
        "match": {rec["o2020"], rec["o2021"], rec["onone"]}, "include": {rec["P2"]}}


def test_care_dates(client: httpx.Client, rec: dict[str, str]) -> None:
    path = f"/Patient/{rec['A']}/$everything"
    assert _entries(_get(client, path, start="2021-01-01")) == {
        "match": {rec[k] for k in ("A", "o2021", "onone", "E")},
        "include": {rec[k] for k in ("O", "P1", "P2")}}
    assert _entries(_get(client, path, end="2020-12-31"))["match"] == {
        rec[k] for k in ("A", "o2020", "onone", "mr")}
    assert _entries(_get(client, path, start="2020-01-01", end="2020-01-01"))["match"] == {
        rec[k] for k in ("A", "o2020", "onone")}


def test_since(client: httpx.Client, rec: dict[str, str]) -> None:
    since = _get(client, "/Patient", _id=rec["A"])["meta"]["lastUpdated"]  # server time
    changed = client.get(f"/Observation/{rec['onone']}").json()
    assert client.put(f"/Observation/{rec['onone']}",
                      json={**changed, "status": "amended"}).status_code == 200
    found = _get(client, f"/Patient/{rec['A']}/$everything", _since=since)
    assert _entries(found) == {"match": {rec["onone"]}, "include": set()}


def test_paging_is_stable_while_inserting(client: httpx.Client, rec: dict[str, str]) -> None:
    page = _get(client, f"/Patient/{rec['A']}/$everything", _count="2")
    assert "total" not in page
    seen: list[str] = []
    added = None
    while True:
        assert len(_entries(page)["match"]) <= 2
        seen += [e["resource"]["id"] for e in page["entry"] if e["search"]["mode"] == "match"]
        if added is None:  # a new resource arrives while the client pages
            added = _post(client, _obs(f"Patient/{rec['A']}", f"Practitioner/{rec['P2']}"))
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not nxt:
            break
        page = client.get(nxt[0]).json()
    original = {rec[k] for k in ("A", "o2020", "o2021", "onone", "E", "mr")}
    assert len(seen) == len(set(seen)) and set(seen) == original | {added}
    assert seen[-1] == added  # new resources sort last


def test_post_with_parameters(client: httpx.Client, rec: dict[str, str]) -> None:
    params = {"resourceType": "Parameters", "parameter": [
        {"name": "_type", "valueCode": "MedicationRequest"},
        {"name": "end", "valueDate": "2019-12-31"}]}
    r = client.post(f"/Patient/{rec['A']}/$everything", json=params)
    assert r.status_code == 200, r.text
    assert _entries(r.json()) == {"match": {rec["mr"]}, "include": set()}


def test_encounter_everything(client: httpx.Client, rec: dict[str, str]) -> None:
    found = _get(client, f"/Encounter/{rec['E']}/$everything")
    assert _entries(found) == {"match": {rec["E"], rec["o2021"], rec["mr"]},
                               "include": {rec[k] for k in ("A", "O", "P1", "P2", "M")}}


def test_deleted_and_unknown(client: httpx.Client, rec: dict[str, str]) -> None:
    pid = _post(client, {"resourceType": "Patient"})
    assert client.delete(f"/Patient/{pid}").status_code in (200, 204)
    assert client.get(f"/Patient/{pid}/$everything").status_code == 410
    assert client.get("/Patient/no-such-patient/$everything").status_code == 404


@pytest.mark.parametrize(("path", "status"), [
    ("/Encounter/$everything", 404),  # Encounter-everything has no type level in R4
    ("/Patient/$everything?_since=yesterday", 400),
    ("/Observation/x/$everything", 404),
    ("/Patient/{A}/$everything?start=yesterday", 400),
    ("/Patient/{A}/$everything?start=2021&end=2020", 400),
    ("/Patient/{A}/$everything?_type=Nope", 400),
    ("/Patient/{A}/$everything?_count=x", 400),
    ("/Patient/{A}/$everything?code=x", 400),
    ("/Encounter/{E}/$everything?start=2020", 400),  # Encounter-everything has no start
])
def test_errors(client: httpx.Client, rec: dict[str, str], path: str, status: int) -> None:
    r = client.get(path.format(**rec))
    assert r.status_code == status, r.text
    assert r.json()["resourceType"] == "OperationOutcome"


@pytest.fixture(scope="module")
def county(fhir_base: str) -> dict[str, str]:
    """Written after `since`: Practitioners Q and R, Organization O2, Patients C and D,
    Observation oc (subject C, performer Q), Encounter ed (subject D, serviceProvider O2)
    and a deleted Observation about D. Every patient's record since then is C, D, oc, ed
    as matches and Q, O2 as includes; R is referred to by nothing."""
    with httpx.Client(base_url=fhir_base, timeout=30) as c:
        first = c.post("/Basic", json={"resourceType": "Basic", "code": {"text": "时间"}})
        ids = {"since": first.json()["meta"]["lastUpdated"]}  # server time, before the rest
        ids["Q"] = _post(c, {"resourceType": "Practitioner"})
        ids["R"] = _post(c, {"resourceType": "Practitioner"})
        ids["O2"] = _post(c, {"resourceType": "Organization", "name": "杞县人民医院"})
        ids["C"] = _post(c, {"resourceType": "Patient"})
        ids["D"] = _post(c, {"resourceType": "Patient"})
        ids["oc"] = _post(c, _obs(f"Patient/{ids['C']}", f"Practitioner/{ids['Q']}"))
        ids["ed"] = _post(c, {
            "resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"},
            "subject": {"reference": f"Patient/{ids['D']}"},
            "serviceProvider": {"reference": f"Organization/{ids['O2']}"}})
        gone = _post(c, _obs(f"Patient/{ids['D']}", f"Practitioner/{ids['R']}"))
        assert c.delete(f"/Observation/{gone}").status_code in (200, 204)
    return ids


def test_type_level_is_every_patients_record(client: httpx.Client,
                                             county: dict[str, str]) -> None:
    page = _get(client, "/Patient/$everything", _since=county["since"], _count="2")
    matches: list[str] = []
    included: set[str] = set()
    while True:
        found = _entries(page)
        assert len(found["match"]) <= 2
        matches += sorted(found["match"])
        included |= found["include"]
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not nxt:
            break
        assert "/Patient/$everything?" in nxt[0]
        page = client.get(nxt[0]).json()
    assert sorted(matches) == sorted(county[k] for k in ("C", "D", "oc", "ed"))
    assert included == {county["Q"], county["O2"]}
    only = _get(client, "/Patient/$everything", _since=county["since"], _type="Patient")
    assert _entries(only) == {"match": {county["C"], county["D"]}, "include": set()}
