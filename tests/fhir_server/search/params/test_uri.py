"""URI index values."""

from __future__ import annotations

from fhir_server.search.params.uri import index_values


def test_versioned_canonical_is_indexed_with_and_without_version() -> None:
    assert index_values("http://x/a|2", "canonical") == [("http://x/a|2",), ("http://x/a",)]
    assert index_values("http://x/a", "uri") == [("http://x/a",)]
    assert index_values("", "uri") == []
