"""Platform events (ARCHITECTURE.md): what a transaction wrote, for its subscribers.

In-transaction work (index rows) is part of the write statements themselves. Before-commit
subscribers run inside the writing transaction, after the interaction's own writes and
before COMMIT, with the session and what it wrote; they may read and write through the
session (MPI links, audit records), and an error they raise rolls the whole write back.
They must be fast and do no I/O outside the database. After-commit
subscribers run once the transaction has committed, with every version it wrote; they may
do I/O (index in Elasticsearch, enqueue Celery jobs) but can no longer fail the write, so
their errors are logged, never raised. A subscriber should hand slow work to a job or a
background task rather than delay the response.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from fhir_server.storage.models import Stored

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fhir_server.storage.postgres import Session

AfterCommit = Callable[[Sequence[Stored]], Awaitable[None]]
BeforeCommit = Callable[["Session", Sequence[Stored]], Awaitable[None]]
_after_commit: list[AfterCommit] = []
_before_commit: list[BeforeCommit] = []
MAX_ROUNDS = 4  # a subscriber's writes are shown to the subscribers again, this many times


def before_commit(subscriber: BeforeCommit) -> BeforeCommit:
    """Register subscriber to run inside each writing transaction, before COMMIT (a decorator)."""
    if subscriber not in _before_commit:
        _before_commit.append(subscriber)
    return subscriber


def has_before_commit() -> bool:
    """Whether any write must run in a real transaction for its before-commit subscribers."""
    return bool(_before_commit)


async def committing(session: Session) -> None:
    """Run the before-commit subscribers over what session wrote; what they write in turn is
    shown to them again (up to MAX_ROUNDS), so a golden record written by one is audited."""
    seen = 0
    for _ in range(MAX_ROUNDS):
        fresh = session.written[seen:]
        if not fresh:
            return
        seen = len(session.written)
        for subscriber in tuple(_before_commit):
            await subscriber(session, fresh)


def after_commit(subscriber: AfterCommit) -> AfterCommit:
    """Register subscriber to be called after each commit that wrote something (a decorator)."""
    if subscriber not in _after_commit:
        _after_commit.append(subscriber)
    return subscriber


async def committed(written: Sequence[Stored]) -> None:
    """Tell the after-commit subscribers what a transaction wrote (nothing: no call)."""
    if not written:
        return
    for subscriber in tuple(_after_commit):
        try:
            await subscriber(written)
        except Exception:  # the data is committed: a subscriber's failure is only logged
            log.exception("after-commit subscriber %s failed", subscriber.__qualname__)
