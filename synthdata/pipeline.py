"""Generate a county: reference data in the main process, then chunks of residents in
worker processes, results appended in chunk order so any number of workers writes the
same bytes. At most a few chunks are in flight, so memory stays flat at any size."""

from __future__ import annotations

import random
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from synthdata.config import CHUNK_PERSONS, SynthConfig
from synthdata.county.model import County, build_county
from synthdata.output.bundles import WaveStats, merge_stats
from synthdata.output.files import Appender, write_manifest, write_reference
from synthdata.population.households import form_households
from synthdata.population.idcard import IdRegistry
from synthdata.worker import ChunkResult, ChunkTask, init_worker, run_chunk

Progress = Callable[[int, int], None]


def plan_chunk(config: SynthConfig, county: County, ids: IdRegistry, index: int) -> ChunkTask:
    """A chunk's households: drawn from its own RNG, numbered, placed, given ID numbers."""
    start = index * CHUNK_PERSONS
    count = min(CHUNK_PERSONS, config.patients - start)
    rng = random.Random(f"{config.seed}:households:{index}")
    homes = form_households(rng, count, start, f"H{index:05d}")
    for home in homes:
        home.village = county.village_of(home.members[0].index).index
        for m in home.members:
            m.id_number = ids.assign(m.birthplace, m.birth, m.male)
    return ChunkTask(index, homes)


def _results(config: SynthConfig, county: County) -> Iterator[ChunkResult]:
    ids = IdRegistry()
    tasks = (plan_chunk(config, county, ids, i) for i in range(config.chunks))
    workers = config.worker_count()
    if workers == 1:
        init_worker(config)
        yield from (run_chunk(t) for t in tasks)
        return
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(config,)) as pool:
        pending: deque[Future[ChunkResult]] = deque()
        for task in tasks:
            pending.append(pool.submit(run_chunk, task))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def prepare(out: Path, force: bool) -> None:
    """An empty output folder (a non-empty one only with force)."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"输出目录不为空：{out}（使用 --force 覆盖）")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def generate(
    config: SynthConfig, progress: Progress | None = None, force: bool = False
) -> dict[str, Any]:
    """Write the whole county under config.out; returns the manifest."""
    prepare(config.out, force)
    county = build_county(config.seed, config.patients)
    waves: WaveStats = {}
    counts: dict[str, int] = {}
    ndjson = Appender(config.out / "ndjson", ".ndjson" + config.suffix)
    truth = Appender(config.out / "truth", ".ndjson" + config.suffix)
    merge_stats(waves, write_reference(config, county, ndjson, counts))
    done, studies, files = 0, 0, 0
    try:
        for result in _results(config, county):
            for rtype, data in result.ndjson.items():
                ndjson.write(rtype, data)
            for name, data in result.truth.items():
                truth.write(name, data)
            merge_stats(waves, result.waves)
            for rtype, n in result.counts.items():
                counts[rtype] = counts.get(rtype, 0) + n
            done += result.persons
            studies += result.studies
            files += result.dicom_files
            if progress is not None:
                progress(done, config.patients)
    finally:
        ndjson.close()
        truth.close()
    return write_manifest(config, county, waves, counts, studies, files)
