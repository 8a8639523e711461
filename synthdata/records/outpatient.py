"""Acute outpatient visits: where residents first seek care, what they have, what is done.

First contacts go to the village clinic, the township health centre or a county hospital
in the shares of `LEVEL_SHARES` (the test suite checks the generated shares against them);
children and the elderly come more often.
"""

from __future__ import annotations

from math import exp

from synthdata.clock import NOW, WINDOW_START
from synthdata.county.facilities import Facility
from synthdata.records import imaging, measures
from synthdata.records.context import Chunk
from synthdata.records.enrolment import bill
from synthdata.records.referrals import admit, maybe_refer_up
from synthdata.records.visits import FIRST, Life, diagnose, moment, open_visit, prescribe
from synthdata.resources.clinical import icd
from synthdata.terminology.clinical import ACUTE

LEVEL_SHARES = {"village": 0.50, "township": 0.30, "county": 0.20}
COUNTY_SHARES = (("general", 0.5), ("tcm", 0.25), ("second", 0.15), ("mch", 0.10))
UP_FROM_VILLAGE = 0.04
# Yearly first-contact visits by age: (up to age, mean visits).
RATES = ((6, 3.0), (17, 1.2), (44, 0.9), (64, 1.4), (200, 2.2))
LAB_SHARE = {"village": 0.0, "township": 0.3, "county": 0.5}
# First contacts that end in an admission (住院) at the same facility.
ADMIT_SHARE = {"village": 0.0, "township": 0.05, "county": 0.15}
IMAGING_SHARE = {"village": 0.0, "township": 0.1, "county": 0.25}


def _poisson(ctx: Chunk, mean: float) -> int:
    limit, k, p = exp(-mean), 0, ctx.rng.random()
    while p > limit:
        k += 1
        p *= ctx.rng.random()
    return k


def choose_level(ctx: Chunk) -> str:
    """The level of a first contact, by the configured shares."""
    r, total = ctx.rng.random(), 0.0
    for level, share in LEVEL_SHARES.items():
        total += share
        if r < total:
            return level
    return "county"


def choose_facility(ctx: Chunk, life: Life, level: str) -> Facility:
    """A facility of a level: mostly the resident's own clinic or centre."""
    village, county = life.resident.village, ctx.county
    if level == "village":
        return county.clinic(village)
    if level == "township":
        return county.primary(village)
    r, total = ctx.rng.random(), 0.0
    for key, share in COUNTY_SHARES:
        total += share
        if r < total:
            return county.hospital(key)
    return county.hospital("general")


def visits(ctx: Chunk, life: Life) -> None:
    """The resident's acute first-contact visits of the window."""
    age = life.resident.member.age
    mean = next(rate for limit, rate in RATES if age <= limit)
    for _ in range(_poisson(ctx, mean)):
        level = choose_level(ctx)
        _visit(ctx, life, choose_facility(ctx, life, level))


def _visit(ctx: Chunk, life: Life, fac: Facility) -> None:
    start = moment(ctx, WINDOW_START, NOW)
    if ctx.rng.random() < ADMIT_SHARE[fac.level]:
        admit(ctx, life, fac, FIRST, start, None)
        return
    code, name, display, drugs, exam = ACUTE[ctx.rng.randrange(len(ACUTE))]
    reason = icd(code, display, name)
    visit = open_visit(ctx, life, fac, FIRST, start, "outpatient", reason=reason)
    cond = diagnose(visit, reason)
    if ctx.rng.random() < 0.3:
        temp = round(ctx.rng.gauss(37.4, 0.6), 1)
        measures.vital(visit, "8310-5", "Body temperature", "体温", temp, "℃", "Cel")
    lab = 0.0
    if fac.lab_style is not None and ctx.rng.random() < LAB_SHARE[fac.level]:
        measures.lab_panel(visit, "CBC")
        lab = 25.0
    image = 0.0
    if exam and ctx.rng.random() < IMAGING_SHARE[fac.level]:
        image = imaging.order_imaging(visit, exam, cond, ctx.rng.random() < 0.4)
    chosen = ctx.rng.sample(drugs, min(len(drugs), ctx.rng.randint(1, 2)))
    cost = prescribe(visit, chosen, cond, "outpatient", 3)
    consult = 5.0 if fac.level == "village" else 10.0 if fac.level == "township" else 20.0
    bill(
        visit, [("consultation", consult), ("drugs", cost), ("lab", lab), ("imaging", image)], cond
    )
    if fac.level == "village" and ctx.rng.random() < UP_FROM_VILLAGE:
        note = f"{name}，基层处理效果不佳，建议上级医院诊治"
        maybe_refer_up(ctx, life, visit, cond, note, reason)
