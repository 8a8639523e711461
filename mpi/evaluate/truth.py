"""The synthetic county's output read back: source Patients and who each really is."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Labelled:
    """One source Patient with the person it belongs to and the faults it was given."""

    resource: dict[str, Any]
    person: str
    faults: tuple[str, ...]


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    gz = path.with_name(path.name + ".gz")
    data = gzip.decompress(gz.read_bytes()) if gz.exists() else path.read_bytes()
    for line in data.splitlines():
        if line.strip():
            yield orjson.loads(line)


def labelled_patients(county: Path) -> list[Labelled]:
    """Every Patient of a generated county with its true person (matched on the record number)."""
    truth = {(r["system"], r["value"]): r for r in _lines(county / "truth" / "records.ndjson")}
    out: list[Labelled] = []
    for resource in _lines(county / "ndjson" / "Patient.ndjson"):
        for ident in resource.get("identifier", ()):
            record = truth.get((ident.get("system"), ident.get("value")))
            if record is not None:
                out.append(Labelled(resource, record["person"], tuple(record["faults"])))
                break
    return out
