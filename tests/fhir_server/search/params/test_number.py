"""Numbers and quantities: implicit precision and index rows."""

from __future__ import annotations

from decimal import Decimal

from fhir_server.search.params import number, quantity


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
