"""`in`, `ni`, `ss` and `sb` in `_filter`, answered by a tiny terminology provider.

The fake knows one value set and one hierarchy over administrative-gender codes:
`person` has the children female, male, other and unknown.
"""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query
from fhir_server.search.sql import SqlArgs
from fhir_server.search.terminology import use_terminology

from ..test_search_sql import FEMALE, PATIENTS, search

pytestmark = pytest.mark.integration

VALUE_SETS = {"http://example.org/vs/female-or-other": ["female", "other"]}
CHILDREN = {"person": ["female", "male", "other", "unknown"]}


class FakeTerminology:
    """Codes only (Patient.gender is indexed without a system)."""

    def in_value_set(self, value_set: str, system: str, code: str, args: SqlArgs) -> str:
        return f"{code} = ANY({args.add(VALUE_SETS.get(value_set, []))}::text[])"

    def subsumed_by(self, concept: tuple[str | None, str], system: str, code: str,
                    args: SqlArgs) -> str:
        below = [concept[1], *CHILDREN.get(concept[1], [])]
        return f"{code} = ANY({args.add(below)}::text[])"

    def subsumes(self, concept: tuple[str | None, str], system: str, code: str,
                 args: SqlArgs) -> str:
        above = [concept[1], *(p for p, c in CHILDREN.items() if concept[1] in c)]
        return f"{code} = ANY({args.add(above)}::text[])"


@pytest.fixture()
def fake_terminology() -> Iterator[None]:
    use_terminology(FakeTerminology())
    yield
    use_terminology(None)


CASES = [
    ("gender in http://example.org/vs/female-or-other", FEMALE | {"pat2"}),
    # ni: none of the concepts is in the value set (ihe-pcd has no gender at all)
    ("gender ni http://example.org/vs/female-or-other", PATIENTS - FEMALE - {"pat2"}),
    ("not(gender in http://example.org/vs/female-or-other)", PATIENTS - FEMALE - {"pat2"}),
    # ss: the value subsumes a concept in the set; sb: the value is subsumed by one
    ("gender ss person", PATIENTS - {"ihe-pcd"}),
    ("gender sb person", set()),
    ("gender ss female", FEMALE),
    ("gender sb female", FEMALE),
    ("gender sb |other", {"pat2"}),
]


@pytest.mark.usefixtures("fake_terminology")
@pytest.mark.parametrize(("expression", "expected"), CASES)
async def test_terminology(examples_db: asyncpg.Pool, expression: str,
                           expected: set[str]) -> None:
    assert await search(examples_db, f"Patient?_filter={expression}") == expected


def test_without_a_provider_it_is_a_400() -> None:
    query = compile_query("Patient", [("_filter", "gender in http://example.org/vs/x")])
    with pytest.raises(FhirError) as error:
        query.where_sql("r", 1)
    assert error.value.status == 400 and "terminology" in str(error.value)
