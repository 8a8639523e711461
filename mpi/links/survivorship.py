"""Survivorship: the golden Patient built from its linked sources, each field with provenance.

Pure: takes the source Patients (newest first within equal rank), returns the golden resource
and which source each field came from. Storing and linking it is not built yet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from mpi.normalise import address, names, resident_id
from mpi.normalise.patient import RESIDENT_ID_SYSTEM, facts

GOLDEN_TAG = {"system": "http://regional-hie.cn/fhir/CodeSystem/mpi-tag", "code": "golden"}


@dataclass(frozen=True, slots=True)
class Golden:
    """The golden Patient and, per field, the id of the source it survived from."""

    resource: dict[str, Any]
    provenance: dict[str, str]


def _valid_id(source: dict[str, Any]) -> bool:
    f = facts(source)
    if f.resident_id is None:
        return False
    parsed = resident_id.parse(f.resident_id)
    return parsed is not None and resident_id.consistent(parsed, f.birth_date, f.gender)


def _first(
    sources: list[dict[str, Any]], field: str, han_only: bool = False
) -> dict[str, Any] | None:
    for source in sources:
        value = source.get(field)
        if value and (not han_only or names.is_han(str(value[0].get("text", "")))):
            return source
    return None


def _most_precise_address(sources: list[dict[str, Any]]) -> dict[str, Any] | None:
    def precision(source: dict[str, Any]) -> int:
        code = facts(source).division
        return len(address.levels(code)) if code else -1

    best = max(sources, key=precision, default=None)
    return best if best is not None and precision(best) >= 0 else None


def _majority(sources: list[dict[str, Any]], field: str) -> dict[str, Any] | None:
    values = Counter(s[field] for s in sources if s.get(field))
    if not values:
        return None
    winner = values.most_common(1)[0][0]
    return next(s for s in sources if s.get(field) == winner)


def _choose(sources: list[dict[str, Any]]) -> dict[str, dict[str, Any] | None]:
    with_id = next((s for s in sources if _valid_id(s)), None)
    return {
        "identifier": with_id,
        "name": _first(sources, "name", han_only=True) or _first(sources, "name"),
        "gender": with_id or _majority(sources, "gender"),
        "birthDate": with_id or _majority(sources, "birthDate"),
        "telecom": _first(sources, "telecom"),
        "address": _most_precise_address(sources),
    }


def _value(field: str, source: dict[str, Any]) -> Any:
    if field == "identifier":
        return [i for i in source["identifier"] if i.get("system") == RESIDENT_ID_SYSTEM]
    return source[field]


def survive(sources: list[dict[str, Any]], golden_id: str) -> Golden:
    """The golden Patient of the sources: ID-bearing source wins ID, sex and birth date."""
    chosen = _choose(sources)
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": golden_id,
        "meta": {"tag": [GOLDEN_TAG]},
        "link": [{"other": {"reference": f"Patient/{s['id']}"}, "type": "refer"} for s in sources],
    }
    provenance: dict[str, str] = {}
    for field, source in chosen.items():
        if source is not None and source.get(field):
            resource[field] = _value(field, source)
            provenance[field] = str(source["id"])
    return Golden(resource, provenance)
