"""The scenarios of the repository-core benchmark, and the targets of issue 2, as data."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core import workload
from core.workload import Line, Seeded


@dataclass(frozen=True)
class Target:
    """What issue 2 asks of a scenario: a floor on throughput, a ceiling on p99 latency."""

    per_second: float | None = None
    resources: bool = False  # the floor is on resources/s rather than requests/s
    p99_ms: float | None = None

    def describe(self) -> str:
        """The target as the table shows it, e.g. '≥2,500/s, p99 <20 ms'."""
        parts = []
        if self.per_second is not None:
            parts.append(f"≥{self.per_second:,.0f} {'resources' if self.resources else 'req'}/s")
        if self.p99_ms is not None:
            parts.append(f"p99 <{self.p99_ms:g} ms")
        return ", ".join(parts) or "—"

    def met(self, requests_per_s: float, resources_per_s: float, p99_ms: float) -> bool | None:
        """Whether the figures meet the target; None when there is no target."""
        if self.per_second is None and self.p99_ms is None:
            return None
        rate = resources_per_s if self.resources else requests_per_s
        return ((self.per_second is None or rate >= self.per_second)
                and (self.p99_ms is None or p99_ms < self.p99_ms))


@dataclass(frozen=True)
class Scenario:
    """One kind of load: how to make its requests and how to check what got stored."""

    name: str
    title: str
    build: Callable[[random.Random, Seeded, int], Iterable[Line]]
    pool: int  # distinct requests generated; wrk cycles through them
    stored_types: tuple[str, ...] = ()  # counted before and after, to check every write landed
    grows: bool = True  # each successful resource adds one to the count (not so for updates)
    counts_entries: bool = False  # a transaction: resources are counted from the entries
    target: Target = Target()


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("read", "read Patient by id", workload.reads, 50_000,
                 target=Target(2_500, p99_ms=20)),
        Scenario("create", "create Patient/Observation (1:2)", workload.creates, 30_000,
                 stored_types=("Patient", "Observation"), target=Target(1_000)),
        Scenario("update", "update Patient (PUT, random ids)", workload.updates, 30_000,
                 stored_types=("Patient",), grows=False),
        Scenario("transaction", "transaction bundle (Patient+Encounter+8-20)",
                 workload.transactions, 1_500, counts_entries=True,
                 stored_types=("Patient", "Encounter", "Observation", "Condition"),
                 target=Target(3_000, resources=True)),
    )
}
