"""The query set: facts about sampled patients, gathered while the resources stream into storage.

Patients come first (load.ndjson_files), so the sample is drawn before the Observations and
Encounters arrive; then only the sampled patients' clinical resources are remembered. The
result is a JSON file that the benchmark and the EXPLAIN script build their requests from:
real resident IDs, names, codes and dates, so every query finds something.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

RESIDENT_ID = "urn:oid:2.16.156.10011.1.3"
_LATIN = re.compile(r"[A-Za-z]")

Resource = dict[str, Any]


@dataclass
class Facts:
    """One sampled Patient record: who it is, and what it holds."""

    id: str
    resident_id: str
    name: str
    family: str
    given: str
    observations: list[tuple[str, str]] = field(default_factory=list)  # (system|code, date)
    encounters: int = 0

    def as_json(self) -> dict[str, Any]:
        """The record as the query-set file holds it."""
        return {"id": self.id, "resident_id": self.resident_id, "name": self.name,
                "family": self.family, "given": self.given, "encounters": self.encounters,
                "observations": [list(o) for o in sorted(self.observations)]}


def _facts(patient: Resource) -> Facts | None:
    ids = [i.get("value") for i in patient.get("identifier", []) if i.get("system") == RESIDENT_ID]
    names = patient.get("name") or [{}]
    text = names[0].get("text") or ""
    if not ids or not ids[0] or not text:
        return None
    return Facts(patient["id"], ids[0], text, names[0].get("family", ""),
                 "".join(names[0].get("given", [])))


def _subject(resource: Resource) -> str:
    reference = (resource.get("subject") or {}).get("reference", "")
    return reference.removeprefix("Patient/") if reference.startswith("Patient/") else ""


def _effective(observation: Resource) -> str:
    return str(observation.get("effectiveDateTime")
               or (observation.get("effectivePeriod") or {}).get("start")
               or observation.get("issued") or "")


@dataclass
class Sampler:
    """Watches every resource once (`see`), then writes the query set (`queryset`)."""

    rng: random.Random
    candidates: int = 4000
    keep: int = 200
    patients: list[Facts] = field(default_factory=list)
    pinyin: list[dict[str, str]] = field(default_factory=list)
    chosen: dict[str, Facts] | None = None
    codes: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)

    def see(self, resource: Resource) -> Resource:
        """Take note of a resource on its way to storage; returns it unchanged."""
        kind = resource["resourceType"]
        self.types[kind] += 1
        if kind == "Patient":
            self._patient(resource)
            return resource
        if self.chosen is None:
            picked = self.rng.sample(self.patients, min(self.candidates, len(self.patients)))
            self.chosen = {f.id: f for f in picked}
        if kind == "Observation":
            self._observation(resource)
        elif kind == "Encounter" and (facts := self.chosen.get(_subject(resource))):
            facts.encounters += 1
        return resource

    def _patient(self, patient: Resource) -> None:
        facts = _facts(patient)
        if facts is None:
            return
        if _LATIN.search(facts.name):
            self.pinyin.append({"id": facts.id, "name": facts.name})
        else:
            self.patients.append(facts)

    def _observation(self, observation: Resource) -> None:
        codings = (observation.get("code") or {}).get("coding", [])
        codes = [f"{c.get('system', '')}|{c.get('code', '')}" for c in codings if c.get("code")]
        self.codes.update(codes)
        facts = self.chosen.get(_subject(observation)) if self.chosen else None
        if facts is not None and codes and (when := _effective(observation)):
            facts.observations.append((codes[0], when))

    def queryset(self, everything_id: str) -> dict[str, Any]:
        """The query-set file: sampled patients with observations and encounters, and more."""
        useful = [f for f in (self.chosen or {}).values() if f.observations and f.encounters]
        useful.sort(key=lambda f: f.id)
        picked = self.rng.sample(useful, min(self.keep, len(useful)))
        return {
            "resources": sum(self.types.values()),
            "types": dict(self.types.most_common()),
            "patient_records": self.types["Patient"],
            "everything_patient": everything_id,
            "patients": [f.as_json() for f in picked],
            "pinyin": self.rng.sample(self.pinyin, min(self.keep, len(self.pinyin))),
            "observation_codes": dict(self.codes.most_common()),
        }
