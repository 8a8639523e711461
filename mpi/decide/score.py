"""Fellegi-Sunter scoring of a comparison vector and the decision it leads to."""

from __future__ import annotations

from dataclasses import dataclass

from mpi.decide.frequency import NameFrequencies, name_weight
from mpi.decide.rules import MATCH, NO_MATCH, POSSIBLE, Rules
from mpi.normalise.patient import Facts


@dataclass(frozen=True, slots=True)
class Decision:
    """The total weight, each field's share of it, and the outcome under a rules version."""

    score: float
    weights: dict[str, float]
    outcome: str
    rules_version: str


def decide(
    levels: dict[str, str],
    rules: Rules,
    frequencies: tuple[Facts, NameFrequencies] | None = None,
) -> Decision:
    """Sum of the per-field log-likelihood weights, classified by the rules' thresholds.

    With frequencies (one side's facts and the index's name counts) an exact name agreement
    weighs log2(m / frequency of that name) instead of the rules' average u.
    """
    weights = {field: rules.weight(field, level) for field, level in levels.items()}
    if frequencies is not None and levels.get("name") == "exact":
        m = rules.probabilities["name"]["exact"][0]
        weights["name"] = name_weight(frequencies[0], m, frequencies[1])
    score = sum(weights.values())
    if levels.get("resident_id") == "exact" and levels.get("name") in ("exact", "homophone"):
        score = max(score, rules.match)
    outcome = MATCH if score >= rules.match else POSSIBLE if score >= rules.possible else NO_MATCH
    return Decision(score, weights, rules.cap(levels, outcome), rules.version)
