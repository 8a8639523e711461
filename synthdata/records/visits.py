"""A visit in progress: the Encounter and the small things every record module adds to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from synthdata.clock import NOW, stamp
from synthdata.county.facilities import Facility
from synthdata.county.staff import Staff, in_role
from synthdata.population.residents import Resident
from synthdata.records.context import Chunk, Group
from synthdata.resources import clinical
from synthdata.resources.common import Json
from synthdata.resources.refs import Target
from synthdata.terminology.clinical import DRUGS, Chronic

# Waves: reference data load in waves 0–3; first contacts in FIRST; each referral adds one.
W_ORGS, W_PLACES, W_STAFF, W_REGISTRY, FIRST = 0, 1, 2, 3, 4
DOCTOR_ROLES = ("village-doctor", "general-practitioner", "specialist", "public-health")


@dataclass(slots=True)
class Life:
    """A resident with what the record modules need to know about them."""

    resident: Resident
    chronic: list[Chronic] = field(default_factory=list)
    coverage: Target | None = None
    height: float = 0.0
    weight: float = 0.0


@dataclass(slots=True)
class Visit:
    """An open Encounter at a facility, in the group its HIS will push."""

    ctx: Chunk
    group: Group
    life: Life
    fac: Facility
    doctor: Staff
    start: datetime
    encounter_uid: str

    @property
    def when(self) -> str:
        """The visit's start as a FHIR dateTime."""
        return stamp(self.start)

    def subject(self) -> dict[str, str]:
        """A reference to the facility's Patient."""
        return self.ctx.subject(self.group)

    def encounter(self) -> dict[str, str]:
        """A reference to the visit's Encounter."""
        return self.ctx.links.local("Encounter", self.encounter_uid)

    def local(self, rtype: str, uid: str) -> dict[str, str]:
        """A reference to another resource of the visit's group."""
        return self.ctx.links.local(rtype, uid)

    def remote(self, to: Target) -> dict[str, str]:
        """A reference to a resource an earlier Bundle created."""
        return self.ctx.links.remote(to)

    def add(self, body: Json) -> str:
        """Add a resource to the visit's group."""
        return self.ctx.add(self.group, body)


def doctor(ctx: Chunk, fac: Facility, roles: tuple[str, ...] = DOCTOR_ROLES) -> Staff:
    """Someone at the facility in the first of `roles` it has staff for."""
    for role in roles:
        staff = in_role(fac, role)
        if staff:
            return staff[ctx.rng.randrange(len(staff))]
    return fac.staff[ctx.rng.randrange(len(fac.staff))]


def open_visit(
    ctx: Chunk,
    life: Life,
    fac: Facility,
    wave: int,
    start: datetime,
    etype: str,
    *,
    cls: str = "AMB",
    days: int = 0,
    reason: Json | None = None,
    based_on: Target | None = None,
    roles: tuple[str, ...] = DOCTOR_ROLES,
) -> Visit:
    """Start a visit: the group's Encounter, lasting minutes (or `days` for a stay)."""
    group = ctx.group(life.resident, fac, wave)
    who = doctor(ctx, fac, roles)
    end = start + (timedelta(days=days) if days else timedelta(minutes=ctx.rng.randint(8, 40)))
    body = clinical.encounter(
        ctx.subject(group),
        etype,
        cls,
        stamp(start),
        stamp(end) if end <= NOW else None,
        practitioner=ctx.links.remote(who.practitioner),
        location=ctx.links.remote(fac.location),
        provider=ctx.links.remote(fac.org),
        reason=reason,
        based_on=ctx.links.remote(based_on) if based_on is not None else None,
    )
    return Visit(ctx, group, life, fac, who, start, ctx.add(group, body))


def diagnose(visit: Visit, code: Json, onset: datetime | None = None, problem: bool = False) -> str:
    """Record a diagnosis made at the visit; returns the Condition's uid."""
    body = clinical.condition(
        visit.subject(),
        code,
        "problem-list-item" if problem else "encounter-diagnosis",
        onset=stamp(onset or visit.start),
        recorded=visit.when,
        encounter=visit.encounter(),
        recorder=visit.remote(visit.doctor.practitioner),
    )
    return visit.add(body)


def prescribe(
    visit: Visit, drug_codes: list[str], reason_uid: str | None, category: str, days: int = 30
) -> float:
    """Prescribe formulary drugs; returns what they cost."""
    cost = 0.0
    for code in drug_codes:
        drug = DRUGS[code]
        reason = visit.local("Condition", reason_uid) if reason_uid else None
        visit.add(
            clinical.medication_request(
                visit.subject(),
                drug,
                visit.when,
                encounter=visit.encounter(),
                requester=visit.remote(visit.doctor.practitioner),
                category=category,
                reason=reason,
                days=days,
            )
        )
        cost += drug.price * days * 2
    return cost


def moment(ctx: Chunk, after: datetime, before: datetime) -> datetime:
    """A random working-hours moment between two moments (days, then 08:00–17:00)."""
    days = max(0, (before - after).days)
    start = after.replace(hour=8, minute=0, second=0) + timedelta(days=ctx.rng.randint(0, days))
    when = start + timedelta(minutes=ctx.rng.randrange(540))
    return min(max(when, after), before)
