"""The free yearly health check of residents aged 65 and over (老年人健康体检) at their
health centre: vital signs, body size, five lab panels, an ECG and an abdominal ultrasound."""

from __future__ import annotations

from synthdata.clock import NOW, WINDOW_START
from synthdata.records import imaging, measures
from synthdata.records.context import Chunk
from synthdata.records.visits import FIRST, Life, moment, open_visit

PARTICIPATION = 0.7
PANELS = ("CBC", "LFT", "RFT", "LIPID", "FPG")


def checkup(ctx: Chunk, life: Life) -> None:
    """The resident's check of the window, if they are 65+ and came."""
    if life.resident.member.age < 65 or ctx.rng.random() >= PARTICIPATION:
        return
    centre = ctx.county.primary(life.resident.village)
    visit = open_visit(
        ctx,
        life,
        centre,
        FIRST,
        moment(ctx, WINDOW_START, NOW),
        "checkup",
        roles=("general-practitioner", "public-health"),
    )
    measures.blood_pressure(visit, any(c.key == "HTN" for c in life.chronic))
    measures.anthropometry(visit)
    if centre.lab_style is not None:
        for panel in PANELS:
            measures.lab_panel(visit, panel)
    measures.ecg(visit, ctx.rng.random() < 0.25)
    imaging.order_imaging(visit, "US-ABD", None, ctx.rng.random() < 0.3)
