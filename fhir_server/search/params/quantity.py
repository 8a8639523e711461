"""Quantity search parameters (FHIR R4 search, 3.1.1.4.3 "quantity").

Rows are (system, code, value); the code falls back to the unit when the data has no code,
and a unit that differs from the code gets a row of its own without system, so `5||mg`
finds either ("matched against the code or the unit"). Ranges index their low and high;
Money indexes its currency.
A UCUM value of a unit `ucum.py` knows gets a second row in canonical units (system
`ucum.CANONICAL_SYSTEM`); a query `number|http://unitsofmeasure.org|unit` in such a unit
compares canonical to canonical, so `gt100|http://unitsofmeasure.org|[lb_av]` finds 50 kg
and `97.7|http://unitsofmeasure.org|[degF]` finds 36.5 Cel.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.params import ucum
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
    system = value.get("system") or ""
    rows = [(system, code, number)]
    if system == ucum.SYSTEM and (found := ucum.canonical(code, number)) is not None:
        rows.append((ucum.CANONICAL_SYSTEM, found[0], found[1]))
    unit = value.get("unit")
    if type(unit) is str and unit and unit != code:  # `5||unit` matches the unit too
        rows.append(("", unit, number))
    return rows


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


def _canonical(value: QuantityValue) -> QuantityValue | None:
    """The query in canonical units, when it is a UCUM unit ucum.py knows."""
    if value.system != ucum.SYSTEM or value.code is None:
        return None
    found = ucum.conversion(value.code)
    if found is None:
        return None
    unit, slope, offset = found
    n = value.number
    if n.prefix == "ap":  # 10% of the value in its own unit (36 Cel, not 309 K): an eq range
        number = NumberValue("eq", n.value * slope + offset, abs(n.value) / 10 * slope)
    else:
        number = NumberValue(n.prefix, n.value * slope + offset, n.half_unit * slope)
    return QuantityValue(number, ucum.CANONICAL_SYSTEM, unit)


def value_sql(value: QuantityValue, modifier: str | None, args: SqlArgs) -> str:
    """Compare the value; match system and code when given (canonical units for UCUM)."""
    value = _canonical(value) or value
    conditions = [compare_sql(value.number, "i.value", args)]
    if value.system is not None:
        conditions.append(f"i.system = {args.add(value.system)}")
    else:  # the canonical rows repeat values in other units: only the stored ones count
        conditions.append(f"i.system <> '{ucum.CANONICAL_SYSTEM}'")
    if value.code is not None:
        conditions.append(f"i.code = {args.add(value.code)}")
    return " AND ".join(conditions)
