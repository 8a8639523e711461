"""Chronic disease management (慢病管理): who has which disease, their registration at the
health centre, and the follow-ups, measurements and prescriptions of the record window.

Hypertension and diabetes are followed up quarterly by the village doctor (基本公共卫生
服务); the other managed diseases twice a year by a township GP, with the labs that matter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from synthdata.clock import NOW, WINDOW_START
from synthdata.records import measures
from synthdata.records.context import Chunk
from synthdata.records.enrolment import bill
from synthdata.records.referrals import maybe_refer_up
from synthdata.records.visits import FIRST, Life, diagnose, moment, open_visit, prescribe
from synthdata.resources.clinical import icd
from synthdata.terminology.clinical import CHRONIC, Chronic

LABS = {"T2DM": ("FPG", "GHB"), "CKD": ("RFT",), "HBV": ("LFT",), "CHD": ("LIPID",)}


def assign(ctx: Chunk, life: Life) -> None:
    """Draw the resident's managed chronic diseases from the age-specific prevalences."""
    age = life.resident.member.age
    life.chronic = [c for c in CHRONIC if ctx.rng.random() < c.prevalence(age)]


def manage(ctx: Chunk, life: Life) -> None:
    """Register each disease and follow it up through the window."""
    for disease in life.chronic:
        regimen = _regimen(ctx, disease)
        _register(ctx, life, disease)
        step = timedelta(days=365 // disease.followups)
        for n in range(disease.followups):
            start = WINDOW_START + step * n + timedelta(days=7)
            when = moment(ctx, start, min(start + step - timedelta(days=14), NOW))
            _follow_up(ctx, life, disease, regimen, when)


def _regimen(ctx: Chunk, disease: Chronic) -> list[str]:
    count = 1 if len(disease.drugs) == 1 or ctx.rng.random() < 0.6 else 2
    return ctx.rng.sample(disease.drugs, count)


def _register(ctx: Chunk, life: Life, disease: Chronic) -> None:
    """The health centre's problem-list entry (慢病建档), diagnosed years ago, and the
    yearly labs the disease needs."""
    member = life.resident.member
    years = ctx.rng.randint(0, max(0, min(15, member.age - 18)))
    onset = WINDOW_START - timedelta(days=365 * years + ctx.rng.randrange(365))
    centre = ctx.county.primary(life.resident.village)
    visit = open_visit(
        ctx,
        life,
        centre,
        FIRST,
        moment(ctx, WINDOW_START, NOW),
        "followup",
        roles=("general-practitioner",),
    )
    diagnose(visit, icd(disease.icd10, disease.icd_display, disease.name), onset, True)
    if centre.lab_style is not None:
        for panel in LABS.get(disease.key, ()):
            measures.lab_panel(visit, panel)


def _follow_up(
    ctx: Chunk, life: Life, disease: Chronic, regimen: list[str], when: datetime
) -> None:
    quarterly = disease.followups >= 4
    village = life.resident.village
    fac = ctx.county.clinic(village) if quarterly else ctx.county.primary(village)
    visit = open_visit(
        ctx, life, fac, FIRST, when, "followup", cls="HH" if ctx.rng.random() < 0.2 else "AMB"
    )
    if disease.key == "HTN":
        measures.blood_pressure(visit, True)
    if disease.key == "T2DM":
        value = round(max(4.0, ctx.rng.gauss(8.2, 2.0)), 1)
        measures.vital(
            visit,
            "14743-9",
            "Glucose [Moles/volume] in Capillary blood by Glucometer",
            "指尖血糖",
            value,
            "mmol/L",
            "mmol/L",
            "laboratory",
        )
    cost = prescribe(visit, regimen, None, "community", 360 // disease.followups)
    bill(visit, [("consultation", 0.0 if quarterly else 10.0), ("drugs", cost)], None)
    if disease.key in ("HTN", "T2DM") and ctx.rng.random() < 0.02:
        maybe_refer_up(ctx, life, visit, None, f"{disease.name}控制不佳，转上级医院调整治疗方案")
