"""The search package exports exactly its public surface."""

from __future__ import annotations

import fhir_server.search as search


def test_exports() -> None:
    assert set(search.__all__) == {"INDEX_TABLES", "RESULT_PARAMS", "SearchParam",
                                   "SearchQuery", "compile_query", "index_rows", "register",
                                   "registry"}
    for name in search.__all__:
        assert hasattr(search, name)
