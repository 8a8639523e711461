"""The synthetic county's fixed "now" and its record window: no wall-clock time enters data.

Every generated date derives from `NOW` and the seed's RNG, so the same seed gives the same
bytes whenever it runs.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
NOW = datetime(2025, 6, 30, 10, 0, tzinfo=CST)
TODAY = NOW.date()
WINDOW_DAYS = 365
WINDOW_START = NOW - timedelta(days=WINDOW_DAYS)


def stamp(moment: datetime) -> str:
    """A FHIR dateTime/instant with seconds and the China offset, e.g. 2025-03-01T09:30:00+08:00."""
    return moment.isoformat(timespec="seconds")


def day(value: date) -> str:
    """A FHIR date."""
    return value.isoformat()


def age_on(birth: date, when: date) -> int:
    """Completed years of age on a day."""
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def in_window(moment: datetime) -> bool:
    """Whether a moment falls inside the record window (the last year up to NOW)."""
    return WINDOW_START <= moment <= NOW
