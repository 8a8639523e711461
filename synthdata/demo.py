"""A small county, generated in a temporary folder and loaded into a running platform:
what `hie demo` shows a new user within a minute or two."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from synthdata.config import SynthConfig
from synthdata.loading.loader import LoadSummary, load_dicom, load_directory, total_entries
from synthdata.pipeline import generate

# (stage, done, total): stage is "生成" (residents) or "加载" (resources).
ProgressCallback = Callable[[str, int, int], None]
Progress = bool | ProgressCallback
DEMO_PATIENTS = 300
DEMO_SEED = 20250630


async def _generate(config: SynthConfig, progress: Progress) -> None:
    if progress is True:
        from synthdata.loading.report import absolute_bar

        with absolute_bar("生成示例县域居民", config.patients) as update:
            await asyncio.to_thread(generate, config, update)
        return
    on = None if progress is False else partial(progress, "生成")
    await asyncio.to_thread(generate, config, on)


def _counting(progress: ProgressCallback, total: int) -> Callable[[int], None]:
    """Turn (stage, done, total) into the loader's per-Bundle increments."""
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        progress("加载", done[0], total)

    return advance


async def _load(out: Path, base_url: str, progress: Progress, concurrency: int) -> LoadSummary:
    total = total_entries(out) or 0
    if progress is True:
        from synthdata.loading.report import bar

        with bar("加载到平台", total) as advance:
            return await load_directory(out, base_url, concurrency=concurrency, on_progress=advance)
    on = None if progress is False else _counting(progress, total)
    return await load_directory(out, base_url, concurrency=concurrency, on_progress=on)


async def load_demo_async(
    base_url: str,
    patients: int = DEMO_PATIENTS,
    seed: int = DEMO_SEED,
    progress: Progress = True,
    dicom_url: str | None = None,
    concurrency: int = 4,
) -> LoadSummary:
    """Generate a county of `patients` residents and load it into `base_url`.

    `progress` is True for rich progress bars on stderr, False for silence, or a callback
    (stage, done, total). With `dicom_url` (Orthanc) the DICOM studies are stored too.
    """
    with tempfile.TemporaryDirectory(prefix="hie-demo-") as tmp:
        out = Path(tmp) / "county"
        config = SynthConfig(patients, seed, out, workers=1, dicom=dicom_url is not None)
        await _generate(config, progress)
        summary = await _load(out, base_url, progress, concurrency)
        if dicom_url:
            stored = await load_dicom(out, dicom_url, concurrency=concurrency)
            summary.failed += stored.failed
            summary.errors.update(stored.errors)
        return summary


def load_demo(
    base_url: str,
    patients: int = DEMO_PATIENTS,
    seed: int = DEMO_SEED,
    progress: Progress = True,
    dicom_url: str | None = None,
    concurrency: int = 4,
) -> LoadSummary:
    """`load_demo_async` for callers without a running event loop."""
    return asyncio.run(load_demo_async(base_url, patients, seed, progress, dicom_url, concurrency))
