"""`_include` and `_revinclude` (FHIR R4 search, 3.1.1.5.4), with `:iterate` and `*`.

`_include=Type:param[:Target]` adds the resources that matches of Type refer to through
param; `_revinclude=Type:param[:Target]` adds the resources of Type that refer to a match
through param. `*` stands for every reference parameter (`Type:*`) or for every type and
parameter (`*`). With `:iterate` (R4; `:recurse` is its earlier name) the parameter also
applies to the resources included so far, round after round until nothing new turns up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fhir_server.definitions.structure import type_system
from fhir_server.errors import bad_request
from fhir_server.search.registry import registry
from fhir_server.storage import includes
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader

ITERATE = frozenset({"iterate", "recurse"})
MAX_ROUNDS = 8  # :iterate stops after this many rounds even if more keeps turning up
MAX_INCLUDED = 5000  # and a page never carries more included resources than this


@dataclass(frozen=True, slots=True)
class IncludeSpec:
    """One `_include`/`_revinclude` value; None stands for any type or parameter (`*`)."""

    source: str | None
    param: str | None
    target: str | None
    iterate: bool
    reverse: bool

    @property
    def key(self) -> includes.Spec:
        """What the storage queries take: (source type, parameter, target type)."""
        return self.source, self.param, self.target


def parse_includes(result_params: Sequence[tuple[str, str]]) -> list[IncludeSpec]:
    """The include parameters among a search's result parameters; a 400 for invalid ones."""
    specs = []
    for name, value in result_params:
        kind, _, modifier = name.partition(":")
        if kind not in ("_include", "_revinclude"):
            continue
        if modifier and modifier not in ITERATE:
            raise bad_request(f"'{name}': the only modifier of {kind} is :iterate")
        specs.append(_parse(kind, value, bool(modifier)))
    return specs


def _parse(kind: str, value: str, iterate: bool) -> IncludeSpec:
    reverse = kind == "_revinclude"
    if value == "*":
        return IncludeSpec(None, None, None, iterate, reverse)
    parts = value.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise bad_request(f"{kind} value '{value}' must be Type:parameter[:TargetType] or *")
    source, code, target = parts[0], parts[1], (parts[2] if len(parts) == 3 else None)
    if source not in registry().by_type:
        raise bad_request(f"unknown resource type '{source}' in {kind}={value}")
    if target is not None and target not in type_system().resource_types:
        raise bad_request(f"unknown resource type '{target}' in {kind}={value}")
    if code == "*":
        return IncludeSpec(source, None, target, iterate, reverse)
    param = registry().get(source, code)
    if param is None or param.type != "reference":
        raise bad_request(f"'{code}' is not a reference parameter of {source} ({kind}={value})",
                          code="not-supported")
    if target is not None and param.targets and target not in param.targets:
        raise bad_request(f"'{code}' of {source} cannot refer to {target} ({kind}={value})")
    return IncludeSpec(source, code, target, iterate, reverse)


async def included(reader: Reader, res_type: str, page: list[Stored],
                   result_params: list[tuple[str, str]]) -> list[Stored]:
    """The resources the page's `_include`/`_revinclude` parameters add (search mode include).

    Each resource appears once and none of the page's own resources is repeated. Round one
    applies every include parameter to the page; each further round applies the `:iterate`
    ones to what the round before added. Two queries per round at most.
    """
    specs = parse_includes(result_params)
    seen = {s.rid for s in page}
    found: list[Stored] = []
    frontier, active = page, specs
    for _ in range(MAX_ROUNDS):
        budget = MAX_INCLUDED - len(found)
        if not frontier or not active or budget <= 0:
            break
        frontier = await _round(reader, frontier, active, seen, budget)
        seen.update(s.rid for s in frontier)
        found += frontier
        active = [s for s in specs if s.iterate]
    return found


async def _round(reader: Reader, frontier: list[Stored], specs: list[IncludeSpec],
                 seen: set[int], budget: int) -> list[Stored]:
    """What specs add to frontier, excluding seen resources."""
    forward = [s.key for s in specs if not s.reverse]
    reverse = [s.key for s in specs if s.reverse]
    added: list[Stored] = []
    if forward:
        added = await includes.referenced(
            reader, [s.rid for s in frontier], forward, list(seen), budget)
    if reverse and budget > len(added):
        exclude = list(seen) + [s.rid for s in added]
        added += await includes.referring(
            reader, [(s.res_type, s.res_id) for s in frontier], reverse, exclude,
            budget - len(added))
    return added
