"""Addresses by administrative level (GB/T 2260 codes extended to 9 and 12 digits)."""

from __future__ import annotations

from typing import Any

DIVISION_URL = "http://regional-hie.cn/fhir/StructureDefinition/administrative-division"
LEVELS = (("province", 2), ("city", 4), ("county", 6), ("township", 9), ("village", 12))


def division_code(address: dict[str, Any]) -> str | None:
    """The administrative-division code of a FHIR Address, if it carries one."""
    for ext in address.get("extension", ()):
        if ext.get("url") == DIVISION_URL and ext.get("valueCode"):
            return str(ext["valueCode"])
    return None


def levels(code: str) -> dict[str, str]:
    """The code of each level the division code is precise to (trailing zero groups dropped)."""
    padded = code.ljust(12, "0")
    out: dict[str, str] = {}
    start = 0
    for level, end in LEVELS:
        if len(code) < end or set(padded[start:end]) == {"0"}:
            break
        out[level] = padded[:end]
        start = end
    return out


def shared_level(a: str, b: str) -> str | None:
    """The most precise level two division codes agree on, or None."""
    la, lb = levels(a), levels(b)
    best = None
    for level, _ in LEVELS:
        if level in la and la[level] == lb.get(level):
            best = level
        else:
            break
    return best
