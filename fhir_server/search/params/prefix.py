"""Comparison prefixes of ordered search values (FHIR R4 search, 3.1.1.4 "Prefixes")."""

from __future__ import annotations

PREFIXES = frozenset({"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"})
_VALUE_STARTS = frozenset("0123456789-+.")


def split_prefix(text: str) -> tuple[str, str]:
    """(prefix, rest) of an ordered value; the prefix is `eq` when the value carries none."""
    head = text[:2]
    if head in PREFIXES and text[2:3] in _VALUE_STARTS:
        return head, text[2:]
    return "eq", text
