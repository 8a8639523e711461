"""Linkage rules as versioned data: m/u per field level, thresholds, EM settings."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from math import log2
from pathlib import Path
from typing import Any

DEFAULT_RULES = Path(__file__).with_name("rules.json")
MATCH, POSSIBLE, NO_MATCH = "MATCH", "POSSIBLE_MATCH", "NO_MATCH"
Probabilities = dict[str, dict[str, tuple[float, float]]]


@dataclass(frozen=True, slots=True)
class Rules:
    """One version of the rules: m and u of each field level, and the two thresholds."""

    version: str
    match: float
    possible: float
    probabilities: Probabilities
    em_iterations: int
    prior: float
    caps: tuple[tuple[str, str, str], ...] = ()

    def weight(self, field: str, level: str) -> float:
        """log2(m/u) of the level; missing values (and unknown levels) weigh nothing."""
        mu = self.probabilities.get(field, {}).get(level)
        return log2(mu[0] / mu[1]) if mu else 0.0

    def cap(self, levels: dict[str, str], outcome: str) -> str:
        """The outcome lowered to the strongest one any matching cap allows."""
        order = (NO_MATCH, POSSIBLE, MATCH)
        for field, level, limit in self.caps:
            if levels.get(field) == level and order.index(limit) < order.index(outcome):
                outcome = limit
        return outcome

    def with_probabilities(self, probabilities: Probabilities, version: str) -> Rules:
        """The same rules with estimated m/u under a new version."""
        return replace(self, probabilities=probabilities, version=version)


def from_data(data: dict[str, Any]) -> Rules:
    """Rules from their JSON form."""
    fields = {
        f: {lv: (float(m), float(u)) for lv, (m, u) in levels.items()}
        for f, levels in data["fields"].items()
    }
    return Rules(
        version=str(data["version"]),
        match=float(data["thresholds"]["match"]),
        possible=float(data["thresholds"]["possible"]),
        probabilities=fields,
        em_iterations=int(data["em"]["iterations"]),
        prior=float(data["em"]["prior"]),
        caps=tuple((c["field"], c["level"], c["outcome"]) for c in data.get("caps", ())),
    )


def load(path: Path = DEFAULT_RULES) -> Rules:
    """The rules stored at path (the bundled default unless told)."""
    return from_data(json.loads(path.read_text("utf-8")))
