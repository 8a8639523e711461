"""18-digit resident identity numbers (GB 11643-1999): region, birth date, order, check digit.

Digits 1–6 are the region code where the holder was first registered, 7–14 the birth date,
15–17 the order code (odd for men, even for women) and 18 the ISO 7064 MOD 11-2 check
character (0–9 or X).
"""

from __future__ import annotations

import zlib
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ORDER_STEP = 37  # coprime to 500: order codes of one region/date/sex never repeat


def check_char(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid(number: str) -> bool:
    """Whether an 18-character number has digits, a real birth date and the right check char."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_char(number[:17]) == number[17].upper()


def build(region: str, birth: date, male: bool, order: int) -> str:
    """The number of the `order`-th person (0..499) of a region, birth date and sex."""
    base = zlib.crc32(f"{region}{birth:%Y%m%d}{int(male)}".encode()) % 500
    slot = (base + order * ORDER_STEP) % 500
    order_code = 2 * slot + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{order_code:03d}"
    return first17 + check_char(first17)


def to_15_digits(number: str) -> str:
    """The first-generation 15-digit form: no century, no check character."""
    return number[:6] + number[8:17]


class IdRegistry:
    """Hands out numbers without repeats, counting people per region, birth date and sex.

    It runs in one process over all chunks in order, so numbers are unique county-wide
    whatever the number of workers.
    """

    def __init__(self) -> None:
        self._counts: dict[tuple[str, date, bool], int] = {}

    def assign(self, region: str, birth: date, male: bool) -> str:
        """The next unused number for a person."""
        key = (region, birth, male)
        order = self._counts.get(key, 0)
        if order >= 500:
            raise ValueError(f"more than 500 people of one sex born on {birth} in {region}")
        self._counts[key] = order + 1
        return build(region, birth, male, order)
