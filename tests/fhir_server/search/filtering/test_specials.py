"""`_filter` on full text, `_list`, composite parameters and `phonetic`, over the R4 examples.

Expected sets were worked out by hand from the example files; the data used is quoted.
"""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query

from ..test_search_sql import PATIENTS, search

SYSTOLIC = "http://loinc.org|8480-6"

FULL_TEXT = [
    # Narratives naming Chalmers: Patient/example (Peter James Chalmers) and Patient/animal
    # (its owner). "Windsor" (example's former family name) is in the data, not the narrative.
    ("Patient?_filter=_text eq chalmers", {"animal", "example"}),
    ("Patient?_filter=_text co CHALMERS", {"animal", "example"}),
    ("Patient?_filter=_text eq windsor", set()),
    ("Patient?_filter=_content co windsor", {"example"}),
    ("Patient?_filter=not(_text eq chalmers)", PATIENTS - {"animal", "example"}),
    ("Patient?_filter=_text eq chalmers and gender eq male", {"example"}),  # animal: female
    # Encounters emerg, example and home are about Patient/example.
    ("Encounter?_filter=subject._text eq chalmers", {"emerg", "example", "home"}),
]
LISTS = [
    # List/example: Condition/example and Condition/example2; List/genetic: family-history.
    ("Condition?_filter=_list eq example", {"example", "example2"}),
    ("Condition?_filter=_list eq example or _list eq genetic",
     {"example", "example2", "family-history"}),
    ("Condition?_filter=_list eq example and not(_id eq example)", {"example2"}),
    # Patient/f201's Conditions: f203 and f205 active, f204 inactive, f201 and f202 resolved.
    ("Condition?_filter=_list eq $current-problems and patient re Patient/f201",
     {"f203", "f205"}),
]
COMPOSITES = [
    # Observation/blood-pressure: systolic (8480-6) 107 mm[Hg], diastolic (8462-4) 60;
    # blood-pressure-dar: systolic 107, diastolic without a value.
    (f"Observation?_filter=component-code-value-quantity eq {SYSTOLIC}$gt100",
     {"blood-pressure", "blood-pressure-dar"}),
    (f"Observation?_filter=component-code-value-quantity eq {SYSTOLIC}$lt100", set()),
    ("Observation?_filter=component-code-value-quantity eq http://loinc.org|8462-4$lt100",
     {"blood-pressure"}),
    # body-temperature 8310-5 = 36.5 Cel; f202 39 Cel
    ("Observation?_filter=code-value-quantity eq http://loinc.org|8310-5$ge36.5 and "
     "code-value-quantity eq http://loinc.org|8310-5$lt37", {"body-temperature"}),
    # DocumentReference/example relatesTo DocumentReference/example with code appends (its
    # only relatesTo; no other DocumentReference has one).
    ("DocumentReference?_filter=relationship eq DocumentReference/example$appends",
     {"example"}),
    ("DocumentReference?_filter=relationship ne DocumentReference/example$appends", set()),
    ("DocumentReference?_filter=relationship ne DocumentReference/example$replaces",
     {"example"}),
    ("DocumentReference?_filter=relationship pr true", {"example"}),
]
PHONETIC = [
    # Patient/ch-example is named 张无忌 (zhang wu ji); no other example name reads zhang.
    ("Patient?_filter=phonetic eq zhangwuji", {"ch-example"}),
    ('Patient?_filter=phonetic eq "Zhang Wuji"', {"ch-example"}),
    ("Patient?_filter=phonetic sw 張", {"ch-example"}),             # traditional character
    ("Patient?_filter=phonetic co wuji", {"ch-example"}),
    ("Patient?_filter=phonetic eq zhang", set()),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), FULL_TEXT + LISTS + COMPOSITES + PHONETIC)
async def test_specials(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


@pytest.mark.parametrize(("resource_type", "expression", "message"), [
    ("Patient", "_text ne chalmers", "operator 'ne' does not apply to '_text' (only eq or co)"),
    ("Condition", "_list co example", "operator 'co' does not apply to '_list' (only eq)"),
    ("Condition", "_list eq $no-such", "unknown functional list '$no-such'"),
    ("Observation", f"component-code-value-quantity gt {SYSTOLIC}$100",
     "operator 'gt' does not apply to 'component-code-value-quantity' (only eq or ne)"),
    ("Observation", f"component-code-value-quantity eq {SYSTOLIC}",
     "takes 2 values separated by '$'"),
    ("Patient", 'phonetic eq "!!"', "phonetic search needs Chinese characters or letters"),
    ("Patient", "phonetic po 2020", "operator 'po' does not apply to string parameter"),
])
def test_invalid(resource_type: str, expression: str, message: str) -> None:
    with pytest.raises(FhirError) as error:
        compile_query(resource_type, [("_filter", expression)])
    assert error.value.status == 400
    assert message in str(error.value) and "_filter at character 1" in str(error.value)
