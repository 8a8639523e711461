"""Phone numbers: one digits-only form, mobile or landline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhir_server.search.protect import normalise_phone

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_LOCAL = re.compile(r"^[2-8]\d{6,7}$")


@dataclass(frozen=True, slots=True)
class Phone:
    """A normalised phone: its digits and whether it is a mobile, landline or local number."""

    digits: str
    kind: str


def parse(value: str, area_code: str = "0371") -> Phone | None:
    """The phone as compared; a local landline gets the county's area code. None if not a phone."""
    digits = normalise_phone(value)
    if _MOBILE.match(digits):
        return Phone(digits, "mobile")
    if _LANDLINE.match(digits):
        return Phone(digits, "landline")
    if _LOCAL.match(digits):
        return Phone(area_code + digits, "landline")
    return None
