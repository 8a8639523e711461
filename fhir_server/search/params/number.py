"""Number search parameters (FHIR R4 search, 3.1.1.4.1 "number").

A query number carries its precision: `eq100` matches [99.5, 100.5) and `eq1e2` matches
[50, 150). `ap` allows 10% either way. Quantities reuse these comparisons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search.escaping import unescape
from fhir_server.search.params.prefix import split_prefix
from fhir_server.search.sql import SqlArgs

TABLE = "idx_number"
# A FHIR decimal, with the exponent search.html#number allows (`1e2`); at most 64
# characters and a 3-digit exponent, so PostgreSQL's numeric range always holds it.
_NUMBER = re.compile(r"(?=.{1,64}$)[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?")


@dataclass(frozen=True, slots=True)
class NumberValue:
    """A parsed query number: prefix, value and half a unit of its last significant digit."""

    prefix: str
    value: Decimal
    half_unit: Decimal


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number as Decimal (via its shortest text form), or None if it is not one."""
    if type(value) in (int, float):
        return Decimal(str(value))
    return None


def index_values(value: Any, type_code: str) -> list[tuple[Decimal]]:
    """The value of an integer or decimal element."""
    number = to_decimal(value)
    return [(number,)] if number is not None and number.is_finite() else []


def accepts(modifier: str) -> bool:
    """No modifiers besides `:missing`."""
    return False


def parse_number(text: str) -> NumberValue:
    """`[prefix]number`; a 400 when the number is malformed."""
    prefix, rest = split_prefix(text)
    if _NUMBER.fullmatch(rest) is None:  # Decimal() alone also takes " 1", "1_0", "Inf"
        raise bad_request(f"'{text}' is not a valid number")
    number = Decimal(rest)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return NumberValue(prefix, number, Decimal(5).scaleb(exponent - 1))


def parse_value(text: str, modifier: str | None) -> NumberValue:
    """A prefixed number."""
    return parse_number(unescape(text))


def value_sql(value: NumberValue, modifier: str | None, args: SqlArgs) -> str:
    """A condition on an idx_number row `i`."""
    return compare_sql(value, "i.value", args)


def compare_sql(value: NumberValue, column: str, args: SqlArgs) -> str:
    """Compare a numeric column with a prefixed number, precision-aware for eq/ne."""
    if value.prefix in ("eq", "ne", "ap"):
        margin = abs(value.value) / 10 if value.prefix == "ap" else value.half_unit
        lo, hi = args.add(value.value - margin), args.add(value.value + margin)
        inside = f"{column} >= {lo} AND {column} < {hi}"
        return f"NOT ({inside})" if value.prefix == "ne" else inside
    operator = {"gt": ">", "lt": "<", "ge": ">=", "le": "<=", "sa": ">", "eb": "<"}
    return f"{column} {operator[value.prefix]} {args.add(value.value)}"
