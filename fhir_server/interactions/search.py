"""search at type level (search.html), with stable keyset paging by storage order."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fhir_server.errors import bad_request
from fhir_server.interactions.bundles import bundle, search_entry
from fhir_server.interactions.paging import page_size
from fhir_server.search import compile_query
from fhir_server.storage.postgres import Reader


async def search(
    reader: Reader,
    base: str,
    res_type: str,
    pairs: list[tuple[str, str]],
    default_count: int,
    max_count: int,
) -> dict[str, Any]:
    """One page of a searchset Bundle with self, first and next links."""
    cursor = [v for k, v in pairs if k == "_cursor"]
    criteria = [(k, v) for k, v in pairs if k != "_cursor"]
    if cursor and not cursor[-1].isdigit():
        raise bad_request("invalid _cursor")
    after = int(cursor[-1]) if cursor else 0
    query = compile_query(res_type, criteria)
    result = dict(query.result_params)
    count = page_size(result.get("_count"), default_count, max_count)
    where, args = query.where_sql("r", 2)
    rows = await reader.find(res_type, where, args, count + 1, after)
    page = rows[:count]
    links = [
        ("self", f"{base}/{res_type}?{urlencode(pairs)}"),
        ("first", f"{base}/{res_type}?{urlencode(criteria)}"),
    ]
    if len(rows) > count and page:
        links.append(
            ("next", f"{base}/{res_type}?{urlencode(criteria + [('_cursor', str(page[-1].rid))])}")
        )
    total = None
    if result.get("_total") == "accurate":
        total = await reader.count(res_type, where, args)
    elif not cursor and len(rows) <= count:
        total = len(page)  # everything fits on the first page: the total is known for free
    return bundle("searchset", [search_entry(base, s) for s in page], links, total)
