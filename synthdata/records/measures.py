"""Vital signs, laboratory panels (in each facility's local codes) and ECGs of a visit."""

from __future__ import annotations

from synthdata import namespaces as ns
from synthdata.records.visits import Visit
from synthdata.resources import clinical
from synthdata.resources.common import Json, concept, quantity
from synthdata.terminology.labs import PANELS, LabItem, local_code, panel_items

# Lab means and SDs for residents with a condition: {condition: {item: (mean, sd)}}.
SHIFTS: dict[str, dict[str, tuple[float, float]]] = {
    "T2DM": {"GLU": (8.4, 2.0), "HBA1C": (7.6, 1.1), "TG": (2.2, 0.9)},
    "CKD": {"CREA": (165, 40), "UREA": (9.5, 2.5), "HGB": (112, 14)},
    "HBV": {"ALT": (55, 22), "AST": (45, 15)},
    "HTN": {"TC": (5.2, 0.9), "LDL": (3.2, 0.8)},
}


def _round(value: float, decimals: int) -> float | int:
    return int(round(value)) if decimals == 0 else round(value, decimals)


def _flag(value: float, low: float, high: float) -> str:
    return "H" if value > high else "L" if value < low else "N"


def body_size(visit: Visit) -> tuple[float, float]:
    """The resident's height (cm) and weight (kg), drawn once and kept for later visits."""
    life = visit.life
    if life.height == 0.0:
        rng, male = visit.ctx.rng, life.resident.member.male
        life.height = rng.gauss(169, 6) if male else rng.gauss(158, 5.5)
        life.weight = rng.gauss(69, 10) if male else rng.gauss(59, 9)
    return life.height, life.weight


def blood_pressure(visit: Visit, hypertensive: bool) -> str:
    """A blood pressure panel (systolic and diastolic components); returns its uid."""
    rng, age = visit.ctx.rng, visit.life.resident.member.age
    sbp = rng.gauss(142, 14) if hypertensive else rng.gauss(112 + 0.4 * age, 11)
    dbp = rng.gauss(86, 9) if hypertensive else rng.gauss(72 + 0.1 * age, 7)
    parts = [
        clinical.component(
            clinical.loinc("8480-6", "Systolic blood pressure", "收缩压"),
            quantity(round(sbp), "mmHg", "mm[Hg]"),
        ),
        clinical.component(
            clinical.loinc("8462-4", "Diastolic blood pressure", "舒张压"),
            quantity(round(dbp), "mmHg", "mm[Hg]"),
        ),
    ]
    code = clinical.loinc("85354-9", "Blood pressure panel with all children optional", "血压")
    return visit.add(
        clinical.observation(
            visit.subject(),
            "vital-signs",
            code,
            visit.when,
            encounter=visit.encounter(),
            performer=visit.remote(visit.doctor.practitioner),
            components=parts,
        )
    )


def vital(
    visit: Visit,
    code: str,
    display: str,
    text: str,
    value: float,
    unit: str,
    ucum: str,
    category: str = "vital-signs",
) -> str:
    """One measured vital sign or exam quantity; returns its uid."""
    concept_, amount = clinical.vital(code, display, text, value, unit, ucum)
    return visit.add(
        clinical.observation(
            visit.subject(),
            category,
            concept_,
            visit.when,
            encounter=visit.encounter(),
            performer=visit.remote(visit.doctor.practitioner),
            value=amount,
        )
    )


def anthropometry(visit: Visit) -> None:
    """Weight, height and BMI of an adult."""
    height, weight = body_size(visit)
    weight += visit.ctx.rng.gauss(0, 1.0)
    vital(visit, "29463-7", "Body weight", "体重", round(weight, 1), "kg", "kg")
    vital(visit, "8302-2", "Body height", "身高", round(height, 1), "cm", "cm")
    bmi = weight / (height / 100) ** 2
    vital(
        visit,
        "39156-5",
        "Body mass index (BMI) [Ratio]",
        "体质指数",
        round(bmi, 1),
        "kg/m2",
        "kg/m2",
    )


def _value(visit: Visit, item: LabItem) -> float:
    mean, sd = item.mean, item.sd
    for chronic in visit.life.chronic:
        mean, sd = SHIFTS.get(chronic.key, {}).get(item.key, (mean, sd))
    return max(item.mean * 0.2, visit.ctx.rng.gauss(mean, sd))


def lab_panel(visit: Visit, panel: str) -> list[str]:
    """A panel's results in the facility's local codes, grouped by a DiagnosticReport."""
    fac, style = visit.fac, visit.fac.lab_style or 0
    system = ns.lab_code_system(fac.code)
    results = []
    for item in panel_items(panel):
        code, display = local_code(style, item.key)
        value = _round(_value(visit, item), item.decimals)
        results.append(
            visit.add(
                clinical.observation(
                    visit.subject(),
                    "laboratory",
                    concept(system, code, display),
                    visit.when,
                    encounter=visit.encounter(),
                    performer=visit.remote(fac.org),
                    value=quantity(value, item.unit_text, item.unit),
                    flag=_flag(value, item.low, item.high),
                    low_high=(
                        quantity(item.low, item.unit_text, item.unit),
                        quantity(item.high, item.unit_text, item.unit),
                    ),
                )
            )
        )
    code, display = local_code(style, panel)
    visit.add(
        clinical.report(
            visit.subject(),
            "LAB",
            concept(system, code, display, PANELS[panel][0]),
            visit.when,
            encounter=visit.encounter(),
            performer=visit.remote(fac.org),
            results=[visit.local("Observation", uid) for uid in results],
        )
    )
    return results


ECG_FINDINGS = ("窦性心律，正常心电图", "窦性心律，ST-T改变", "窦性心动过缓", "心房颤动")


def ecg(visit: Visit, abnormal: bool) -> None:
    """A 12-lead ECG: intervals as components, the reading as text, and its report."""
    rng = visit.ctx.rng
    finding = ECG_FINDINGS[rng.randrange(1, 4)] if abnormal else ECG_FINDINGS[0]
    parts: list[Json] = [
        clinical.component(clinical.loinc(c, d), quantity(round(rng.gauss(m, s)), u, ucum))
        for c, d, m, s, u, ucum in (
            ("8867-4", "Heart rate", 74, 9, "次/分", "/min"),
            ("8625-6", "P-R Interval", 160, 18, "ms", "ms"),
            ("8633-0", "QRS duration", 92, 10, "ms", "ms"),
            ("8634-8", "Q-T interval", 390, 25, "ms", "ms"),
        )
    ]
    code = clinical.loinc("11524-6", "EKG study", "常规12导联心电图")
    uid = visit.add(
        clinical.observation(
            visit.subject(),
            "procedure",
            code,
            visit.when,
            encounter=visit.encounter(),
            performer=visit.remote(visit.doctor.practitioner),
            components=parts,
            text=finding,
        )
    )
    visit.add(
        clinical.report(
            visit.subject(),
            "EC",
            code,
            visit.when,
            encounter=visit.encounter(),
            performer=visit.remote(visit.fac.org),
            results=[visit.local("Observation", uid)],
            interpreter=visit.remote(visit.doctor.practitioner),
            conclusion=finding,
        )
    )
