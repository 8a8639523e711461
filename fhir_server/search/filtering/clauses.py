"""The clauses a `_filter` expression compiles to (each a SQL boolean on one resource row).

A comparison is `EXISTS` over the parameter's index rows ("an item in the set ...",
search_filter.html#ops), so `not (...)` is `NOT EXISTS`: no value of a multi-valued
parameter matches. Conditions are functions that add their arguments when the SQL is made,
since placeholders are numbered in the order the statement uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fhir_server.search.sql import SqlArgs

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause

RowCondition = Callable[[SqlArgs], str]
"""A condition on index row `i`, adding its arguments."""

ColumnCondition = Callable[[str, SqlArgs], str]
"""A condition on resource row `alias` itself, adding its arguments."""


@dataclass(frozen=True, slots=True)
class RowsClause:
    """Some index row of the parameter meets the condition (any row when it is None);
    with `negated`, none does."""

    resource_type: str
    code: str
    table: str
    condition: RowCondition | None
    negated: bool = False

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`[NOT] EXISTS (SELECT 1 FROM idx_x i WHERE i.rid = alias.rid AND ...)`."""
        head = (f"SELECT 1 FROM {self.table} i WHERE i.rid = {alias}.rid "
                f"AND i.res_type = {args.shared(self.resource_type)} "
                f"AND i.param = {args.add(self.code)}")
        condition = f" AND ({self.condition(args)})" if self.condition is not None else ""
        return f"{'NOT ' if self.negated else ''}EXISTS ({head}{condition})"


@dataclass(frozen=True, slots=True)
class ColumnClause:
    """A condition on columns of the resource row (`_id`, `_lastUpdated`)."""

    condition: ColumnCondition

    def sql(self, alias: str, args: SqlArgs) -> str:
        """The condition about `alias`."""
        return self.condition(alias, args)


@dataclass(frozen=True, slots=True)
class AllOf:
    """`a and b and ...`."""

    parts: tuple[Clause, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """Each part in parentheses, joined by AND."""
        return " AND ".join(f"({part.sql(alias, args)})" for part in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """`a or b or ...`."""

    parts: tuple[Clause, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """Each part in parentheses, joined by OR."""
        return " OR ".join(f"({part.sql(alias, args)})" for part in self.parts)


@dataclass(frozen=True, slots=True)
class NotClause:
    """`not (filter)`: the filter does not hold."""

    inner: Clause

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`NOT (inner)`; inner clauses are never NULL (EXISTS and column tests)."""
        return f"NOT ({self.inner.sql(alias, args)})"


def all_of(parts: list[Clause]) -> Clause:
    """The conjunction of parts (the part itself when there is one)."""
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))
