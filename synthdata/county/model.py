"""The whole modelled county for one seed and size: villages, facilities, staff, who serves whom."""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

from synthdata.county.divisions import DIVISIONS
from synthdata.county.facilities import (
    CHSC_DIVISION,
    Facility,
    county_facilities,
    health_centres,
    village_clinic,
)
from synthdata.county.staff import staff_facilities
from synthdata.county.villages import Village, build_villages


@dataclass
class County:
    """Everything fixed by (seed, patients) before any resident is generated."""

    seed: int
    patients: int
    villages: tuple[Village, ...]
    facilities: dict[str, Facility]

    @cached_property
    def _bounds(self) -> list[float]:
        total = sum(v.weight for v in self.villages)
        return [w / total * self.patients for w in accumulate(v.weight for v in self.villages)]

    def village_of(self, person_index: int) -> Village:
        """The village whose share of the population holds a person index."""
        i = bisect(self._bounds, person_index)
        return self.villages[min(i, len(self.villages) - 1)]

    def by_kind(self, kind: str) -> list[Facility]:
        """Facilities of one kind, in code order."""
        return [f for f in self.facilities.values() if f.kind == kind]

    def get(self, code: str) -> Facility:
        """The facility with a code."""
        return self.facilities[code]

    def clinic(self, village: Village) -> Facility:
        """The village's own clinic."""
        return self.facilities[f"{village.code}V"]

    def primary(self, village: Village) -> Facility:
        """The health centre that serves a village (the community centre for its communities)."""
        if village.community and village.division.code == CHSC_DIVISION:
            return self.facilities[f"{CHSC_DIVISION}S01"]
        return self.facilities[f"{village.division.code}W01"]

    def lead(self, fac: Facility) -> Facility:
        """The county hospital leading a facility's consortium."""
        return self.facilities[f"{fac.code[:6]}A0{fac.consortium[-1] if fac.consortium else 1}"]

    def hospital(self, key: str) -> Facility:
        """A county-level facility by key: general, tcm, mch, second, cdc, insurance."""
        suffix = {
            "general": "A01",
            "tcm": "A02",
            "mch": "A03",
            "second": "A04",
            "cdc": "B01",
            "insurance": "B02",
        }[key]
        return self.facilities[f"410225{suffix}"]


def build_county(seed: int, patients: int) -> County:
    """The county for a seed and size; the same arguments always give the same county."""
    villages = build_villages(seed, patients)
    centres = health_centres()
    by_code = {f.code: f for f in centres}
    clinics = []
    for v in villages:
        primary = (
            by_code[f"{CHSC_DIVISION}S01"]
            if (v.community and v.division.code == CHSC_DIVISION)
            else by_code[f"{v.division.code}W01"]
        )
        clinics.append(village_clinic(v, primary))
    facilities = [f.bind(seed) for f in county_facilities() + centres + clinics]
    staff_facilities(seed, patients / sum(d.population for d in DIVISIONS), facilities)
    return County(seed, patients, villages, {f.code: f for f in facilities})
