"""Insurance enrolment (the agency's Patient and Coverage), claims, and family-doctor contracts."""

from __future__ import annotations

from datetime import date, timedelta

from synthdata import namespaces as ns
from synthdata.clock import day
from synthdata.county.staff import team_members, team_target
from synthdata.records.context import Chunk
from synthdata.records.visits import FIRST, W_REGISTRY, Life, Visit
from synthdata.resources import admin
from synthdata.resources.refs import Target

INSURED = 0.95
EMPLOYEE = 0.08
YEAR = 2025


def enrol(ctx: Chunk, life: Life) -> None:
    """Most residents hold basic medical insurance; the agency pushes their Coverage."""
    member = life.resident.member
    if ctx.rng.random() >= INSURED:
        return
    agency = ctx.county.hospital("insurance")
    group = ctx.group(life.resident, agency, W_REGISTRY)
    number = ctx.record(life.resident, agency).mrn
    kind = "employee" if 22 <= member.age < 60 and ctx.rng.random() < EMPLOYEE else "urban-rural"
    body = admin.coverage(ctx.subject(group), number, kind, ctx.links.remote(agency.org), YEAR)
    uid = ctx.add(group, body, f"identifier={ns.INSURANCE}|{number}")
    life.coverage = Target("Coverage", uid, ns.INSURANCE, number)


def bill(
    visit: Visit,
    fees: list[tuple[str, float]],
    diagnosis_uid: str | None,
    institutional: bool = False,
) -> None:
    """Claim a visit's fees from the insurance agency, if the resident is insured."""
    coverage = visit.life.coverage
    fees = [(fee, amount) for fee, amount in fees if amount > 0]
    if coverage is None or not fees:
        return
    agency = visit.ctx.county.hospital("insurance")
    diagnosis = visit.local("Condition", diagnosis_uid) if diagnosis_uid else None
    visit.add(
        admin.claim(
            visit.subject(),
            visit.ctx.serial("CL"),
            institutional,
            visit.when,
            provider=visit.remote(visit.fac.org),
            insurer=visit.remote(agency.org),
            coverage=visit.remote(coverage),
            encounter=visit.encounter(),
            diagnosis=diagnosis,
            fees=fees,
        )
    )


def contract_rate(life: Life) -> float:
    """How likely a resident is to have signed with a family doctor (key groups more so)."""
    age = life.resident.member.age
    if life.chronic:
        return 0.8
    if age >= 65:
        return 0.75
    if age < 7:
        return 0.6
    return 0.3


def _package(life: Life) -> str:
    age = life.resident.member.age
    if life.chronic:
        return "chronic"
    if age >= 65:
        return "elderly"
    return "maternal-child" if age < 7 else "basic"


def sign(ctx: Chunk, life: Life) -> None:
    """A contract with the village's family-doctor team, signed early in the year."""
    if ctx.rng.random() >= contract_rate(life):
        return
    village = life.resident.village
    centre, clinic = ctx.county.primary(village), ctx.county.clinic(village)
    members = team_members(clinic, centre, village)
    if not members:
        return
    group = ctx.group(life.resident, centre, FIRST)
    start = date(YEAR, 1, 1) + timedelta(days=ctx.rng.randrange(90))
    end = start.replace(year=start.year + 1) - timedelta(days=1)
    ctx.add(
        group,
        admin.contract(
            ctx.subject(group),
            ctx.serial("QY"),
            _package(life),
            day(start),
            day(end),
            centre=ctx.links.remote(centre.org),
            manager=ctx.links.remote(members[0].practitioner),
            team=ctx.links.remote(team_target(ctx.county.seed, village)),
        ),
    )
