"""Parsed search clauses and the SQL each becomes (a condition on one `resource` row).

Values within a clause are ORed (a comma in the query); clauses are ANDed (repeated
parameters). Index clauses test `EXISTS` over the parameter's index table; `_id` and
`_lastUpdated` test columns of the resource row itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from fhir_server.search.params import ParamType
from fhir_server.search.params.date import DateValue, range_sql
from fhir_server.search.sql import SqlArgs


class Clause(Protocol):
    """One parsed search parameter occurrence."""

    def sql(self, alias: str, args: SqlArgs) -> str:
        """A SQL boolean about resource row `alias`, adding its arguments to args."""
        ...


# Modifiers that negate the whole clause, and the modifier each negates (search.html#token:
# `:not`, and `:not-in`, which holds when no coding of the resource is in the value set).
_NEGATED: dict[str, str | None] = {"not": None, "not-in": "in"}


@dataclass(frozen=True, slots=True)
class IndexClause:
    """A parameter answered from its index table: any value matches (`:not`: none does)."""

    resource_type: str
    code: str
    kind: ParamType
    modifier: str | None
    values: tuple[Any, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`[NOT] EXISTS (SELECT 1 FROM idx_x i WHERE i.rid = alias.rid AND ...)`.

        res_type is repeated so the (res_type, param, value) indexes serve the lookup.
        """
        head = (f"SELECT 1 FROM {self.kind.TABLE} i WHERE i.rid = {alias}.rid "
                f"AND i.res_type = {args.shared(self.resource_type)} "
                f"AND i.param = {args.add(self.code)}")
        if self.modifier == "missing":
            return f"{'NOT ' if self.values[0] else ''}EXISTS ({head})"
        alternatives = " OR ".join(
            f"({self.kind.value_sql(v, self.value_modifier, args)})" for v in self.values)
        negation = "NOT " if self.negated else ""
        return f"{negation}EXISTS ({head} AND ({alternatives}))"

    @property
    def negated(self) -> bool:
        """Whether the clause holds when no index row matches (`:not`, `:not-in`)."""
        return self.modifier in _NEGATED

    @property
    def value_modifier(self) -> str | None:
        """The modifier each row is matched under (a negating modifier's positive form)."""
        return _NEGATED.get(self.modifier or "", self.modifier)


@dataclass(frozen=True, slots=True)
class IdClause:
    """`_id`: the resource's logical id is one of the values."""

    values: tuple[str, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`alias.res_id = ANY($n)`."""
        return f"{alias}.res_id = ANY({args.add(list(self.values))}::text[])"


@dataclass(frozen=True, slots=True)
class LastUpdatedClause:
    """`_lastUpdated`: the resource's last_updated instant against date values."""

    values: tuple[DateValue, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """The date comparison with the instant as both ends of the target range."""
        column = f"{alias}.last_updated"
        return " OR ".join(f"({range_sql(v, column, column, args)})" for v in self.values)
