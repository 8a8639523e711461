"""The audit hash chain: sealed in order once transactions end; `verify` (and
`hie audit verify`) detects edited, deleted and reordered events and a cut tail."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from fhir_server.audit import chain, store
from fhir_server.audit.event import Facts
from fhir_server.auth.principal import DEVELOPMENT
from fhir_server.storage.migrate import upgrade

pytestmark = pytest.mark.integration


@pytest.fixture()
async def dsn(postgres: str) -> str:
    name = f"chain_{os.getpid()}_{datetime.now(UTC).strftime('%H%M%S%f')}"
    admin = await asyncpg.connect(postgres)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    url = postgres.rsplit("/", 1)[0] + "/" + name
    await asyncio.to_thread(upgrade, url)
    return url


@pytest.fixture()
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    yield pool
    await pool.close()


def _facts(n: int) -> Facts:
    return Facts("read", "R", datetime.now(UTC), 0, DEVELOPMENT, "127.0.0.1",
                 what=(f"Patient/p{n}/_history/1",))


async def _events(pool: asyncpg.Pool, count: int) -> None:
    for n in range(count):
        await store.write(pool, _facts(n), [], [f"p{n}"])


async def _tamper(pool: asyncpg.Pool, statement: str) -> None:
    async with pool.acquire() as conn:  # as a superuser would, past the append-only trigger
        await conn.execute("SET session_replication_role = replica")
        await conn.execute(statement)
        await conn.execute("RESET session_replication_role")


async def test_an_untouched_chain_verifies(pool: asyncpg.Pool) -> None:
    await _events(pool, 30)
    assert await chain.seal_all(pool) == 30
    await _events(pool, 5)
    assert await chain.seal_all(pool) == 5
    verdict = await chain.verify(pool)
    assert verdict.intact and verdict.checked == 35 and verdict.unsealed == 0


async def test_events_of_open_transactions_wait(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await store.write(conn, _facts(0), [], ["open"])  # older, still uncommitted
        await _events(pool, 2)  # committed after it
        assert await chain.seal_all(pool) == 0  # nothing passes the open transaction
        await transaction.commit()
    assert await chain.seal_all(pool) == 3
    positions = await pool.fetch("SELECT e.patient FROM audit_seal s JOIN audit_event e "
                                 "ON e.seq = s.seq ORDER BY s.pos")
    assert [r["patient"] for r in positions] == ["open", "p0", "p1"]
    assert (await chain.verify(pool)).intact


@pytest.mark.parametrize("tampering, finding", [
    ("UPDATE audit_event SET body = convert_to(replace(convert_from(body, 'UTF8'), "
     "'\"R\"', '\"D\"'), 'UTF8') WHERE patient = 'p3'", "altered"),
    ("DELETE FROM audit_event WHERE patient = 'p4'", "deleted"),
    ("UPDATE audit_event SET seq = -1 WHERE patient = 'p1'; UPDATE audit_event SET seq = "
     "(SELECT seq FROM audit_seal WHERE pos = 2) WHERE patient = 'p2'; UPDATE audit_event "
     "SET seq = (SELECT seq FROM audit_seal WHERE pos = 3) WHERE seq = -1", "altered"),
    ("DELETE FROM audit_seal WHERE pos = 5", "missing"),
    ("DELETE FROM audit_seal WHERE pos = 10; DELETE FROM audit_event WHERE patient = 'p9'",
     "head"),  # the tail cut off
    ("UPDATE audit_event SET patient = 'other', body = (SELECT body FROM audit_event "
     "WHERE patient = 'p0') WHERE patient = 'p6'", "altered"),
    ("INSERT INTO audit_event (recorded, action, subtype, outcome, agent, body, xid) "
     "VALUES (now(), 'R', 'read', 0, 'x', '{}', '3'::xid8)", "behind"),  # slipped in
])
async def test_tampering_is_detected(pool: asyncpg.Pool, tampering: str, finding: str) -> None:
    await _events(pool, 10)
    await chain.seal_all(pool)
    await _tamper(pool, tampering)
    verdict = await chain.verify(pool)
    assert not verdict.intact
    assert any(finding in problem for problem in verdict.problems), verdict.problems


async def test_the_command_says_so(pool: asyncpg.Pool, dsn: str) -> None:
    await _events(pool, 3)
    env = {**os.environ, "HIE_DATABASE_URL": dsn}
    run = [sys.executable, "-m", "fhir_server.cli", "audit"]
    sealed = subprocess.run([*run, "seal"], env=env, capture_output=True, text=True)
    assert sealed.returncode == 0 and "已封存 3 条" in sealed.stderr
    intact = subprocess.run([*run, "verify"], env=env, capture_output=True, text=True)
    assert intact.returncode == 0 and "审计链完整" in intact.stderr
    await _tamper(pool, "DELETE FROM audit_seal WHERE pos = 2")
    broken = subprocess.run([*run, "verify"], env=env, capture_output=True, text=True)
    assert broken.returncode == 1 and "审计链已被篡改" in broken.stderr
