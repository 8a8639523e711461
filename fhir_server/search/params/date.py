"""Date search parameters (FHIR R4 search, 3.1.1.4.2 "date").

Every value is a range [lo, hi] at its precision: `2020` covers the whole year, a Period
covers start..end (open ends are unbounded), a Timing its outer limits (events and
repeat.boundsPeriod). Values without a zone (dates, partial dates, query times) are taken
in `ZONE_LESS`, UTC: the spec leaves it to the server's zone (search.html#date), and UTC
keeps day boundaries the same for every client (docs/conformance.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from fhir_server.errors import bad_request
from fhir_server.search.escaping import unescape
from fhir_server.search.params.prefix import split_prefix
from fhir_server.search.sql import SqlArgs

TABLE = "idx_date"
ZONE_LESS: tzinfo = UTC  # the zone of a value that carries none
MIN = datetime.min.replace(tzinfo=UTC)
MAX = datetime.max.replace(tzinfo=UTC)
Range = tuple[datetime, datetime]

_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?$")
_TICK = timedelta(microseconds=1)
_DAY_END = timedelta(days=1) - _TICK


@dataclass(frozen=True, slots=True)
class DateValue:
    """A parsed query value: prefix and the range the value covers."""

    prefix: str
    lo: datetime
    hi: datetime


@lru_cache(maxsize=128)
def _zone(text: str | None) -> tzinfo:
    if text is None:
        return ZONE_LESS
    if text == "Z":
        return UTC
    offset = timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))
    return timezone(-offset if text[0] == "-" else offset)


def _end(start: datetime, groups: tuple[str | None, ...]) -> datetime:
    """The first instant after the value at its precision; MAX past the year 9999."""
    year, month, day, hour, minute, second, fraction = groups[:7]
    try:
        if month is None:
            return start.replace(year=start.year + 1)
        if day is None:
            return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        if hour is None:
            return start + timedelta(days=1)
        if second is None:
            return start + timedelta(minutes=1)
        # Python keeps microseconds: a finer fraction (nanoseconds) is one microsecond.
        digits = min(len(fraction), 6) if fraction else 0
        return start + timedelta(microseconds=10 ** (6 - digits))
    except (ValueError, OverflowError):
        return MAX


def _day(text: str) -> Range | None:
    """Fast path for the most common form, a full date `YYYY-MM-DD`."""
    if text[4] != "-" or text[7] != "-" or not (text[:4] + text[5:7] + text[8:]).isdigit():
        return None
    try:
        start = datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), tzinfo=ZONE_LESS)
    except ValueError:
        return None
    return start, start + _DAY_END


def parse_range(text: str) -> Range | None:
    """The [lo, hi] a FHIR date/dateTime/instant covers, or None if it is not one."""
    if len(text) == 10 and (full_date := _day(text)) is not None:
        return full_date
    match = _DATE.match(text)
    if match is None:
        return None
    groups = match.groups()
    year, month, day, hour, minute, second, fraction, zone = groups
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        start = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0),
                         int(minute or 0), int(second or 0), micros, tzinfo=_zone(zone))
    except ValueError:
        return None
    end = _end(start, groups)
    return start, (end - _TICK if end is not MAX else MAX)


def _period(value: dict[str, Any]) -> Range | None:
    start, end = value.get("start"), value.get("end")
    lo = parse_range(start) if isinstance(start, str) else None
    hi = parse_range(end) if isinstance(end, str) else None
    if lo is None and hi is None:
        return None
    return (lo[0] if lo else MIN), (hi[1] if hi else MAX)


def _timing(value: dict[str, Any]) -> Range | None:
    """The outer limits of the events and of repeat.boundsPeriod (search.html#date: "the
    specified scheduling details are ignored and only the outer limits matter")."""
    ranges = [r for e in value.get("event", ()) if isinstance(e, str) if (r := parse_range(e))]
    repeat = value.get("repeat")
    if type(repeat) is dict and type(bounds := repeat.get("boundsPeriod")) is dict:
        ranges += [r for r in (_period(bounds),) if r is not None]
    if not ranges:
        return None
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


def index_values(value: Any, type_code: str) -> list[Range]:
    """One (lo, hi) row for a date, dateTime, instant, Period or Timing."""
    if isinstance(value, str):
        found = parse_range(value)
    elif type(value) is dict and type_code == "Period":
        found = _period(value)
    elif type(value) is dict and type_code == "Timing":
        found = _timing(value)
    else:
        found = None
    return [] if found is None else [found]


def accepts(modifier: str) -> bool:
    """No modifiers besides `:missing`."""
    return False


def parse_value(text: str, modifier: str | None) -> DateValue:
    """`[prefix]date`, e.g. `ge2020-01`; a 400 when it is not a FHIR date."""
    prefix, rest = split_prefix(unescape(text))
    found = parse_range(rest)
    if found is None:
        raise bad_request(f"'{text}' is not a valid date (expected e.g. 2020-01-31T10:00:00Z)")
    return DateValue(prefix, *found)


def value_sql(value: DateValue, modifier: str | None, args: SqlArgs) -> str:
    """A condition on an idx_date row `i`."""
    return range_sql(value, "i.lo", "i.hi", args)


def range_sql(value: DateValue, lo: str, hi: str, args: SqlArgs) -> str:
    """Compare the target range [lo, hi] (column expressions) with the search range.

    Only the bounds a prefix needs become arguments: PostgreSQL rejects unused ones.
    """
    slo, shi = value.lo, value.hi
    if value.prefix in ("gt", "sa"):
        return f"{hi if value.prefix == 'gt' else lo} > {args.add(shi)}"
    if value.prefix in ("lt", "eb"):
        return f"{lo if value.prefix == 'lt' else hi} < {args.add(slo)}"
    if value.prefix == "ap":  # search.html#prefix: 10% of the gap between now and the date
        slack = abs(datetime.now(UTC) - slo) / 10
        slo = slo - slack if slo - MIN > slack else MIN
        shi = shi + slack if MAX - shi > slack else MAX
    a, b = args.add(slo), args.add(shi)
    contained = f"{lo} >= {a} AND {hi} <= {b}"
    return {
        "eq": contained,
        "ne": f"NOT ({contained})",
        "ge": f"({hi} > {b} OR ({contained}))",
        "le": f"({lo} < {a} OR ({contained}))",
        "ap": f"{lo} <= {b} AND {hi} >= {a}",
    }[value.prefix]
