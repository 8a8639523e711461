"""The same seed gives byte-identical output, whatever the number of worker processes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.synthdata.conftest import Make


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(make_county: Make) -> None:
    one = _digest(make_county(2100, seed=11, workers=1))
    two = _digest(make_county(2100, seed=11, workers=2))
    assert len(one) > 100
    assert one == two


def test_compressed_output_is_reproducible_too(make_county: Make) -> None:
    one = _digest(make_county(150, seed=5, workers=1, gzip=True, dicom=False))
    two = _digest(make_county(150, seed=5, workers=2, gzip=True, dicom=False))
    assert one == two and any(name.endswith(".gz") for name in one)


def test_another_seed_another_county(make_county: Make, county100: Path) -> None:
    other = make_county(100, seed=8)
    assert (other / "truth" / "persons.ndjson").read_bytes() != (
        county100 / "truth" / "persons.ndjson"
    ).read_bytes()
