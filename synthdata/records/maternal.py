"""Pregnancy care (孕产期保健): booking at the health centre, antenatal visits and obstetric
ultrasound at the maternal-and-child hospital, delivery, and the postpartum home visit.

A birth is planned once per baby born in the window, so the mother's and the baby's
records (generated when each of them is processed) agree on where and when it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from synthdata.clock import CST, NOW, WINDOW_START
from synthdata.county.facilities import Facility
from synthdata.population.residents import Resident
from synthdata.records import imaging, measures
from synthdata.records.context import Chunk
from synthdata.records.enrolment import bill
from synthdata.records.visits import FIRST, Life, Visit, diagnose, open_visit
from synthdata.resources.clinical import icd

WEEKS = (12, 16, 20, 24, 28, 32, 36, 38)
SCANS = (24, 32)
PREGNANT_NOW = 0.025


@dataclass(slots=True)
class Birth:
    """Where and when a baby of the window was born."""

    baby: Resident
    mother: Resident
    hospital: Facility
    cesarean: bool
    moment: datetime


def plan_births(ctx: Chunk, residents: list[Resident]) -> list[Birth]:
    """The births of a household's babies (age 0 with a mother in the household)."""
    by_index = {r.member.index: r for r in residents}
    births: list[Birth] = []
    for r in residents:
        mother = by_index.get(r.member.mother)
        if r.member.age == 0 and mother is not None:
            key = "mch" if ctx.rng.random() < 0.6 else "general"
            hour = time(ctx.rng.randrange(24), ctx.rng.randrange(60))
            born = datetime.combine(r.member.birth, hour, CST)
            twin = next((b for b in births if b.baby.member.index == r.member.twin), None)
            if twin is not None:
                births.append(Birth(r, mother, twin.hospital, twin.cesarean, twin.moment))
            else:
                cesarean = ctx.rng.random() < 0.35
                births.append(Birth(r, mother, ctx.county.hospital(key), cesarean, born))
    return births


def pregnancy(ctx: Chunk, life: Life, births: list[Birth]) -> None:
    """A mother's care for her window births, or for a pregnancy still going on."""
    mine = [b for b in births if b.mother is life.resident]
    for birth in mine:
        if any(b.moment == birth.moment for b in mine[: mine.index(birth)]):
            continue  # twins: one pregnancy, one delivery
        _antenatal(ctx, life, birth.moment, birth.moment)
        _deliver(ctx, life, birth)
    member = life.resident.member
    expecting = not mine and member.role == "spouse" and 20 <= member.age <= 40
    if expecting and ctx.rng.random() < PREGNANT_NOW:
        due = NOW + timedelta(days=ctx.rng.randint(1, 200))
        _antenatal(ctx, life, due, NOW)


def _antenatal(ctx: Chunk, life: Life, due: datetime, until: datetime) -> None:
    conception = due - timedelta(days=280)
    for week in WEEKS:
        when = conception + timedelta(days=7 * week + ctx.rng.randrange(7))
        when = when.replace(hour=8 + ctx.rng.randrange(9), minute=ctx.rng.randrange(60))
        if not WINDOW_START <= when < min(until, NOW):
            continue
        booking = week <= 16
        fac = ctx.county.primary(life.resident.village) if booking else ctx.county.hospital("mch")
        visit = open_visit(
            ctx, life, fac, FIRST, when, "prenatal", roles=("general-practitioner", "specialist")
        )
        _antenatal_measures(visit, week, booking)


def _antenatal_measures(visit: Visit, week: int, booking: bool) -> None:
    rng = visit.ctx.rng
    measures.blood_pressure(visit, False)
    measures.vital(visit, "18185-9", "Gestational age", "孕周", week, "周", "wk", "exam")
    if week >= 16:
        measures.vital(
            visit,
            "55283-6",
            "Fetal Heart rate",
            "胎心率",
            round(rng.gauss(142, 8)),
            "次/分",
            "/min",
            "exam",
        )
    if week >= 20:
        measures.vital(
            visit,
            "11881-0",
            "Uterus Fundal height by Tape measure",
            "宫底高度",
            round(week - 2 + rng.gauss(0, 1.5), 1),
            "cm",
            "cm",
            "exam",
        )
    if booking and visit.fac.lab_style is not None and week == 12:
        measures.lab_panel(visit, "CBC")
    if week in SCANS:
        imaging.order_imaging(visit, "US-OB", None, rng.random() < 0.1)


def _deliver(ctx: Chunk, life: Life, birth: Birth) -> None:
    days = 5 if birth.cesarean else 3
    code = (
        ("O82", "Single delivery by caesarean section", "剖宫产")
        if birth.cesarean
        else ("O80", "Single spontaneous delivery", "自然分娩")
    )
    reason = icd(*code)
    visit = open_visit(
        ctx,
        life,
        birth.hospital,
        FIRST,
        birth.moment - timedelta(hours=6),
        "delivery",
        cls="IMP",
        days=days,
        reason=reason,
        roles=("specialist",),
    )
    cond = diagnose(visit, reason)
    measures.blood_pressure(visit, False)
    measures.lab_panel(visit, "CBC")
    fees = [("bed", 40.0 * days), ("nursing", 30.0 * days), ("drugs", 150.0), ("lab", 60.0)]
    bill(visit, fees, cond, institutional=True)
    home = birth.moment + timedelta(days=days + ctx.rng.randint(1, 5))
    if home <= NOW:
        centre = ctx.county.primary(life.resident.village)
        after = open_visit(
            ctx,
            life,
            centre,
            FIRST,
            home.replace(hour=10),
            "postpartum",
            cls="HH",
            roles=("general-practitioner", "public-health"),
        )
        measures.blood_pressure(after, False)
