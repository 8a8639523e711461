"""Transaction Bundles as each facility's HIS pushes them, packed from whole groups.

Files are `bundles/w<wave>/<facility>/<name>-<part>.json` (`.json.gz` compressed); a
loader must finish every Bundle of a wave before it starts the next, because later waves
refer to what earlier ones created (conditional references).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from synthdata.config import BUNDLE_MAX_ENTRIES

Entry = tuple[str, str, dict[str, Any], str | None]
WaveStats = dict[int, list[int]]  # wave -> [bundles, entries, bytes]


def entry_json(entry: Entry) -> dict[str, Any]:
    """A transaction entry: POST, conditional when the entry has criteria."""
    rtype, uid, body, criteria = entry
    request: dict[str, str] = {"method": "POST", "url": rtype}
    if criteria:
        request["ifNoneExist"] = criteria
    return {"fullUrl": "urn:uuid:" + uid, "resource": body, "request": request}


def pack(groups: Iterable[list[Entry]], limit: int = BUNDLE_MAX_ENTRIES) -> Iterator[list[Entry]]:
    """Whole groups into Bundles of at most `limit` entries (a larger group stands alone)."""
    current: list[Entry] = []
    for group in groups:
        if current and len(current) + len(group) > limit:
            yield current
            current = []
        current.extend(group)
    if current:
        yield current


def bundle_bytes(entries: list[Entry]) -> bytes:
    """A transaction Bundle's JSON."""
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry_json(e) for e in entries],
    }
    return orjson.dumps(bundle)


def squeeze(data: bytes, compress: bool) -> bytes:
    """The bytes as a gzip member (fast level, no timestamp, so output stays reproducible)."""
    return gzip.compress(data, compresslevel=1, mtime=0) if compress and data else data


def write_groups(
    root: Path,
    name: str,
    groups: dict[tuple[int, str], list[list[Entry]]],
    compress: bool = False,
) -> WaveStats:
    """Write every (wave, facility)'s groups as Bundles; returns per-wave totals."""
    stats: WaveStats = {}
    for wave, facility in sorted(groups):
        folder = root / "bundles" / f"w{wave}" / facility
        folder.mkdir(parents=True, exist_ok=True)
        for part, entries in enumerate(pack(groups[(wave, facility)])):
            data = squeeze(bundle_bytes(entries), compress)
            suffix = ".json.gz" if compress else ".json"
            (folder / f"{name}-{part:02d}{suffix}").write_bytes(data)
            totals = stats.setdefault(wave, [0, 0, 0])
            totals[0] += 1
            totals[1] += len(entries)
            totals[2] += len(data)
    return stats


def merge_stats(into: WaveStats, more: WaveStats) -> None:
    """Add one chunk's per-wave totals to the run's."""
    for wave, values in more.items():
        totals = into.setdefault(wave, [0, 0, 0])
        for i, v in enumerate(values):
            totals[i] += v
