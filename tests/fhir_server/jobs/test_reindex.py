"""The reindex job runs on a real Celery worker with a real Redis broker and rebuilds the index."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


async def _token_rows(dsn: str, res_id: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM idx_token t JOIN resource r USING (rid) WHERE r.res_id = $1",
                res_id,
            )
        )
    finally:
        await conn.close()


async def _wipe_index(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM idx_token")
    finally:
        await conn.close()


def test_reindex_on_a_celery_worker_restores_the_index(
    client: httpx.Client, postgres: str, redis_url: str
) -> None:
    patient = {"resourceType": "Patient", "identifier": [{"system": "urn:mrn", "value": "R-1"}]}
    pid = client.post("/Patient", json=patient).json()["id"]
    before = asyncio.run(_token_rows(postgres, pid))
    assert before > 0
    asyncio.run(_wipe_index(postgres))
    assert asyncio.run(_token_rows(postgres, pid)) == 0
    env = {**os.environ, "HIE_BROKER_URL": redis_url, "HIE_DATABASE_URL": postgres}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fhir_server.jobs.app:celery_app",
            "worker",
            "--concurrency=1",
            "--pool=solo",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        code = (
            "from fhir_server.jobs.reindex import reindex_task;"
            f"print(reindex_task.delay({postgres!r}).get(timeout=120))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert out.returncode == 0, out.stderr
        assert int(out.stdout.strip().splitlines()[-1]) >= 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert asyncio.run(_token_rows(postgres, pid)) == before
    found = client.get("/Patient", params={"identifier": "urn:mrn|R-1"}).json()
    assert pid in [e["resource"]["id"] for e in found["entry"]]
