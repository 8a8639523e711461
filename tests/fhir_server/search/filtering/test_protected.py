"""`_filter` on protected values: phone numbers and resident ID numbers are indexed as digests.

Telecoms in the R4 examples (Patient-*.json): example (03) 5555 6473, (03) 3410 5613 and
(03) 5555 8834; ch-example 18337177888; f001 0648352638 and email p.heuvel@gmail.com;
f201 +31612345678 and +31201234567; genetics-example1 and mom 555-555-2003.
"""

from __future__ import annotations

import asyncpg
import pytest

from fhir_server.search import compile_query, protect

from ..test_search_sql import search

RESIDENT = "urn:oid:2.16.156.10011.1.3"

CASES = [
    ('telecom eq "phone|(03) 5555 6473"', {"example"}),
    ("phone eq 555-555-2003", {"genetics-example1", "mom"}),     # no system: digests tried
    ("phone eq 18337177888 or phone eq 0648352638", {"ch-example", "f001"}),
    ("telecom eq email|P.HEUVEL@gmail.com", {"f001"}),            # values never case sensitive
    ("telecom eq phone|", {"ch-example", "example", "f001", "f201", "genetics-example1",
                           "mom"}),
    # ne: some phone is not 555-555-2003 (example, ch-example, f001 and f201 have others)
    ('phone ne "555-555-2003"', {"ch-example", "example", "f001", "f201"}),
    # identifiers outside the protected systems stay in clear: ch-example's 3112219680806371X
    ("identifier eq 3112219680806371x", {"ch-example"}),
]


@pytest.mark.integration
@pytest.mark.parametrize(("expression", "expected"), CASES)
async def test_protected_values(examples_db: asyncpg.Pool, expression: str,
                                expected: set[str]) -> None:
    assert await search(examples_db, f"Patient?_filter={expression}") == expected


def test_a_resident_id_is_searched_by_its_digest_only() -> None:
    query = compile_query("Patient", [("_filter", f"identifier eq {RESIDENT}|41022519900101123x")])
    values = _values(query.where_sql("r", 1)[1])
    assert protect.digest("41022519900101123X") in values
    assert not any("4102" in value for value in values)


def test_a_number_without_system_is_also_tried_as_a_digest() -> None:
    # the index cannot tell an ID from a phone number, so both digests are tried (protect.py)
    _, args = compile_query("Patient", [("_filter", "phone eq 13800138000")]).where_sql("r", 1)
    assert protect.digest("13800138000") in _values(args)


def _values(args: list[object]) -> list[str]:
    """The SQL arguments as text, lists flattened."""
    return [str(v) for arg in args for v in (arg if isinstance(arg, list) else [arg])]
