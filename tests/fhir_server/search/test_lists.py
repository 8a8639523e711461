"""`_list` over the R4 examples: stored Lists and the functional lists of list.html."""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query

from .test_search_sql import search

pytestmark = pytest.mark.integration

CASES = [
    # List/example has entries Condition/example and Condition/example2.
    ("Condition?_list=example", {"example", "example2"}),
    # List/current-allergies names AllergyIntolerance example and medication.
    ("AllergyIntolerance?_list=current-allergies", {"example", "medication"}),
    ("Condition?_list=example-empty", set()),
    ("Condition?_list=no-such-list", set()),
    # An item of another type is not a Condition.
    ("Patient?_list=example", set()),
    # OR: the Conditions of either list; List/genetic names Condition/family-history.
    ("Condition?_list=example,genetic", {"example", "example2", "family-history"}),
    # Patient/example's Conditions example, example2, family-history and stroke are all
    # clinicalStatus active.
    ("Condition?patient=example&_list=$current-problems",
     {"example", "example2", "family-history", "stroke"}),
    # Patient/f201: f203 and f205 are active, f204 inactive, f201 and f202 resolved.
    ("Condition?patient=f201&_list=$current-problems", {"f203", "f205"}),
    # Patient/example's allergies are all active; only `medication` has category medication.
    ("AllergyIntolerance?patient=example&_list=$current-allergies",
     {"example", "fishallergy", "medication", "nkla"}),
    ("AllergyIntolerance?patient=example&_list=$current-drug-allergies", {"medication"}),
    # Patient/pat1's statements are active except example005 (entered-in-error).
    ("MedicationStatement?patient=pat1&_list=$current-medications",
     {"example001", "example002", "example003", "example004", "example006", "example007"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_list(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


@pytest.mark.parametrize("params", [
    [("_list", "$current-problems")],            # functional list of Conditions asked of Patient
    [("_list", "$no-such-functional-list")],
    [("_list:missing", "true")],
    [("_list", "a,,b")],
])
def test_bad_list(params: list[tuple[str, str]]) -> None:
    with pytest.raises(FhirError) as error:
        compile_query("Patient", params)
    assert error.value.status == 400
