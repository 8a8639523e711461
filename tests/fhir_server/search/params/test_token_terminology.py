"""token `:in`, `:not-in`, `:above`, `:below` through the terminology seam (search.html#token).

A tiny fake provider stands in for the terminology module. It knows one value set and one
hierarchy over administrative-gender codes (`person` has the children female, male, other
and unknown), and, unlike the real thing, looks at codes only (Patient.gender is indexed
without a system). Genders in the R4 examples: female for the FEMALE set, other for pat2,
none for ihe-pcd, male for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query
from fhir_server.search.params import token
from fhir_server.search.sql import SqlArgs
from fhir_server.search.terminology import use_terminology

from ..test_search_sql import FEMALE, PATIENTS, search

VALUE_SET = "http://example.org/vs/female-or-other"
VALUE_SETS = {VALUE_SET: ["female", "other"]}
CHILDREN = {"person": ["female", "male", "other", "unknown"]}


class FakeTerminology:
    """Answers from the two dictionaries above, as conditions on the code column."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, object]] = []

    def in_value_set(self, value_set: str, system: str, code: str, args: SqlArgs) -> str:
        self.asked.append(("in", value_set))
        return f"{code} = ANY({args.add(VALUE_SETS.get(value_set, []))}::text[])"

    def subsumed_by(self, concept: tuple[str | None, str], system: str, code: str,
                    args: SqlArgs) -> str:
        self.asked.append(("below", concept))
        below = [concept[1], *CHILDREN.get(concept[1], [])]
        return f"{code} = ANY({args.add(below)}::text[])"

    def subsumes(self, concept: tuple[str | None, str], system: str, code: str,
                 args: SqlArgs) -> str:
        self.asked.append(("above", concept))
        above = [concept[1], *(p for p, c in CHILDREN.items() if concept[1] in c)]
        return f"{code} = ANY({args.add(above)}::text[])"


@pytest.fixture()
def fake() -> Iterator[FakeTerminology]:
    provider = FakeTerminology()
    use_terminology(provider)
    yield provider
    use_terminology(None)


CASES = [
    (f"Patient?gender:in={VALUE_SET}", FEMALE | {"pat2"}),
    # :not-in: no coding in the value set; ihe-pcd, with no gender at all, qualifies (as :not)
    (f"Patient?gender:not-in={VALUE_SET}", PATIENTS - FEMALE - {"pat2"}),
    ("Patient?gender:in=http://example.org/vs/unknown", set()),
    # :below: the concept or a descendant; :above: the concept or an ancestor
    ("Patient?gender:below=person", PATIENTS - {"ihe-pcd"}),
    ("Patient?gender:above=person", set()),
    ("Patient?gender:below=female", FEMALE),
    ("Patient?gender:above=|other", {"pat2"}),
    # alternatives are ORed, repeats ANDed
    (f"Patient?gender:in={VALUE_SET}&gender:below=female", FEMALE),
    ("Patient?gender:below=female,other", FEMALE | {"pat2"}),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_terminology_modifier(examples_db: asyncpg.Pool, fake: FakeTerminology,
                                    query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected


def test_the_provider_is_asked_with_the_parsed_concept(fake: FakeTerminology) -> None:
    query = compile_query("Observation", [("code:below", "http://loinc.org|8867-4"),
                                          ("code:above", "8480-6"),
                                          ("code:not-in", r"http://x/vs\,1")])
    query.where_sql("r", 1)
    assert fake.asked == [("below", ("http://loinc.org", "8867-4")), ("above", (None, "8480-6")),
                          ("in", "http://x/vs,1")]


@pytest.mark.parametrize("params", [
    [("gender:in", VALUE_SET)], [("gender:not-in", VALUE_SET)], [("gender:below", "person")],
    [("gender:above", "female")],
])
def test_without_a_provider_it_is_a_400_not_supported(params: list[tuple[str, str]]) -> None:
    query = compile_query("Patient", params)
    with pytest.raises(FhirError) as error:
        query.where_sql("r", 1)
    assert error.value.status == 400 and "terminology" in str(error.value)
    assert error.value.issues[0].code == "not-supported"


def test_above_and_below_need_a_code() -> None:
    with pytest.raises(FhirError) as error:
        token.parse_value("http://loinc.org|", "below")
    assert error.value.status == 400
