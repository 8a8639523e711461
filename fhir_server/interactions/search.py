"""search at type and system level (search.html): one page of a searchset Bundle.

The query is compiled once per resource type in scope (one type, the `_type` list, or every
type in use), sorted by `_sort` (rid by default) and paged by an opaque keyset cursor that
stays stable while data changes (`paging.py`). Unknown parameters are ignored and reported
in an OperationOutcome entry, or a 400 with `Prefer: handling=strict` (search.html#errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fhir_server.errors import Issue, bad_request, operation_outcome
from fhir_server.interactions.bundles import bundle, full_url
from fhir_server.interactions.paging import (
    Cursor,
    Page,
    decode_cursor,
    encode_cursor,
    fetch_page,
    page_size,
)
from fhir_server.interactions.search_scope import Scope, common_scope, type_scope
from fhir_server.search import compile_query, contained
from fhir_server.search.clauses import Clause
from fhir_server.search.include import included
from fhir_server.search.stored import pending_codes
from fhir_server.search.summary import Subset, parse_subset, subset
from fhir_server.storage import search as storage
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader

TOTALS = frozenset({"none", "estimate", "accurate"})
ESTIMATE_EXACT_BELOW = 1000  # `_total=estimate` counts exactly up to here, then asks the planner


@dataclass(frozen=True, slots=True)
class _Limits:
    default_count: int
    max_count: int


async def search(
    reader: Reader,
    base: str,
    res_type: str,
    pairs: list[tuple[str, str]],
    default_count: int,
    max_count: int,
    lenient: bool = True,
    extra_clauses: tuple[Clause, ...] = (),
) -> dict[str, Any]:
    """One page of a searchset Bundle of res_type, with self, first, next, previous links.

    extra_clauses constrain the search beyond its parameters (a compartment search).
    """
    options = contained.contained_options(
        [p for p in pairs if p[0] in ("_contained", "_containedType")])
    if options is not None and not extra_clauses:
        return await _answer_contained(reader, base, res_type, pairs, options,
                                       _Limits(default_count, max_count))
    scope = type_scope(res_type, pairs, lenient, extra_clauses)
    return await _answer(reader, base, f"{base}/{res_type}", scope,
                         _Limits(default_count, max_count))


async def search_system(
    reader: Reader,
    base: str,
    pairs: list[tuple[str, str]],
    default_count: int,
    max_count: int,
    lenient: bool = True,
) -> dict[str, Any]:
    """A system-wide search (`GET [base]?_type=...`): the types listed, or every type in use."""
    scope = await common_scope(reader, pairs, lenient)
    return await _answer(reader, base, base, scope, _Limits(default_count, max_count))


async def _answer(reader: Reader, base: str, path: str, scope: Scope,
                  limits: _Limits) -> dict[str, Any]:
    total_mode = _total_mode(scope.result)
    wanted = parse_subset(scope.result)
    count = scope.count(limits.default_count, limits.max_count)
    outcome = [_ignored_entry(scope.ignored)] if scope.ignored else []
    outcome += _partial_entry(scope)
    link_base = f"{path}?"
    if count == 0 or wanted.summary == "count" or not scope.branches:
        # search.html#summary: `_summary=count` (and `_count=0`) give the total only
        total = None if total_mode == "none" else await _total(
            reader, scope, total_mode or "accurate")
        links = [("self", link_base + urlencode(scope.kept)),
                 ("first", link_base + urlencode(scope.kept))]
        return bundle("searchset", outcome, links, total)
    cursor = decode_cursor(scope.cursor, scope.keys) if scope.cursor else None
    ceiling = cursor.ceiling if cursor and cursor.ceiling else datetime.now(UTC)
    page = await fetch_page(reader.conn, scope.branches, count, cursor, ceiling)
    total = await _page_total(reader, scope, total_mode, page, cursor)
    stored = [m.stored for m in page.matches]
    entries = [_entry(base, s, wanted) for s in stored]
    # search.html#elements: "The list of elements does not apply to included resources"
    whole = Subset(wanted.summary)
    entries += [_entry(base, s, whole, "include")
                for s in await included(reader, scope.include_type, stored, scope.result)]
    links = _links(link_base, scope, page, ceiling if scope.mutable else None)
    return bundle("searchset", entries + outcome, links, total)


async def _answer_contained(reader: Reader, base: str, res_type: str,
                            pairs: list[tuple[str, str]], options: contained.ContainedOptions,
                            limits: _Limits) -> dict[str, Any]:
    """A `_contained=true|both` search (search.html#contained), in storage order.

    Entries are the containers or, with `_containedType=contained`, the contained resources
    themselves (fullUrl `[container url]#[id]`). `_sort`, `_include` and `_elements` do not
    apply here (docs/conformance.md); the next link carries the last match's position.
    """
    criteria = [p for p in pairs if p[0] != "_cursor"]
    after = next((v for k, v in reversed(pairs) if k == "_cursor"), "")
    query = compile_query(res_type, criteria)
    ignored = {"_sort", "_include", "_revinclude", "_elements"}
    if any(k.partition(":")[0] in ignored for k, _ in query.result_params):
        raise bad_request("_sort, _include, _revinclude and _elements cannot be combined "
                          "with _contained", code="not-supported")
    count = _count(query.result_params, limits)
    total_mode = _total_mode(query.result_params)
    link_base = f"{base}/{res_type}?"
    total = (await contained.count_contained(reader.conn, query, options)
             if total_mode in ("accurate", "estimate") or count == 0 else None)
    links = [("self", link_base + urlencode(pairs)), ("first", link_base + urlencode(criteria))]
    if count == 0:
        return bundle("searchset", [], links, total)
    found = await contained.find_contained(reader.conn, query, options, count + 1, after)
    if len(found) > count:
        found = found[:count]
        links.append(("next", link_base + urlencode([*criteria, ("_cursor", found[-1].cursor)])))
    entries = [{"fullUrl": m.full_url(base), "resource": m.resource(),
                "search": {"mode": "match"}} for m in found]
    return bundle("searchset", entries, links, total)


def _count(result: list[tuple[str, str]], limits: _Limits) -> int:
    values = [v for k, v in result if k == "_count"]
    return page_size(values[-1] if values else None, limits.default_count, limits.max_count)


def _entry(base: str, stored: Stored, wanted: Subset, mode: str = "match") -> dict[str, Any]:
    """A searchset entry; the resource is served from its stored bytes unless subsetted."""
    return {"fullUrl": full_url(base, stored), "resource": subset(stored, wanted),
            "search": {"mode": mode}}


def _links(link_base: str, scope: Scope, page: Page,
           ceiling: datetime | None) -> list[tuple[str, str]]:
    """self, first, next and previous (search.html#paging); the cursor is opaque."""
    own = [("_cursor", scope.cursor)] if scope.cursor else []
    links = [("self", link_base + urlencode(scope.kept + own)),
             ("first", link_base + urlencode(scope.kept))]
    matches = page.matches
    if page.more_after and matches:
        after = encode_cursor(Cursor(matches[-1].position, False, ceiling))
        links.append(("next", link_base + urlencode([*scope.kept, ("_cursor", after)])))
    if page.more_before and matches:
        before = encode_cursor(Cursor(matches[0].position, True, ceiling))
        links.append(("previous", link_base + urlencode([*scope.kept, ("_cursor", before)])))
    return links


def _total_mode(result: list[tuple[str, str]]) -> str | None:
    values = [v for k, v in result if k == "_total"]
    if values and values[-1] not in TOTALS:
        raise bad_request(f"_total must be one of {', '.join(sorted(TOTALS))}")
    return values[-1] if values else None


async def _total(reader: Reader, scope: Scope, mode: str) -> int:
    if not scope.branches:
        return 0
    if mode == "estimate":
        return await storage.estimate(reader.conn, scope.branches, ESTIMATE_EXACT_BELOW)
    return await storage.count(reader.conn, scope.branches)


async def _page_total(reader: Reader, scope: Scope, mode: str | None, page: Page,
                      cursor: Cursor | None) -> int | None:
    """Bundle.total: as `_total` asks; by default only when it is known for free."""
    if mode in ("accurate", "estimate"):
        return await _total(reader, scope, mode)
    if mode is None and cursor is None and not page.more_after:
        return len(page.matches)  # everything fits on the first page
    return None


def _partial_entry(scope: Scope) -> list[dict[str, Any]]:
    """A warning when the search uses stored SearchParameters not yet reindexed: resources
    written before them are missing from the results until their reindex job finishes."""
    codes = pending_codes([b.res_type for b in scope.branches], scope.kept)
    if not codes:
        return []
    issue = Issue("incomplete", f"search parameters still being reindexed, results may be "
                  f"incomplete: {', '.join(codes)}", "warning")
    return [{"resource": operation_outcome([issue]), "search": {"mode": "outcome"}}]


def _ignored_entry(ignored: list[str]) -> dict[str, Any]:
    names = ", ".join(sorted(set(ignored)))
    issue = Issue("not-supported", f"unknown search parameters ignored: {names}", "warning")
    return {"resource": operation_outcome([issue]), "search": {"mode": "outcome"}}
