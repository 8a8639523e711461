"""The patient of the `$everything` query: exactly 500 resources in its compartment.

One Patient, then visits until there are 500: each an Encounter with 7 Observations and a
Condition, all referring to the Patient (and the Encounter) by literal reference. Made with
bench/patients.py, so the data looks like the rest of the benchmarks'.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from patients import CHINA, Resource, condition, encounter, observation, patient

PATIENT_ID = "bench-e500"
RESOURCES = 500


def _visits(rng: random.Random, subject: str) -> Iterator[Resource]:
    moment = datetime(2023, 7, 3, 8, tzinfo=CHINA)
    for k in range(RESOURCES):
        context = f"Encounter/{PATIENT_ID}-enc-{k}"
        yield {**encounter(rng, subject, moment), "id": context.split("/")[1]}
        for n in range(8):
            make = condition if n == 7 else observation
            yield {**make(rng, subject, moment, context), "id": f"{PATIENT_ID}-{k}-{n}"}
        moment += timedelta(days=6, hours=rng.randrange(8))


def everything_patient(seed: int = 500) -> list[Resource]:
    """The Patient (id `bench-e500`) and 499 resources of its compartment, with their ids."""
    rng = random.Random(seed)
    resources = [{**patient(rng), "id": PATIENT_ID}]
    visits = _visits(rng, f"Patient/{PATIENT_ID}")
    resources += [next(visits) for _ in range(RESOURCES - 1)]
    return resources
