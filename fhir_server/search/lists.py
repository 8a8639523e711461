"""`_list` (FHIR R4 search, 3.1.1.4.11): resources that are items of a List."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir_server.errors import bad_request

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler


def compile_list(resource_type: str, name: str, value: str,
                 compile_param: ClauseCompiler) -> Clause:
    """The clause for `_list=id`."""
    raise bad_request("_list is not supported yet", code="not-supported")
