"""FHIR search, data-driven from the R4 SearchParameter definitions.

Write path: `index_rows(resource)` gives the rows for the idx_* tables.
Read path: `compile_query(type, pairs)` parses a query string into a `SearchQuery` whose
`where_sql` is a SQL condition on the `resource` table.
"""

from __future__ import annotations

from fhir_server.search.index import index_rows
from fhir_server.search.params import INDEX_TABLES
from fhir_server.search.query import RESULT_PARAMS, SearchQuery, compile_query
from fhir_server.search.registry import SearchParam, register, registry

__all__ = [
    "INDEX_TABLES", "RESULT_PARAMS", "SearchParam", "SearchQuery", "compile_query",
    "index_rows", "register", "registry",
]
