"""Reindex jobs on a database of their own: the SearchParameter trigger, progress, resuming
after a lost worker, one runner per job, idempotent batches, failure."""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest

from fhir_server.jobs import records, reindex
from fhir_server.storage.migrate import upgrade

pytestmark = pytest.mark.integration
REGISTRY = importlib.import_module("fhir_server.search.registry")  # the module, not registry()
DATABASE = "jobs_test"
SP_URL = "http://regional-hie.cn/fhir/SearchParameter/Patient-village-code"
EXT = "http://regional-hie.cn/fhir/StructureDefinition/village-code"


@pytest.fixture(scope="module")
async def dsn(postgres: str) -> str:
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    url = postgres.rsplit("/", 1)[0] + "/" + DATABASE
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture()
def live_registry() -> Iterator[None]:
    """An empty-of-stored-parameters registry for the test, the previous one put back."""
    saved = list(REGISTRY._live)
    REGISTRY._live[:] = [REGISTRY.spec_registry().copy()]
    yield
    REGISTRY._live[:] = saved


@pytest.fixture()
async def conn(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection on an empty jobs_test database (resources, index rows and jobs wiped);
    the process-wide registry, which running a job brings up to this database, is put back."""
    connection = await asyncpg.connect(dsn)
    await connection.execute("TRUNCATE resource, job, idx_token, idx_string")
    await connection.execute("UPDATE search_registry SET version = 0, pending = '{}'")
    saved = list(REGISTRY._live)
    yield connection
    REGISTRY._live[:] = saved
    await connection.close()


def _patient(n: int) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": f"p{n}", "name": [{"family": f"Family{n}"}],
            "extension": [{"url": EXT, "valueCode": f"V{n}"}]}


async def _insert(conn: asyncpg.Connection, resource: dict[str, Any]) -> int:
    """Store a resource without any index row, as if written before its parameters existed."""
    return int(await conn.fetchval(
        "INSERT INTO resource (res_type, res_id, version, last_updated, body) "
        "VALUES ($1, $2, 1, now(), $3) RETURNING rid",
        resource["resourceType"], resource["id"], orjson.dumps(resource)))


async def _indexed(conn: asyncpg.Connection) -> list[str]:
    """The ids of the patients with an index row for `family`."""
    rows = await conn.fetch("SELECT r.res_id FROM idx_string i JOIN resource r USING (rid) "
                            "WHERE i.param = 'family' ORDER BY r.rid")
    return [r["res_id"] for r in rows]


def _search_parameter(status: str = "active") -> dict[str, Any]:
    return {"resourceType": "SearchParameter", "id": "village", "url": SP_URL,
            "status": status, "code": "village-code", "base": ["Patient"], "type": "token",
            "expression": f"Patient.extension('{EXT}').value"}


async def test_writing_a_search_parameter_queues_its_reindex(conn: asyncpg.Connection) -> None:
    await _insert(conn, _search_parameter())
    state = await conn.fetchrow("SELECT version, pending FROM search_registry")
    assert (state["version"], state["pending"]) == (1, [SP_URL])
    jobs = await conn.fetch("SELECT kind, state, params FROM job")
    assert [(j["kind"], j["state"], orjson.loads(j["params"])) for j in jobs] == [
        ("reindex", "queued", {"types": ["Patient"], "codes": ["village-code"],
                               "urls": [SP_URL]})]


async def test_a_retired_or_deleted_one_only_moves_the_version(conn: asyncpg.Connection) -> None:
    rid = await _insert(conn, _search_parameter("retired"))
    await conn.execute("UPDATE resource SET deleted = true, body = NULL WHERE rid = $1", rid)
    state = await conn.fetchrow("SELECT version, pending FROM search_registry")
    assert (state["version"], state["pending"]) == (2, [])
    assert await conn.fetchval("SELECT count(*) FROM job") == 0


async def test_a_job_reports_progress_and_completes_its_parameters(
    conn: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reindex, "BATCH", 2)
    for n in range(1, 6):
        await _insert(conn, _patient(n))
    await _insert(conn, {"resourceType": "Basic", "id": "b1", "code": {"text": "x"}})
    await conn.execute("UPDATE search_registry SET pending = $1", [SP_URL, "http://other"])
    job_id = await reindex.queue_reindex(conn, "Patient")
    seen: list[tuple[int, int | None]] = []
    job = await reindex.run_job(conn, job_id, lambda done, total: seen.append((done, total)))
    assert job is not None and (job.state, job.done, job.total) == ("done", 5, 5)
    assert seen == [(2, 5), (4, 5), (5, 5)]  # batches of 2 over the 5 patients, not Basic
    assert await _indexed(conn) == ["p1", "p2", "p3", "p4", "p5"]
    # village-code is defined on no other type than Patient; "http://other" is unknown here
    assert await conn.fetchval("SELECT pending FROM search_registry") == []


async def test_a_job_continues_after_its_last_committed_batch(conn: asyncpg.Connection) -> None:
    rids = [await _insert(conn, _patient(n)) for n in range(1, 6)]
    job_id = await records.create(conn, "reindex", {"types": ["Patient"]})
    # A worker died after committing the batch that ended at p3.
    await conn.execute("UPDATE job SET state = 'running', done = 3, total = 5, cursor = $2 "
                       "WHERE id = $1", job_id, rids[2])
    job = await reindex.run_job(conn, job_id)
    assert job is not None and (job.state, job.done, job.total) == ("done", 5, 5)
    assert await _indexed(conn) == ["p4", "p5"]


async def test_one_runner_per_job(conn: asyncpg.Connection, dsn: str) -> None:
    await _insert(conn, _patient(1))
    job_id = await records.create(conn, "reindex", {"types": ["Patient"]})
    other = await asyncpg.connect(dsn)
    try:
        assert await records.try_take(other, job_id)
        assert await reindex.run_job(conn, job_id) is None
        assert await _indexed(conn) == []
        await records.release(other, job_id)
    finally:
        await other.close()
    job = await reindex.run_job(conn, job_id)
    assert job is not None and job.state == "done"
    assert await reindex.run_job(conn, job_id) == job  # finished: nothing more to do


async def test_a_batch_twice_gives_the_same_rows(conn: asyncpg.Connection) -> None:
    await _insert(conn, _patient(1))
    async with conn.transaction():
        first = await reindex.reindex_batch(conn, ["Patient"], 0)
    count = await conn.fetchval("SELECT count(*) FROM idx_string")
    async with conn.transaction():
        second = await reindex.reindex_batch(conn, ["Patient"], 0)
    assert first == second and first[0] == 1
    assert await conn.fetchval("SELECT count(*) FROM idx_string") == count > 0


async def test_a_failing_job_is_marked_failed(conn: asyncpg.Connection) -> None:
    await conn.execute("INSERT INTO resource (res_type, res_id, version, last_updated, body) "
                       "VALUES ('Patient', 'broken', 1, now(), 'not json')")
    job_id = await records.create(conn, "reindex", {"types": ["Patient"]})
    with pytest.raises(orjson.JSONDecodeError):
        await reindex.run_job(conn, job_id)
    job = await records.get(conn, job_id)
    assert job is not None and job.state == "failed"
    assert job.error is not None and job.error.startswith("JSONDecodeError")
    assert job.finished is not None


async def test_a_parameter_job_rewrites_that_parameter_only(
    conn: asyncpg.Connection, live_registry: None
) -> None:
    rid = await _insert(conn, _patient(1))
    await _insert(conn, _search_parameter())  # queues the job of village-code on Patient
    await conn.execute("INSERT INTO idx_token (rid, res_type, param, system, code) VALUES "
                       "($1, 'Patient', 'village-code', '', 'stale'), "
                       "($1, 'Patient', 'gender', '', 'kept')", rid)
    [job_id] = await records.unfinished(conn, "reindex")
    job = await reindex.run_job(conn, job_id)
    assert job is not None and (job.state, job.done) == ("done", 1)
    rows = await conn.fetch("SELECT param, system, code FROM idx_token WHERE rid = $1 "
                            "ORDER BY param, code", rid)
    # village-code recomputed (its :text rows too, from a code without display: none);
    # the gender row, though not what the resource says, is left as it was.
    assert [tuple(r) for r in rows] == [("gender", "", "kept"), ("village-code", "", "V1")]
    assert await _indexed(conn) == []  # no family rows: other parameters were not computed
    assert await conn.fetchval("SELECT pending FROM search_registry") == []


async def test_the_cli_reindexes_with_progress_and_resumes_jobs(
    conn: asyncpg.Connection, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from fhir_server.cli import app
    from fhir_server.settings import get_settings

    for n in range(1, 4):
        await _insert(conn, _patient(n))
    monkeypatch.setenv("HIE_DATABASE_URL", dsn)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        result = await asyncio.to_thread(runner.invoke, app, ["reindex", "--type", "Patient"])
        assert result.exit_code == 0, result.output
        assert "已重建 3 个资源的索引" in result.output
        assert await _indexed(conn) == ["p1", "p2", "p3"]
        unknown = await asyncio.to_thread(runner.invoke, app, ["reindex", "--job", "nope"])
        assert unknown.exit_code == 1 and "该任务不存在" in unknown.output
    finally:
        monkeypatch.delenv("HIE_DATABASE_URL")
        get_settings.cache_clear()


async def test_a_killed_runner_s_job_is_resumed_where_it_stopped(
    conn: asyncpg.Connection, dsn: str
) -> None:
    await conn.copy_records_to_table(
        "resource", columns=["res_type", "res_id", "version", "last_updated", "body"],
        records=[("Patient", f"k{n}", 1, datetime.now(UTC), orjson.dumps(_patient(n)))
                 for n in range(6000)])
    env = {**os.environ, "HIE_DATABASE_URL": dsn}
    command = [sys.executable, "-m", "fhir_server.cli", "reindex", "--type", "Patient"]
    runner = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while not await conn.fetchval("SELECT done FROM job WHERE state = 'running'"):
            assert time.monotonic() < deadline and runner.poll() is None
            await asyncio.sleep(0.05)
    finally:
        runner.kill()  # SIGKILL: no cleanup, its open batch is rolled back
        runner.wait()
    stopped = await conn.fetchrow("SELECT id, state, done, total, cursor FROM job")
    assert stopped["state"] == "running" and 0 < stopped["done"] < 6000
    resumed = subprocess.run([*command[:-2], "--job", stopped["id"]], env=env,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    job = await records.get(conn, stopped["id"])
    assert job is not None and (job.state, job.done, job.total) == ("done", 6000, 6000)
    # one family row per patient: the killed runner's open batch left nothing behind
    assert await conn.fetchval("SELECT count(*) FROM idx_string WHERE param = 'family'") == 6000
