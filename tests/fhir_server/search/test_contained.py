"""Contained resources (R4 search.html#contained): indexed apart, found with `_contained`.

Expected results were read off the example files: MedicationRequest/medrx0318,
MedicationAdministration/medadmin0301 and MedicationDispense/meddisp0301 each contain a
Medication `med0301` coded NDC 0069-2587-10, as does the stored Medication/med0301;
ServiceRequest/lipid contains Observation `fasting` (LOINC 49541-6, subject Patient/example,
family Chalmers), and no stored Observation has that code; the apgar Observations contain
Patient `newborn` (identifier http://acmehealthcare/org/mrns|12345), which no stored
Patient has.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query, index_rows
from fhir_server.search.contained import (
    ContainedMatch,
    ContainedOptions,
    contained_options,
    count_contained,
    find_contained,
)
from fhir_server.storage.migrate import upgrade
from fhir_server.storage.models import Stored

from .test_search_sql import search

NDC = "http://hl7.org/fhir/sid/ndc|0069-2587-10"
CONTAINED = ContainedOptions("true", "contained")
CONTAINERS = ContainedOptions("true", "container")


def _outer(inner_code: str = "inner-code") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": "outer", "status": "final",
            "code": {"coding": [{"system": "s", "code": "outer-code"}]},
            "contained": [{"resourceType": "Observation", "id": "in1", "status": "final",
                           "code": {"coding": [{"system": "s", "code": inner_code}]}},
                          {"resourceType": "Patient", "id": "p1",
                           "name": [{"family": "Contained"}]}],
            "subject": {"reference": "#p1"}, "hasMember": [{"reference": "#in1"}]}


def test_contained_values_stay_out_of_the_containers_rows() -> None:
    rows = index_rows(_outer())
    assert {r[3] for r in rows["idx_token"] if r[1] == "code"} == {"outer-code"}
    assert not any(r[2] == "contained" for r in rows["idx_string"])
    assert ("Observation", "subject") not in {(r[0], r[1]) for r in rows["idx_reference"]}


def test_contained_rows_carry_type_id_and_value() -> None:
    rows = index_rows(_outer())["idx_contained"]
    # (res_type, param, ctype, cid, a, b, ...): the container's #id references have cid ''.
    assert ("Observation", "subject", "Observation", "", "Patient", "#p1") in {
        r[:6] for r in rows}
    assert ("Observation", "has-member", "Observation", "", "Observation", "#in1") in {
        r[:6] for r in rows}
    assert ("Observation", "code", "Observation", "in1", "s", "inner-code") in {
        r[:6] for r in rows}
    assert ("Observation", "family", "Patient", "p1", "contained") in {r[:5] for r in rows}
    assert {r[3] for r in rows if r[1] == "_id"} == {"in1", "p1"}


def test_resources_without_contained_have_no_contained_rows() -> None:
    assert index_rows({"resourceType": "Patient", "id": "x"})["idx_contained"] == []


@pytest.mark.parametrize(("params", "expected"), [
    ([], None),
    ([("_contained", "false")], None),
    ([("_contained", "true")], ContainedOptions("true", "container")),
    ([("_contained", "both"), ("_containedType", "contained")],
     ContainedOptions("both", "contained")),
])
def test_contained_options(params: list[tuple[str, str]],
                           expected: ContainedOptions | None) -> None:
    assert contained_options(params) == expected


@pytest.mark.parametrize("params", [[("_contained", "yes")],
                                    [("_contained", "true"), ("_containedType", "x")]])
def test_invalid_contained_options_are_a_400(params: list[tuple[str, str]]) -> None:
    with pytest.raises(FhirError) as error:
        contained_options(params)
    assert error.value.status == 400


def test_a_match_gives_the_contained_resource_and_its_full_url() -> None:
    stored = Stored(7, "Observation", "outer", 1, datetime(2020, 1, 1, tzinfo=UTC), False,
                    orjson.dumps(_outer()))
    match = ContainedMatch(stored, "p1")
    assert match.resource()["name"] == [{"family": "Contained"}]
    assert match.full_url("http://x/fhir") == "http://x/fhir/Observation/outer#p1"
    assert match.cursor == "7.p1"
    assert ContainedMatch(stored, None).resource()["id"] == "outer"


# --- over the R4 examples ------------------------------------------------------------------

NORMAL = [
    ("MedicationRequest?code=" + NDC, set()),
    ("Medication?code=" + NDC, {"med0301"}),
    ("Patient?identifier=http://acmehealthcare/org/mrns|12345", set()),
    ("Observation?code=http://loinc.org|49541-6", set()),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), NORMAL)
async def test_a_normal_search_never_sees_contained_values(
        examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


async def _found(pool: asyncpg.Pool, resource_type: str, params: list[tuple[str, str]],
                 options: ContainedOptions) -> set[tuple[str, str, str | None]]:
    query = compile_query(resource_type, params)
    matches = await find_contained(pool, query, options, 100)
    return {(m.container.res_type, m.container.res_id, m.cid) for m in matches}


MEDICATION_CONTAINERS = {("MedicationRequest", "medrx0318"),
                         ("MedicationAdministration", "medadmin0301"),
                         ("MedicationDispense", "meddisp0301")}


@pytest.mark.integration
async def test_contained_true_returns_the_contained_resources(
        examples_db: asyncpg.Pool) -> None:
    found = await _found(examples_db, "Medication", [("code", NDC)], CONTAINED)
    assert found == {(t, i, "med0301") for t, i in MEDICATION_CONTAINERS}


@pytest.mark.integration
async def test_contained_true_returns_the_containers_by_default(
        examples_db: asyncpg.Pool) -> None:
    found = await _found(examples_db, "Medication", [("code", NDC)], CONTAINERS)
    assert found == {(t, i, None) for t, i in MEDICATION_CONTAINERS}


@pytest.mark.integration
async def test_contained_both_adds_the_top_level_matches(examples_db: asyncpg.Pool) -> None:
    found = await _found(examples_db, "Medication", [("code", NDC)],
                         ContainedOptions("both", "contained"))
    assert found == {(t, i, "med0301") for t, i in MEDICATION_CONTAINERS} | {
        ("Medication", "med0301", None)}
    query = compile_query("Medication", [("code", NDC)])
    assert await count_contained(examples_db, query, ContainedOptions("both", "container")) == 4


@pytest.mark.integration
async def test_contained_search_follows_chains(examples_db: asyncpg.Pool) -> None:
    found = await _found(examples_db, "Observation",
                         [("code", "http://loinc.org|49541-6"), ("subject.family", "chalmers")],
                         CONTAINED)
    assert found == {("ServiceRequest", "lipid", "fasting")}
    found = await _found(examples_db, "Patient",
                         [("identifier", "http://acmehealthcare/org/mrns|12345")], CONTAINERS)
    assert {i for _, i, _ in found} == {"1minute-apgar-score", "2minute-apgar-score",
                                         "5minute-apgar-score", "10minute-apgar-score",
                                         "20minute-apgar-score"}


@pytest.mark.integration
async def test_paging_through_contained_matches(examples_db: asyncpg.Pool) -> None:
    query = compile_query("Medication", [("code", NDC)])
    seen: list[tuple[str, str | None]] = []
    cursor = ""
    while True:
        page = await find_contained(examples_db, query, ContainedOptions("both", "contained"),
                                    2, cursor)
        seen += [(m.container.res_id, m.cid) for m in page]
        if len(page) < 2:
            break
        cursor = page[-1].cursor
    assert sorted(seen, key=str) == sorted(
        [(i, "med0301") for _, i in MEDICATION_CONTAINERS] + [("med0301", None)], key=str)
    assert await count_contained(examples_db, query, ContainedOptions("both", "contained")) == 4


@pytest.mark.integration
async def test_parameters_that_cannot_apply_are_a_400(examples_db: asyncpg.Pool) -> None:
    query = compile_query("Patient", [("_has:Observation:subject:code", "x")])
    with pytest.raises(FhirError) as error:
        await find_contained(examples_db, query, CONTAINED, 10)
    assert error.value.status == 400


# --- an Observation contained in an Observation --------------------------------------------

@pytest.fixture(scope="module")
async def nested_db(postgres: str) -> AsyncIterator[asyncpg.Pool]:
    """A database holding only `_outer()`: Observation outer-code containing inner-code."""
    admin = await asyncpg.connect(postgres)
    await admin.execute("DROP DATABASE IF EXISTS search_contained")
    await admin.execute("CREATE DATABASE search_contained")
    await admin.close()
    dsn = postgres.rsplit("/", 1)[0] + "/search_contained"
    await asyncio.to_thread(upgrade, dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    resource = _outer()
    rid = await pool.fetchval(
        "INSERT INTO resource (res_type, res_id, version, last_updated, body) "
        "VALUES ('Observation', 'outer', 1, now(), $1) RETURNING rid", orjson.dumps(resource))
    for table, rows in index_rows(resource).items():
        await pool.copy_records_to_table(table, records=[(rid, *row) for row in rows])
    yield pool
    await pool.close()


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), [
    ("Observation?code=inner-code", set()),
    ("Observation?code=outer-code", {"outer"}),
    ("Observation?has-member.code=inner-code", {"outer"}),
    ("Observation?has-member.code=outer-code", set()),
    ("Observation?subject.family=contained", {"outer"}),
    ("Observation?patient.family=contained", {"outer"}),
])
async def test_a_contained_observation_does_not_make_its_container_match(
        nested_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(nested_db, query) == expected


@pytest.mark.integration
async def test_the_contained_observation_is_found_with_contained_true(
        nested_db: asyncpg.Pool) -> None:
    assert await _found(nested_db, "Observation", [("code", "inner-code")], CONTAINED) == {
        ("Observation", "outer", "in1")}
    assert await _found(nested_db, "Observation", [("code", "outer-code")], CONTAINED) == set()
    assert await _found(nested_db, "Observation", [("code", "outer-code")],
                        ContainedOptions("both", "contained")) == {("Observation", "outer", None)}
