"""Everything a household's residents go through in the record window, resident by resident."""

from __future__ import annotations

import orjson

from synthdata.population.households import Household
from synthdata.population.residents import Resident, make_residents
from synthdata.records import chronic, outpatient
from synthdata.records.checkup import checkup
from synthdata.records.children import health_checks, newborn
from synthdata.records.context import Chunk
from synthdata.records.enrolment import enrol, sign
from synthdata.records.maternal import Birth, plan_births, pregnancy
from synthdata.records.vaccines import vaccinate
from synthdata.records.visits import Life


def household(ctx: Chunk, home: Household) -> None:
    """Generate the records of every resident of a household."""
    village = ctx.county.villages[home.village]
    residents = make_residents(ctx.rng, home, village, ctx.county.seed % 9973)
    births = plan_births(ctx, residents)
    alone = len(residents) == 1
    for resident in residents:
        life = Life(resident)
        chronic.assign(ctx, life)
        ctx.truth_persons.append(_truth(resident, life, alone))
        _live(ctx, life, births)
        ctx.close_person()


def _live(ctx: Chunk, life: Life, births: list[Birth]) -> None:
    enrol(ctx, life)
    sign(ctx, life)
    chronic.manage(ctx, life)
    outpatient.visits(ctx, life)
    checkup(ctx, life)
    vaccinate(ctx, life)
    pregnancy(ctx, life, births)
    for birth in births:
        if birth.baby is life.resident:
            newborn(ctx, life, birth)
    health_checks(ctx, life)


def _pid(index: int) -> str | None:
    return f"P{index:07d}" if index >= 0 else None


def _truth(r: Resident, life: Life, alone: bool) -> bytes:
    m = r.member
    return orjson.dumps(
        {
            "person": r.pid,
            "household": r.household,
            "role": m.role,
            "name": r.name,
            "family": r.family,
            "given": r.given,
            "sex": "male" if m.male else "female",
            "birthDate": m.birth.isoformat(),
            "age": m.age,
            "idNumber": m.id_number,
            "phone": r.phone,
            "village": r.village.code,
            "address": r.village.division.name + r.village.name + r.house,
            "twin": _pid(m.twin),
            "mother": _pid(m.mother),
            "livesAlone": alone,
            "chronic": [c.key for c in life.chronic],
        }
    )
