"""`_filter` over HTTP: resources written through the API are found, errors are 400s.

The data is this module's own (a family name no other test uses), so the shared server's
other resources never match.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.integration

FAMILY = f"Filtertest{uuid.uuid4().hex[:8]}"


def _patient(given: str, gender: str, birth_date: str, phone: str | None = None
             ) -> dict[str, object]:
    found: dict[str, object] = {"resourceType": "Patient", "gender": gender,
                                "birthDate": birth_date,
                                "name": [{"family": FAMILY, "given": [given]}]}
    if phone is not None:
        found["telecom"] = [{"system": "phone", "value": phone}]
    return found


PATIENTS = {
    "ann": _patient("Ann", "female", "1980-03-04", "13900001111"),
    "bob": _patient("Bob", "male", "1990-07-08", "13900002222"),
    "cai": _patient("蔡", "female", "2001-01-01"),
}


@pytest.fixture(scope="module")
def ids(fhir_base: str) -> dict[str, str]:
    """Our patients' ids by key."""
    found = {}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        for key, patient in PATIENTS.items():
            r = client.post("/Patient", json=patient)
            assert r.status_code == 201, r.text
            found[key] = str(r.json()["id"])
    return found


def _found(response: httpx.Response, ids: dict[str, str]) -> set[str]:
    assert response.status_code == 200, response.text
    by_id = {v: k for k, v in ids.items()}
    return {by_id[e["resource"]["id"]] for e in response.json().get("entry", [])}


@pytest.mark.parametrize(("expression", "expected"), [
    ("gender eq female", {"ann", "cai"}),
    ("gender eq female and birthdate lt 2000", {"ann"}),
    ("birthdate sa 1985 or given eq ann", {"ann", "bob", "cai"}),
    ("not(phone pr true)", {"cai"}),
    ("phone eq 13900002222", {"bob"}),      # indexed as a digest, found by its digest
    ("phone ne 13900002222", {"ann"}),      # cai has no phone
])
def test_get(client: httpx.Client, ids: dict[str, str], expression: str,
             expected: set[str]) -> None:
    r = client.get("/Patient", params={"family": FAMILY, "_filter": expression})
    assert _found(r, ids) == expected


def test_post_search(client: httpx.Client, ids: dict[str, str]) -> None:
    r = client.post("/Patient/_search", data={"_filter": f"family eq {FAMILY} and "
                                                         'given sw "b"'})
    assert _found(r, ids) == {"bob"}


@pytest.mark.parametrize(("expression", "diagnostics"), [
    ("gender eq", "_filter syntax error at character 10: found the end; expected a value"),
    ("gender eq female and nosuch eq 1",
     "_filter at character 22: unknown search parameter 'nosuch' for Patient"),
    ("birthdate co 1990 or gender sw fe",
     "_filter at character 22: operator 'sw' does not apply to token parameter 'gender'"),
])
def test_errors_are_400_operation_outcomes(client: httpx.Client, expression: str,
                                           diagnostics: str) -> None:
    r = client.get("/Patient", params={"_filter": expression})
    assert r.status_code == 400
    body = r.json()
    assert body["resourceType"] == "OperationOutcome"
    assert diagnostics in body["issue"][0]["diagnostics"]
