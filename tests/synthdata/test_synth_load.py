"""Integration: a 30-resident county loads into the real platform, Bundle by Bundle."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from synthdata import namespaces as ns
from synthdata.loading.loader import load_directory, waves
from tests.synthdata.conftest import Make, truth

pytestmark = pytest.mark.integration


def test_county_loads_and_residents_are_found(make_county: Make, fhir_base: str) -> None:
    county = make_county(30, seed=21)
    files = sum(len(w) for w in waves(county))
    summary = asyncio.run(load_directory(county, fhir_base, concurrency=4))
    assert summary.failed == 0, summary.failures[:5]
    assert summary.bundles == files and summary.resources > 500
    with httpx.Client(
        base_url=fhir_base, timeout=30, headers={"Accept": "application/fhir+json"}
    ) as client:
        for person in truth(county, "persons")[:10]:
            found = client.get(
                "Patient", params={"identifier": f"{ns.RESIDENT_ID}|{person['idNumber']}"}
            ).json()
            assert found.get("entry"), person["person"]
        for record in truth(county, "records"):
            found = client.get(
                "Patient", params={"identifier": f"{record['system']}|{record['value']}"}
            ).json()
            assert len(found.get("entry", [])) == 1, record
