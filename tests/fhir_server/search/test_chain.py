"""Chains and reverse chains (`_has`) over the R4 examples, expected sets read off the files."""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query

from .test_search_sql import F001_OBSERVATIONS, search

pytestmark = pytest.mark.integration

APGAR = {"1minute-apgar-score", "2minute-apgar-score", "5minute-apgar-score",
         "10minute-apgar-score", "20minute-apgar-score"}

HAS3 = "_has:Patient:organization:_has:Encounter:subject:_has:Condition:encounter:"

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
    # Three links: Condition -> encounter Encounter f001..f003 -> subject Patient/f001 ->
    # managingOrganization Organization/f001 "Burgers University Medical Center"; Observation
    # abdo-tender, clinical-gender, example and map-sitting -> Encounter/example ->
    # Patient/example -> Organization/1 "Gastroenterology".
    ("Condition?encounter.subject.organization.name=burgers", {"f001", "f002", "f003"}),
    ("Condition?encounter.subject:Patient.organization.name=Artis",
     {"f201", "f203", "f204"}),
    ("Observation?encounter.subject.organization.name=gastro",
     {"abdo-tender", "clinical-gender", "example", "map-sitting"}),
    ("Procedure?encounter.subject.organization.name=nobody", set()),
    # Modifiers on the last link.
    ("Observation?subject.family:exact=van de Heuvel", F001_OBSERVATIONS),
    ("Observation?subject.family:exact=van de", set()),
    ("Observation?subject.family:contains=heuv", F001_OBSERVATIONS),
    ("Observation?subject.gender:not=male&subject=Patient/f001", set()),
    ("Observation?subject.birthdate:missing=true&subject=Patient/f001", set()),
    # Ambiguous target types: performer may be a Practitioner (Practitioner/example "Careful
    # Adam" for the apgar, blood pressure and genetics examples) or an Organization
    # (Organization "Clinical Lab" for bmd); both define `name`.
    ("Observation?performer.name=c", APGAR | {"blood-pressure", "blood-pressure-cancel",
                                              "blood-pressure-dar", "example-genetics-1",
                                              "example-genetics-2", "example-genetics-3",
                                              "example-genetics-4", "example-genetics-5",
                                              "bmd"}),
    ("Observation?performer:Organization.name=c", {"bmd"}),
    ("Observation?performer:Practitioner.name=clinical", set()),
    # _has two deep with a chain inside: Observations performed by Practitioner/f005
    # (given Langeveld, family Anne in the file) have subject Patient/f001, managed by
    # Organization/f001.
    ("Organization?_has:Patient:organization:_has:Observation:subject:performer.given="
     "langeveld", {"f001"}),
    ("Organization?_has:Patient:organization:_has:Observation:subject:performer.given="
     "nobody", set()),
    ("Patient?_has:Observation:subject:performer:Practitioner.family=anne", {"f001"}),
    # _has three deep: Condition f001 (SNOMED 368009) has encounter Encounter/f001, whose
    # subject Patient/f001 is managed by Organization/f001; Condition f204 (36225005) ->
    # Encounter/f203 -> Patient/f201 -> Organization/f201; Condition/example (39065001)
    # has no encounter.
    (f"Organization?{HAS3}code=http://snomed.info/sct|368009", {"f001"}),
    (f"Organization?{HAS3}code=http://snomed.info/sct|36225005", {"f201"}),
    (f"Organization?{HAS3}code=368009,36225005", {"f001", "f201"}),
    (f"Organization?{HAS3}code=http://snomed.info/sct|39065001", set()),
    (f"Organization?{HAS3}_id=f203", {"f201"}),
    (f"Organization?{HAS3}code=368009&{HAS3}code=36225005", set()),
]

# The five apgar score Observations have subject `#newborn`, a contained Patient (family
# Chalmers, born 2016-05-18, identifier http://acmehealthcare/org/mrns|12345); the stored
# Patient/newborn (born 2017-09-05) is a different resource that no Observation refers to.
CONTAINED_CASES = [
    ("Observation?subject.birthdate=2016-05-18", APGAR),
    ("Observation?subject:Patient.identifier=http://acmehealthcare/org/mrns|12345", APGAR),
    ("Observation?subject:Patient._id=newborn", APGAR),
    ("Observation?subject.family:exact=chalmers&subject.birthdate=2016", APGAR),
    ("Observation?subject.birthdate=2017-09-05", set()),
    ("Observation?subject=Patient/newborn", set()),
    # MedicationRequest/medrx0318 contains Medication med0301 (NDC 0069-2587-10).
    ("MedicationRequest?medication.code=http://hl7.org/fhir/sid/ndc|0069-2587-10",
     {"medrx0318"}),
    # A stored resource -> its own contained resource: Medication/med0301's manufacturer is
    # #org4 "Pfizer Laboratories Div Pfizer Inc".
    ("Medication?manufacturer.name=pfizer", {"med0301"}),
    # CareTeam/example's participant #pr1 is its contained Practitioner "Dorothy Dietician";
    # CarePlan/example refers to CareTeam/example (stored -> stored -> contained).
    ("CareTeam?participant.family=dietician", {"example"}),
    ("CarePlan?care-team.participant.family=dietician", {"example"}),
    # CarePlan/preg: #careteam (contained CareTeam) -> #pr1, a Practitioner contained in the
    # same CarePlan ("Mavis Midwife"): contained -> contained.
    ("CarePlan?care-team.participant.family=midwife", {"preg"}),
    ("CarePlan?care-team.participant.family:exact=midwif", set()),
    # CarePlans f201, f202, f203: #careteam -> Practitioner/f201 "Arend Bronsig" (stored).
    ("CarePlan?care-team.participant:Practitioner.family=bronsig", {"f201", "f202", "f203"}),
]


@pytest.mark.parametrize(("query", "expected"), CONTAINED_CASES)
async def test_chain_through_contained(examples_db: asyncpg.Pool, query: str,
                                       expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_chain(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


@pytest.mark.parametrize("name", ["subject.nonexistent", "status.code", "subject:Nope.name",
                                  "_has:Observation:code:status", "_has:Observation"])
def test_invalid_chains_are_rejected(name: str) -> None:
    with pytest.raises(FhirError):
        compile_query("Observation" if not name.startswith("_has") else "Patient",
                      [(name, "x")])
