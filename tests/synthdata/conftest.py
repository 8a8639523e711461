"""Generated counties shared by the synthdata tests (each generated once per session)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from synthdata.config import FaultRates, SynthConfig
from synthdata.pipeline import generate

Make = Callable[..., Path]
LARGE = 6000


@pytest.fixture(scope="session")
def make_county(tmp_path_factory: pytest.TempPathFactory) -> Make:
    """Generate a county once per distinct set of arguments."""
    made: dict[tuple[int, int, int, str], Path] = {}

    def make(patients: int, seed: int = 7, workers: int = 1, **options: Any) -> Path:
        key = (patients, seed, workers, repr(sorted(options.items())))
        if key not in made:
            out = tmp_path_factory.mktemp(f"county{patients}")
            generate(SynthConfig(patients, seed, out, workers, **options), force=True)
            made[key] = out
        return made[key]

    return make


@pytest.fixture(scope="session")
def county100(make_county: Make) -> Path:
    """The 100-resident county of the acceptance tests."""
    return make_county(100)


@pytest.fixture(scope="session")
def county_faultless(make_county: Make) -> Path:
    """A county without data faults."""
    return make_county(300, faults=FaultRates(scale=0.0), dicom=False)


@pytest.fixture(scope="session")
def county_large(make_county: Make) -> Path:
    """A county large enough for distributions (6,000 residents, two workers, no DICOM)."""
    return make_county(LARGE, seed=3, workers=2, dicom=False)


def ndjson(folder: Path, name: str) -> Iterator[dict[str, Any]]:
    """The objects of an NDJSON file (missing file: none)."""
    path = folder / f"{name}.ndjson"
    if path.exists():
        for line in path.read_bytes().splitlines():
            yield orjson.loads(line)


def resources(county: Path, rtype: str) -> list[dict[str, Any]]:
    """Every resource of a type, from the county's NDJSON."""
    return list(ndjson(county / "ndjson", rtype))


def truth(county: Path, name: str) -> list[dict[str, Any]]:
    """The lines of a truth file."""
    return list(ndjson(county / "truth", name))


def bundles(county: Path) -> list[tuple[int, Path, dict[str, Any]]]:
    """Every Bundle: (wave, path, parsed JSON)."""
    found = []
    for path in sorted((county / "bundles").glob("w*/*/*.json")):
        found.append((int(path.parent.parent.name[1:]), path, orjson.loads(path.read_bytes())))
    return found
