"""Put a synthetic county's NDJSON straight into PostgreSQL, indexed by the platform's own code.

Over HTTP (`hie load`) a million resources take 10-20 minutes on this machine; here each
resource is stamped exactly as a create stores it (`writing.stamp`, `orjson.dumps`), and its
index rows are computed by the platform's own `index_rows` from the stamped resource, as
`writing.store_many` does. All of it is COPYed, batch by batch: `resource` and
`resource_history` (version 1, method POST) and every index table of `INDEX_COLUMNS`.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from fhir_server.interactions.writing import stamp
from fhir_server.search import index_rows
from fhir_server.storage.statements import INDEX_COLUMNS

BATCH = 5_000
_RESOURCE = ["rid", "res_type", "res_id", "version", "last_updated", "deleted", "body"]
_HISTORY = ["rid", "version", "res_type", "res_id", "last_updated", "method", "body"]

Resource = dict[str, Any]


def ndjson_files(folder: Path) -> list[Path]:
    """The NDJSON files of a `hie synth` output, Patient first (the query sampler needs that)."""
    files = sorted((folder / "ndjson").glob("*.ndjson*"))
    return sorted(files, key=lambda p: p.name.split(".")[0] != "Patient")


def _lines(path: Path) -> Iterator[bytes]:
    with gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as lines:
        yield from lines


def read_resources(paths: Iterable[Path]) -> Iterator[Resource]:
    """Every resource of the files (plain or gzipped NDJSON), in order."""
    for path in paths:
        for line in _lines(path):
            if line.strip():
                yield orjson.loads(line)


async def _copy_batch(conn: asyncpg.Connection, batch: list[Resource], moment: datetime) -> None:
    rids = await conn.fetch("SELECT nextval(pg_get_serial_sequence('resource', 'rid')) AS rid "
                            "FROM generate_series(1, $1)", len(batch))
    rows: list[tuple[int, str, str, bytes]] = []
    index: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INDEX_COLUMNS}
    for record, resource in zip(rids, batch, strict=True):
        rid, stamped = record["rid"], stamp(resource, resource["id"], 1, moment)
        rows.append((rid, resource["resourceType"], resource["id"], orjson.dumps(stamped)))
        for table, found in index_rows(stamped).items():
            index[table] += [(rid, *row) for row in found]
    # COPY writes identity columns as given (like OVERRIDING SYSTEM VALUE).
    await conn.copy_records_to_table(
        "resource", columns=_RESOURCE,
        records=[(rid, t, i, 1, moment, False, body) for rid, t, i, body in rows])
    await conn.copy_records_to_table(
        "resource_history", columns=_HISTORY,
        records=[(rid, 1, t, i, moment, "POST", body) for rid, t, i, body in rows])
    for table, records in index.items():
        columns = ["rid", "res_type", "param", *(c for c, _ in INDEX_COLUMNS[table])]
        await conn.copy_records_to_table(table, columns=columns, records=records)


async def copy_resources(dsn: str, resources: Iterable[Resource],
                         progress: Callable[[int], None] | None = None) -> int:
    """Store and index every resource as version 1; returns how many."""
    moment, total = datetime.now(UTC), 0
    source = iter(resources)
    conn = await asyncpg.connect(dsn)
    try:
        while batch := list(islice(source, BATCH)):
            async with conn.transaction():
                await _copy_batch(conn, batch, moment)
            total += len(batch)
            if progress is not None:
                progress(total)
    finally:
        await conn.close()
    return total


async def vacuum_analyze(dsn: str) -> None:
    """VACUUM (for the visibility map of index-only scans) and ANALYZE (planner statistics)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()


def every(seconds: float, report: Callable[[int], None]) -> Callable[[int], None]:
    """A progress callback that reports at most once per `seconds`."""
    last = [0.0]

    def tick(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= seconds:
            last[0] = now
            report(done)

    return tick
