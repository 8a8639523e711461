"""Full-text clauses as SQL: PostgreSQL full text over idx_text, or rids found elsewhere.

Documents are token texts (`tokens.py`) indexed by GIN on `to_tsvector('simple', value)`
(migration 0002), one partial index per parameter; the SQL repeats that expression and the
parameter literal so the planner can use them. Each `Term` is a `phraseto_tsquery`: its
tokens adjacent and in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_server.search.fulltext.documents import CONTENT, NARRATIVE, TABLE
from fhir_server.search.fulltext.expression import AllOf, Node, Not, Term
from fhir_server.search.fulltext.tokens import is_cjk_char
from fhir_server.search.sql import SqlArgs

_LITERALS = {NARRATIVE: "'_text'", CONTENT: "'_content'"}


def tsquery_sql(node: Node, args: SqlArgs) -> str:
    """A tsquery expression for node, its words passed as arguments."""
    if isinstance(node, Term):
        if len(node.tokens) == 1 and is_cjk_char(node.tokens[0]):
            return f"to_tsquery('simple', {args.add(node.tokens[0] + ':*')}::text)"
        return f"phraseto_tsquery('simple', {args.add(' '.join(node.tokens))}::text)"
    if isinstance(node, Not):
        return f"(!! {tsquery_sql(node.part, args)})"
    operator = " && " if isinstance(node, AllOf) else " || "
    return "(" + operator.join(tsquery_sql(part, args) for part in node.parts) + ")"


@dataclass(frozen=True, slots=True)
class TextClause:
    """`_text` or `_content` answered by PostgreSQL full text."""

    resource_type: str
    param: str
    expression: Node

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`EXISTS` a document of the resource matching the expression.

        A bare `NOT x` is `NOT EXISTS (... x)`, so resources with no document match it too.
        """
        negated = isinstance(self.expression, Not)
        node = self.expression.part if isinstance(self.expression, Not) else self.expression
        match = (f"SELECT 1 FROM {TABLE} i WHERE i.rid = {alias}.rid "
                 f"AND i.res_type = {args.shared(self.resource_type)} "
                 f"AND i.param = {_LITERALS[self.param]} "
                 f"AND to_tsvector('simple', i.value) @@ {tsquery_sql(node, args)}")
        return f"{'NOT ' if negated else ''}EXISTS ({match})"


@dataclass(frozen=True, slots=True)
class RidClause:
    """Resources whose rids a search engine found (Elasticsearch), or with negated, all others."""

    rids: tuple[int, ...]
    negated: bool = False

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`alias.rid = ANY($n)`, or its negation."""
        found = f"{alias}.rid = ANY({args.add(list(self.rids))}::bigint[])"
        return f"NOT ({found})" if self.negated else found
