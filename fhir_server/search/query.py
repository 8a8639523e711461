"""Parsing a search query string into a `SearchQuery` (FHIR R4 search, 3.1.1).

Names may carry a `:modifier`; commas in a value mean OR, repeated names mean AND.
Result parameters (`_count`, `_sort`, `_include`, ...) are passed through untouched.
A name with a `.` is a chain (`chain.py`); special parameters (`_has`, `_filter`, `_text`,
`_content`, `_list`) are compiled by their own modules, given `param_clause` so they can
compile the parameters nested in them. Unknown parameters, modifiers and malformed values
are a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fhir_server.errors import bad_request
from fhir_server.search import chain, fulltext, has, lists, near
from fhir_server.search.clauses import Clause, IdClause, IndexClause, LastUpdatedClause
from fhir_server.search.escaping import split_unescaped, unescape
from fhir_server.search.filtering import compile_filter
from fhir_server.search.params import composite, date, modifiers, param_kind
from fhir_server.search.registry import SearchParam, registry
from fhir_server.search.sql import RESOURCE_COLUMNS, SqlArgs

RESULT_PARAMS = frozenset(
    {
        "_count",
        "_sort",
        "_include",
        "_revinclude",
        "_summary",
        "_elements",
        "_total",
        "_contained",
        "_containedType",
        "_format",
        "_pretty",
        "_type",
        "_cursor",
    }
)
_MISSING = {"true": True, "false": False}
_INCLUDES = frozenset({"_include", "_revinclude"})

ClauseCompiler = Callable[[str, str, str], Clause]
"""`param_clause`: (resource type, parameter name with modifier, value) -> Clause."""

SpecialCompiler = Callable[[str, str, str, ClauseCompiler], Clause]

# Parameters with their own grammar, keyed by the name before any `:` (search.html#special).
SPECIAL: dict[str, SpecialCompiler] = {
    "_has": has.compile_has,
    "_filter": compile_filter,
    "_text": fulltext.compile_text,
    "_content": fulltext.compile_text,
    "_list": lists.compile_list,
    "near": near.compile_near,  # Location (search.html#special)
}


@dataclass(slots=True)
class SearchQuery:
    """A parsed search: clauses to AND, and the result parameters for the caller."""

    resource_type: str
    clauses: list[Clause] = field(default_factory=list)
    result_params: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)

    def where_sql(self, alias: str, first_arg: int) -> tuple[str, list[object]]:
        """A SQL condition on resource row `alias`, with arguments `$first_arg`, ...

        ('TRUE', []) when there are no clauses.
        """
        if not self.clauses:
            return "TRUE", []
        args = SqlArgs(first_arg)
        sql = " AND ".join(f"({clause.sql(alias, args)})" for clause in self.clauses)
        return sql, args.values


def compile_query(
    resource_type: str, params: list[tuple[str, str]], *, lenient: bool = False
) -> SearchQuery:
    """Parse query-string pairs for a search on resource_type; a 400 when they are invalid.

    With lenient (search.html#errors, `Prefer: handling=lenient`), parameters the server
    does not know are set aside in `ignored` instead; malformed values are still a 400.
    """
    query = SearchQuery(resource_type)
    for name, value in params:
        if name in RESULT_PARAMS or name.partition(":")[0] in _INCLUDES:  # `:iterate`
            query.result_params.append((name, value))
        elif lenient and _unknown(resource_type, name):
            query.ignored.append((name, value))
        elif value != "":  # an empty value places no constraint
            query.clauses.append(param_clause(resource_type, name, value))
    return query


def _unknown(resource_type: str, name: str) -> bool:
    code = name.partition(":")[0].partition(".")[0]
    return code not in SPECIAL and registry().get(resource_type, code) is None


def param_clause(resource_type: str, name: str, value: str) -> Clause:
    """The clause for one `name=value` pair of a search on resource_type; a 400 if invalid.

    Special parameters and chains are handed to their modules, which call back here for
    the parameters nested in them (a chain's last link, `_has`'s parameter, ...).
    """
    special = SPECIAL.get(name.partition(":")[0])
    if special is not None:
        return special(resource_type, name, value, param_clause)
    head, dot, rest = name.partition(".")
    if dot:
        return chain.compile_chain(resource_type, head, rest, value, param_clause)
    code, _, modifier = name.partition(":")
    param = registry().get(resource_type, code)
    if param is None:
        raise bad_request(
            f"unknown search parameter '{code}' for {resource_type}", code="not-supported"
        )
    if code in RESOURCE_COLUMNS:
        if modifier:
            raise bad_request(
                f"modifier ':{modifier}' is not supported on '{code}'", code="not-supported"
            )
        return _column_clause(code, _alternatives(value))
    return _index_clause(resource_type, param, modifier or None, value)


def _column_clause(code: str, alternatives: list[str]) -> Clause:
    if code == "_id":
        return IdClause(tuple(unescape(v) for v in alternatives))
    return LastUpdatedClause(tuple(date.parse_value(v, None) for v in alternatives))


def _alternatives(value: str) -> list[str]:
    alternatives = split_unescaped(value, ",")
    if any(not a for a in alternatives):
        raise bad_request(f"empty alternative in search value '{value}'")
    return alternatives


def _index_clause(
    resource_type: str, param: SearchParam, modifier: str | None, value: str
) -> IndexClause:
    kind = param_kind(param.type, param.code)
    if kind is None:
        raise bad_request(
            f"{param.type} parameter '{param.code}' is not supported yet", code="not-supported"
        )
    if modifier == "missing":
        if value not in _MISSING:
            raise bad_request(f"'{param.code}:missing' must be true or false, not '{value}'")
        return IndexClause(resource_type, param.code, kind, modifier, (_MISSING[value],))
    own_index = modifiers.modifier_index(param.type, modifier)
    if own_index is not None:  # `:text`, `:of-type`, `:identifier`: rows of their own
        values = tuple(own_index.parse_value(v, modifier) for v in _alternatives(value))
        return IndexClause(resource_type, f"{param.code}:{modifier}", own_index, None, values)
    if modifier is not None and not kind.accepts(modifier):
        raise bad_request(
            f"modifier ':{modifier}' is not supported on {param.type} parameter '{param.code}'",
            code="not-supported",
        )
    parse = composite.parser(param) if param.type == "composite" else kind.parse_value
    values = tuple(parse(v, modifier) for v in _alternatives(value))
    return IndexClause(resource_type, param.code, kind, modifier, values)
