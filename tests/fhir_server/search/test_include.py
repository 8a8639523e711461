"""`_include` / `_revinclude` over the R4 examples; expected sets read off the example files.

Observation/f001: subject Patient/f001, performer Practitioner/f005.
Patient/f001: managingOrganization Organization/f001.
Encounter/f001..f003: subject Patient/f001, serviceProvider Organization/f001.
Observations with subject Patient/f001: ekg, f001, f002, f003, f004, f005, unsat.
MedicationRequest/medrx0302: medicationReference #med0320 (contained), subject Patient/pat1,
encounter Encounter/f001, supportingInformation Coverage/SP1234 (no search parameter),
requester Practitioner/f007.
"""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query
from fhir_server.search.include import included, parse_includes
from fhir_server.storage.postgres import Reader

pytestmark = pytest.mark.integration

F001_OBSERVATIONS = {("Observation", i) for i in
                     ("ekg", "f001", "f002", "f003", "f004", "f005", "unsat")}
F001_ENCOUNTERS = {("Encounter", "f001"), ("Encounter", "f002"), ("Encounter", "f003")}


async def run(conn: asyncpg.Pool | asyncpg.Connection, query: str) -> list[tuple[str, str]]:
    """The (type, id)s the include parameters of query add to its matches, in order."""
    res_type, _, text = query.partition("?")
    pairs = [(k, v) for k, _, v in (p.partition("=") for p in text.split("&"))]
    compiled = compile_query(res_type, pairs)
    reader = Reader(conn)
    where, args = compiled.where_sql("r", 2)
    page = await reader.find(res_type, where, args, 100)
    extra = await included(reader, res_type, page, compiled.result_params)
    return [(s.res_type, s.res_id) for s in extra]


CASES = [
    ("Observation?_id=f001&_include=Observation:subject", {("Patient", "f001")}),
    ("Observation?_id=f001&_include=Observation:performer", {("Practitioner", "f005")}),
    ("Observation?_id=f001&_include=Observation:*",
     {("Patient", "f001"), ("Practitioner", "f005")}),
    ("Observation?_id=f001&_include=*", {("Patient", "f001"), ("Practitioner", "f005")}),
    ("Observation?_id=f001&_include=Observation:subject:Patient", {("Patient", "f001")}),
    ("Observation?_id=f001&_include=Observation:performer:Patient", set()),
    # Without :iterate, Patient:organization applies only to the matches (Observations).
    ("Observation?_id=f001&_include=Observation:subject&_include=Patient:organization",
     {("Patient", "f001")}),
    ("Observation?_id=f001&_include=Observation:subject&_include:iterate=Patient:organization",
     {("Patient", "f001"), ("Organization", "f001")}),
    ("Observation?_id=f001&_include=Observation:subject&_include:recurse=Patient:organization",
     {("Patient", "f001"), ("Organization", "f001")}),
    ("Patient?_id=f001&_revinclude=Encounter:subject", F001_ENCOUNTERS),
    ("Patient?_id=f001&_revinclude=Encounter:subject:Group", set()),
    ("Patient?_id=f001&_revinclude=Encounter:subject"
     "&_include:iterate=Encounter:service-provider",
     F001_ENCOUNTERS | {("Organization", "f001")}),
    # The iterated include leads back to the match, which is not repeated.
    ("Patient?_id=f001&_revinclude=Observation:subject&_include:iterate=Observation:subject",
     F001_OBSERVATIONS),
    ("Organization?_id=f001&_revinclude=Patient:organization"
     "&_revinclude:iterate=Encounter:subject",
     {("Patient", "f001")} | F001_ENCOUNTERS),
    # The contained medication and supportingInformation (no search parameter) drop out.
    ("MedicationRequest?_id=medrx0302&_include=MedicationRequest:*",
     {("Patient", "pat1"), ("Encounter", "f001"), ("Practitioner", "f007")}),
    ("Observation?_id=does-not-exist&_include=Observation:subject", set()),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_include(examples_db: asyncpg.Pool, query: str,
                       expected: set[tuple[str, str]]) -> None:
    found = await run(examples_db, query)
    assert set(found) == expected
    assert len(found) == len(set(found))  # each resource once


async def test_a_target_shared_by_two_matches_comes_once(examples_db: asyncpg.Pool) -> None:
    found = await run(examples_db, "Observation?_id=f001,f002,f003&_include=Observation:subject")
    assert found == [("Patient", "f001")]


async def test_iterating_over_everything_terminates(examples_db: asyncpg.Pool) -> None:
    found = await run(examples_db, "Patient?_id=f001&_include:iterate=*&_revinclude:iterate=*")
    assert len(found) == len(set(found))
    assert {("Organization", "f001"), ("Observation", "ekg")} <= set(found)
    assert ("Patient", "f001") not in found


async def test_deleted_and_missing_targets_are_silently_absent(examples_db: asyncpg.Pool) -> None:
    query = "Observation?_id=f001&_include=Observation:*"
    async with examples_db.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:  # changes rolled back: other tests share the examples
            await conn.execute("UPDATE resource SET deleted = true, body = NULL "
                               "WHERE res_type = 'Patient' AND res_id = 'f001'")
            assert await run(conn, query) == [("Practitioner", "f005")]
            await conn.execute("DELETE FROM resource "
                               "WHERE res_type = 'Practitioner' AND res_id = 'f005'")
            assert await run(conn, query) == []
        finally:
            await tx.rollback()


@pytest.mark.parametrize("pair", [
    ("_include", "Observation:code"),  # a token parameter
    ("_include", "Observation:nonexistent"),
    ("_include", "Nope:subject"),
    ("_include", "Observation"),
    ("_include", "Observation:subject:Nope"),
    ("_include", "Observation:subject:Practitioner"),  # subject cannot refer to one
    ("_include:deep", "Observation:subject"),
    ("_revinclude", "Observation::Patient"),
])
def test_invalid_include_parameters_are_400(pair: tuple[str, str]) -> None:
    with pytest.raises(FhirError) as caught:
        parse_includes([pair])
    assert caught.value.status == 400
