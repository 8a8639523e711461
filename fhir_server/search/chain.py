"""Chained parameters (FHIR R4 search, 3.1.1.4.7 "Chaining"): `subject:Patient.name=peter`.

A chain is a reference parameter, optionally restricted to one target type by its modifier,
followed by a parameter of the target; the rest of the chain may itself be a chain, so any
depth works. When several target types define the chained parameter, a target of any of
them may match; a parameter no target type defines is a 400. A `#id` reference leads into
the resource contained in the source (`contained.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fhir_server.errors import bad_request
from fhir_server.search import contained, near
from fhir_server.search.registry import registry
from fhir_server.search.sql import SqlArgs

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import ClauseCompiler


@dataclass(frozen=True, slots=True)
class ChainClause:
    """A reference parameter whose target resource satisfies one clause per target type."""

    resource_type: str
    code: str
    inner: tuple[tuple[str, Clause], ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`EXISTS` over the references' sources, one `UNION ALL` arm per target type.

        A stored target must be current and live; a `#id` target is a contained resource
        (search.html#chaining), matched on its own values in idx_contained. Separate arms
        (not one OR) let the planner start from the inner parameter's index.
        """
        arms: list[str] = []
        for target, clause in self.inner:
            arms.append(self._stored_arm(target, clause, args))
            local = contained.chain_arm(self.resource_type, self.code, target, clause, args)
            if local is not None:
                arms.append(local)
        u = args.alias("u")
        return (f"EXISTS (SELECT 1 FROM ({' UNION ALL '.join(arms)}) {u} "
                f"WHERE {u}.rid = {alias}.rid)")

    def _stored_arm(self, target: str, clause: Clause, args: SqlArgs) -> str:
        """`SELECT rid` of the sources whose reference points at a live `target` matching."""
        t = args.alias("t")
        return (f"SELECT i.rid FROM idx_reference i JOIN resource {t} "
                f"ON {t}.res_type = i.target_type AND {t}.res_id = i.target_id "
                f"WHERE i.res_type = {args.shared(self.resource_type)} "
                f"AND i.param = {args.add(self.code)} AND i.target_type = {args.shared(target)} "
                f"AND NOT {t}.deleted AND ({clause.sql(t, args)})")


def target_types(resource_type: str, head: str) -> tuple[str, tuple[str, ...]]:
    """The reference parameter code of a chain link and the types it may point to."""
    code, _, modifier = head.partition(":")
    param = registry().get(resource_type, code)
    if param is None or param.type != "reference":
        raise bad_request(f"'{code}' is not a reference parameter of {resource_type}, so it "
                          "cannot be chained", code="not-supported")
    targets = param.targets or tuple(sorted(registry().by_type))
    if modifier:
        if modifier not in targets:
            raise bad_request(f"'{code}' of {resource_type} cannot refer to '{modifier}'")
        targets = (modifier,)
    return code, targets


def compile_chain(resource_type: str, head: str, rest: str, value: str,
                  compile_param: ClauseCompiler) -> ChainClause:
    """`head.rest=value`: head is `reference[:Type]`, rest is the parameter on the target."""
    code, targets = target_types(resource_type, head)
    rest_code = rest.partition(":")[0].partition(".")[0]
    usable = [t for t in targets if rest_code.startswith("_has") or
              registry().get(t, rest_code) is not None or near.defines(t, rest_code)]
    if not usable:
        raise bad_request(f"no resource type that '{code}' of {resource_type} refers to has a "
                          f"search parameter '{rest_code}'", code="not-supported")
    inner = tuple((t, compile_param(t, rest, value)) for t in usable)
    return ChainClause(resource_type, code, inner)
