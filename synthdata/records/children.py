"""A newborn's first record, kept under the mother's name at the delivery hospital, and child
health checks (儿童健康检查) at the health centre up to age six.

The delivery hospital registers the baby as 「母亲姓名之子/之女」 with the mother's ID number
(in its own identifier system) and the mother as contact: the baby has no name or ID
number yet. The truth file marks that record `newborn-under-mother`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from synthdata import namespaces as ns
from synthdata.clock import CST, NOW, WINDOW_START
from synthdata.faults import Shown
from synthdata.population.residents import Resident
from synthdata.records import measures
from synthdata.records.context import Chunk
from synthdata.records.maternal import Birth
from synthdata.records.vaccines import give
from synthdata.records.visits import FIRST, Life, Visit, open_visit
from synthdata.resources.common import Json, concept, identifier, phone
from synthdata.terminology.services import VACCINE_BY_CODE

CHECK_MONTHS = (1, 3, 6, 8, 12, 18, 24, 30, 36, 48, 60, 72)


def newborn(ctx: Chunk, life: Life, birth: Birth) -> None:
    """The baby's stay at the delivery hospital, under the mother's name."""
    mother, baby = birth.mother, life.resident
    suffix = "之子" if baby.member.male else "之女"
    shown = Shown(
        mother.family,
        mother.given + suffix,
        False,
        None,
        baby.member.birth,
        False,
        mother.phone,
        "full",
        ["newborn-under-mother"],
    )
    _under_mother(ctx.record(baby, birth.hospital, shown).entry[2], mother)
    days = 5 if birth.cesarean else 3
    roles = ("specialist", "nurse")
    visit = open_visit(
        ctx, life, birth.hospital, FIRST, birth.moment, "newborn", cls="IMP", days=days, roles=roles
    )
    _birth_measures(visit, twin=baby.member.twin >= 0)
    for code in ("HepB", "BCG"):
        when = birth.moment + timedelta(hours=ctx.rng.randint(2, 20))
        give(ctx, life, birth.hospital, birth.hospital, VACCINE_BY_CODE[code], 1, when)


def _birth_measures(visit: Visit, twin: bool) -> None:
    """Birth weight (twins are lighter), length and the 5-minute Apgar score."""
    rng = visit.ctx.rng
    grams = round(rng.gauss(2500, 350) if twin else rng.gauss(3300, 420))
    length = round(rng.gauss(50, 1.8), 1)
    apgar = 10 if rng.random() < 0.8 else rng.randint(7, 9)
    measures.vital(visit, "8339-4", "Birth weight Measured", "出生体重", grams, "g", "g")
    measures.vital(visit, "8302-2", "Body height", "出生身长", length, "cm", "cm")
    measures.vital(
        visit, "9274-2", "5 minute Apgar Score", "Apgar评分(5分钟)", apgar, "分", "{score}", "exam"
    )


def _under_mother(patient: Json, mother: Resident) -> None:
    if mother.member.id_number:
        patient["identifier"].append(identifier(ns.MOTHER_ID, mother.member.id_number))
    contact: Json = {"relationship": [concept(ns.V3_ROLE, "MTH", "mother")]}
    contact["name"] = {"text": mother.name}
    if mother.phone:
        contact["telecom"] = [phone(mother.phone)]
    patient["contact"] = [contact]


def health_checks(ctx: Chunk, life: Life) -> None:
    """The child health checks due in the window for a child up to six."""
    member = life.resident.member
    if member.age > 6:
        return
    centre = ctx.county.primary(life.resident.village)
    born = datetime.combine(member.birth, time(9, 0), CST)
    first = True
    for months in CHECK_MONTHS:
        when = born + timedelta(days=round(months * 30.44) + ctx.rng.randint(0, 14))
        if WINDOW_START <= when <= NOW:
            if member.age == 0 and first:
                _infant_record(ctx, life)
            first = False
            visit = open_visit(
                ctx,
                life,
                centre,
                FIRST,
                when,
                "child-health",
                roles=("general-practitioner", "public-health"),
            )
            _growth(visit, months)


def _infant_record(ctx: Chunk, life: Life) -> None:
    """Infants are often seen before their ID number is issued."""
    centre = ctx.county.primary(life.resident.village)
    shown = ctx.faulter.shown(ctx.rng, centre.level, life.resident)
    if ctx.rng.random() < 0.6 and shown.id_number is not None:
        shown.id_number = None
        shown.faults = [f for f in shown.faults if not f.startswith("id-")] + ["id-missing"]
    ctx.record(life.resident, centre, shown)


def _growth(visit: Visit, months: int) -> None:
    rng, male = visit.ctx.rng, visit.life.resident.member.male
    factor = (1.03 if male else 0.97) * rng.gauss(1, 0.06)
    weight = (
        3.3 + 0.75 * months
        if months <= 4
        else 6.3 + 0.45 * (months - 4)
        if months <= 12
        else 9.9 + 0.2 * (months - 12)
        if months <= 24
        else 12.3 + 0.17 * (months - 24)
    )
    height = (
        50 + 3.5 * months
        if months <= 3
        else 60.5 + 1.6 * (months - 3)
        if months <= 12
        else 75 + 1.0 * (months - 12)
        if months <= 24
        else 87 + 0.6 * (months - 24)
    )
    measures.vital(visit, "29463-7", "Body weight", "体重", round(weight * factor, 1), "kg", "kg")
    measures.vital(
        visit, "8302-2", "Body height", "身高", round(height * factor**0.5, 1), "cm", "cm"
    )
    if months <= 36:
        head = 34 + 2 * months if months <= 3 else min(50.0, 40 + 0.45 * (months - 3))
        measures.vital(
            visit,
            "9843-4",
            "Head Occipital-frontal circumference",
            "头围",
            round(head * factor**0.3, 1),
            "cm",
            "cm",
        )
