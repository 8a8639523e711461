"""Date ranges at their precision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from fhir_server.search.params.date import MAX, MIN, index_values, parse_range

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
