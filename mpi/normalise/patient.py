"""One FHIR Patient reduced to the normalised fields the MPI blocks and compares on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mpi.normalise import address, names, phones, resident_id

RESIDENT_ID_SYSTEM = "urn:oid:2.16.156.10011.1.3"
MOTHER_ID_SYSTEM = "http://regional-hie.cn/fhir/sid/mother-resident-id"
NEWBORN_SUFFIXES = ("之子", "之女")


@dataclass(frozen=True, slots=True)
class Facts:
    """What one source Patient says about its holder, normalised."""

    resident_id: str | None
    mother_id: str | None
    name: names.Name | None
    newborn_placeholder: bool
    birth_date: str | None
    gender: str | None
    phones: tuple[str, ...]
    division: str | None


def _identifier(resource: dict[str, Any], system: str) -> str | None:
    for ident in resource.get("identifier", ()):
        if ident.get("system") == system and ident.get("value"):
            parsed = resident_id.parse(str(ident["value"]))
            return parsed.number if parsed else None
    return None


def _name(resource: dict[str, Any]) -> tuple[names.Name | None, bool]:
    for human in resource.get("name", ()):
        given = " ".join(human.get("given", ()))
        text = human.get("text") or f"{human.get('family', '')}{given}"
        placeholder = names.fold(text).endswith(NEWBORN_SUFFIXES)
        return names.parse(text, human.get("family"), given or None), placeholder
    return None, False


def _phones(resource: dict[str, Any]) -> tuple[str, ...]:
    found = (phones.parse(str(t.get("value", ""))) for t in resource.get("telecom", ()))
    return tuple(sorted({p.digits for p in found if p is not None}))


def _division(resource: dict[str, Any]) -> str | None:
    for addr in resource.get("address", ()):
        code = address.division_code(addr)
        if code:
            return code
    return None


def facts(resource: dict[str, Any]) -> Facts:
    """The normalised facts of a Patient resource (a dict as parsed from JSON)."""
    name, placeholder = _name(resource)
    return Facts(
        resident_id=_identifier(resource, RESIDENT_ID_SYSTEM),
        mother_id=_identifier(resource, MOTHER_ID_SYSTEM),
        name=name,
        newborn_placeholder=placeholder,
        birth_date=resource.get("birthDate"),
        gender=resource.get("gender"),
        phones=_phones(resource),
        division=_division(resource),
    )
