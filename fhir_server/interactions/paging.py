"""Page sizes, and the keyset pages of a search that stay stable while data changes.

A search's paging links carry an opaque cursor: the sort key values and rid of the row a
page ends (or starts) at, the direction, and the moment the search began (its ceiling).
Each page takes the rows past the cursor in sort order (search.html#paging):

- with the default order (rid) or `_sort=_id`, a resource's place never changes, so plain
  keyset paging is exact; resources created meanwhile appear at the end;
- with a key an update can change, resources written since the ceiling are placed by the
  values of the version current at the ceiling (read back from the history), so a resource
  updated between two pages is neither served twice nor skipped; resources created after
  the ceiling are left out of the pages (they were not there when the search began).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from fhir_server.errors import FhirError, Issue, bad_request
from fhir_server.search.sort import SortKey, SortValue, row_order
from fhir_server.storage.search import Branch, Match, Position, moved_rows, page_rows

# Most resources written since a sorted search began that a page will place by their
# earlier version; past this the search must start again (410).
MAX_MOVED = 2000
_VERSION = 1


def page_size(value: str | None, default: int, maximum: int) -> int:
    """`_count` as an int within [0, maximum]; 400 for a non-integer."""
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise bad_request(f"_count must be a non-negative integer, not {value!r}")
    return min(int(value), maximum)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page starts: past position (before it when backwards), as of ceiling."""

    position: Position
    backwards: bool
    ceiling: datetime | None


@dataclass(frozen=True, slots=True)
class Page:
    """The matches of one page in sort order, and whether rows lie before and after it."""

    matches: list[Match]
    more_before: bool
    more_after: bool


def _encode_value(value: SortValue) -> Any:
    return value.isoformat() if isinstance(value, datetime) else (
        str(value) if isinstance(value, Decimal) else value)


def encode_cursor(cursor: Cursor) -> str:
    """The opaque `_cursor` link parameter for cursor."""
    ceiling = cursor.ceiling.isoformat() if cursor.ceiling else None
    data = [_VERSION, "b" if cursor.backwards else "a", ceiling,
            [_encode_value(v) for v in cursor.position.values], cursor.position.rid]
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")


def _decode_value(value: Any, sql_class: str) -> SortValue:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    if sql_class == "time":
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        return moment
    if sql_class == "num":
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(value)
        return number
    return value


def decode_cursor(token: str, keys: Sequence[SortKey]) -> Cursor:
    """The cursor of a `_cursor` link parameter made for a search sorted by keys; else 400."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        version, direction, ceiling, values, rid = orjson.loads(raw)
        if version != _VERSION or direction not in ("a", "b") or len(values) != len(keys):
            raise ValueError(token)
        if type(rid) is not int or rid < 0:
            raise ValueError(token)
        decoded = tuple(_decode_value(v, k.sql_class) for v, k in zip(values, keys, strict=True))
        moment = _decode_value(ceiling, "time")
    except (ValueError, TypeError, InvalidOperation, binascii.Error) as exc:
        raise bad_request("invalid _cursor: use the links of the search Bundle") from exc
    assert moment is None or isinstance(moment, datetime)
    return Cursor(Position(decoded, rid), direction == "b", moment)


async def fetch_page(conn: Any, branches: Sequence[Branch], count: int,
                     cursor: Cursor | None, ceiling: datetime) -> Page:
    """The page of count matches past cursor (the first page without one)."""
    position = cursor.position if cursor else None
    backwards = cursor.backwards if cursor else False
    keys = branches[0].keys
    mutable = any(k.mutable for k in keys)
    rows = await page_rows(conn, branches, position, backwards, ceiling if mutable else None,
                           count + 1)
    if mutable:
        moved = await _moved(conn, branches, ceiling, position, backwards)
        if moved:
            rows = sorted(rows + moved, key=_order(keys, backwards))[: count + 1]
    matches = rows[:count]
    beyond = len(rows) > count
    if backwards:
        matches.reverse()
        return Page(matches, beyond, True)
    return Page(matches, position is not None, beyond)


def _order(keys: Sequence[SortKey], backwards: bool) -> Any:
    order = row_order(keys, backwards)
    return lambda m: order((m.values, m.stored.rid))


async def _moved(conn: Any, branches: Sequence[Branch], ceiling: datetime,
                 position: Position | None, backwards: bool) -> list[Match]:
    """Matches written since ceiling, placed by their version at ceiling, past position."""
    found = await moved_rows(conn, branches, ceiling, MAX_MOVED + 1)
    if len(found) > MAX_MOVED:
        raise FhirError(410, Issue("too-costly", "too many resources changed since this search "
                                   "began; start it again from its first link"))
    keys_of = {b.res_type: b.keys for b in branches}
    order = row_order(branches[0].keys, backwards)
    matches = []
    for moved in found:
        old = orjson.loads(moved.old_body)
        values = tuple(k.of_version(old, moved.old_updated) for k in keys_of[moved.stored.res_type])
        match = Match(moved.stored, values)
        if position is None or order((values, match.stored.rid)) > order(
                (position.values, position.rid)):
            matches.append(match)
    return matches
