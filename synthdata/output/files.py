"""Files the main process owns: NDJSON and truth appenders, reference data, the manifest."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import orjson

from synthdata import clock
from synthdata.config import SynthConfig
from synthdata.county.divisions import COUNTY, COUNTY_CODE
from synthdata.county.model import County
from synthdata.output.bundles import Entry, WaveStats, write_groups
from synthdata.output.reference import build_reference
from synthdata.output.terminology import resource_uid, terminology_resources
from synthdata.records.visits import W_ORGS
from synthdata.worker import ndjson_lines


class Appender:
    """One append-only file per name under a folder, opened on first write."""

    def __init__(self, folder: Path, suffix: str) -> None:
        self.folder, self.suffix = folder, suffix
        self.files: dict[str, IO[bytes]] = {}

    def write(self, name: str, data: bytes) -> None:
        """Append bytes to the named file."""
        if not data:
            return
        handle = self.files.get(name)
        if handle is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = self.files[name] = open(self.folder / f"{name}{self.suffix}", "ab")  # noqa: SIM115
        handle.write(data)

    def close(self) -> None:
        """Close every file."""
        for handle in self.files.values():
            handle.close()


def _terminology(config: SynthConfig, county: County) -> list[Entry]:
    folder = config.out / "terminology"
    folder.mkdir(parents=True, exist_ok=True)
    entries: list[Entry] = []
    for body in terminology_resources(county):
        uid = resource_uid(config.seed, body)
        name = f"{body['resourceType']}-{body['name']}.json"
        (folder / name).write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2))
        entries.append((body["resourceType"], uid, body, f"url={body['url']}"))
    return entries


def write_reference(
    config: SynthConfig, county: County, ndjson: Appender, counts: dict[str, int]
) -> WaveStats:
    """Reference and terminology Bundles (waves 0–3), their NDJSON, and the terminology files."""
    ref = build_reference(county)
    terms = _terminology(config, county)
    groups = dict(ref.groups)
    groups[(W_ORGS, "terminology")] = [[e] for e in terms]
    stats = write_groups(config.out, "ref", groups, config.gzip)
    ref.links.flip()
    resources = ref.resources + [(e[0], e[1], e[2]) for e in terms]
    for rtype, data in ndjson_lines(resources, config.gzip).items():
        ndjson.write(rtype, data)
    for rtype, _, _ in resources:
        counts[rtype] = counts.get(rtype, 0) + 1
    return stats


def write_manifest(
    config: SynthConfig,
    county: County,
    waves: WaveStats,
    counts: dict[str, int],
    studies: int,
    files: int,
) -> dict[str, Any]:
    """manifest.json: what was generated, for loaders and people (no timings: it is data)."""
    manifest: dict[str, Any] = {
        "generator": "regional-hie synthdata",
        "format": 1,
        "seed": config.seed,
        "patients": config.patients,
        "now": clock.stamp(clock.NOW),
        "county": {"code": COUNTY_CODE, "name": COUNTY},
        "villages": len(county.villages),
        "facilities": len(county.facilities),
        "practitioners": sum(len(f.staff) for f in county.facilities.values()),
        "waves": [
            {"wave": w, "bundles": v[0], "entries": v[1], "bytes": v[2]}
            for w, v in sorted(waves.items())
        ],
        "resources": dict(sorted(counts.items())),
        "dicom": {"studies": studies, "files": files},
        "compressed": config.gzip,
        "truth": {
            name: f"truth/{name}.ndjson{config.suffix}"
            for name in ("persons", "records", "imaging")
        },
    }
    (config.out / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest
