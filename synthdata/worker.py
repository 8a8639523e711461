"""One chunk of residents, end to end, in a worker process: records, Bundles, DICOM, and the
NDJSON and truth lines the main process appends in chunk order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import orjson

from synthdata.config import SynthConfig
from synthdata.county.model import County, build_county
from synthdata.faults import Faulter
from synthdata.output.bundles import WaveStats, squeeze, write_groups
from synthdata.output.dicom import write_study
from synthdata.population.households import Household
from synthdata.records.context import Chunk
from synthdata.records.household import household


@dataclass
class ChunkTask:
    """A chunk's households, with ID numbers and villages already assigned."""

    index: int
    households: list[Household]


@dataclass
class ChunkResult:
    """What a chunk produced, for the main process to append and count."""

    index: int
    persons: int
    ndjson: dict[str, bytes]
    truth: dict[str, bytes]
    waves: WaveStats
    counts: dict[str, int] = field(default_factory=dict)
    studies: int = 0
    dicom_files: int = 0


_STATE: dict[str, Any] = {}


def init_worker(config: SynthConfig) -> None:
    """Build the county once per process."""
    _STATE["config"] = config
    _STATE["county"] = build_county(config.seed, config.patients)
    _STATE["faulter"] = Faulter(config.faults)


def ndjson_lines(
    resources: list[tuple[str, str, dict[str, Any]]], compress: bool = False
) -> dict[str, bytes]:
    """Resources as NDJSON, one blob per resource type, each resource with its id."""
    lines: dict[str, list[bytes]] = {}
    for rtype, uid, body in resources:
        lines.setdefault(rtype, []).append(orjson.dumps({"resourceType": rtype, "id": uid} | body))
    return {rtype: squeeze(b"\n".join(found) + b"\n", compress) for rtype, found in lines.items()}


def _joined(lines: list[bytes], compress: bool) -> bytes:
    return squeeze(b"\n".join(lines) + b"\n", compress) if lines else b""


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Generate and write one chunk."""
    config: SynthConfig = _STATE["config"]
    county: County = _STATE["county"]
    ctx = Chunk(
        task.index, county, _STATE["faulter"], random.Random(f"{config.seed}:chunk:{task.index}")
    )
    for home in task.households:
        household(ctx, home)
    groups = {key: [g.entries for g in found] for key, found in ctx.groups.items()}
    waves = write_groups(config.out, f"c{task.index:05d}", groups, config.gzip)
    files = sum(write_study(config.out, s) for s in ctx.studies) if config.dicom else 0
    ctx.links.flip()
    counts: dict[str, int] = {}
    for rtype, _, _ in ctx.resources:
        counts[rtype] = counts.get(rtype, 0) + 1
    gz = config.gzip
    truth = {
        "persons": _joined(ctx.truth_persons, gz),
        "records": _joined(ctx.truth_records, gz),
        "imaging": _joined(ctx.truth_imaging, gz),
    }
    persons = sum(len(h.members) for h in task.households)
    return ChunkResult(
        task.index,
        persons,
        ndjson_lines(ctx.resources, gz),
        truth,
        waves,
        counts,
        len(ctx.studies),
        files,
    )
