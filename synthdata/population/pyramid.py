"""The county's age/sex pyramid: what share of residents falls in each 5-year band.

Shares approximate rural Henan in the 2020 census (a bulge at 45–59, many elderly left
behind by migrant children, few young adults, more boys than girls among children).
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from synthdata.clock import TODAY


@dataclass(frozen=True, slots=True)
class Band:
    """Ages low..high inclusive: their share of residents (%) and the male share within."""

    low: int
    high: int
    share: float
    male: float


BANDS: tuple[Band, ...] = (
    Band(0, 4, 4.8, 0.535),
    Band(5, 9, 7.4, 0.540),
    Band(10, 14, 7.6, 0.540),
    Band(15, 19, 6.3, 0.530),
    Band(20, 24, 5.0, 0.520),
    Band(25, 29, 5.8, 0.510),
    Band(30, 34, 7.4, 0.510),
    Band(35, 39, 6.4, 0.505),
    Band(40, 44, 5.6, 0.505),
    Band(45, 49, 7.3, 0.500),
    Band(50, 54, 8.3, 0.500),
    Band(55, 59, 6.8, 0.500),
    Band(60, 64, 5.0, 0.495),
    Band(65, 69, 5.4, 0.490),
    Band(70, 74, 4.0, 0.480),
    Band(75, 79, 2.6, 0.460),
    Band(80, 84, 1.6, 0.430),
    Band(85, 99, 1.2, 0.380),
)
_CUMULATIVE = tuple(accumulate(b.share for b in BANDS))
TOTAL_SHARE = _CUMULATIVE[-1]


def band_of(age: int) -> int:
    """The index of the band holding an age."""
    for i, band in enumerate(BANDS):
        if band.low <= age <= band.high:
            return i
    return len(BANDS) - 1


def sample_age_sex(rng: random.Random) -> tuple[int, bool]:
    """One resident's age in completed years and whether male, drawn from the pyramid."""
    band = BANDS[bisect(_CUMULATIVE, rng.random() * TOTAL_SHARE)]
    if band.high == 99:
        age = min(99, band.low + int(rng.expovariate(0.25)))
    else:
        age = rng.randint(band.low, band.high)
    return age, rng.random() < band.male


def birth_date(rng: random.Random, age: int) -> date:
    """A birth date giving `age` completed years on TODAY."""
    anniversary = TODAY.replace(year=TODAY.year - age)
    return anniversary - timedelta(days=rng.randrange(365))


def expected_shares() -> list[float]:
    """Each band's configured share of residents, as fractions summing to 1."""
    return [b.share / TOTAL_SHARE for b in BANDS]


def expected_male_share() -> float:
    """The configured share of males among all residents."""
    return sum(b.share * b.male for b in BANDS) / TOTAL_SHARE
