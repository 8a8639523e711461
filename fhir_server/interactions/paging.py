"""Page sizes for searches and histories."""

from __future__ import annotations

from fhir_server.errors import bad_request


def page_size(value: str | None, default: int, maximum: int) -> int:
    """`_count` as an int within [0, maximum]; 400 for a non-integer."""
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise bad_request(f"_count must be a non-negative integer, not {value!r}")
    return min(int(value), maximum)
