"""`_text` and `_content` (FHIR R4 search, 3.1.1.4.9): full-text search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir_server.errors import bad_request

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler


def compile_text(resource_type: str, name: str, value: str,
                 compile_param: ClauseCompiler) -> Clause:
    """The clause for `_text=...` (narrative) or `_content=...` (whole resource)."""
    raise bad_request(f"{name} is not supported yet", code="not-supported")
