"""Chains, sub-filters on a path, `_has`, and the spec's Additional Parameters in `_filter`.

Expected sets were worked out by hand from the R4 examples; the data used is quoted.
"""

from __future__ import annotations

import asyncpg
import pytest

from ..test_search_sql import F001_OBSERVATIONS, search

pytestmark = pytest.mark.integration

ENCOUNTERS = {"emerg", "example", "f001", "f002", "f003", "f201", "f202", "f203", "home", "xcda"}
# Encounter.subject: emerg, example, home -> Patient/example; f001-f003 -> Patient/f001;
# f201-f203 -> Patient/f201; xcda -> Patient/xcda.
# Patient example: male, 1974, Organization/1 (Gastroenterology); f001: male, 1944,
# Organization/f001 (Burgers University Medical Center); f201: male, 1960, Organization/f201
# (Artis University Medical Center); xcda: male, 1932, Organization/2.16.840.1.113883.19.5
# (Good Health Clinic).
CHAINS = [
    ('Observation?_filter=subject.family eq "van de heuvel"', F001_OBSERVATIONS),
    ('Observation?_filter=subject:Patient.family eq "VAN DE HEUVEL"', F001_OBSERVATIONS),
    ('Encounter?_filter=subject.organization.name eq "Burgers University Medical Center"',
     {"f001", "f002", "f003"}),
    ('Encounter?_filter=subject.organization.name co "university"',
     {"f001", "f002", "f003", "f201", "f202", "f203"}),
    ('Encounter?_filter=not(subject.family eq "chalmers")', ENCOUNTERS - {"emerg", "example",
                                                                         "home"}),
    ("Encounter?_filter=subject.birthdate lt 1950 and status eq finished",
     {"f001", "f002", "f003", "xcda"}),
]
SUB_FILTERS = [
    # the example from the brief: the sub-filter and the rest of the path on one Patient
    ('Encounter?_filter=subject[gender eq male and birthdate lt 1950].organization.name '
     'sw "Burgers"', {"f001", "f002", "f003"}),
    ('Encounter?_filter=subject[gender eq male and birthdate lt 1950].organization.name '
     'sw "Good"', {"xcda"}),
    ('Encounter?_filter=subject[birthdate ge 1950].organization.name sw "Good"', set()),
    ('Encounter?_filter=subject[not(family eq bor)].organization[name co medical].name '
     'co university', {"f001", "f002", "f003"}),
    # Appointment actors: 2docs: Patient/example (Chalmers, male), Practitioner/example
    # (Careful, no gender), Practitioner/f202 (Maas, male); example: Patient/example,
    # Practitioner/example, Location/1; examplereq: Patient/example, Location/1.
    # One actor must be both: Careful has no gender, so nothing matches, although some
    # actor is named Careful and some actor is male.
    ('Appointment?_filter=actor[family eq "careful"].gender eq male', set()),
    ('Appointment?_filter=actor[family eq "maas"].gender eq male', {"2docs"}),
    ('Appointment?_filter=actor[family eq "chalmers"].gender eq male',
     {"2docs", "example", "examplereq"}),
    ('Appointment?_filter=actor[family eq "careful"]._id eq example and '
     'actor[gender eq male].family eq maas', {"2docs"}),
]
HAS = [
    # Observation heart-rate (LOINC 8867-4) has subject Patient/example.
    ("Patient?_filter=_has:Observation:subject:code eq loinc|8867-4", {"example"}),
    ("Patient?_filter=not(_has:Observation:subject:code eq loinc|8867-4) and family eq "
     "chalmers", set()),
    # Encounter f203 (finished, March 2013) is about f201; emerg (in progress, with a
    # start) is about example.
    ("Patient?_filter=_has:Encounter:subject[status eq finished].date po 2013-03", {"f201"}),
    ("Patient?_filter=_has:Encounter:subject[status eq in-progress].date po 2013-03", set()),
    ("Patient?_filter=_has:Encounter:subject[status eq in-progress].date pr true",
     {"example"}),
]
GROUPS = [
    # DocumentReference example: relatesTo [{code: appends, target: DocumentReference/example}]
    ("DocumentReference?_filter=relatesTo[code eq appends].target re DocumentReference/example",
     {"example"}),
    ("DocumentReference?_filter=relatesTo[code eq replaces].target re "
     "DocumentReference/example", set()),
    # Group example-patientlist: characteristic code http://example.org|attributed-to with a
    # valueReference (no token value); Groups 101 and herd1 have codes with text only.
    ("Group?_filter=characteristic[code eq http://example.org|attributed-to].value pr false",
     {"example-patientlist"}),
    ("Group?_filter=characteristic[code eq attributed-to].value pr true", set()),
]


@pytest.mark.parametrize(("query", "expected"), CHAINS + SUB_FILTERS + HAS + GROUPS)
async def test_paths(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
