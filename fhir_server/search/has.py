"""Reverse chaining (FHIR R4 search, 3.1.1.4.8 "_has"): `_has:Observation:patient:code=x`.

Matches resources that some resource of another type refers to, through one of its
reference parameters, where that resource satisfies a parameter; the parameter may itself
be a `_has` or a chain, so nesting works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search.registry import registry
from fhir_server.search.sql import SqlArgs

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler


@dataclass(frozen=True, slots=True)
class HasClause:
    """Some live `source_type` resource refers to this one by `code` and satisfies inner."""

    source_type: str
    code: str
    inner: Clause

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`EXISTS` over reference rows pointing at alias, joined to their source resource."""
        s = args.alias("s")
        return (f"EXISTS (SELECT 1 FROM idx_reference i JOIN resource {s} ON {s}.rid = i.rid "
                f"WHERE i.target_id = {alias}.res_id AND i.target_type = {alias}.res_type "
                f"AND i.res_type = {args.shared(self.source_type)} "
                f"AND i.param = {args.add(self.code)} AND NOT {s}.deleted "
                f"AND ({self.inner.sql(s, args)}))")


def compile_has(resource_type: str, name: str, value: str,
                compile_param: ClauseCompiler) -> HasClause:
    """`_has:Type:reference:parameter=value` on a search of resource_type."""
    parts = name.split(":", 3)
    if len(parts) != 4 or not all(parts[1:]):
        raise bad_request(f"'{name}' must be _has:Type:reference:parameter")
    _, source_type, code, rest = parts
    if source_type not in registry().by_type:
        raise bad_request(f"unknown resource type '{source_type}' in '{name}'")
    param = registry().get(source_type, code)
    if param is None or param.type != "reference":
        raise bad_request(f"'{code}' is not a reference parameter of {source_type}",
                          code="not-supported")
    if param.targets and resource_type not in param.targets:
        raise bad_request(f"'{code}' of {source_type} cannot refer to {resource_type}")
    return HasClause(source_type, code, compile_param(source_type, rest, value))
