"""`$everything` (patient-operation-everything.html, encounter-operation-everything.html).

The record of one Patient (or Encounter): the resource itself and every resource in its
compartment, as matches, in storage order with keyset paging (`_cursor` is the last rid of
the page, so pages stay stable while resources are added); and, as includes, the live
resources the page refers to (Practitioner, Organization, Medication, Location, ...) that
are not in the compartment themselves, one level deep. `_type`, `_since` and
`start`/`end` apply to both. Without `_count` a page holds the largest page size. At type
level (`Patient/$everything`) the record is every patient's: each Patient and every
resource in some Patient's compartment, paged the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fhir_server.definitions.structure import type_system
from fhir_server.errors import bad_request
from fhir_server.interactions.bundles import bundle, search_entry
from fhir_server.interactions.paging import page_size
from fhir_server.interactions.read import read
from fhir_server.search.clauses import Clause, LastUpdatedClause
from fhir_server.search.compartments import (
    AnyCompartmentClause,
    CompartmentClause,
    in_any_compartment,
    in_compartment,
)
from fhir_server.search.everything import CareDateClause, TypeClause, care_date_params
from fhir_server.search.include import MAX_INCLUDED
from fhir_server.search.params import date
from fhir_server.search.query import SearchQuery
from fhir_server.storage import includes
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader

ANY_REFERENCE: includes.Spec = (None, None, None)
Member = CompartmentClause | AnyCompartmentClause


@dataclass(frozen=True, slots=True)
class Page:
    """Which page of a compartment listing: filters, size and the rid it starts after."""

    filters: tuple[Clause, ...]
    count: int
    after: int


def parse_types(pairs: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """`_type` values (repeated and comma-separated) as resource types; None when absent."""
    values = [v for k, v in pairs if k == "_type"]
    if not values:
        return None
    types = tuple(t.strip() for v in values for t in v.split(","))
    unknown = sorted(set(types) - type_system().resource_types)
    if unknown:
        raise bad_request(f"_type names unknown resource types: {', '.join(unknown)}")
    return types


def parse_cursor(pairs: list[tuple[str, str]]) -> int:
    """The rid a page starts after (`_cursor`, given by the server in `next` links)."""
    cursor = [v for k, v in pairs if k == "_cursor"]
    if cursor and not cursor[-1].isdigit():
        raise bad_request("invalid _cursor")
    return int(cursor[-1]) if cursor else 0


def _one(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in pairs if k == name]
    if len(values) > 1:
        raise bad_request(f"{name} may be given once")
    return values[0] if values else None


def _date(pairs: list[tuple[str, str]], name: str) -> date.Range | None:
    text = _one(pairs, name)
    if text is None:
        return None
    found = date.parse_range(text)
    if found is None:
        raise bad_request(f"{name} '{text}' is not a FHIR date (e.g. 2024-01-31)")
    return found


def _care_dates(pairs: list[tuple[str, str]]) -> CareDateClause | None:
    start, end = _date(pairs, "start"), _date(pairs, "end")
    if start is None and end is None:
        return None
    lo, hi = (start[0] if start else date.MIN), (end[1] if end else date.MAX)
    if lo > hi:
        raise bad_request("start is after end")
    return CareDateClause(care_date_params(), lo, hi)


def parse_page(pairs: list[tuple[str, str]], max_count: int) -> Page:
    """The page an `$everything` call asks for; a 400 for malformed values."""
    filters: list[Clause] = []
    types = parse_types(pairs)
    if types is not None:
        filters.append(TypeClause(types))
    since = _date(pairs, "_since")
    if since is not None:  # "updated after": at or after the instant given
        filters.append(LastUpdatedClause((date.DateValue("ge", *since),)))
    care = _care_dates(pairs)
    if care is not None:
        filters.append(care)
    count = page_size(_one(pairs, "_count"), max_count, max_count)
    return Page(tuple(filters), count, parse_cursor(pairs))


def where(clauses: tuple[Clause, ...], first_arg: int) -> tuple[str, list[object]]:
    """The clauses ANDed as SQL on the storage queries' row `t`."""
    return SearchQuery("*", list(clauses)).where_sql("t", first_arg)


async def member_page(reader: Reader, member: Member,
                      page: Page) -> tuple[list[Stored], bool]:
    """One page of the compartment's live members, and whether more follow."""
    sql, args = where((member, *page.filters), 3)
    rows = await includes.members(reader, sql, args, page.after, page.count + 1)
    return rows[:page.count], len(rows) > page.count


def links(path: str, pairs: list[tuple[str, str]], page: list[Stored],
          more: bool) -> list[tuple[str, str]]:
    """self, first and (when more follow) next links of a keyset-paged listing."""
    criteria = [(k, v) for k, v in pairs if k != "_cursor"]
    out = [("self", f"{path}?{urlencode(pairs)}"), ("first", f"{path}?{urlencode(criteria)}")]
    if more and page:
        out.append(("next", f"{path}?{urlencode(criteria + [('_cursor', str(page[-1].rid))])}"))
    return out


async def everything(reader: Reader, base: str, comp_type: str, comp_id: str | None,
                     pairs: list[tuple[str, str]], max_count: int) -> dict[str, Any]:
    """One page of the record of `comp_type/comp_id` (of every comp_type without an id).

    404 when the resource is unknown, 410 when it was deleted.
    """
    page = parse_page(pairs, max_count)
    member: Member
    if comp_id is None:
        member = in_any_compartment(comp_type)
    else:
        await read(reader, comp_type, comp_id)
        member = in_compartment(comp_type, comp_id, None)
    matches, more = await member_page(reader, member, page)
    outside, args = where((replace(member, negated=True), *page.filters), 7)
    referred = await includes.referenced(
        reader, [s.rid for s in matches], [ANY_REFERENCE], [], MAX_INCLUDED, outside, args
    ) if matches else []
    entries = [search_entry(base, s) for s in matches]
    entries += [search_entry(base, s, "include") for s in referred]
    total = len(matches) if page.after == 0 and not more else None
    path = f"{base}/{comp_type}{'' if comp_id is None else '/' + comp_id}/$everything"
    return bundle("searchset", entries, links(path, pairs, matches, more), total)
