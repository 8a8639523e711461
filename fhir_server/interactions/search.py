"""search at type level (search.html), with stable keyset paging by storage order."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fhir_server.errors import Issue, bad_request, operation_outcome
from fhir_server.interactions.bundles import bundle, search_entry
from fhir_server.interactions.paging import page_size
from fhir_server.search import compile_query
from fhir_server.search.clauses import Clause
from fhir_server.search.include import included
from fhir_server.storage.postgres import Reader


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
    """One page of a searchset Bundle with self, first and next links.

    Unknown parameters are ignored unless strict (search.html#errors); the links show only
    what was applied, and an OperationOutcome entry names what was not. extra_clauses
    constrain the search beyond its parameters (a compartment search).
    """
    cursor = [v for k, v in pairs if k == "_cursor"]
    criteria = [(k, v) for k, v in pairs if k != "_cursor"]
    if cursor and not cursor[-1].isdigit():
        raise bad_request("invalid _cursor")
    after = int(cursor[-1]) if cursor else 0
    query = compile_query(res_type, criteria, lenient=lenient)
    query.clauses.extend(extra_clauses)
    criteria = [p for p in criteria if p not in query.ignored]
    result = dict(query.result_params)
    count = page_size(result.get("_count"), default_count, max_count)
    where, args = query.where_sql("r", 2)
    if result.get("_summary") == "count":  # search.html#summary: the total only, no entries
        self_link = ("self", f"{base}/{res_type}?{urlencode(criteria)}")
        return bundle("searchset", [], [self_link], await reader.count(res_type, where, args))
    rows = await reader.find(res_type, where, args, count + 1, after)
    page = rows[:count]
    links = [
        ("self", f"{base}/{res_type}?{urlencode(criteria + [('_cursor', c) for c in cursor])}"),
        ("first", f"{base}/{res_type}?{urlencode(criteria)}"),
    ]
    if len(rows) > count and page:
        links.append(
            ("next", f"{base}/{res_type}?{urlencode(criteria + [('_cursor', str(page[-1].rid))])}")
        )
    total: int | None = None
    if result.get("_total") == "accurate":
        total = await reader.count(res_type, where, args)
    elif not cursor and len(rows) <= count:
        total = len(page)  # everything fits on the first page: the total is known for free
    entries = [search_entry(base, s) for s in page]
    entries += [search_entry(base, s, "include")
                for s in await included(reader, res_type, page, query.result_params)]
    if query.ignored:
        entries.append(_ignored_entry(query.ignored))
    return bundle("searchset", entries, links, total)


def _ignored_entry(ignored: list[tuple[str, str]]) -> dict[str, Any]:
    names = ", ".join(sorted({k for k, _ in ignored}))
    issue = Issue("not-supported", f"unknown search parameters ignored: {names}", "warning")
    return {"resource": operation_outcome([issue]), "search": {"mode": "outcome"}}
