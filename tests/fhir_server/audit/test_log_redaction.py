"""Resident ID and phone numbers never reach the server's logs in clear: uvicorn's access
log prints query strings, and errors may quote the request."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import _serve

pytestmark = pytest.mark.integration
RESIDENT_ID = "41010219800101123X"
PHONE = "13912345678"


@pytest.fixture(scope="module")
def logged(postgres: str, redis_url: str) -> Iterator[tuple[str, Path]]:
    process, base = _serve(postgres, redis_url, log_level="info")
    port = base.split(":")[2].split("/")[0]
    log = Path(tempfile.gettempdir()) / f"hie-server-{port}.log"
    assert log.exists()
    yield base, log
    process.terminate()
    process.wait(timeout=30)


def test_access_and_error_logs_hold_digests_only(logged: tuple[str, Path]) -> None:
    base, log = logged
    with httpx.Client(base_url=base, timeout=30) as client:
        searched = client.get("/Patient", params={
            "identifier": f"urn:oid:2.16.156.10011.1.3|{RESIDENT_ID}", "phone": PHONE})
        assert searched.status_code == 200
        refused = client.get(f"/Patient?birthdate=x{RESIDENT_ID}")
        assert refused.status_code == 400 and RESIDENT_ID not in refused.text
        client.get(f"/Patient/{PHONE}")  # a 404 whose path holds a phone number
    text = log.read_text(errors="replace")
    assert "GET /fhir/Patient?" in text  # the access log is on
    assert RESIDENT_ID not in text and PHONE not in text
    assert "hmac:" in text
