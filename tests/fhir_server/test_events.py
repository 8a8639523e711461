"""Before-commit subscribers run inside the writing transaction: they see what it wrote,
their writes join it, and their failure rolls everything back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest

from fhir_server import events
from fhir_server.interactions.writing import Received, store_new
from fhir_server.storage.migrate import upgrade
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Repository, Session

pytestmark = pytest.mark.integration
DATABASE = "events_test"


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
async def repo(dsn: str) -> AsyncIterator[Repository]:
    repository = await Repository.connect(dsn, min_size=1, max_size=2)
    await repository.pool.execute("TRUNCATE resource, resource_history")
    saved = list(events._before_commit)
    yield repository
    events._before_commit[:] = saved
    await repository.close()


def _patient(res_id: str) -> dict[str, object]:
    return {"resourceType": "Patient", "id": res_id}


async def _ids(repo: Repository) -> list[str]:
    rows = await repo.pool.fetch("SELECT res_id FROM resource ORDER BY res_id")
    return [r["res_id"] for r in rows]


async def test_subscriber_writes_join_the_transaction_and_are_shown_again(
    repo: Repository,
) -> None:
    seen: list[list[str]] = []

    async def shadow(session: Session, written: Sequence[Stored]) -> None:
        seen.append([s.res_id for s in written])
        for stored in written:
            if not stored.res_id.startswith("shadow-"):
                await store_new(session, "Patient", f"shadow-{stored.res_id}",
                                _patient("x"), None, "POST")

    events.before_commit(shadow)
    async with repo.single_statement() as session:  # upgraded to a transaction
        await store_new(session, "Patient", "a", _patient("a"), Received(b"{}", "x"), "POST")
    assert seen == [["a"], ["shadow-a"]]
    assert await _ids(repo) == ["a", "shadow-a"]


async def test_a_failing_subscriber_rolls_the_write_back(repo: Repository) -> None:
    async def refuse(session: Session, written: Sequence[Stored]) -> None:
        raise RuntimeError("refused")

    events.before_commit(refuse)
    with pytest.raises(RuntimeError):
        async with repo.transaction() as session:
            await store_new(session, "Patient", "b", _patient("b"), None, "POST")
    assert await _ids(repo) == []


async def test_without_subscribers_single_statement_stays_outside_a_transaction(
    repo: Repository,
) -> None:
    events._before_commit.clear()
    async with repo.single_statement() as session:
        assert not session.conn.is_in_transaction()
