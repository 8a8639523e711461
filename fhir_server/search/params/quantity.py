"""Quantity search parameters (FHIR R4 search, 3.1.1.4.3 "quantity").

Rows are (system, code, value); the code falls back to the unit when the data has no code,
so `5||mg` finds either. Ranges index their low and high; Money indexes its currency.
Unit conversion (UCUM canonical forms) is not done yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.params.number import NumberValue, compare_sql, parse_number, to_decimal
from fhir_server.search.sql import SqlArgs

TABLE = "idx_quantity"
Row = tuple[str, str, Decimal]


@dataclass(frozen=True, slots=True)
class QuantityValue:
    """A parsed query quantity: the number with its prefix, and optional system and code."""

    number: NumberValue
    system: str | None
    code: str | None


def _row(value: Any) -> list[Row]:
    if type(value) is not dict:
        return []
    number = to_decimal(value.get("value"))
    if number is None or not number.is_finite():
        return []
    code = value.get("code") or value.get("unit") or value.get("currency") or ""
    return [(value.get("system") or "", code, number)]


def index_values(value: Any, type_code: str) -> list[Row]:
    """(system, code, value) for a Quantity-like value, or for each bound of a Range."""
    if type_code == "Range" and type(value) is dict:
        return _row(value.get("low")) + _row(value.get("high"))
    return _row(value)


def accepts(modifier: str) -> bool:
    """No modifiers besides `:missing`."""
    return False


def parse_value(text: str, modifier: str | None) -> QuantityValue:
    """`[prefix]number[|system[|code]]`, e.g. `gt100|http://unitsofmeasure.org|kg`."""
    parts = split_unescaped(text, "|")
    if len(parts) not in (1, 3):
        raise bad_request(f"quantity '{text}' must be number or number|system|code")
    number = parse_number(unescape(parts[0]))
    if len(parts) == 1:
        return QuantityValue(number, None, None)
    system, code = unescape(parts[1]), unescape(parts[2])
    return QuantityValue(number, system or None, code or None)


def value_sql(value: QuantityValue, modifier: str | None, args: SqlArgs) -> str:
    """Compare the value; match system and code when given."""
    conditions = [compare_sql(value.number, "i.value", args)]
    if value.system is not None:
        conditions.append(f"i.system = {args.add(value.system)}")
    if value.code is not None:
        conditions.append(f"i.code = {args.add(value.code)}")
    return " AND ".join(conditions)
