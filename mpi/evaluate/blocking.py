"""Blocking quality: pairs completeness and reduction ratio over labelled records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from mpi.evaluate.truth import Labelled

Pair = tuple[int, int]


@dataclass(frozen=True, slots=True)
class BlockingQuality:
    """How well a set of blocks covers the true pairs, and how many pairs it leaves to compare."""

    records: int
    true_pairs: int
    candidate_pairs: int
    found_pairs: int
    missed: tuple[Pair, ...]

    @property
    def pairs_completeness(self) -> float:
        """Share of the true pairs that share at least one block."""
        return self.found_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def reduction_ratio(self) -> float:
        """Share of all record pairs that blocking spares from comparison."""
        total = self.records * (self.records - 1) // 2
        return 1 - self.candidate_pairs / total if total else 1.0


def candidate_pairs(keys: Sequence[Iterable[str]], max_block: int) -> set[Pair]:
    """Pairs of record positions sharing a key; blocks larger than max_block are skipped."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, record_keys in enumerate(keys):
        for key in record_keys:
            blocks[key].append(i)
    pairs: set[Pair] = set()
    for members in blocks.values():
        if 1 < len(members) <= max_block:
            pairs.update(combinations(members, 2))
    return pairs


def true_pairs(records: Sequence[Labelled]) -> set[Pair]:
    """Pairs of record positions that belong to the same person."""
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_person[record.person].append(i)
    return {p for members in by_person.values() for p in combinations(members, 2)}


def measure(records: Sequence[Labelled], candidates: set[Pair]) -> BlockingQuality:
    """Blocking quality of the candidate pairs against the truth."""
    truth = true_pairs(records)
    missed = tuple(sorted(truth - candidates))
    return BlockingQuality(
        len(records), len(truth), len(candidates), len(truth) - len(missed), missed
    )
