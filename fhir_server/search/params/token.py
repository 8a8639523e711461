"""Token search parameters (FHIR R4 search, 3.1.1.4.4 "token").

Rows are (system, code) with system '' when the data has none, so `|code` can ask for
"no system". Booleans index as 'true'/'false'; ContactPoint uses its `system` (phone,
email, ...) as the system and its value as the code. Protected identifiers and phone
numbers are indexed as digests (`protect.py`), and searched by the digest of the value.

Modifiers: `:not`; `:above`, `:below`, `:in` and `:not-in` are answered by the terminology
provider (`terminology.py`) as conditions on the row's columns. `:text` and `:of-type`
search rows of their own (`modifiers.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

from fhir_server.errors import bad_request
from fhir_server.search import protect
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.sql import SqlArgs
from fhir_server.search.terminology import terminology

TABLE = "idx_token"
# `:not-in` is `:not` of `:in`: the clause negates it (clauses.py), so no coding of the
# resource may be in the value set, as `ni` in `_filter`.
MODIFIERS = frozenset({"not", "above", "below", "in", "not-in"})

Token = tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class ValueSetRef:
    """`:in` / `:not-in`: the canonical URL of a value set."""

    url: str


@dataclass(frozen=True, slots=True)
class Concept:
    """`:above` / `:below`: a concept, and which way its hierarchy is followed."""

    system: str | None
    code: str
    modifier: str


Row = tuple[str, str]


def _coding(coding: Any) -> list[Row]:
    if type(coding) is dict and type(code := coding.get("code")) is str:
        return [(coding.get("system") or "", code)]
    return []


def _codeable_concept(value: dict[str, Any]) -> list[Row]:
    return [row for coding in value.get("coding", ()) for row in _coding(coding)]


def _pair(system_key: str, code_key: str) -> Callable[[dict[str, Any]], list[Row]]:
    def rows(value: dict[str, Any]) -> list[Row]:
        code = value.get(code_key)
        return [(value.get(system_key) or "", code)] if type(code) is str else []
    return rows


def _identifier(value: dict[str, Any]) -> list[Row]:
    code = value.get("value")
    if type(code) is not str:
        return []
    system = value.get("system") or ""
    return [(system, protect.identifier_code(system, code))]


def _contact_point(value: dict[str, Any]) -> list[Row]:
    code = value.get("value")
    if type(code) is not str:
        return []
    system = value.get("system") or ""
    return [(system, protect.contact_code(system, code))]


_COMPLEX: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "Coding": _coding,
    "CodeableConcept": _codeable_concept,
    "Identifier": _identifier,
    "ContactPoint": _contact_point,
    "Quantity": _pair("system", "code"),
}


def index_values(value: Any, type_code: str) -> list[Row]:
    """(system, code) rows for a primitive code-like value or a coded datatype."""
    kind = type(value)
    if kind is str:
        return [("", value)]
    if kind is dict:
        rows = _COMPLEX.get(type_code)
        return rows(value) if rows is not None else []
    if kind is bool:
        return [("", "true" if value else "false")]
    return []


def accepts(modifier: str) -> bool:
    """`:not`, and the terminology modifiers `:above`, `:below`, `:in`, `:not-in`."""
    return modifier in MODIFIERS


@overload
def parse_value(text: str, modifier: None) -> Token: ...


@overload
def parse_value(text: str, modifier: str | None) -> Token | ValueSetRef | Concept: ...


def parse_value(text: str, modifier: str | None) -> Token | ValueSetRef | Concept:
    """A token, or with `:in`/`:not-in` a value set URL, with `:above`/`:below` a concept."""
    if modifier in ("in", "not-in"):
        return ValueSetRef(unescape(text))
    token = parse_token(text)
    if modifier not in ("above", "below"):
        return token
    if token[1] is None:
        raise bad_request(f"':{modifier}' needs a code, not '{text}'")
    return Concept(token[0] or None, token[1], modifier)


def parse_token(text: str) -> Token:
    """`code`, `system|code`, `|code` (no system) or `system|` (any code of the system)."""
    parts = split_unescaped(text, "|")
    if len(parts) == 1:
        return None, unescape(parts[0])
    if len(parts) > 2:
        raise bad_request(f"token '{text}' has more than one unescaped '|'")
    system, code = unescape(parts[0]), unescape(parts[1])
    if not system and not code:
        raise bad_request("token '|' needs a system or a code")
    return system, code or None


def value_sql(value: Token | ValueSetRef | Concept, modifier: str | None,
              args: SqlArgs) -> str:
    """Match on code, on system, or on both; value sets and hierarchies by the terminology."""
    if isinstance(value, ValueSetRef):
        return terminology().in_value_set(value.url, "i.system", "i.code", args)
    if isinstance(value, Concept):
        concept = (value.system, value.code)
        if value.modifier == "below":  # the coding is the concept or one of its descendants
            return terminology().subsumed_by(concept, "i.system", "i.code", args)
        return terminology().subsumes(concept, "i.system", "i.code", args)
    return token_sql(value, args)


def token_sql(value: Token, args: SqlArgs) -> str:
    """`system|code` on the row's columns; a protected code by its digest."""
    system, code = value
    conditions = []
    if system is not None:
        conditions.append(f"i.system = {args.add(system)}")
    if code is not None:
        codes = protect.query_codes(system, code)
        conditions.append(f"i.code = {args.add(codes[0])}" if len(codes) == 1
                          else f"i.code = ANY({args.add(codes)})")
    return " AND ".join(conditions)
