"""The queries of issue 3's search benchmark, as data: how to make each request, and its check.

Every request is built from the dataset's query set (sampling.py), so it finds something.
`check` looks at one answer and says what is wrong with it (None when it is right): it is
how the harness tells a feature that is not there yet (`_sort` ignored, `_include` adding
nothing) from a slow one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from search import checks
from search.sampling import RESIDENT_ID

QuerySet = dict[str, Any]


@dataclass(frozen=True)
class Query:
    """One kind of request: a path (relative to the FHIR base) made from the query set."""

    name: str
    title: str
    path: Callable[[random.Random, QuerySet], str]
    target_p95_ms: float | None = None
    check: checks.Check = checks.found


def _q(text: str) -> str:
    return quote(text, safe="/:,|$")


def _patient(rng: random.Random, qs: QuerySet) -> dict[str, Any]:
    return dict(rng.choice(qs["patients"]))


def _code_and_day(patient: dict[str, Any]) -> tuple[str, str]:
    """The patient's most frequent observation code, and the day of its first observation."""
    counts: dict[str, list[str]] = {}
    for code, when in patient["observations"]:
        counts.setdefault(code, []).append(when)
    code = max(sorted(counts), key=lambda c: len(counts[c]))
    return code, min(counts[code])[:10]


def has_codes(qs: QuerySet) -> list[str]:
    """Observation codes held by 2-10 % as many Observations as there are Patient records.

    The ratio is the same at every county size, so the same codes qualify at both sizes.
    """
    records = qs["patient_records"]
    return sorted(c for c, n in qs["observation_codes"].items()
                  if 0.02 * records <= n <= 0.10 * records)


def _identifier(rng: random.Random, qs: QuerySet) -> str:
    return f"Patient?identifier={_q(RESIDENT_ID)}|{_patient(rng, qs)['resident_id']}"


def _name(rng: random.Random, qs: QuerySet) -> str:
    return f"Patient?name={_q(_patient(rng, qs)['name'])}"


def _family_given(rng: random.Random, qs: QuerySet) -> str:
    p = _patient(rng, qs)
    return f"Patient?family={_q(p['family'])}&given={_q(p['given'])}"


def _pinyin(rng: random.Random, qs: QuerySet) -> str:
    return f"Patient?name={_q(rng.choice(qs['pinyin'])['name'])}"


def _observations(rng: random.Random, qs: QuerySet) -> str:
    p = _patient(rng, qs)
    code, day = _code_and_day(p)
    return (f"Observation?subject=Patient/{p['id']}&code={_q(code)}&date=ge{day}"
            f"&_sort=-date")


def _encounters(rng: random.Random, qs: QuerySet) -> str:
    return f"Encounter?subject=Patient/{_patient(rng, qs)['id']}&_sort=-date"


def _include(rng: random.Random, qs: QuerySet) -> str:
    return f"Observation?subject=Patient/{_patient(rng, qs)['id']}&_include=Observation:subject"


def _has(rng: random.Random, qs: QuerySet) -> str:
    return f"Patient?_has:Observation:subject:code={_q(rng.choice(has_codes(qs)))}"


def _chain(rng: random.Random, qs: QuerySet) -> str:
    resident = _patient(rng, qs)["resident_id"]
    return f"Observation?subject:Patient.identifier={_q(RESIDENT_ID)}|{resident}"


def _chain2(rng: random.Random, qs: QuerySet) -> str:
    resident = _patient(rng, qs)["resident_id"]
    return f"Observation?encounter.subject:Patient.identifier={_q(RESIDENT_ID)}|{resident}"


def _everything(rng: random.Random, qs: QuerySet) -> str:
    return f"Patient/{qs['everything_patient']}/$everything?_count=1000"


def _count(rng: random.Random, qs: QuerySet) -> str:
    return "Observation?_summary=count"


SINGLE_PATIENT_P95_MS = 30.0  # issue 3: indexed single-patient queries
EVERYTHING_P95_MS = 300.0  # issue 3: $everything of a patient with 500 resources

QUERIES = {
    q.name: q
    for q in (
        Query("patient-identifier", "Patient by resident ID", _identifier,
              SINGLE_PATIENT_P95_MS, checks.has_identifier),
        Query("patient-name", "Patient by Chinese name (`name=王峰`)", _name,
              SINGLE_PATIENT_P95_MS, checks.name_starts),
        Query("patient-family-given", "Patient by `family=王&given=峰`", _family_given,
              SINGLE_PATIENT_P95_MS),
        Query("patient-name-pinyin", "Patient by pinyin name (`name=Yuan Xin`)", _pinyin,
              SINGLE_PATIENT_P95_MS, checks.name_starts),
        Query("observation-code-date", "Observation by patient+code+date, `_sort=-date`",
              _observations, SINGLE_PATIENT_P95_MS, checks.sorted_by("effectiveDateTime")),
        Query("encounter-patient", "Encounter by patient, `_sort=-date`", _encounters,
              SINGLE_PATIENT_P95_MS, checks.sorted_by("period.start")),
        Query("observation-include", "Observation by patient, `_include=Observation:subject`",
              _include, SINGLE_PATIENT_P95_MS, checks.includes_subject),
        Query("patient-has", "Patient `_has:Observation:subject:code=` (2-10 % codes)", _has),
        Query("chain-1", "Observation `subject:Patient.identifier=` (resident ID)", _chain,
              SINGLE_PATIENT_P95_MS),
        Query("chain-2", "Observation `encounter.subject:Patient.identifier=`", _chain2,
              SINGLE_PATIENT_P95_MS),
        Query("everything", "`Patient/{id}/$everything` (500 resources)", _everything,
              EVERYTHING_P95_MS, checks.everything),
        Query("observation-count", "Observation `_summary=count` (whole type)", _count,
              None, checks.count_of("Observation")),
    )
}
