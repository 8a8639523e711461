"""The `job` table (migration 0004): background jobs with state and progress.

A job is `queued`, then `running` with `done` of `total` and the `cursor` its last finished
batch reached, then `done` or `failed` (with `error`). Runners take a job by a session
advisory lock on its id, so one runner works on a job at a time, and a runner that dies
frees it for the next (the lock goes with its connection).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

UNFINISHED = ("queued", "running")
_COLUMNS = "id, kind, params, state, done, total, cursor, created, started, finished, error"


@dataclass(frozen=True, slots=True)
class Job:
    """One row of the job table."""

    id: str
    kind: str
    params: dict[str, Any]
    state: str
    done: int
    total: int | None
    cursor: int
    created: datetime
    started: datetime | None
    finished: datetime | None
    error: str | None


def _job(row: Any) -> Job:
    values = dict(row)
    values["params"] = orjson.loads(values["params"])
    return Job(**values)


async def create(conn: Any, kind: str, params: dict[str, Any]) -> str:
    """Queue a new job; returns its id."""
    job_id = str(uuid.uuid4())
    await conn.execute("INSERT INTO job (id, kind, params) VALUES ($1, $2, $3::jsonb)",
                       job_id, kind, orjson.dumps(params).decode())
    return job_id


async def get(conn: Any, job_id: str) -> Job | None:
    """A job by id, or None."""
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM job WHERE id = $1", job_id)
    return None if row is None else _job(row)


async def lock_for_batch(conn: Any, job_id: str) -> Job:
    """The job, row-locked until the caller's transaction ends (one batch at a time)."""
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM job WHERE id = $1 FOR UPDATE", job_id)
    return _job(row)


async def unfinished(conn: Any, kind: str) -> list[str]:
    """The ids of the queued or running jobs of a kind, oldest first."""
    rows = await conn.fetch("SELECT id FROM job WHERE kind = $1 AND state = ANY($2::text[]) "
                            "ORDER BY created, id", kind, list(UNFINISHED))
    return [r["id"] for r in rows]


async def try_take(conn: Any, job_id: str) -> bool:
    """Take a job for this connection's session; False when another runner holds it."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext('job:' || $1))",
                                    job_id))


async def release(conn: Any, job_id: str) -> None:
    """Give a taken job back."""
    await conn.execute("SELECT pg_advisory_unlock(hashtext('job:' || $1))", job_id)


async def start(conn: Any, job_id: str, total: int) -> None:
    """Mark a job running; its start time and total are set the first time only."""
    await conn.execute(
        "UPDATE job SET state = 'running', started = coalesce(started, now()), "
        "total = coalesce(total, $2) WHERE id = $1 AND state = ANY($3::text[])",
        job_id, total, list(UNFINISHED))


async def advance(conn: Any, job_id: str, count: int, cursor: int) -> None:
    """Record a finished batch of count items that reached cursor."""
    await conn.execute("UPDATE job SET done = done + $2, cursor = $3 WHERE id = $1",
                       job_id, count, cursor)


async def finish(conn: Any, job_id: str) -> None:
    """Mark a job done."""
    await conn.execute("UPDATE job SET state = 'done', finished = now() WHERE id = $1", job_id)


async def fail(conn: Any, job_id: str, error: str) -> None:
    """Mark a job failed with a short reason (no resource content: it may be personal)."""
    await conn.execute("UPDATE job SET state = 'failed', finished = now(), error = $2 "
                       "WHERE id = $1", job_id, error[:500])
