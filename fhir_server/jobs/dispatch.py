"""Start the runners of unfinished jobs: on a Celery worker when a broker is configured,
otherwise as a task of this process's event loop (the embedded default, ARCHITECTURE.md).

Writing a SearchParameter queues its reindex job in the same transaction (migration 0004);
the after-commit subscriber here only starts a runner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from fhir_server import events
from fhir_server.settings import get_settings
from fhir_server.storage.models import Stored

log = logging.getLogger(__name__)
_running: set[asyncio.Task[int]] = set()  # keeps in-process runners referenced until done


async def dispatch() -> None:
    """Have the unfinished jobs run, now, somewhere."""
    from fhir_server.jobs.reindex import run_jobs_task, run_unfinished

    settings = get_settings()
    if settings.broker_url:
        await asyncio.to_thread(run_jobs_task.delay)
    elif settings.database_url:
        task = asyncio.get_running_loop().create_task(run_unfinished(settings.database_url))
        _running.add(task)
        task.add_done_callback(_finished)
    else:
        log.warning("jobs queued but neither a broker nor a database URL is configured")


def _finished(task: asyncio.Task[int]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("in-process job runner failed: %r", task.exception())


@events.after_commit
async def run_search_parameter_reindex(written: Sequence[Stored]) -> None:
    """A SearchParameter was written: its reindex job is queued; start a runner."""
    if any(s.res_type == "SearchParameter" for s in written):
        await dispatch()
