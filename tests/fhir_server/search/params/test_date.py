"""Date ranges at their precision."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from fhir_server.errors import FhirError
from fhir_server.search.params.date import (
    MAX,
    MIN,
    index_values,
    parse_range,
    parse_value,
    range_sql,
)
from fhir_server.search.sql import SqlArgs

END_OF = timedelta(microseconds=1)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_precisions() -> None:
    assert parse_range("2002") == (utc(2002, 1, 1), utc(2003, 1, 1) - END_OF)
    assert parse_range("2002-02") == (utc(2002, 2, 1), utc(2002, 3, 1) - END_OF)
    assert parse_range("2002-12-31") == (utc(2002, 12, 31), utc(2003, 1, 1) - END_OF)
    assert parse_range("2002-12-31T10:15") == (utc(2002, 12, 31, 10, 15),
                                               utc(2002, 12, 31, 10, 16) - END_OF)
    assert parse_range("2002-12-31T10:15:30Z") == (utc(2002, 12, 31, 10, 15, 30),
                                                   utc(2002, 12, 31, 10, 15, 31) - END_OF)


def test_time_zone_and_fraction() -> None:
    lo, hi = parse_range("2013-04-02T09:30:10.5+01:00") or (None, None)
    assert lo == datetime(2013, 4, 2, 8, 30, 10, 500000, tzinfo=UTC)
    assert lo is not None and lo.tzinfo == timezone(timedelta(hours=1))
    assert hi == datetime(2013, 4, 2, 8, 30, 10, 599999, tzinfo=UTC)


def test_invalid() -> None:
    for text in ("2020-13", "2020-02-30", "20", "2020-1-1", "2020-01-01T25:00", "x"):
        assert parse_range(text) is None, text


def test_period_open_ends() -> None:
    assert index_values({"start": "2020"}, "Period") == [(utc(2020, 1, 1), MAX)]
    assert index_values({"end": "2020"}, "Period") == [(MIN, utc(2021, 1, 1) - END_OF)]
    assert index_values({}, "Period") == []


def test_timing_events_span() -> None:
    timing = {"event": ["2020-01-02", "2020-01-01"]}
    assert index_values(timing, "Timing") == [(utc(2020, 1, 1), utc(2020, 1, 3) - END_OF)]


def test_precision_edges() -> None:
    # February of a leap year; the last month of a year; nanoseconds are one microsecond;
    # values past 9999 end at MAX instead of failing.
    assert parse_range("2020-02") == (utc(2020, 2, 1), utc(2020, 3, 1) - END_OF)
    assert parse_range("2020-12") == (utc(2020, 12, 1), utc(2021, 1, 1) - END_OF)
    lo, hi = parse_range("2020-01-01T00:00:00.123456789Z") or (None, None)
    assert lo == hi == utc(2020, 1, 1, 0, 0, 0, 123456)
    assert parse_range("9999") == (utc(9999, 1, 1), MAX)
    assert parse_range("9999-12") == (utc(9999, 12, 1), MAX)


def test_zone_less_values_are_utc() -> None:
    # docs/conformance.md: values without a zone are taken in UTC.
    assert parse_range("2013-01-01T00:00") == (utc(2013, 1, 1), utc(2013, 1, 1, 0, 1) - END_OF)
    lo, _ = parse_range("2013-01-01T00:00+08:00") or (None, None)
    assert lo == utc(2012, 12, 31, 16)


def test_timing_bounds_period_counts() -> None:
    # search.html#date: only the outer limits of a Timing matter.
    timing = {"event": ["2013-02-10"],
              "repeat": {"boundsPeriod": {"start": "2013-02-01", "end": "2013-02-28"},
                         "frequency": 1, "period": 2, "periodUnit": "d"}}
    assert index_values(timing, "Timing") == [(utc(2013, 2, 1), utc(2013, 3, 1) - END_OF)]
    only_bounds = {"repeat": {"boundsPeriod": {"start": "2013-02-01"}}}
    assert index_values(only_bounds, "Timing") == [(utc(2013, 2, 1), MAX)]


@pytest.mark.parametrize("text", ["2013-01-01T10", "2013-01-01T10:00+8", "2013-02-29",
                                  "gt", "ge2013-01-01 10:00", "2013-01-01T10:00:00+25:00"])
def test_malformed_query_dates_are_400(text: str) -> None:
    with pytest.raises(FhirError) as raised:
        parse_value(text, None)
    assert raised.value.status == 400


def test_approximate_is_ten_percent_of_the_gap_to_now() -> None:
    # search.html#prefix `ap`: 10% of the gap between now and the date, on both sides.
    value = parse_value("ap2000-01-01", None)
    args = SqlArgs(1)
    assert range_sql(value, "lo", "hi", args) == "lo <= $2 AND hi >= $1"
    slack = (datetime.now(UTC) - utc(2000, 1, 1)) / 10
    low, high = args.values
    assert abs(low - (utc(2000, 1, 1) - slack)) < timedelta(minutes=1)
    assert abs(high - (utc(2000, 1, 2) - END_OF + slack)) < timedelta(minutes=1)


# Observations posted over HTTP (UTC instants in brackets):
OBSERVATIONS = {
    "day": {"effectiveDateTime": "2013-06-15"},                      # the whole UTC day
    "cn-eve": {"effectiveDateTime": "2012-12-31T23:30:00+08:00"},    # [2012-12-31 15:30]
    "cn-new": {"effectiveDateTime": "2013-01-01T00:30:00+08:00"},    # [2012-12-31 16:30]
    "open": {"effectivePeriod": {"start": "2013-03-01T08:00:00Z"}},  # no end: ongoing
    "timing": {"effectiveTiming": {"event": ["2013-02-10"], "repeat": {
        "boundsPeriod": {"start": "2013-02-01", "end": "2013-02-28"}}}},
    "instant": {"effectiveInstant": "2013-01-01T00:00:00Z"},
    "y2k": {"effectiveDateTime": "2000-01-01"},
}
MARKER = f"urn:test:date|{uuid.uuid4()}"


@pytest.fixture(scope="module")
def observations(fhir_base: str) -> dict[str, str]:
    """The observations above, sharing an identifier: id -> key."""
    system, _, value = MARKER.partition("|")
    found: dict[str, str] = {}
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        for key, effective in OBSERVATIONS.items():
            body = {"resourceType": "Observation", "status": "final",
                    "code": {"text": "date test"}, **effective,
                    "identifier": [{"system": system, "value": value}]}
            r = client.post("/Observation", json=body)
            assert r.status_code == 201, r.text
            found[r.json()["id"]] = key
    return found


@pytest.mark.integration
@pytest.mark.parametrize(("query", "expected"), [
    # 2013 is [2013-01-01T00:00Z, 2014-01-01T00:00Z); 00:30 in +08:00 is still 2012 in UTC.
    ("date=2013", {"day", "timing", "instant"}),
    ("date=2012-12-31", {"cn-eve", "cn-new"}),
    ("date=2013-02", {"timing"}),
    ("date=2013-01-01T00:30:00+08:00", {"cn-new"}),
    ("date=2013-01-01T00:30+08:00", {"cn-new"}),                 # minute precision
    # lt: starts before 2012-12-31T16:00Z.
    ("date=lt2013-01-01T00:00+08:00", {"cn-eve", "y2k"}),
    # ge: ends after the minute 16:00Z, or lies within it.
    ("date=ge2013-01-01T00:00+08:00", {"day", "cn-new", "open", "timing", "instant"}),
    ("date=le2012-12-31T16:00:00Z", {"cn-eve", "y2k"}),
    ("date=sa2013-02-15", {"day", "open"}),                      # starts after the day
    ("date=eb2013-02-15", {"cn-eve", "cn-new", "instant", "y2k"}),  # ends before it
    ("date=ne2013", {"cn-eve", "cn-new", "open", "y2k"}),
    ("date=gt2013-05", {"day", "open"}),                         # ends after May
    # ap: the gap to now is over 10 years, so the slack is over a year; 2000 stays out.
    ("date=ap2013-06-15", set(OBSERVATIONS) - {"y2k"}),
])
def test_search_over_http(fhir_base: str, observations: dict[str, str], query: str,
                          expected: set[str]) -> None:
    pairs = [tuple(p.split("=", 1)) for p in query.split("&")]  # `+` in a zone: encoded
    with httpx.Client(base_url=fhir_base, timeout=30) as client:
        r = client.get("/Observation", params=[("identifier", MARKER), *pairs, ("_count", "50")])
        assert r.status_code == 200, r.text
        found = {observations[e["resource"]["id"]] for e in r.json().get("entry", [])}
        assert found == expected
