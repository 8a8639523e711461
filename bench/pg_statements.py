"""Which SQL statements a scenario spends PostgreSQL's time on: a fresh cluster with
pg_stat_statements, the server with 2 workers, one fhir_load.py scenario (16 clients,
10 s), then the statements by total time.

    HIE_DEFINITIONS_DIR=/tmp/hiedefs python bench/pg_statements.py create
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "deploy" / "scripts"), str(ROOT)]

import asyncpg  # noqa: E402
from core.stack import server  # noqa: E402
from services import start_postgres  # noqa: E402

from fhir_server.storage.migrate import upgrade  # noqa: E402

TOP = (
    "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, "
    "round(mean_exec_time::numeric, 3) AS mean_ms, "
    "left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query "
    "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12"
)


def _sql(url: str, statement: str) -> list[Any]:
    async def run() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(statement))
        finally:
            await conn.close()

    return asyncio.run(run())


def main(scenario: str) -> None:
    pg = start_postgres({"shared_preload_libraries": "'pg_stat_statements'"})
    try:
        upgrade(pg.url)
        _sql(pg.url, "CREATE EXTENSION pg_stat_statements")
        with server(pg.url, 2, Path("/tmp/pg-statements-server.log")) as (base, _):
            _sql(pg.url, "SELECT pg_stat_statements_reset()")
            subprocess.run([sys.executable, str(ROOT / "bench" / "fhir_load.py"), "--base", base,
                            "--clients", "16", "--duration", "10", "--warmup", "2",
                            "--scenario", scenario, "--patients", "500"],
                           check=True, stdout=subprocess.DEVNULL)
            print("| calls | total ms | mean ms | statement |\n|---:|---:|---:|---|")
            for row in _sql(pg.url, TOP):
                print(f"| {row['calls']:,} | {row['total_ms']} | {row['mean_ms']} | "
                      f"`{row['query']}` |")
    finally:
        pg.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "create")
