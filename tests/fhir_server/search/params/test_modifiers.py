"""token `:text` and `:of-type`, reference `:identifier`, over the R4 examples."""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query
from fhir_server.search.params import modifiers

from ..test_search_sql import search

V2 = "http://terminology.hl7.org/CodeSystem/v2-0203"


def test_text_rows_of_a_codeable_concept() -> None:
    concept = {"text": "高血壓", "coding": [{"code": "I10", "display": "Essential Hypertension"}]}
    assert modifiers.text_values(concept, "CodeableConcept") == [("高血压",),
                                                                 ("essential hypertension",)]


def test_of_type_rows_hash_a_protected_value() -> None:
    identifier = {"system": "urn:oid:2.16.156.10011.1.3", "value": "41022519850314002X",
                  "type": {"coding": [{"system": V2, "code": "NI"}]}}
    [(system, code)] = modifiers.of_type_values(identifier, "Identifier")
    assert system == V2 and code.startswith("NI|hmac:")


CASES = [
    # Condition.code: text or a coding's display, folded, starts-with (search.html#token).
    ("Condition?code:text=burn", {"example"}),          # display "Burn of ear", text "Burnt Ear"
    ("Condition?code:text=asthma", {"example2"}),        # text only, no coding
    ("Condition?code:text=bacterial", {"f203", "f205"}),
    ("Condition?code:text=sepsis", set()),               # starts-with, not contains
    ("Condition?code:text=ISCHEMIC STROKE", {"stroke"}),
    # identifier:of-type: Patients whose MR-typed identifier has the value.
    (f"Patient?identifier:of-type={V2}|MR|12345", {"example", "xcda"}),
    (f"Patient?identifier:of-type={V2}|MR|123456", {"pat2", "glossy"}),
    (f"Patient?identifier:of-type={V2}|MR|1234", set()),  # exact value, not a prefix
    (f"Patient?identifier:of-type={V2}|SS|12345", set()),
    # Claim/100154: patient given by identifier only.
    ("Claim?patient:identifier=http://www.jurisdiction.com/nationalId|123AB345", {"100154"}),
    ("Claim?patient:identifier=123AB345", {"100154"}),
    ("Claim?patient:identifier=http://other|123AB345", set()),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_modifier(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


@pytest.mark.parametrize("params", [
    [("identifier:of-type", "MR|12345")], [("identifier:of-type", f"{V2}||12345")],
    [("name:of-type", f"{V2}|MR|1")], [("gender:identifier", "x")],
])
def test_bad_modifier_use(params: list[tuple[str, str]]) -> None:
    with pytest.raises(FhirError) as error:
        compile_query("Patient", params)
    assert error.value.status == 400
