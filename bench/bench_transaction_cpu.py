"""CPU cost per resource of a transaction's in-process work (no network, no database).

Parses generated patient Bundles (bench/patients.py) and runs what the server does to each
entry before writing: parse, validate, relink, stamp meta, extract index rows, build the
column arrays. Prints CPU microseconds per resource (process time, steady on a busy machine).

    HIE_DEFINITIONS_DIR=/tmp/hiedefs python bench/bench_transaction_cpu.py [--bundles 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import patients  # noqa: E402

from fhir_server.api.formats import parse_resource  # noqa: E402
from fhir_server.definitions.structure import type_system  # noqa: E402
from fhir_server.interactions.entries import parse_entry  # noqa: E402
from fhir_server.interactions.relink import relink  # noqa: E402
from fhir_server.interactions.writing import check, stamp  # noqa: E402
from fhir_server.search import index_rows  # noqa: E402
from fhir_server.storage.statements import bulk_index_args  # noqa: E402


def _one_bundle(raw: bytes, types: frozenset[str]) -> int:
    body = parse_resource(raw, "application/fhir+json", None)
    entries = [parse_entry(i, e, "http://x/fhir", types) for i, e in enumerate(body["entry"])]
    ids = {e.full_url: f"{e.res_type}/r{e.index}" for e in entries if e.full_url}
    moment, rows = datetime.now(UTC), []
    for e in entries:
        assert e.resource is not None and e.res_type is not None
        check(e.resource, e.res_type)
        relink(e.resource, ids)
        stamped = stamp(e.resource, f"r{e.index}", 1, moment)
        orjson.dumps(stamped)
        rows.append(index_rows(stamped))
    bulk_index_args(rows)
    return len(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(2024)
    bundles = [orjson.dumps(patients.patient_bundle(rng)) for _ in range(args.bundles)]
    types = type_system().resource_types
    for raw in bundles[:10]:
        _one_bundle(raw, types)  # warm-up: compile validators, extractors, plans
    for _ in range(args.rounds):
        started = time.process_time()
        count = sum(_one_bundle(raw, types) for raw in bundles)
        spent = time.process_time() - started
        print(f"{count} resources in {args.bundles} bundles: {spent / count * 1e6:.0f} µs CPU each")


if __name__ == "__main__":
    main()
