"""Token search parameters (FHIR R4 search, 3.1.1.4.4 "token").

Rows are (system, code) with system '' when the data has none, so `|code` can ask for
"no system". Booleans index as 'true'/'false'; ContactPoint uses its `system` (phone,
email, ...) as the system and its value as the code. Protected identifiers and phone
numbers are indexed as digests (`protect.py`), and searched by the digest of the value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search import protect
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.sql import SqlArgs

TABLE = "idx_token"
MODIFIERS = frozenset({"not"})

Token = tuple[str | None, str | None]


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
    """`:not`."""
    return modifier in MODIFIERS


def parse_value(text: str, modifier: str | None) -> Token:
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


def value_sql(value: Token, modifier: str | None, args: SqlArgs) -> str:
    """Match on code, on system, or on both."""
    system, code = value
    conditions = []
    if system is not None:
        conditions.append(f"i.system = {args.add(system)}")
    if code is not None:
        codes = protect.query_codes(system, code)
        conditions.append(f"i.code = {args.add(codes[0])}" if len(codes) == 1
                          else f"i.code = ANY({args.add(codes)})")
    return " AND ".join(conditions)
