"""Two-way referral (双向转诊): village → township → county and back down, each step a
ServiceRequest in the sending facility's Bundle and an Encounter based on it in the
receiving facility's Bundle of the next wave (it refers to the ServiceRequest by its
referral number, so that Bundle must load after the sender's)."""

from __future__ import annotations

from datetime import datetime, timedelta

from synthdata import namespaces as ns
from synthdata.clock import NOW
from synthdata.county.facilities import Facility
from synthdata.records import imaging, measures
from synthdata.records.context import Chunk
from synthdata.records.enrolment import bill
from synthdata.records.visits import Life, Visit, diagnose, open_visit, prescribe
from synthdata.resources import admin
from synthdata.resources.clinical import icd
from synthdata.resources.common import Json
from synthdata.resources.refs import Target
from synthdata.terminology.clinical import ADMISSIONS

UP_FROM_TOWNSHIP = 0.15
DOWN_AFTER_ADMISSION = 0.4


def refer(visit: Visit, to: Facility, direction: str, reason_uid: str | None, note: str) -> Target:
    """Write the referral in the sending visit; returns what the receiver's Bundle cites."""
    number = visit.ctx.serial("ZZ")
    reason = visit.local("Condition", reason_uid) if reason_uid else None
    uid = visit.add(
        admin.referral(
            visit.subject(),
            number,
            direction,
            visit.when,
            encounter=visit.encounter(),
            requester=visit.remote(visit.doctor.practitioner),
            to=visit.remote(to.org),
            reason=reason,
            note=note,
        )
    )
    return Target("ServiceRequest", uid, ns.REFERRAL, number)


def _later(ctx: Chunk, start: datetime, days: int) -> datetime:
    return min(start + timedelta(days=ctx.rng.randint(0, days), hours=ctx.rng.randint(1, 6)), NOW)


def maybe_refer_up(
    ctx: Chunk,
    life: Life,
    visit: Visit,
    reason_uid: str | None,
    note: str,
    code: Json | None = None,
) -> None:
    """Refer a resident one level up and record the receiving facility's side."""
    if visit.fac.level == "village":
        to = ctx.county.primary(life.resident.village)
    elif visit.fac.level == "township":
        to = ctx.county.lead(visit.fac)
    else:
        return
    sent = refer(visit, to, "up", reason_uid, note)
    start = _later(ctx, visit.start, 3)
    if to.level == "county":
        admit(ctx, life, to, visit.group.wave + 1, start, sent)
    else:
        receive(ctx, life, to, visit.group.wave + 1, start, sent, code)


def receive(
    ctx: Chunk,
    life: Life,
    fac: Facility,
    wave: int,
    start: datetime,
    sent: Target,
    code: Json | None,
    onward: bool = True,
) -> None:
    """A health centre sees a referred resident, and sometimes sends them on to the county."""
    visit = open_visit(
        ctx,
        life,
        fac,
        wave,
        start,
        "referral-in",
        based_on=sent,
        reason=code,
        roles=("general-practitioner",),
    )
    cond = diagnose(visit, code) if code is not None else None
    measures.blood_pressure(visit, any(c.key == "HTN" for c in life.chronic))
    lab = 0.0
    if fac.lab_style is not None and ctx.rng.random() < 0.5:
        measures.lab_panel(visit, "CBC")
        lab = 25.0
    bill(visit, [("consultation", 10.0), ("lab", lab)], cond)
    if onward and ctx.rng.random() < UP_FROM_TOWNSHIP:
        maybe_refer_up(ctx, life, visit, cond, "病情需要，转县级医院进一步诊治")


def admit(
    ctx: Chunk, life: Life, fac: Facility, wave: int, start: datetime, sent: Target | None
) -> None:
    """A hospital admits a resident (referred, or from its own clinic): labs, imaging,
    drugs, a claim, and sometimes a referral back down to the health centre."""
    code, name, display, exam = ADMISSIONS[ctx.rng.randrange(len(ADMISSIONS))]
    reason = icd(code, display, name)
    days = ctx.rng.randint(4, 12)
    roles = ("specialist", "general-practitioner")
    visit = open_visit(
        ctx,
        life,
        fac,
        wave,
        start,
        "inpatient",
        cls="IMP",
        days=days,
        reason=reason,
        based_on=sent,
        roles=roles,
    )
    cond = diagnose(visit, reason)
    bill(visit, _inpatient_care(visit, cond, exam, days), cond, institutional=True)
    if fac.level == "county" and ctx.rng.random() < DOWN_AFTER_ADMISSION:
        centre = ctx.county.primary(life.resident.village)
        back = refer(visit, centre, "down", cond, "病情稳定，转回基层继续康复治疗和随访")
        end = min(start + timedelta(days=days), NOW)
        receive(ctx, life, centre, wave + 1, _later(ctx, end, 5), back, reason, onward=False)


def _inpatient_care(visit: Visit, cond: str, exam: str, days: int) -> list[tuple[str, float]]:
    """What a stay involves; returns its fees."""
    life = visit.life
    measures.blood_pressure(visit, any(c.key == "HTN" for c in life.chronic))
    for panel in ("CBC", "LFT", "RFT"):
        measures.lab_panel(visit, panel)
    fee = imaging.order_imaging(visit, exam, cond, abnormal=True)
    if visit.ctx.rng.random() < 0.5:
        measures.ecg(visit, life.resident.member.age > 60)
    drugs = prescribe(visit, ["YP0021", "YP0025"], cond, "inpatient", days)
    return [
        ("bed", 40.0 * days),
        ("nursing", 25.0 * days),
        ("drugs", drugs),
        ("lab", 120.0),
        ("imaging", fee),
    ]
