"""Expectation-maximisation of m and u over unlabelled comparison vectors."""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from mpi.decide.rules import Probabilities, Rules

FLOOR = 1e-6


def _posterior(vector: dict[str, str], probs: Probabilities, prior: float) -> float:
    m = prior * prod(probs[f][lv][0] for f, lv in vector.items() if lv in probs.get(f, {}))
    u = (1 - prior) * prod(probs[f][lv][1] for f, lv in vector.items() if lv in probs.get(f, {}))
    return m / (m + u) if m + u else 0.0


def _maximise(
    vectors: Sequence[dict[str, str]], post: list[float], probs: Probabilities
) -> Probabilities:
    out: Probabilities = {}
    for field, levels in probs.items():
        sums = {lv: [0.0, 0.0] for lv in levels}
        for vector, g in zip(vectors, post, strict=True):
            lv = vector.get(field)
            if lv in sums:
                sums[lv][0] += g
                sums[lv][1] += 1 - g
        m_total = sum(s[0] for s in sums.values()) or 1.0
        u_total = sum(s[1] for s in sums.values()) or 1.0
        out[field] = {
            lv: (max(s[0] / m_total, FLOOR), max(s[1] / u_total, FLOOR)) for lv, s in sums.items()
        }
    return out


def u_from_random(random_vectors: Sequence[dict[str, str]], rules: Rules) -> Probabilities:
    """u of each level as its share among random (almost all non-matching) pairs, m kept."""
    out: Probabilities = {}
    for field, levels in rules.probabilities.items():
        seen = [v[field] for v in random_vectors if v.get(field) in levels]
        out[field] = {
            lv: (m, max((seen.count(lv) + 1) / (len(seen) + len(levels)), FLOOR))
            for lv, (m, _) in levels.items()
        }
    return out


def _keep_u(estimated: Probabilities, fixed: Probabilities) -> Probabilities:
    return {
        f: {lv: (m, fixed[f][lv][1]) for lv, (m, _) in lv_mu.items()}
        for f, lv_mu in estimated.items()
    }


def estimate(
    vectors: Sequence[dict[str, str]], random_vectors: Sequence[dict[str, str]], rules: Rules
) -> tuple[Rules, float]:
    """Rules with u from random pairs and m by EM over the candidate pairs; and the match share.

    The prior stays at the rules' value: re-estimating it over household-heavy blocks lets EM
    drift to "every candidate pair is a match".
    """
    fixed = u_from_random(random_vectors, rules)
    probs, prior = fixed, rules.prior
    for _ in range(rules.em_iterations):
        post = [_posterior(v, probs, prior) for v in vectors]
        probs = _keep_u(_maximise(vectors, post, probs), fixed)
    share = sum(_posterior(v, probs, prior) for v in vectors) / max(len(vectors), 1)
    return rules.with_probabilities(probs, rules.version + "+em"), share
