"""Elasticsearch kept in step with PostgreSQL after each commit (events.py, indexing.py):
a created, updated and deleted resource, seen in the index and in `_text` searches."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.integration

ALIAS = "hie-fulltext"  # HIE_ELASTICSEARCH_INDEX's default
XHTML = '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>'


@pytest.fixture()
def fhir(elastic_fhir_base: str) -> Iterator[httpx.Client]:
    """A FHIR JSON client on the platform that uses Elasticsearch."""
    with httpx.Client(base_url=elastic_fhir_base, timeout=30,
                      headers={"Accept": "application/fhir+json"}) as c:
        yield c


def _hits(es: str, word: str) -> int:
    httpx.post(f"{es}/{ALIAS}/_refresh")
    answer = httpx.post(f"{es}/{ALIAS}/_count",
                        json={"query": {"match_phrase": {"text": word}}})
    return int(answer.json()["count"]) if answer.status_code == 200 else -1


def _eventually(test: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not test():  # type: ignore[operator]
        assert time.monotonic() < deadline, "Elasticsearch did not catch up"
        time.sleep(0.2)


def _condition(word: str) -> dict[str, object]:
    return {"resourceType": "Condition", "subject": {"reference": "Patient/x"},
            "text": {"status": "generated", "div": XHTML.format(f"{word} 原发性高血压")},
            "code": {"text": "高血压"}}


def _found(fhir: httpx.Client, word: str) -> set[str]:
    bundle = fhir.get("/Condition", params={"_text": word}).json()
    return {e["resource"]["id"] for e in bundle.get("entry", [])}


def test_writes_reach_elasticsearch_after_commit(fhir: httpx.Client, elasticsearch: str) -> None:
    first, second = f"first{uuid.uuid4().hex}", f"second{uuid.uuid4().hex}"
    created = fhir.post("/Condition", json=_condition(first))
    assert created.status_code == 201
    cid = created.json()["id"]
    _eventually(lambda: _hits(elasticsearch, first) == 1)
    assert _found(fhir, first) == {cid}
    assert _found(fhir, f"{first} 高血压") == {cid}

    updated = fhir.put(f"/Condition/{cid}", json={**_condition(second), "id": cid})
    assert updated.status_code == 200
    _eventually(lambda: _hits(elasticsearch, first) == 0 and _hits(elasticsearch, second) == 1)
    assert _found(fhir, first) == set()
    assert _found(fhir, second) == {cid}

    assert fhir.delete(f"/Condition/{cid}").status_code in (200, 204)
    _eventually(lambda: _hits(elasticsearch, second) == 0)
    assert _found(fhir, second) == set()
