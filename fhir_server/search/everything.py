"""Clauses that narrow `$everything` (patient-operation-everything.html): `_type`, `start`/`end`.

`start`/`end` are care dates, not record dates. A resource's care dates are the values of
its type's clinical date parameter: the R4 `clinical-date` SearchParameter (code `date`:
Observation.effective, Encounter.period, Procedure.performed, ...) and, for the types it
does not cover, the parameters in CARE_DATES. A resource with care dates is kept when one
of them overlaps [start, end]; a resource without any (a Patient, a Medication, an
Observation with no effective time) is always kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from fhir_server.search.registry import registry
from fhir_server.search.sql import SqlArgs

CLINICAL_DATE = "http://hl7.org/fhir/SearchParameter/clinical-date"
# Care dates of patient-compartment types that clinical-date leaves out: when the care was
# ordered, given, collected or done (not when the record was written).
CARE_DATES = {
    "Appointment": "date",
    "Condition": "onset-date",
    "ImagingStudy": "started",
    "MedicationAdministration": "effective-time",
    "MedicationDispense": "whenhandedover",
    "MedicationRequest": "authoredon",
    "MedicationStatement": "effective",
    "ServiceRequest": "authored",
    "Specimen": "collected",
}


@lru_cache(maxsize=1)
def care_date_params() -> tuple[tuple[str, str], ...]:
    """(resource type, date parameter) giving each type's care dates, from the registry."""
    found = {t: "date" for t, params in registry().by_type.items()
             if (p := params.get("date")) is not None and p.url == CLINICAL_DATE}
    for resource_type, code in CARE_DATES.items():
        if registry().get(resource_type, code) is not None:
            found.setdefault(resource_type, code)
    return tuple(sorted(found.items()))


@dataclass(frozen=True, slots=True)
class TypeClause:
    """The resource is of one of the types (`_type`)."""

    types: tuple[str, ...]

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`alias.res_type = ANY($n)`."""
        return f"{alias}.res_type = ANY({args.add(list(self.types))}::text[])"


@dataclass(frozen=True, slots=True)
class CareDateClause:
    """No care date of the resource, or one that overlaps [lo, hi]."""

    params: tuple[tuple[str, str], ...]
    lo: datetime
    hi: datetime

    def sql(self, alias: str, args: SqlArgs) -> str:
        """`NOT EXISTS (care dates) OR EXISTS (an overlapping care date)`, by rid."""
        d = args.alias("d")
        care = (f"SELECT 1 FROM idx_date {d} WHERE {d}.rid = {alias}.rid AND "
                f"({d}.res_type, {d}.param) IN (SELECT * FROM unnest("
                f"{args.add([t for t, _ in self.params])}::text[], "
                f"{args.add([p for _, p in self.params])}::text[]))")
        overlap = f"{d}.lo <= {args.add(self.hi)} AND {d}.hi >= {args.add(self.lo)}"
        return f"(NOT EXISTS ({care}) OR EXISTS ({care} AND {overlap}))"
