"""Tamper evidence: the audit events chained by SHA-256 in the order they were sealed.

Writers never wait on each other: an event is inserted unchained. The sealer (a loop in
each API process, one at a time through an advisory lock, or `hie audit seal`) takes the
events whose writing transactions have all ended, in sequence order, gives each the next
chain position and hash = SHA-256(previous hash ‖ position ‖ id ‖ body), and moves the head
(`audit_chain`). `verify` recomputes the chain: an edited body, a deleted or reordered
event, a rewritten position or a removed tail all break it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
GENESIS = bytes(32)
LOCK = 0x61756469  # advisory lock key of the sealer ("audi")
BATCH = 5000


def link(previous: bytes, position: int, event_id: str, body: bytes) -> bytes:
    """The hash of one chained event."""
    digest = hashlib.sha256(previous)
    digest.update(position.to_bytes(8, "big"))
    digest.update(event_id.encode())
    digest.update(body)
    return digest.digest()


async def _head(conn: Any) -> tuple[int, bytes]:
    row = await conn.fetchrow("SELECT pos, hash FROM audit_chain WHERE id = 1")
    return (row["pos"], bytes(row["hash"])) if row else (0, GENESIS)


async def seal(pool: Any, batch: int = BATCH) -> int:
    """Chain the events whose transactions have ended (at most batch); how many were sealed."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", LOCK):
            return 0  # another sealer is at work
        position, previous = await _head(conn)
        rows = await conn.fetch(
            "SELECT seq, id, body FROM audit_event WHERE chain_pos IS NULL "
            "AND xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY seq LIMIT $1", batch)
        if not rows:
            return 0
        seqs, positions, hashes = [], [], []
        for row in rows:
            position += 1
            previous = link(previous, position, row["id"], bytes(row["body"]))
            seqs.append(row["seq"])
            positions.append(position)
            hashes.append(previous)
        await conn.execute(
            "UPDATE audit_event e SET chain_pos = s.pos, hash = s.hash FROM unnest("
            "$1::bigint[], $2::bigint[], $3::bytea[]) AS s(seq, pos, hash) WHERE e.seq = s.seq",
            seqs, positions, hashes)
        await conn.execute(
            "INSERT INTO audit_chain (id, pos, hash) VALUES (1, $1, $2) "
            "ON CONFLICT (id) DO UPDATE SET pos = EXCLUDED.pos, hash = EXCLUDED.hash",
            position, previous)
        return len(rows)


async def seal_all(pool: Any) -> int:
    """Seal until nothing sealable is left; the number sealed."""
    total = 0
    while sealed := await seal(pool):
        total += sealed
    return total


async def sealing(pool: Any, interval: float) -> None:
    """Seal every interval seconds until cancelled (errors are logged and retried)."""
    while True:
        try:
            await seal_all(pool)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("audit sealing failed; retrying")
        await asyncio.sleep(interval)


@dataclass(frozen=True)
class Verdict:
    """What verification found: events checked, unsealed events, and the problems."""

    checked: int
    unsealed: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


async def verify(pool: Any, limit_problems: int = 20) -> Verdict:
    """Recompute the chain from the first event to the head."""
    problems: list[str] = []
    previous, expected, checked = GENESIS, 1, 0
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        head = await _head(conn)
        cursor = conn.cursor("SELECT chain_pos, id, body, hash FROM audit_event "
                             "WHERE chain_pos IS NOT NULL ORDER BY chain_pos", prefetch=2000)
        async for row in cursor:
            position = row["chain_pos"]
            if position != expected:
                problems.append(f"chain position {expected} is missing (next is {position})")
            previous = link(previous, position, row["id"], bytes(row["body"]))
            if previous != bytes(row["hash"]):
                problems.append(f"event {row['id']} (position {position}) was altered")
                previous = bytes(row["hash"])  # go on from the stored hash: report each break
            expected, checked = position + 1, checked + 1
            if len(problems) >= limit_problems:
                break
        if head[0] != checked and not problems:
            problems.append(f"the chain head says {head[0]} events, {checked} are there")
        elif head[0] and head[1] != previous and not problems:
            problems.append("the last events differ from the chain head")
        unsealed = await conn.fetchval("SELECT count(*) FROM audit_event WHERE chain_pos IS NULL")
    return Verdict(checked, int(unsealed), problems)
