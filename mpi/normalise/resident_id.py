"""Resident ID numbers (GB 11643): MOD 11-2 check, 15-digit upgrade, birth date and sex."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_NOISE = re.compile(r"[\s\-]")


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A parsed ID number: the 18-digit form and what it says about its holder."""

    number: str
    region: str
    birth_date: date
    sex: str
    upgraded: bool


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def clean(value: str) -> str:
    """Spaces and dashes removed, full-width digits folded, lower-case x raised."""
    folded = value.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
    return _NOISE.sub("", folded).upper().replace("Ｘ", "X")


def upgrade(id15: str) -> str:
    """The 18-digit form of a 15-digit (pre-1999) number: century 19 and a check digit."""
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_digit(first17)


def parse(value: str) -> ResidentId | None:
    """The parsed number, or None when it is malformed, has a bad check or no real birth date."""
    number = clean(value)
    upgraded = bool(_ID15.match(number))
    if upgraded:
        number = upgrade(number)
    if not _ID18.match(number) or check_digit(number[:17]) != number[17]:
        return None
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    sex = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number, number[:6], born, sex, upgraded)


def consistent(rid: ResidentId, birth_date: str | None, gender: str | None) -> bool:
    """Whether the record's own birth date and gender agree with the number (missing = agree)."""
    if birth_date and birth_date[:10] != rid.birth_date.isoformat():
        return False
    return not gender or gender not in ("male", "female") or gender == rid.sex
