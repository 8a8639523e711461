"""The running platform: settings, repository, resource types, operations and modules.

Modules (mpi, terminology, ...) extend it through the `regional_hie.modules` entry point
group: each exposes `register(platform)`, called once at start-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from fhir_server import events
from fhir_server.audit.recorder import record_writes
from fhir_server.audit.store import Batcher
from fhir_server.definitions.structure import type_system
from fhir_server.operations import everything, meta, received, reindex, validate
from fhir_server.operations.registry import OperationRegistry
from fhir_server.search import index_rows
from fhir_server.settings import Settings
from fhir_server.storage.postgres import Repository
from fhir_server.validation import validate_resource

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Platform:
    """Everything a request handler needs, shared by all requests of one process."""

    settings: Settings
    repo: Repository
    resource_types: frozenset[str]
    operations: OperationRegistry = field(default_factory=OperationRegistry)
    routers: list[Any] = field(default_factory=list)
    audit: Batcher | None = None  # writes the audit events of reads and searches


def _warm_up() -> None:
    """Compile validators and extractors now, not on the first request."""
    probe = {"resourceType": "Patient", "id": "warm-up", "name": [{"family": "x"}]}
    validate_resource(probe, expected_type="Patient")
    index_rows(probe)


async def start_platform(settings: Settings, dsn: str) -> Platform:
    """Connect to the database, compile the R4 definitions and register operations and modules."""
    repo = await Repository.connect(
        dsn, min_size=settings.db_pool_min, max_size=settings.db_pool_max
    )
    audit = Batcher(repo.pool, settings.audit_synchronous_reads)
    platform = Platform(settings, repo, type_system().resource_types, audit=audit)
    platform.operations.register(validate.OPERATION)
    platform.operations.register(received.OPERATION)
    platform.operations.register(everything.operation())
    for op in (*meta.OPERATIONS, *reindex.OPERATIONS):
        platform.operations.register(op)
    _warm_up()
    events.before_commit(record_writes)
    for ep in entry_points(group="regional_hie.modules"):
        log.info("loading module %s", ep.name)
        ep.load().register(platform)
    return platform
