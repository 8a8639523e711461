"""Compartment search (FHIR R4 search.html#compartments): `Patient/123/Observation?code=x`.

A typed compartment search is the type's search restricted to the compartment of
`Patient/123`. `Patient/123/*` lists the compartment's members of every type, in storage
order with keyset paging; besides the result parameters it takes only the parameters every
type shares as columns (`_id`, `_lastUpdated`) and `_type`.
"""

from __future__ import annotations

from typing import Any

from fhir_server.errors import Issue, bad_request, operation_outcome
from fhir_server.interactions import search
from fhir_server.interactions.bundles import bundle, search_entry
from fhir_server.interactions.everything import Page, links, member_page, parse_cursor, parse_types
from fhir_server.interactions.paging import page_size
from fhir_server.search.clauses import Clause
from fhir_server.search.compartments import in_compartment
from fhir_server.search.everything import TypeClause
from fhir_server.search.include import included
from fhir_server.search.query import param_clause
from fhir_server.storage.postgres import Reader

ALL_TYPES = "*"
# What `Patient/123/*` understands besides the column parameters.
_LISTING = frozenset({"_count", "_cursor", "_type", "_include", "_revinclude", "_format",
                      "_pretty"})
_COLUMN_PARAMS = frozenset({"_id", "_lastUpdated"})


async def compartment_search(reader: Reader, base: str, comp_type: str, comp_id: str,
                             res_type: str, pairs: list[tuple[str, str]], default_count: int,
                             max_count: int, lenient: bool = True) -> dict[str, Any]:
    """A searchset Bundle of res_type resources in the compartment `comp_type/comp_id`.

    404 when comp_type has no compartment, 400 when res_type is never in it.
    """
    if res_type == ALL_TYPES:
        return await _all_types(reader, base, comp_type, comp_id, pairs, default_count,
                                max_count, lenient)
    clause = in_compartment(comp_type, comp_id, res_type)
    found = await search.search(reader, base, res_type, pairs, default_count, max_count,
                                lenient, extra_clauses=(clause,))
    # The search links name the type's search; page through the compartment instead.
    plain, scoped = f"{base}/{res_type}?", f"{base}/{comp_type}/{comp_id}/{res_type}?"
    for link in found.get("link", ()):
        if link["url"].startswith(plain):
            link["url"] = scoped + link["url"][len(plain):]
    return found


async def _all_types(reader: Reader, base: str, comp_type: str, comp_id: str,
                     pairs: list[tuple[str, str]], default_count: int, max_count: int,
                     lenient: bool) -> dict[str, Any]:
    member = in_compartment(comp_type, comp_id, None)
    filters, ignored = _filters(comp_type, pairs, lenient)
    count = page_size(next((v for k, v in reversed(pairs) if k == "_count"), None),
                      default_count, max_count)
    page = Page(filters, count, parse_cursor(pairs))
    matches, more = await member_page(reader, member, page)
    entries = [search_entry(base, s) for s in matches]
    entries += [search_entry(base, s, "include")
                for s in await included(reader, ALL_TYPES, matches, pairs)]
    if ignored:
        names = ", ".join(sorted({k for k, _ in ignored}))
        issue = Issue("not-supported", f"parameters ignored in a * compartment search: {names}",
                      "warning")
        entries.append({"resource": operation_outcome([issue]), "search": {"mode": "outcome"}})
    kept = [p for p in pairs if p not in ignored]
    total = len(matches) if page.after == 0 and not more else None
    path = f"{base}/{comp_type}/{comp_id}/*"
    return bundle("searchset", entries, links(path, kept, matches, more), total)


def _filters(comp_type: str, pairs: list[tuple[str, str]],
             lenient: bool) -> tuple[tuple[Clause, ...], list[tuple[str, str]]]:
    """The clauses of `_type`, `_id` and `_lastUpdated`, and the pairs set aside."""
    clauses: list[Clause] = []
    types = parse_types(pairs)
    if types is not None:
        clauses.append(TypeClause(types))
    ignored = []
    for name, value in pairs:
        if name in _COLUMN_PARAMS:
            if value:  # an empty value places no constraint
                clauses.append(param_clause(comp_type, name, value))
        elif name.partition(":")[0] not in _LISTING:
            if not lenient:
                raise bad_request(f"'{name}' is not supported in a * compartment search "
                                  "(only _id, _lastUpdated and _type)", code="not-supported")
            ignored.append((name, value))
    return tuple(clauses), ignored
