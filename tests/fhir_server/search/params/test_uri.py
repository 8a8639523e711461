"""URI index values, query SQL, and `:above` / `:below` over the R4 examples."""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.search.params.uri import index_values, parse_value, value_sql
from fhir_server.search.sql import SqlArgs

from ..test_search_sql import search


def test_versioned_canonical_is_indexed_with_and_without_version() -> None:
    assert index_values("http://x/a|2", "canonical") == [("http://x/a|2",), ("http://x/a",)]
    assert index_values("http://x/a", "uri") == [("http://x/a",)]
    assert index_values("", "uri") == []


@pytest.mark.parametrize(("modifier", "sql"), [
    (None, "i.uri = $1"), ("below", "i.uri LIKE $1"), ("above", "starts_with($1, i.uri)"),
])
def test_value_sql(modifier: str | None, sql: str) -> None:
    args = SqlArgs(1)
    assert value_sql(parse_value(r"http://x/a\,b", modifier), modifier, args) == sql
    assert args.values == ["http://x/a,b%" if modifier == "below" else "http://x/a,b"]


GENDER = "http://hl7.org/fhir/ValueSet/administrative-gender"
CASES = [
    # :below: the stored URL is the value or starts with it; :above: the value starts with it
    (f"ValueSet?url:below={GENDER}", {"administrative-gender"}),
    (f"ValueSet?url:above={GENDER}", {"administrative-gender"}),
    (f"ValueSet?url:above={GENDER}/_history/5", {"administrative-gender"}),
    (f"ValueSet?url:below={GENDER}/_history/5", set()),
    ("ValueSet?url:above=http://hl7.org/fhir/ValueSet/administrative", set()),
    ("ValueSet?url=http://hl7.org/fhir/ValueSet/administrative", set()),
]


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_uri_search(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, query) == expected
