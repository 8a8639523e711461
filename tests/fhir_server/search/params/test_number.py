"""Numbers and quantities: implicit precision and index rows."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from fhir_server.errors import FhirError
from fhir_server.search.params import number, quantity
from fhir_server.search.sql import SqlArgs

from ..test_search_sql import search


def test_implicit_precision() -> None:
    assert number.parse_number("100").half_unit == Decimal("0.5")
    assert number.parse_number("100.00").half_unit == Decimal("0.005")
    assert number.parse_number("1e2").half_unit == Decimal("5E+1")
    assert number.parse_number("ap-5").prefix == "ap"


def test_number_index_values() -> None:
    assert number.index_values(0.1, "decimal") == [(Decimal("0.1"),)]
    assert number.index_values(3, "integer") == [(Decimal(3),)]
    assert number.index_values(True, "boolean") == []


def test_quantity_index_values() -> None:
    assert quantity.index_values({"value": 5, "unit": "mg"}, "Quantity") == [("", "mg",
                                                                             Decimal(5))]
    assert quantity.index_values({"low": {"value": 1}, "high": {"value": 2, "code": "a"}},
                                 "Range") == [("", "", Decimal(1)), ("", "a", Decimal(2))]
    assert quantity.index_values({"unit": "mg"}, "Quantity") == []


@pytest.mark.parametrize("text", ["1_0", " 1", "Infinity", "NaN", "1.", ".5", "1e1000", "gt",
                                  "0x10", "１２"])
def test_malformed_numbers_are_400(text: str) -> None:
    with pytest.raises(FhirError) as raised:
        number.parse_number(text)
    assert raised.value.status == 400


def test_sql_ranges() -> None:
    # eq and ne use the implicit range of the significant figures; ap 10% of the value.
    args = SqlArgs(1)
    assert number.compare_sql(number.parse_number("ne100"), "v", args) == \
        "NOT (v >= $1 AND v < $2)"
    assert args.values == [Decimal("99.5"), Decimal("100.5")]
    args = SqlArgs(1)
    number.compare_sql(number.parse_number("ap200"), "v", args)
    assert args.values == [Decimal(180), Decimal(220)]


# RiskAssessment.prediction.probability in the R4 examples: cardiac 0.02; riskexample
# 0.000368; genetic 0.000168, 0.000368, 0.000594, 0.000838, 0.001089, 0.001327, 0.00153,
# 0.001663; breastcancer-risk and prognosis have none.
@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), [
    ("probability=0.02", {"cardiac"}),                      # [0.015, 0.025)
    ("probability=2e-2", {"cardiac"}),                      # the same precision
    ("probability=0.0004", {"genetic", "riskexample"}),     # [0.00035, 0.00045)
    ("probability=0.00040", set()),                         # [0.000395, 0.000405)
    ("probability=ne0.02", {"genetic", "riskexample"}),     # a value outside the range
    ("probability=ap0.0015", {"genetic"}),                  # [0.00135, 0.00165)
    ("probability=lt0.000168", set()),
    ("probability=le0.000168", {"genetic"}),
    ("probability=gt0.02", set()),
    ("probability=ge0.02", {"cardiac"}),
    ("probability=sa0.0016", {"cardiac", "genetic"}),
    ("probability=eb0.0002", {"genetic"}),
    ("probability=0.02,0.000168", {"cardiac", "genetic"}),  # OR
    ("probability=gt0.001&probability=lt0.0011", {"genetic"}),  # AND: 0.001089
])
async def test_search(examples_db: asyncpg.Pool, query: str, expected: set[str]) -> None:
    assert await search(examples_db, f"RiskAssessment?{query}") == expected
