"""Bad input gets a 4xx OperationOutcome quickly, and nothing is written."""

from __future__ import annotations

import time

import httpx
import pytest

pytestmark = pytest.mark.integration


def _count(client: httpx.Client) -> int:
    return int(
        client.get("/Basic/_history", params={"_total": "accurate", "_count": 0}).json()["total"]
    )


BAD = [
    (b"{not json", "application/fhir+json", 400),
    (b'{"resourceType": "Basic", "code": {"text": "\xff\xfe"}}', "application/fhir+json", 400),
    (b'["a", "list"]', "application/fhir+json", 400),
    (b'{"resourceType": "Patient"}', "application/fhir+json", 422),
    (b'{"resourceType": "Basic", "code": {"text": 5}}', "application/fhir+json", 422),
    (b'{"resourceType": "Basic", "code": {"text": "t"}, "bogus": 1}', "application/fhir+json", 422),
    (b'{"resourceType": "Basic", "code": {"text": "t"}}', "text/csv", 415),
    (b"<Basic xmlns='http://hl7.org/fhir'><code><text value='t'/>", "application/fhir+xml", 400),
    (
        b'{"resourceType": "Basic", "code": {"text": "t"}, "extension": '
        + b'[{"url": "http://x", "extension": ' * 100
        + b"[]"
        + b"}]" * 100
        + b"}",
        "application/fhir+json",
        400,
    ),
]


@pytest.mark.parametrize(("body", "content_type", "status"), BAD)
def test_bad_bodies_are_rejected_and_nothing_written(
    client: httpx.Client, body: bytes, content_type: str, status: int
) -> None:
    before = _count(client)
    started = time.perf_counter()
    r = client.post("/Basic", content=body, headers={"Content-Type": content_type})
    assert time.perf_counter() - started < 1.0
    assert r.status_code == status, r.text
    assert r.json()["resourceType"] == "OperationOutcome"
    assert r.json()["issue"][0]["diagnostics"]
    assert _count(client) == before


def test_unknown_type_is_404(client: httpx.Client) -> None:
    r = client.get("/NoSuchType/1")
    assert r.status_code == 404 and r.json()["resourceType"] == "OperationOutcome"


def test_wrong_resource_type_for_url_is_rejected(client: httpx.Client) -> None:
    r = client.post(
        "/Patient", json={"resourceType": "Observation", "status": "final", "code": {"text": "x"}}
    )
    assert r.status_code in (400, 422)


def test_illegal_id_is_rejected(client: httpx.Client) -> None:
    r = client.put("/Patient/bad_id!", json={"resourceType": "Patient", "id": "bad_id!"})
    assert r.status_code in (400, 422)


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    big = b'{"resourceType": "Basic", "code": {"text": "' + b"x" * (3 * 1024 * 1024) + b'"}}'
    r = client.post("/Basic", content=big, headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 413 and r.json()["resourceType"] == "OperationOutcome"


def test_xxe_is_refused(client: httpx.Client) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Basic xmlns="http://hl7.org/fhir"><code><text value="&x;"/></code></Basic>'
    )
    r = client.post("/Basic", content=body, headers={"Content-Type": "application/fhir+xml"})
    assert r.status_code == 400
    assert "root:" not in r.text


def test_bad_version_and_count_are_400(client: httpx.Client) -> None:
    assert client.get("/Patient/x/_history/abc").status_code == 400
    assert client.get("/Patient", params={"_count": "-1"}).status_code == 400
    assert (
        client.put(
            "/Patient/x",
            json={"resourceType": "Patient", "id": "x"},
            headers={"If-Match": "garbage"},
        ).status_code
        == 400
    )
