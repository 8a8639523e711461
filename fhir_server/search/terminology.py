"""The seam through which search asks terminology questions (`:in`, `:not-in`, `:above`,
`:below` on tokens; `in`, `ni`, `ss`, `sb` in `_filter`).

The core knows no code systems or value sets; the terminology module registers a provider
with `use_terminology` that answers each question as a SQL condition on the token columns
of an index row, so the database does the work. Without one, these searches are a 400.
"""

from __future__ import annotations

from typing import Protocol

from fhir_server.errors import bad_request
from fhir_server.search.sql import SqlArgs


class TerminologySql(Protocol):
    """SQL conditions on (system, code) columns, answered from terminology content."""

    def in_value_set(self, value_set: str, system: str, code: str, args: SqlArgs) -> str:
        """The coding in columns (system, code) is in the value set with this canonical URL."""
        ...

    def subsumed_by(self, concept: tuple[str | None, str], system: str, code: str,
                    args: SqlArgs) -> str:
        """The coding is the concept or one of its descendants (`:below`, `sb`)."""
        ...

    def subsumes(self, concept: tuple[str | None, str], system: str, code: str,
                 args: SqlArgs) -> str:
        """The coding is the concept or one of its ancestors (`:above`, `ss`)."""
        ...


class _Absent:
    """No terminology module: every question is a 400 that says why."""

    def _refuse(self) -> str:
        raise bad_request("this search needs the terminology module, which is not enabled",
                          code="not-supported")

    def in_value_set(self, value_set: str, system: str, code: str, args: SqlArgs) -> str:
        return self._refuse()

    def subsumed_by(self, concept: tuple[str | None, str], system: str, code: str,
                    args: SqlArgs) -> str:
        return self._refuse()

    def subsumes(self, concept: tuple[str | None, str], system: str, code: str,
                 args: SqlArgs) -> str:
        return self._refuse()


_provider: list[TerminologySql] = [_Absent()]


def terminology() -> TerminologySql:
    """The registered provider (the terminology module's, or one that refuses)."""
    return _provider[0]


def use_terminology(provider: TerminologySql | None) -> None:
    """Register the provider the terminology module offers (None: back to refusing)."""
    _provider[0] = provider if provider is not None else _Absent()
