"""`_total=accurate|estimate` (search.html#total) and keyset pages over the R4 examples.

Counts read off the example files: 22 Patients, 7 of them female; 7 Observations about
Patient/f001 (see test_search_sql.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from fhir_server.search import compile_query
from fhir_server.search.sort import parse_sort
from fhir_server.storage.search import Branch, Position, count, estimate, page_rows

from .test_search_sql import F001_OBSERVATIONS, FEMALE, PATIENTS

pytestmark = pytest.mark.integration


def _branch(res_type: str, pairs: list[tuple[str, str]], sort: str = "") -> Branch:
    keys, _ = parse_sort(res_type, [sort] if sort else [], lenient=False)
    return Branch(res_type, compile_query(res_type, pairs).clauses, keys)


async def test_accurate_counts(examples_db: asyncpg.Pool) -> None:
    async with examples_db.acquire() as conn:
        assert await count(conn, [_branch("Patient", [])]) == len(PATIENTS)
        female = _branch("Patient", [("gender", "female")])
        f001 = _branch("Observation", [("subject", "Patient/f001")])
        assert await count(conn, [female]) == len(FEMALE)
        assert await count(conn, [female, f001]) == len(FEMALE) + len(F001_OBSERVATIONS)


async def test_estimates_are_exact_below_the_threshold(examples_db: asyncpg.Pool) -> None:
    async with examples_db.acquire() as conn:
        assert await estimate(conn, [_branch("Patient", [])], 1000) == len(PATIENTS)
        # above the threshold the planner answers: at least the rows counted, never exact
        # by promise, but of the right order after ANALYZE
        planned = await estimate(conn, [_branch("Patient", [])], 5)
        assert 5 <= planned <= 10 * len(PATIENTS)


async def test_keyset_pages_walk_every_match_once(examples_db: asyncpg.Pool) -> None:
    """Pages of 3 over the female Patients sorted by -birthdate, each page starting past the
    last row of the one before. Their birthDates: infant-twin-1 2017-05-15, animal
    2010-03-23, infant-mom 1995-10-12, pat4 1982-08-02, mom and genetics-example1 both
    1973-05-31 (a tie broken by rid), proband 1966-04-04."""
    branch = _branch("Patient", [("gender", "female")], "-birthdate")
    found: list[str] = []
    position: Position | None = None
    async with examples_db.acquire() as conn:
        while True:
            rows = await page_rows(conn, [branch], position, False, datetime.now(UTC), 4)
            found += [m.stored.res_id for m in rows[:3]]
            if len(rows) <= 3:
                break
            position = rows[2].position
    assert found[:4] == ["infant-twin-1", "animal", "infant-mom", "pat4"]
    assert set(found[4:6]) == {"mom", "genetics-example1"}
    assert found[6:] == ["proband"]
