"""Seed the server, then run each scenario under wrk while sampling who uses the CPU."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import patients

from core import profile, seed
from core.cpu import CpuSampler
from core.scenarios import Scenario
from core.workload import Seeded, write_requests
from core.wrk import WrkRun, run_wrk


@dataclass(frozen=True)
class Options:
    """How hard and how long to push, and where the processes to watch are."""

    base: str
    clients: int
    seconds: float
    warmup: float
    seed: int
    workdir: Path
    groups: dict[str, list[int]] = field(default_factory=dict)  # server/postgres root pids
    profile: Path | None = None  # py-spy the server into this folder while measuring


@dataclass(frozen=True)
class Result:
    """One scenario's figures."""

    scenario: Scenario
    clients: int
    run: WrkRun
    cpu: dict[str, float]
    stored_delta: int | None
    hot_spots: str | None = None

    @property
    def resources_per_s(self) -> float:
        """Resources written or read per second (bundle entries for transactions)."""
        if self.scenario.counts_entries:
            return self.run.entries_ok / self.run.seconds
        return self.run.per_second

    @property
    def resources_ok(self) -> int:
        """Resources the successful requests carried."""
        if self.scenario.counts_entries:
            return self.run.entries_ok
        return self.run.requests - sum(self.run.non_2xx.values())

    def storage_check(self) -> str:
        """Did the server store what it acknowledged? wrk stops with requests in flight, so the
        count may exceed the acknowledged writes by up to one request per client."""
        if self.stored_delta is None or not self.scenario.stored_types:
            return "n/a"
        expected = self.resources_ok if self.scenario.grows else 0
        slack = self.clients * (25 if self.scenario.counts_entries else 1) if expected else 0
        verdict = "ok" if expected <= self.stored_delta <= expected + slack else "MISMATCH"
        if not self.scenario.grows:
            return f"{verdict} (count changed by {self.stored_delta:,}; updates add none)"
        return f"{verdict} (+{self.stored_delta:,} stored for {expected:,} acknowledged)"


def seed_patients(options: Options, count: int) -> Seeded:
    """POST `count` patients and check a sample reads back identical."""
    rng = random.Random(options.seed)
    bodies = [patients.patient(rng) for _ in range(count)]
    ids = asyncio.run(seed.create_all(options.base, bodies, options.clients))
    sample = rng.sample(range(count), min(50, count))
    found = asyncio.run(seed.read_back(options.base, "Patient", [ids[k] for k in sample]))
    for k, resource in zip(sample, found, strict=True):
        if resource.get("identifier") != bodies[k]["identifier"] or resource.get("id") != ids[k]:
            raise RuntimeError(f"Patient/{ids[k]} reads back different from what was created")
    return Seeded(ids, bodies)


def run_scenario(scenario: Scenario, seeded: Seeded, options: Options) -> Result:
    """Generate the requests, warm up, then measure under load."""
    rng = random.Random(f"{options.seed}-{scenario.name}")
    requests_file = options.workdir / f"{scenario.name}.tsv"
    write_requests(requests_file, options.base, scenario.build(rng, seeded, scenario.pool))
    replay = partial(run_wrk, options.base, requests_file, clients=options.clients,
                     entries=scenario.counts_entries)
    if options.warmup > 0:
        replay(seconds=options.warmup)
    before = asyncio.run(seed.count(options.base, scenario.stored_types))
    sampler = CpuSampler({**options.groups, "wrk": []})
    recording = _profile(options, scenario.name)
    sampler.start()
    run = replay(seconds=options.seconds, on_start=sampler.groups["wrk"].append)
    cpu = sampler.stop()
    spots = profile.hot_spots(recording.wait()) if recording else None
    after = asyncio.run(seed.count(options.base, scenario.stored_types))
    delta = after - before if before is not None and after is not None else None
    return Result(scenario, options.clients, run, cpu, delta, spots)


def _profile(options: Options, label: str) -> profile.Recording | None:
    server = options.groups.get("server")
    if options.profile is None or not server:
        return None
    return profile.start(server, options.seconds, options.profile, label)
