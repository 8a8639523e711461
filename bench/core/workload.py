"""Pre-generated request files for wrk: one line per request, METHOD <tab> PATH <tab> BODY.

Bodies are made once, before the clock starts, so the load generator only copies bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import patients

Line = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Seeded:
    """The patients already on the server: their ids and the bodies that created them."""

    ids: list[str]
    bodies: list[dict[str, Any]]


def write_requests(path: Path, base: str, lines: Iterable[Line]) -> int:
    """Write the request file; paths are made absolute under base's path. Returns the count."""
    prefix = urlsplit(base).path.rstrip("/")
    written = 0
    with path.open("wb") as out:
        for method, target, body in lines:
            data = orjson.dumps(body) if body is not None else b""
            url = f"{prefix}/{target}" if target else prefix or "/"
            out.write(f"{method}\t{url}\t".encode() + data + b"\n")
            written += 1
    return written


def reads(rng: random.Random, seeded: Seeded, count: int) -> Iterable[Line]:
    """GETs of seeded patients picked at random."""
    for _ in range(count):
        yield "GET", f"Patient/{rng.choice(seeded.ids)}", None


def creates(rng: random.Random, seeded: Seeded, count: int) -> Iterable[Line]:
    """POSTs: one new Patient for every two Observations of seeded patients."""
    now = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0)
    for i in range(count):
        if i % 3 == 0:
            yield "POST", "Patient", patients.patient(rng)
        else:
            subject = f"Patient/{rng.choice(seeded.ids)}"
            yield "POST", "Observation", patients.observation(rng, subject, now)


def updates(rng: random.Random, seeded: Seeded, count: int) -> Iterable[Line]:
    """PUTs of seeded patients, random ids, each with a new phone and address."""
    for _ in range(count):
        k = rng.randrange(len(seeded.ids))
        body = {**patients.with_changes(rng, seeded.bodies[k]), "id": seeded.ids[k]}
        yield "PUT", f"Patient/{seeded.ids[k]}", body


def transactions(rng: random.Random, seeded: Seeded, count: int) -> Iterable[Line]:
    """POSTs of transaction bundles: a patient, an encounter and 8-20 findings each."""
    for _ in range(count):
        yield "POST", "", patients.patient_bundle(rng)
