"""Blocking, comparison and decision run end to end over a labelled county, with timings."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from mpi.block.keys import blocking_keys
from mpi.compare.levels import compare
from mpi.decide import em
from mpi.decide.rules import MATCH, POSSIBLE, Rules, load
from mpi.decide.score import decide
from mpi.evaluate.blocking import BlockingQuality, candidate_pairs, measure
from mpi.evaluate.truth import labelled_patients
from mpi.normalise.patient import facts

MAX_BLOCK = 100
RANDOM_PAIRS = 20_000


@dataclass(frozen=True, slots=True)
class LinkageReport:
    """Blocking quality, decision quality and the time each stage took."""

    blocking: BlockingQuality
    precision: float
    recall: float
    possible: int
    seconds: dict[str, float]

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def evaluate(county: Path, rules: Rules | None = None, use_em: bool = False) -> LinkageReport:
    """Link every Patient of a generated county and score the result against its truth."""
    rules, clock, seconds = rules or load(), time.perf_counter(), {}
    records = labelled_patients(county)
    all_facts = [facts(r.resource) for r in records]
    keys = [blocking_keys(f) for f in all_facts]
    seconds["normalise+keys"], clock = time.perf_counter() - clock, time.perf_counter()
    pairs = sorted(candidate_pairs(keys, MAX_BLOCK))
    vectors = [compare(all_facts[a], all_facts[b]) for a, b in pairs]
    seconds["block+compare"], clock = time.perf_counter() - clock, time.perf_counter()
    if use_em:
        rng = random.Random(1)
        rand = [compare(rng.choice(all_facts), rng.choice(all_facts)) for _ in range(RANDOM_PAIRS)]
        rules = em.estimate(vectors, rand, rules)[0]
        seconds["em"], clock = time.perf_counter() - clock, time.perf_counter()
    outcomes = [decide(v, rules).outcome for v in vectors]
    seconds["decide"] = time.perf_counter() - clock
    same = [records[a].person == records[b].person for a, b in pairs]
    tp = sum(s and o == MATCH for s, o in zip(same, outcomes, strict=True))
    fp = sum(o == MATCH for o in outcomes) - tp
    blocking = measure(records, set(pairs))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / blocking.true_pairs if blocking.true_pairs else 1.0
    return LinkageReport(blocking, precision, recall, outcomes.count(POSSIBLE), seconds)
