"""URI search parameters (FHIR R4 search, 3.1.1.4.7 "uri"): exact, `:below`, `:above`."""

from __future__ import annotations

from typing import Any

from fhir_server.search.escaping import unescape
from fhir_server.search.sql import SqlArgs, like_prefix

TABLE = "idx_uri"
MODIFIERS = frozenset({"below", "above"})


def index_values(value: Any, type_code: str) -> list[tuple[str]]:
    """The URI itself; a versioned canonical (`url|1.0`) is indexed with and without version."""
    if type(value) is not str or not value:
        return []
    if "|" in value:
        return [(value,), (value.split("|", 1)[0],)]
    return [(value,)]


def accepts(modifier: str) -> bool:
    """`:below` and `:above`."""
    return modifier in MODIFIERS


def parse_value(text: str, modifier: str | None) -> str:
    """The URI, unescaped."""
    return unescape(text)


def value_sql(value: str, modifier: str | None, args: SqlArgs) -> str:
    """`:below`: stored URI starts with the value; `:above`: the value starts with it."""
    if modifier == "below":
        return f"i.uri LIKE {args.add(like_prefix(value))}"
    if modifier == "above":
        return f"starts_with({args.add(value)}, i.uri)"
    return f"i.uri = {args.add(value)}"
