"""Searches compiled to SQL and run on PostgreSQL over the R4 examples.

Each expected result was read off the example files.
"""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.search import compile_query

pytestmark = pytest.mark.integration

PATIENTS = {"animal", "ch-example", "dicom", "example", "f001", "f201", "genetics-example1",
            "glossy", "ihe-pcd", "infant-fetal", "infant-mom", "infant-twin-1",
            "infant-twin-2", "mom", "newborn", "pat1", "pat2", "pat3", "pat4", "proband",
            "xcda", "xds"}
FEMALE = {"animal", "genetics-example1", "infant-mom", "infant-twin-1", "mom", "pat4",
          "proband"}
F001_OBSERVATIONS = {"ekg", "f001", "f002", "f003", "f004", "f005", "unsat"}
ORGANIZATION_1 = {"ch-example", "dicom", "example", "pat1", "pat2", "pat3", "pat4"}


async def search(pool: asyncpg.Pool, query: str) -> set[str]:
    resource_type, _, text = query.partition("?")
    pairs = [tuple(p.split("=", 1)) for p in text.split("&")] if text else []
    where, args = compile_query(resource_type, pairs).where_sql("r", 2)  # type: ignore[arg-type]
    rows = await pool.fetch(
        f"SELECT r.res_id FROM resource r WHERE r.res_type = $1 AND NOT r.deleted AND {where}",
        resource_type, *args)
    return {row["res_id"] for row in rows}


CASES = [
    ("Patient", PATIENTS),
    ("Patient?family=chalmers", {"example"}),
    ("Patient?family=CHAL", {"example"}),
    ("Patient?family:exact=chal", set()),
    ("Patient?family:exact=Chalmers", {"example"}),
    ("Patient?name:contains=ALMER", {"example"}),
    ("Patient?name=张", {"ch-example"}),
    ("RelatedPerson?name=Bénédicte", {"benedicte"}),
    ("RelatedPerson?name=du marche", {"benedicte"}),
    ("Patient?gender=female", FEMALE),
    ("Patient?gender=|female", FEMALE),
    ("Patient?gender:not=female", PATIENTS - FEMALE),
    ("Patient?gender=female&gender=male", set()),
    ("Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|12345", {"example"}),
    ("Patient?identifier=|12345", set()),
    ("Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|", {"example", "ch-example"}),
    ("Patient?deceased=true", {"pat3", "pat4"}),
    ("Patient?email:missing=false", {"f001"}),
    ("Patient?birthdate=1974", {"ch-example", "example"}),
    ("Patient?birthdate=lt1950", {"f001", "glossy", "xcda"}),
    ("Patient?birthdate=1974-12-25", {"ch-example", "example"}),
    ("Patient?birthdate=1974-12-25T10:00:00Z", set()),
    ("Patient?birthdate=ge1974-12-26", {"animal", "infant-mom", "infant-twin-1",
                                         "infant-twin-2", "newborn", "pat3", "pat4"}),
    ("Patient?birthdate=sa1974", {"animal", "infant-mom", "infant-twin-1", "infant-twin-2",
                                  "newborn", "pat3", "pat4"}),
    ("Patient?birthdate=eb1950", {"f001", "glossy", "xcda"}),
    ("Patient?birthdate=ne1974", PATIENTS - {"ch-example", "example", "dicom", "ihe-pcd",
                                            "infant-fetal", "pat1", "pat2"}),
    ("Patient?_id=example,f001", {"example", "f001"}),
    ("Patient?_lastUpdated=2012-05-29", {"genetics-example1", "mom"}),
    ("Patient?_lastUpdated=lt2015", {"genetics-example1", "mom", "glossy"}),
    ("Patient?organization=Organization/1", ORGANIZATION_1),
    ("Patient?organization=1", ORGANIZATION_1),
    ("Patient?general-practitioner:Practitioner=example", {"glossy"}),
    ("Patient?general-practitioner=Practitioner/21B", {"infant-mom"}),
    ("Observation?code=http://loinc.org|29463-7", {"example"}),
    ("Observation?subject=Patient/f001", F001_OBSERVATIONS),
    ("Observation?patient=f001", F001_OBSERVATIONS),
    ("Observation?date=2013-04", {"f002", "f003", "f004", "f005", "unsat"}),
    ("Observation?date=2013-04-05", {"f005"}),
    ("Observation?value-quantity=gt100", {"656", "example", "f204"}),
    ("Observation?value-quantity=gt100|http://unitsofmeasure.org|[lb_av]", {"example"}),
    ("Observation?value-quantity=gt100|http://unitsofmeasure.org|kg", set()),
    ("Observation?value-quantity=16.2|http://unitsofmeasure.org|kg/m2",
     {"bmi", "bmi-using-related"}),
    ("Observation?value-quantity=ap40||Cel", {"body-temperature", "f202"}),
    ("RiskAssessment?probability=gt0.01", {"cardiac"}),
    ("RiskAssessment?probability=0.000368", {"genetic", "riskexample"}),
    ("ValueSet?url=http://hl7.org/fhir/ValueSet/administrative-gender",
     {"administrative-gender"}),
    ("ValueSet?url:below=http://hl7.org/fhir/ValueSet/administrative",
     {"administrative-gender"}),
    ("ValueSet?url:above=http://hl7.org/fhir/ValueSet/administrative-gender/x",
     {"administrative-gender"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_search(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
