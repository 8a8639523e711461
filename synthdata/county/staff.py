"""Staff of each facility (Practitioner + PractitionerRole) and family-doctor teams (CareTeam).

Head counts are per facility at full size and scale with the county, with at least one
person in every role a facility needs (a radiologist where there is imaging, a village
doctor in every clinic). Each village has one family-doctor team: a township GP as lead,
the village doctors and a public-health doctor of the health centre.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synthdata import namespaces as ns
from synthdata.county.divisions import COUNTY_CODE
from synthdata.county.facilities import Facility
from synthdata.county.villages import Village
from synthdata.population import names
from synthdata.resources.refs import Target, target

ROLES = {
    "specialist": "专科医师",
    "general-practitioner": "全科医师",
    "village-doctor": "乡村医生",
    "radiologist": "影像科医师",
    "public-health": "公共卫生医师",
    "nurse": "护士",
}
# Per facility kind: full-size head count and (role, department, share).
STAFFING: dict[str, tuple[int, tuple[tuple[str, str, float], ...]]] = {
    "general-hospital": (
        320,
        (
            ("specialist", "内科", 0.18),
            ("specialist", "外科", 0.12),
            ("specialist", "儿科", 0.07),
            ("specialist", "妇产科", 0.07),
            ("specialist", "急诊科", 0.06),
            ("radiologist", "影像科", 0.07),
            ("nurse", "护理部", 0.43),
        ),
    ),
    "tcm-hospital": (
        160,
        (
            ("specialist", "中医内科", 0.30),
            ("specialist", "针灸推拿科", 0.10),
            ("specialist", "外科", 0.10),
            ("radiologist", "影像科", 0.08),
            ("nurse", "护理部", 0.42),
        ),
    ),
    "mch-hospital": (
        90,
        (
            ("specialist", "妇产科", 0.30),
            ("specialist", "儿科", 0.25),
            ("radiologist", "超声科", 0.10),
            ("nurse", "护理部", 0.35),
        ),
    ),
    "township-health-centre": (
        24,
        (
            ("general-practitioner", "全科", 0.40),
            ("public-health", "预防保健科", 0.20),
            ("radiologist", "影像科", 0.08),
            ("nurse", "护理部", 0.32),
        ),
    ),
    "community-health-centre": (
        14,
        (
            ("general-practitioner", "全科", 0.50),
            ("public-health", "预防保健科", 0.20),
            ("radiologist", "超声科", 0.05),
            ("nurse", "护理部", 0.25),
        ),
    ),
    "cdc": (6, (("public-health", "免疫规划科", 1.0),)),
}


@dataclass(slots=True)
class Staff:
    """A practitioner working at one facility in one role."""

    licence: str
    name: str
    male: bool
    birth_year: int
    role: str
    department: str
    facility: str
    practitioner: Target
    position: Target


def _headcount(total: int, share: float, scale: float) -> int:
    return max(1, round(total * share * min(scale, 2.0)))


def _person(
    rng: random.Random, serial: int, fac: Facility, role: str, dept: str, seed: int
) -> Staff:
    male = rng.random() < (0.15 if role == "nurse" else 0.6)
    year = rng.randint(1965, 1998)
    name = names.surname(rng) + names.given_name(rng, year, male, names.generation_char(rng))
    licence = f"{COUNTY_CODE}{serial:09d}"
    return Staff(
        licence,
        name,
        male,
        year,
        role,
        dept,
        fac.code,
        target(seed, "Practitioner", ns.PRACTITIONER, licence),
        target(seed, "PractitionerRole", ns.PRACTITIONER_ROLE, f"{licence}-{fac.code}"),
    )


def staff_facilities(seed: int, scale: float, facilities: list[Facility]) -> None:
    """Fill every facility's `staff`, deterministically for the seed."""
    rng = random.Random(f"{seed}:staff")
    serial = 0
    for fac in facilities:
        if fac.kind == "village-clinic":
            plan: tuple[tuple[str, str, float], ...] = (("village-doctor", "全科", 1.0),)
            total = 1 if rng.random() < 0.4 else 2
        elif fac.kind in STAFFING:
            total, plan = STAFFING[fac.kind]
            total = 40 if "county-sub-centre" in fac.designations else total
        else:
            continue
        for role, dept, share in plan:
            if role == "radiologist" and not fac.modalities:
                continue
            count = total if fac.kind == "village-clinic" else _headcount(total, share, scale)
            for _ in range(count):
                serial += 1
                person = _person(rng, serial, fac, role, dept, seed)
                fac.staff.append(person)
                fac.by_role.setdefault(role, []).append(person)


def in_role(fac: Facility, role: str) -> list[Staff]:
    """The facility's staff in one role (maybe empty)."""
    return fac.by_role.get(role, [])


def team_target(seed: int, village: Village) -> Target:
    """The family-doctor team of a village."""
    return target(seed, "CareTeam", ns.CARE_TEAM, f"T{village.code}")


def team_members(clinic: Facility, primary: Facility, village: Village) -> list[Staff]:
    """Lead GP first, then the village doctors, then a public-health doctor."""
    gps = in_role(primary, "general-practitioner")
    public = in_role(primary, "public-health")
    members = [gps[village.index % len(gps)]] if gps else []
    members += in_role(clinic, "village-doctor")
    members += [public[village.index % len(public)]] if public else []
    return members
