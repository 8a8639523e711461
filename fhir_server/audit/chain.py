"""Tamper evidence: the audit events chained by SHA-256 in the order they were sealed.

Writers never wait on each other and never update a row: an event is inserted unchained.
The sealer (a loop in each API process, one at a time through an advisory lock, or `hie
audit seal`) takes the events whose writing transactions have all ended (xid below the
oldest running transaction) in (xid, seq) order past where it stopped, and appends a link
per event to `audit_seal`: position, event, hash = SHA-256(previous hash ‖ position ‖ seq ‖
patient ‖ body). `verify` recomputes the chain: an edited, deleted or reordered event, a removed
link, a cut tail or an event slipped in behind the chain all show.
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


def link(previous: bytes, position: int, seq: int, patient: str | None, body: bytes) -> bytes:
    """The hash of one chained event (its row: sequence, patient and shared body)."""
    digest = hashlib.sha256(previous)
    digest.update(position.to_bytes(8, "big"))
    digest.update(seq.to_bytes(8, "big"))
    digest.update((patient or "").encode() + b"\x00")
    digest.update(body)
    return digest.digest()


@dataclass(frozen=True)
class Head:
    """Where the chain ends: last position and hash, last (xid, seq) sealed."""

    pos: int = 0
    hash: bytes = GENESIS
    xid: str = "0"
    seq: int = 0


async def _head(conn: Any) -> Head:
    row = await conn.fetchrow(
        "SELECT pos, hash, last_xid::text AS xid, last_seq FROM audit_chain WHERE id = 1")
    return Head(row["pos"], bytes(row["hash"]), row["xid"], row["last_seq"]) if row else Head()


async def seal(pool: Any, batch: int = BATCH) -> int:
    """Chain the events whose transactions have ended (at most batch); how many were sealed."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", LOCK):
            return 0  # another sealer is at work
        head = await _head(conn)
        rows = await conn.fetch(
            "SELECT seq, xid::text AS xid, patient, body FROM audit_event "
            "WHERE (xid, seq) > ($1::text::xid8, $2) "
            "AND xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY xid, seq LIMIT $3",
            head.xid, head.seq, batch)
        if not rows:
            return 0
        position, previous = head.pos, head.hash
        positions, seqs, hashes = [], [], []
        for row in rows:
            position += 1
            previous = link(previous, position, row["seq"], row["patient"], bytes(row["body"]))
            positions.append(position)
            seqs.append(row["seq"])
            hashes.append(previous)
        await conn.execute(
            "INSERT INTO audit_seal (pos, seq, hash) "
            "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])",
            positions, seqs, hashes)
        await conn.execute(
            "INSERT INTO audit_chain (id, pos, hash, last_xid, last_seq) "
            "VALUES (1, $1, $2, $3::text::xid8, $4) ON CONFLICT (id) DO UPDATE SET "
            "pos = EXCLUDED.pos, hash = EXCLUDED.hash, last_xid = EXCLUDED.last_xid, "
            "last_seq = EXCLUDED.last_seq",
            position, previous, rows[-1]["xid"], rows[-1]["seq"])
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
    """Recompute the chain from the first link to the head."""
    problems: list[str] = []
    previous, expected, checked = GENESIS, 1, 0
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        head = await _head(conn)
        cursor = conn.cursor("SELECT s.pos, s.seq, s.hash, e.patient, e.body FROM audit_seal s "
                             "LEFT JOIN audit_event e ON e.seq = s.seq ORDER BY s.pos",
                             prefetch=2000)
        async for row in cursor:
            problems += _check(row, expected, previous)
            previous, expected, checked = bytes(row["hash"]), row["pos"] + 1, checked + 1
            if len(problems) >= limit_problems:
                break
        if (head.pos, head.hash) != (checked, previous) and len(problems) < limit_problems:
            problems.append(f"the chain head says {head.pos} events; the links end at "
                            f"{checked} with another hash")
        behind = await conn.fetchval(
            "SELECT count(*) FROM audit_event e WHERE (e.xid, e.seq) <= ($1::text::xid8, $2) "
            "AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.seq = e.seq)", head.xid, head.seq)
        if behind:
            problems.append(f"{behind} events are behind the chain's end but not in it")
        unsealed = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE (xid, seq) > ($1::text::xid8, $2)",
            head.xid, head.seq)
    return Verdict(checked, int(unsealed), problems)


def _check(row: Any, expected: int, previous: bytes) -> list[str]:
    found = []
    if row["pos"] != expected:
        found.append(f"chain position {expected} is missing (next is {row['pos']})")
    if row["body"] is None:
        found.append(f"event {row['seq']} (position {row['pos']}) was deleted")
    elif link(previous, row["pos"], row["seq"], row["patient"],
              bytes(row["body"])) != bytes(row["hash"]):
        found.append(f"event {row['seq']} (position {row['pos']}) was altered")
    return found
