"""`_text` and `_content` (FHIR R4 search, 3.1.1.4.9): full-text search.

Answered by PostgreSQL full text over `idx_text` (documents.py, tokens.py, clauses.py): one
document per resource for the narrative and one for the whole content, CJK text cut into
bigrams. When HIE_ELASTICSEARCH_URL is set, Elasticsearch answers from the same documents
(elastic.py), kept in step after each commit (indexing.py); PostgreSQL answers whenever
Elasticsearch cannot. The value's grammar is in expression.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search.fulltext import indexing  # noqa: F401  (its after-commit subscriber)
from fhir_server.search.fulltext.documents import TABLE, text_rows
from fhir_server.search.fulltext.elastic import text_clause
from fhir_server.search.fulltext.expression import parse

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler

__all__ = ["TABLE", "compile_text", "text_rows"]


def compile_text(resource_type: str, name: str, value: str,
                 compile_param: ClauseCompiler) -> Clause:
    """The clause for `_text=...` (narrative) or `_content=...` (whole resource)."""
    param, _, modifier = name.partition(":")
    if modifier:
        raise bad_request(f"'{name}': {param} takes no modifier", code="not-supported")
    return text_clause(resource_type, param, parse(value))
