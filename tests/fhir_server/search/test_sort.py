"""`_sort` keys (search.html#sort): parsing, the Python order, and key values of a version.

The Python order must be the order the SQL gives (paging places updated resources with it):
keys in turn, `-` descending, missing values last in both directions, then rid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fhir_server.errors import FhirError
from fhir_server.search.sort import SortKey, SortValue, parse_sort, row_order

PATIENT: dict[str, Any] = {
    "resourceType": "Patient", "id": "p1", "birthDate": "1980-05",
    "name": [{"family": "Zhang"}, {"family": "Li"}],
    "gender": "male",
}


def _codes(keys: list[SortKey]) -> list[tuple[str, bool, str]]:
    return [(k.code, k.descending, k.param_type) for k in keys]


def test_several_keys_with_descending() -> None:
    keys, unknown = parse_sort("Patient", ["birthdate,-family", "_id"], lenient=False)
    assert _codes(keys) == [("birthdate", False, "date"), ("family", True, "string"),
                            ("_id", False, "column")]
    assert unknown == []


def test_a_repeated_key_counts_once() -> None:
    keys, _ = parse_sort("Patient", ["gender,-gender"], lenient=False)
    assert _codes(keys) == [("gender", False, "token")]


def test_unknown_keys_are_set_aside_when_lenient_else_400() -> None:
    keys, unknown = parse_sort("Patient", ["nonsense,-_lastUpdated"], lenient=True)
    assert _codes(keys) == [("_lastUpdated", True, "column")]
    assert unknown == ["nonsense"]
    with pytest.raises(FhirError) as caught:
        parse_sort("Patient", ["nonsense"], lenient=False)
    assert caught.value.status == 400


@pytest.mark.parametrize("value", ["code-value-quantity", "birthdate,,gender"])
def test_unsortable_or_empty_keys_are_400(value: str) -> None:
    res_type = "Observation" if value.startswith("code") else "Patient"
    with pytest.raises(FhirError) as caught:
        parse_sort(res_type, [value], lenient=True)
    assert caught.value.status == 400


def _sorted(keys: str, rows: list[tuple[tuple[SortValue, ...], int]],
            backwards: bool = False) -> list[int]:
    parsed, _ = parse_sort("Patient", [keys], lenient=False)
    return [rid for _, rid in sorted(rows, key=row_order(parsed, backwards))]


def test_missing_values_sort_last_ascending_and_descending() -> None:
    rows: list[tuple[tuple[SortValue, ...], int]] = [
        (("b",), 1), ((None,), 2), (("a",), 3), (("b",), 4)]
    assert _sorted("family", rows) == [3, 1, 4, 2]
    assert _sorted("-family", rows) == [1, 4, 3, 2]  # ties broken by rid ascending
    assert _sorted("-family", rows, backwards=True) == [2, 3, 4, 1]


def test_second_key_orders_ties_of_the_first() -> None:
    rows: list[tuple[tuple[SortValue, ...], int]] = [
        (("chen", "1"), 1), (("abe", "5"), 2), (("chen", "3"), 3), (("chen", None), 4),
        ((None, "9"), 5)]
    assert _sorted("family,-_id", rows) == [2, 3, 1, 4, 5]


def test_values_of_a_version() -> None:
    moment = datetime(2024, 3, 1, tzinfo=UTC)
    keys, _ = parse_sort("Patient", ["birthdate,-birthdate,family,-family,gender,_id,"
                                     "_lastUpdated,general-practitioner"], lenient=False)
    by_code = {(k.code, k.descending): k.of_version(PATIENT, moment) for k in keys}
    # a repeated code counts once: -birthdate and -family are dropped
    assert by_code == {
        ("birthdate", False): datetime(1980, 5, 1, tzinfo=UTC),  # start of the month
        ("family", False): "li",  # lowest of zhang, li (index values are folded)
        ("gender", False): "male\x01",  # code, then system (none)
        ("_id", False): "p1",
        ("_lastUpdated", False): moment,
        ("general-practitioner", False): None,
    }


def test_descending_dates_take_the_end_of_the_latest_range() -> None:
    keys, _ = parse_sort("Patient", ["-birthdate"], lenient=False)
    assert keys[0].of_version(PATIENT, datetime.now(UTC)) == datetime(
        1980, 5, 31, 23, 59, 59, 999999, tzinfo=UTC)
    keys, _ = parse_sort("Patient", ["-family"], lenient=False)
    assert keys[0].of_version(PATIENT, datetime.now(UTC)) == "zhang"
