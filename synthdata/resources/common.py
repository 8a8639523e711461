"""Small FHIR datatype builders shared by every resource module."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from synthdata import namespaces as ns
from synthdata.county.divisions import CITY, COUNTY, COUNTY_CODE, POSTAL_CODE, PROVINCE

Json = dict[str, Any]


@lru_cache(maxsize=8192)
def coding(system: str, code: str, display: str | None = None) -> Json:
    """A Coding (shared between resources: callers never modify it)."""
    result: Json = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


@lru_cache(maxsize=8192)
def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    """A CodeableConcept with one coding (shared between resources: never modify it)."""
    result: Json = {"coding": [coding(system, code, display)]}
    if text:
        result["text"] = text
    return result


def identifier(system: str, value: str, type_code: str | None = None) -> Json:
    """An Identifier, typed by a v2-0203 code (MR, NI, ACSN, …) when given."""
    result: Json = {"system": system, "value": value}
    if type_code:
        result = {"type": concept(ns.V2_IDENTIFIER_TYPE, type_code), **result}
    return result


def quantity(value: float, unit: str, code: str | None = None) -> Json:
    """A UCUM Quantity; `unit` is the human unit and `code` the UCUM code when they differ."""
    return {"value": value, "unit": unit, "system": ns.UCUM, "code": code or unit}


def money(value: float) -> Json:
    """An amount in yuan."""
    return {"value": round(value, 2), "currency": "CNY"}


def division_extension(code: str) -> Json:
    """The administrative-division code (GB/T 2260 / statistical 12-digit) of an address."""
    return {"url": ns.EXT_DIVISION, "valueCode": code}


def address(lines: list[str], division_code: str | None, use: str = "home") -> Json:
    """A Chinese address: province, city, county, then township and village lines."""
    result: Json = {"use": use}
    if division_code:
        result = {"extension": [division_extension(division_code)], **result}
    text = PROVINCE + CITY + COUNTY + "".join(lines)
    result.update(text=text, state=PROVINCE, city=CITY, district=COUNTY)
    if lines:
        result["line"] = lines
    result.update(postalCode=POSTAL_CODE, country="CN")
    return result


def county_address() -> Json:
    """An address that only says the county."""
    return address([], COUNTY_CODE)


def phone(number: str, use: str = "mobile") -> Json:
    """A phone ContactPoint."""
    return {"system": "phone", "value": number, "use": use}
