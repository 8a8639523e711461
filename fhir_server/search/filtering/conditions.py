"""What each `_filter` operator means for each parameter type, as a condition on index row `i`.

The table of search_filter.html#ops: which operators apply to string, number, date, token,
reference and quantity parameters and how; uri (absent from that table) takes the string
operators and `ss`/`sb` as `:below`/`:above`. Values "are never case sensitive": strings
are compared in their normalised (case-folded) form and token codes and systems with
`lower()` (protected identifiers and phone numbers by their digest, `protect.py`).
String gt/lt/ge/le compare whole values by code points. A maker returns None when the
operator does not apply to the type. `pr` and `ni` (`in`, negated) are handled by the
caller for every type alike; composites, `phonetic` and full text are in `specials.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fhir_server.errors import bad_request
from fhir_server.search import protect
from fhir_server.search.escaping import split_unescaped
from fhir_server.search.filtering.clauses import RowCondition
from fhir_server.search.params import date, number, quantity, reference, string, token
from fhir_server.search.params.date import DateValue
from fhir_server.search.params.number import NumberValue
from fhir_server.search.sql import SqlArgs, escape_like, like_prefix, starts_with_sql
from fhir_server.search.terminology import terminology

Maker = Callable[[str, str], RowCondition | None]
"""(operator, value text) -> a condition on index row `i`, or None: not for this type."""

ORDERED = frozenset({"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"})
# search_filter.html#ops, note: "the codes loinc, snomed, rxnorm and ucum are predefined".
SYSTEMS = {
    "loinc": "http://loinc.org",
    "snomed": "http://snomed.info/sct",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "ucum": "http://unitsofmeasure.org",
}
_TEXT_SQL = {"eq": "{c} = {v}", "ne": "{c} <> {v}", "gt": "{c} ~>~ {v}", "lt": "{c} ~<~ {v}",
             "ge": "{c} ~>=~ {v}", "le": "{c} ~<=~ {v}"}
TEXT_OPERATORS = frozenset({*_TEXT_SQL, "co", "sw", "ew"})


def text_condition(column: str, op: str, value: str) -> RowCondition | None:
    """eq ne co sw ew on a text column; gt lt ge le by code points (`~>~`: byte order)."""
    if op in _TEXT_SQL:
        return lambda a: _TEXT_SQL[op].format(c=column, v=a.add(value))
    if op == "co":
        return lambda a: f"{column} LIKE {a.add('%' + escape_like(value) + '%')}"
    if op == "ew":
        return lambda a: f"{column} LIKE {a.add('%' + escape_like(value))}"
    if op == "sw":
        return lambda a: starts_with_sql(column, value, a)
    return None


def string_condition(op: str, text: str) -> RowCondition | None:
    """String: on the normalised value (case-insensitive, per the operator table)."""
    return text_condition("i.value", op, string.normalise(text))


def uri_condition(op: str, text: str) -> RowCondition | None:
    """URI: the string operators (case-sensitive); ss: `:below`, sb: `:above`."""
    if op == "ss":
        return lambda a: f"i.uri LIKE {a.add(like_prefix(text))}"
    if op == "sb":
        return lambda a: f"starts_with({a.add(text)}, i.uri)"
    return None if op in ("gt", "lt", "ge", "le") else text_condition("i.uri", op, text)


def parse_number(text: str) -> NumberValue:
    """A plain number (the operator stands apart, so no prefix); a 400 when malformed."""
    value = number.parse_number(text)
    if value.prefix != "eq" or text[:1] not in set("0123456789+-."):
        raise bad_request(f"'{text}' is not a valid number")
    return value


def number_condition(op: str, text: str) -> RowCondition | None:
    """Number: the search prefixes; co: the stored value's own precision covers the value."""
    if op not in ORDERED and op != "co":
        return None
    value = parse_number(text)
    if op == "co":
        half = "0.5 * power(10::numeric, -scale(i.value))"
        return lambda a: (f"i.value - {half} <= {a.add(value.value)} "
                          f"AND i.value + {half} > {a.add(value.value)}")
    return lambda a: number.compare_sql(replace(value, prefix=op), "i.value", a)


