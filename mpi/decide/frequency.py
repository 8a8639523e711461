"""Term-frequency adjustment: agreeing on a common name says less than agreeing on a rare one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from math import log2

from mpi.normalise import names
from mpi.normalise.patient import Facts


@dataclass(frozen=True, slots=True)
class NameFrequencies:
    """How often each usual spelling occurs among the indexed Patients."""

    counts: Counter[str]
    total: int

    def u(self, spelling: str) -> float:
        """Chance that two random records agree on this spelling (add-one smoothed)."""
        return (self.counts.get(spelling, 0) + 1) / (self.total + 1)


def name_frequencies(all_facts: Iterable[Facts]) -> NameFrequencies:
    """Spelling frequencies over the given facts (newborn placeholders left out)."""
    spelt = [
        names.usual_spelling(f.name) for f in all_facts if f.name and not f.newborn_placeholder
    ]
    return NameFrequencies(Counter(spelt), len(spelt))


def name_weight(a: Facts, m: float, freq: NameFrequencies) -> float:
    """log2(m / u_tf) for an exact name agreement on a's name."""
    assert a.name is not None
    return log2(m / freq.u(names.usual_spelling(a.name)))
