"""Checks for the values of FHIR primitive datatypes, compiled once per type.

A check takes one JSON value and returns None when it is valid, or a `Problem`: the
OperationOutcome issue-type code and an English message. The lexical rules are the
regexes the R4 StructureDefinitions carry, matched in full
(http://hl7.org/fhir/R4/datatypes.html#primitive).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from fhir_server.definitions.structure import Primitive, type_system

Problem = tuple[str, str]
PrimitiveCheck = Callable[[Any], Problem | None]
# Truthy for a non-empty string that is certainly valid; falsy means "ask the full check".
FastPath = Callable[[str], object]

# http://hl7.org/fhir/R4/datatypes.html#integer: integer, positiveInt and unsignedInt are 32-bit.
INT32_MAX = 2**31 - 1
INTEGER_RANGES = {
    "integer": (-(2**31), INT32_MAX),
    "positiveInt": (1, INT32_MAX),
    "unsignedInt": (0, INT32_MAX),
}

# The R4 base64Binary regex `(\s*([0-9a-zA-Z\+/=]){4}\s*)+` backtracks exponentially on a
# bad value with many line breaks; this possessive form accepts exactly the same strings.
REGEX_REPLACEMENTS = {"base64Binary": r"\s*+(?:[0-9a-zA-Z+/=]{4}\s*+)++"}

NULL: Problem = ("value", "null is not allowed; omit the property instead")
EMPTY: Problem = ("value", "empty strings are not allowed; omit the property instead")


def json_kind(value: Any) -> str:
    """The JSON kind of a parsed value, as an English noun phrase for messages."""
    kinds = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return kinds.get(type(value), type(value).__name__)


def shorten(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut to a readable length."""
    text = value if len(value) <= limit else value[:limit] + "..."
    return repr(text)


def wrong_kind(value: Any, expected: str) -> Problem:
    """The problem for a value of the wrong JSON kind (null gets its own message)."""
    if value is None:
        return NULL
    return "value", f"expected a JSON {expected}, got {json_kind(value)}"


def _boolean_check(value: Any) -> Problem | None:
    return None if type(value) is bool else wrong_kind(value, "boolean (true or false)")


def _decimal_check(value: Any) -> Problem | None:
    return None if type(value) in (int, float) else wrong_kind(value, "number")


def _integer_check(name: str) -> PrimitiveCheck:
    low, high = INTEGER_RANGES[name]

    def check(value: Any) -> Problem | None:
        if type(value) is not int:
            return wrong_kind(value, "integer")
        if value < low or value > high:
            return "value", f"{value} is out of range for {name} ({low}..{high})"
        return None

    return check


def _string_check(name: str) -> PrimitiveCheck:
    fullmatch = _fullmatch(name)

    def check(value: Any) -> Problem | None:
        if type(value) is not str:
            return wrong_kind(value, "string")
        if not value:
            return EMPTY
        if fullmatch(value) is None:
            return "value", f"{shorten(value)} is not a valid {name}"
        return None

    return check


def _xhtml_check(value: Any) -> Problem | None:
    # http://hl7.org/fhir/R4/narrative.html#xhtml: an XHTML fragment whose root is a <div>.
    if type(value) is not str:
        return wrong_kind(value, "string")
    if not value.startswith("<div"):
        return "value", "narrative XHTML must be a string starting with <div"
    return None


def _compile(primitive: Primitive) -> PrimitiveCheck:
    if primitive.name == "boolean":
        return _boolean_check
    if primitive.name == "decimal":
        return _decimal_check
    if primitive.name in INTEGER_RANGES:
        return _integer_check(primitive.name)
    if primitive.name == "xhtml":
        return _xhtml_check
    return _string_check(primitive.name)


@cache
def primitive_check(type_name: str) -> PrimitiveCheck:
    """The compiled check for one primitive datatype of R4 (e.g. `date`, `positiveInt`)."""
    return _compile(type_system().primitives[type_name])


@cache
def string_fast_path(type_name: str) -> FastPath | None:
    """For string-kind primitives, the compiled regex's fullmatch: truthy means valid.

    Property checks call it first on non-empty strings and only build a `Problem` when it
    fails, which keeps the common, valid case to one C call.
    """
    if type_system().primitives[type_name].json_kind != "string" or type_name == "xhtml":
        return None
    return _fullmatch(type_name)


@cache
def _fullmatch(type_name: str) -> Callable[[str], re.Match[str] | None]:
    regex = REGEX_REPLACEMENTS.get(type_name, type_system().primitives[type_name].regex or ".+")
    return re.compile(regex, re.ASCII | re.S).fullmatch


def with_extra_check(base: PrimitiveCheck, extra: Callable[[str], str | None]) -> PrimitiveCheck:
    """A check that runs `extra` on the string once `base` accepts the value."""

    def check(value: Any) -> Problem | None:
        problem = base(value)
        if problem is not None:
            return problem
        message = extra(value)
        return None if message is None else ("value", message)

    return check


def with_required_codes(
    base: PrimitiveCheck, codes: frozenset[str], value_set: str
) -> PrimitiveCheck:
    """A `code` check that also demands membership of a required-strength value set."""
    allowed = ", ".join(sorted(codes)) if len(codes) <= 12 else f"{len(codes)} codes"

    def check(value: Any) -> Problem | None:
        problem = base(value)
        if problem is None and value not in codes:
            return "code-invalid", f"{shorten(value)} is not in {value_set} (allowed: {allowed})"
        return problem

    return check
