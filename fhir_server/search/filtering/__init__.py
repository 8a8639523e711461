"""`_filter` (FHIR R4 search_filter.html): the filter expression language, compiled to SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir_server.errors import bad_request

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler


def compile_filter(resource_type: str, name: str, value: str,
                   compile_param: ClauseCompiler) -> Clause:
    """The clause for `_filter=expression` on a search of resource_type."""
    raise bad_request("_filter is not supported yet", code="not-supported")
