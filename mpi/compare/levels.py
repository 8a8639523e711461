"""Comparison levels per field: each pair of facts becomes one level name per field."""

from __future__ import annotations

from collections.abc import Callable

from mpi.normalise import address, names
from mpi.normalise.patient import Facts

MISSING = "missing"
Comparator = Callable[[Facts, Facts], str]


def resident_id(a: Facts, b: Facts) -> str:
    """exact / different / missing."""
    if not a.resident_id or not b.resident_id:
        return MISSING
    return "exact" if a.resident_id == b.resident_id else "different"


def name(a: Facts, b: Facts) -> str:
    """exact / homophone / family / different / missing (newborn placeholders count as missing)."""
    if not a.name or not b.name or a.newborn_placeholder or b.newborn_placeholder:
        return MISSING
    if a.name == b.name:
        return "exact"
    if names.homophones(a.name, b.name):
        return "homophone"
    same_family = names.usual_spelling(names.Name(a.name.family, "", a.name.written_in_pinyin))
    other = names.usual_spelling(names.Name(b.name.family, "", b.name.written_in_pinyin))
    return "family" if same_family == other else "different"


def birth_date(a: Facts, b: Facts) -> str:
    """exact / swapped (day and month) / year / different / missing."""
    x, y = a.birth_date, b.birth_date
    if not x or not y:
        return MISSING
    if x == y:
        return "exact"
    if len(x) == len(y) == 10 and x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]:
        return "swapped"
    return "year" if x[:4] == y[:4] else "different"


def gender(a: Facts, b: Facts) -> str:
    """exact / different / missing."""
    if not a.gender or not b.gender:
        return MISSING
    return "exact" if a.gender == b.gender else "different"


def phone(a: Facts, b: Facts) -> str:
    """shared / different / missing."""
    if not a.phones or not b.phones:
        return MISSING
    return "shared" if set(a.phones) & set(b.phones) else "different"


def division(a: Facts, b: Facts) -> str:
    """The most precise shared administrative level, different or missing."""
    if not a.division or not b.division:
        return MISSING
    return address.shared_level(a.division, b.division) or "different"


COMPARATORS: dict[str, Comparator] = {
    "resident_id": resident_id,
    "name": name,
    "birth_date": birth_date,
    "gender": gender,
    "phone": phone,
    "division": division,
}


def compare(a: Facts, b: Facts) -> dict[str, str]:
    """The comparison level of every field."""
    return {field: fn(a, b) for field, fn in COMPARATORS.items()}
