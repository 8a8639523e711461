"""Platform events (ARCHITECTURE.md): what a committed transaction wrote, for its subscribers.

In-transaction work (index rows) is part of the write statements themselves. After-commit
subscribers run once the transaction has committed, with every version it wrote; they may
do I/O (index in Elasticsearch, enqueue Celery jobs) but can no longer fail the write, so
their errors are logged, never raised. A subscriber should hand slow work to a job or a
background task rather than delay the response.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from fhir_server.storage.models import Stored

log = logging.getLogger(__name__)

AfterCommit = Callable[[Sequence[Stored]], Awaitable[None]]
_after_commit: list[AfterCommit] = []


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
