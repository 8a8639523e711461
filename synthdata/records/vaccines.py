"""Vaccinations recorded by the CDC's immunization information system (免疫规划信息系统):
the national programme's doses due for children in the window, given at their health
centre's vaccination clinic, and a seasonal flu shot for some residents aged 60 and over.
Birth doses (HepB 1, BCG) are recorded by the delivery hospital (see `maternal`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from synthdata import namespaces as ns
from synthdata.clock import CST, NOW, WINDOW_START, stamp
from synthdata.county.facilities import Facility
from synthdata.records.context import Chunk
from synthdata.records.visits import FIRST, Life, doctor
from synthdata.resources import clinical
from synthdata.resources.common import coding
from synthdata.terminology.services import VACCINE_BY_CODE, VACCINES, Vaccine

FLU_SHARE = 0.15


def vaccine_concept(vaccine: Vaccine) -> dict[str, object]:
    """The county vaccine code, with CVX when the vaccine has one."""
    codings = [coding(ns.VACCINE, vaccine.code, vaccine.name)]
    if vaccine.cvx:
        codings.append(coding(ns.CVX, vaccine.cvx))
    return {"coding": codings, "text": vaccine.name}


def give(
    ctx: Chunk,
    life: Life,
    recorder: Facility,
    where: Facility,
    vaccine: Vaccine,
    dose: int,
    when: datetime,
) -> None:
    """One dose, in the recording system's group, given at `where`."""
    group = ctx.group(life.resident, recorder, FIRST)
    who = doctor(ctx, where, ("public-health", "nurse", "general-practitioner"))
    ctx.add(
        group,
        clinical.immunization(
            ctx.subject(group),
            vaccine_concept(vaccine),
            stamp(when),
            dose,
            location=ctx.links.remote(where.location),
            performer=ctx.links.remote(who.practitioner),
            lot=f"{when.year}{ctx.rng.randrange(10**6):06d}",
        ),
    )


def _due(birth: datetime, months: int) -> datetime:
    return birth + timedelta(days=round(months * 30.44))


def vaccinate(ctx: Chunk, life: Life) -> None:
    """Doses due in the window, and the flu shot."""
    member = life.resident.member
    cdc, centre = ctx.county.hospital("cdc"), ctx.county.primary(life.resident.village)
    born = datetime.combine(member.birth, time(9, 0), CST)
    if member.age <= 6:
        for vaccine in VACCINES:
            for dose, months in enumerate(vaccine.months, start=1):
                when = _due(born, months) + timedelta(days=ctx.rng.randint(0, 20))
                if months > 0 and WINDOW_START <= when <= NOW:
                    give(ctx, life, cdc, centre, vaccine, dose, when)
    if member.age >= 60 and ctx.rng.random() < FLU_SHARE:
        when = datetime(2024, 10, 8, 9, 0, tzinfo=CST) + timedelta(days=ctx.rng.randrange(80))
        give(ctx, life, cdc, centre, VACCINE_BY_CODE["Flu"], 1, when)
