"""Compartments (FHIR R4 compartmentdefinition.html), read as data from the R4 package.

A resource is in the compartment of Patient/123 when one of the search parameters the
Patient CompartmentDefinition lists for its type refers to Patient/123. The compartment's
own resource (Patient/123) is taken as a member too, as R4 lists it (`{def}`) for the
Encounter, Practitioner and RelatedPerson compartments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fhir_server.definitions.packages import iter_resources
from fhir_server.errors import bad_request, not_found
from fhir_server.search.sql import SqlArgs

FOCAL = "{def}"  # CompartmentDefinition.resource.param naming the compartment's own resource


@dataclass(frozen=True, slots=True)
class Compartment:
    """One CompartmentDefinition: its type, canonical URL and member parameters by type."""

    code: str
    url: str
    members: Mapping[str, tuple[str, ...]]

    def pairs(self, resource_type: str | None) -> tuple[tuple[str, str], ...]:
        """(type, parameter) pairs that put a resource (of resource_type, or of any) in it."""
        return tuple(
            (t, p)
            for t, params in sorted(self.members.items())
            if resource_type is None or t == resource_type
            for p in params
        )


def _compartment(definition: dict[str, Any]) -> Compartment:
    members = {
        r["code"]: tuple(p for p in r.get("param", ()) if p != FOCAL)
        for r in definition.get("resource", ())
        if r.get("param")
    }
    return Compartment(definition["code"], definition["url"], members)


@lru_cache(maxsize=1)
def compartments() -> dict[str, Compartment]:
    """The R4 compartments by type (Patient, Encounter, RelatedPerson, Practitioner, Device)."""
    found: dict[str, Compartment] = {}
    for _, definition in iter_resources("CompartmentDefinition-"):
        # The package also holds an example definition (id "example", code Device).
        if not str(definition.get("id", "")).startswith("example"):
            found[definition["code"]] = _compartment(definition)
    return found


def compartment(code: str) -> Compartment:
    """The compartment of a type; 404 when the type has none (e.g. `Organization/1/*`)."""
    found = compartments().get(code)
    if found is None:
        raise not_found(f"{code} is not a compartment (R4 defines Patient, Encounter, "
                        "RelatedPerson, Practitioner and Device)")
    return found


def compartment_urls() -> list[str]:
    """The canonical URLs of the compartments served (CapabilityStatement.rest.compartment)."""
    return sorted(c.url for c in compartments().values())


@dataclass(frozen=True, slots=True)
class CompartmentClause:
    """The resource is (negated: is not) in the compartment `code/focal_id`.

    Written as `rid IN (subquery)`, an uncorrelated semi-join the planner can drive from
    the (target_id, target_type, param) index, so the cost follows the compartment's size.
    """

    code: str
    focal_id: str
    pairs: tuple[tuple[str, str], ...]
    focal: bool
    negated: bool = False

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`[NOT] alias.rid IN (referring rows [UNION ALL the compartment's own row])`."""
        c = args.alias("c")
        code, focal_id = args.add(self.code), args.add(self.focal_id)
        members = (
            f"SELECT {c}.rid FROM idx_reference {c} WHERE {c}.target_id = {focal_id} "
            f"AND {c}.target_type = {code} AND ({c}.res_type, {c}.param) IN (SELECT * FROM "
            f"unnest({args.add([t for t, _ in self.pairs])}::text[], "
            f"{args.add([p for _, p in self.pairs])}::text[]))"
        )
        if self.focal:
            members += (f" UNION ALL SELECT {c}f.rid FROM resource {c}f "
                        f"WHERE {c}f.res_type = {code} AND {c}f.res_id = {focal_id}")
        return f"{'NOT ' if self.negated else ''}{alias}.rid IN ({members})"


@dataclass(frozen=True, slots=True)
class AnyCompartmentClause:
    """The resource is (negated: is not) in the compartment of some resource of type code.

    For the type-level `Patient/$everything` (every patient's record). Correlated by rid
    through the `idx_reference (rid)` index, so a walk in rid order stops after one page.
    """

    code: str
    pairs: tuple[tuple[str, str], ...]
    negated: bool = False

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`[NOT] (alias is a code resource OR it refers to one through a member parameter)`."""
        c = args.alias("c")
        code = args.add(self.code)
        refers = (
            f"EXISTS (SELECT 1 FROM idx_reference {c} WHERE {c}.rid = {alias}.rid "
            f"AND {c}.target_type = {code} AND ({c}.res_type, {c}.param) IN (SELECT * FROM "
            f"unnest({args.add([t for t, _ in self.pairs])}::text[], "
            f"{args.add([p for _, p in self.pairs])}::text[])))"
        )
        return f"{'NOT ' if self.negated else ''}({alias}.res_type = {code} OR {refers})"


def in_any_compartment(code: str) -> AnyCompartmentClause:
    """Resources of any type in the compartment of any resource of type code; 404 for none."""
    return AnyCompartmentClause(code, compartment(code).pairs(None))


def in_compartment(code: str, focal_id: str, resource_type: str | None) -> CompartmentClause:
    """Resources (of resource_type, or of any type) in the compartment of `code/focal_id`.

    404 when code is not a compartment; 400 when resources of resource_type can never be
    in it (`Patient/1/Medication`).
    """
    found = compartment(code)
    pairs = found.pairs(resource_type)
    focal = resource_type is None or resource_type == code
    if not pairs and not focal:
        raise bad_request(f"{resource_type} resources are not in the {code} compartment")
    return CompartmentClause(code, focal_id, pairs, focal)