def parse_date(text: str) -> DateValue:
    """The range a date value covers, as an `eq` DateValue; a 400 when it is not a date."""
    found = date.parse_range(text)
    if found is None:
        raise bad_request(f"'{text}' is not a valid date (expected e.g. 2020-01-31T10:00:00Z)")
    return DateValue("eq", *found)


def date_range_condition(op: str, text: str, lo: str, hi: str) -> RowCondition | None:
    """Date against the target range [lo, hi]: search prefixes, co (contains), po (overlaps)."""
    if op not in ORDERED and op not in ("co", "po"):
        return None
    value = parse_date(text)
    if op == "co":
        return lambda a: f"{lo} <= {a.add(value.lo)} AND {hi} >= {a.add(value.hi)}"
    if op == "po":
        return lambda a: f"{lo} <= {a.add(value.hi)} AND {hi} >= {a.add(value.lo)}"
    return lambda a: date.range_sql(replace(value, prefix=op), lo, hi, a)


def date_condition(op: str, text: str) -> RowCondition | None:
    """Date: on the index row's range."""
    return date_range_condition(op, text, "i.lo", "i.hi")


def quantity_condition(op: str, text: str) -> RowCondition | None:
    """Quantity `number[|system|code]`: the number compared, system and code matched."""
    if op not in ORDERED:
        return None
    parts = split_unescaped(text, "|")
    parse_number(parts[0])
    value = quantity.parse_value(text, None)
    if value.system is not None:
        value = replace(value, system=SYSTEMS.get(value.system.lower(), value.system))
    found = replace(value, number=replace(value.number, prefix=op))
    return lambda a: quantity.value_sql(found, None, a)


def token_condition(op: str, text: str) -> RowCondition | None:
    """Token `[system|]code`: eq/ne case-insensitive; ss, sb, in through terminology."""
    if op == "in":
        return lambda a: terminology().in_value_set(text, "i.system", "i.code", a)
    if op not in ("eq", "ne", "ss", "sb"):
        return None
    system, code = token.parse_value(text, None)
    system = SYSTEMS.get(system.lower(), system) if system else system
    if op in ("ss", "sb"):
        if code is None:
            raise bad_request(f"'{text}' names no concept for '{op}'")
        if op == "ss":  # "the value subsumes a concept in the set": the coding is below it
            return lambda a: terminology().subsumed_by((system, code), "i.system", "i.code", a)
        return lambda a: terminology().subsumes((system, code), "i.system", "i.code", a)

    # Protected identifiers and phone numbers are indexed as digests (protect.py): the value
    # is looked up by its digest, so eq and ne work on them and nothing else can.
    codes = [] if code is None else protect.query_codes(system, code)
    # Case-insensitive, except where lower() changes nothing (digests, which are lower case,
    # and codes without letters: 8867-4, numbers), which the code index then serves.
    exact = [c for c in codes if c != code or c.lower() == c.upper()]
    folded = [c for c in codes if c not in exact]

    def same(a: SqlArgs) -> str:
        tests = [] if system is None else [f"lower(i.system) = lower({a.add(system)})"]
        matches = [f"lower(i.code) = lower({a.add(c)})" for c in folded]
        if exact:
            matches.append(f"i.code = ANY({a.add(exact)}::text[])")
        if matches:
            tests.append(matches[0] if len(matches) == 1 else f"({' OR '.join(matches)})")
        return " AND ".join(tests)
    return same if op == "eq" else lambda a: f"NOT ({same(a)})"


def reference_condition(op: str, text: str) -> RowCondition | None:
    """Reference: `re` (points to the relative or absolute URL, or to the id)."""
    if op != "re":
        return None
    value = reference.parse_value(text.replace("\\", "\\\\"), None)
    return lambda a: reference.value_sql(value, None, a)


CONDITIONS: dict[str, Maker] = {
    "string": string_condition, "uri": uri_condition, "number": number_condition,
    "date": date_condition, "quantity": quantity_condition, "token": token_condition,
    "reference": reference_condition,
}
