"""`_filter` (FHIR R4 search_filter.html): the filter expression language, compiled to SQL.

`syntax.py` parses the expression (Lark grammar), `paths.py` compiles logic, chains and
sub-filters, `comparisons.py` and `conditions.py` each test on one parameter type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search.filtering.paths import compile_tree
from fhir_server.search.filtering.syntax import parse

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler


def compile_filter(resource_type: str, name: str, value: str,
                   compile_param: ClauseCompiler) -> Clause:
    """The clause for `_filter=expression` on a search of resource_type.

    compile_param (the query's own parameter compiler) serves the names that compile
    parameters of their own (`_list`'s functional lists); `_filter` takes no modifiers.
    """
    if name != "_filter":
        raise bad_request(f"'{name}': _filter takes no modifiers")
    return compile_tree(resource_type, parse(value), compile_param)
