"""Chains and reverse chains (`_has`) over the R4 examples, expected sets read off the files."""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query

from .test_search_sql import search

pytestmark = pytest.mark.integration

CASES = [
    # Observation f001..f005 and others have subject Patient/f001 (Pieter van de Heuvel).
    ("Observation?subject.family=van de heuvel", {"ekg", "f001", "f002", "f003", "f004",
                                                   "f005", "unsat"}),
    ("Observation?subject:Patient.family=van de heuvel",
     {"ekg", "f001", "f002", "f003", "f004", "f005", "unsat"}),
    ("Observation?subject:Patient.family=nobody", set()),
    # Two links: Encounter -> subject Patient -> managingOrganization Organization.
    ("Encounter?subject.organization.name=Burgers University Medical Center",
     {"f001", "f002", "f003"}),
    ("Patient?_has:Observation:subject:code=http://loinc.org|8867-4", {"example"}),
    ("Patient?_has:Observation:patient:_has:Provenance:target:agent=Practitioner/xcda-author",
     set()),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_chain(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


@pytest.mark.parametrize("name", ["subject.nonexistent", "status.code", "subject:Nope.name",
                                  "_has:Observation:code:status", "_has:Observation"])
def test_invalid_chains_are_rejected(name: str) -> None:
    with pytest.raises(FhirError):
        compile_query("Observation" if not name.startswith("_has") else "Patient",
                      [(name, "x")])
