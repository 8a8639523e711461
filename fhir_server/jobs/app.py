"""The one Celery application of the platform (Redis broker; eager in-process without one)."""

from __future__ import annotations

from celery import Celery

from fhir_server.settings import get_settings


def make_celery() -> Celery:
    """Celery configured from the settings: late acks, one task at a time per worker process."""
    settings = get_settings()
    app = Celery(
        "regional_hie",
        broker=settings.broker_url or "memory://",
        backend=settings.broker_url or "cache+memory://",
        include=["fhir_server.jobs.reindex"],
    )
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_always_eager=settings.broker_url is None,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
    )
    return app


celery_app = make_celery()
