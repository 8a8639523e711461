"""The operation registry: `$name` × level × resource type → handler and OperationDefinition."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fhir_server.errors import FhirError, Issue


@dataclass(slots=True)
class OperationCall:
    """One invocation: where it was called, its input Parameters and the platform."""

    platform: Any
    base: str
    level: str
    res_type: str | None
    res_id: str | None
    parameters: dict[str, Any]
    method: str


@dataclass(frozen=True, slots=True)
class OperationResult:
    """A resource to return and its status; or, with `raw`, exact bytes of a media type."""

    resource: dict[str, Any] | None
    status: int = 200
    raw: bytes | None = None
    media_type: str | None = None
    headers: dict[str, str] | None = None  # e.g. Content-Location of an asynchronous job


Handler = Callable[[OperationCall], Awaitable[OperationResult]]


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation as served: its definition (for the CapabilityStatement) and handler."""

    name: str
    levels: frozenset[str]
    handler: Handler
    definition: dict[str, Any]
    types: frozenset[str] | None = None
    affects_state: bool = False


@dataclass(slots=True)
class OperationRegistry:
    """All operations the platform serves; modules add theirs at start-up."""

    operations: dict[str, Operation] = field(default_factory=dict)

    def register(self, operation: Operation) -> None:
        """Add an operation; its name must be new."""
        if operation.name in self.operations:
            raise ValueError(f"operation ${operation.name} registered twice")
        self.operations[operation.name] = operation

    def find(self, name: str, level: str, res_type: str | None, method: str) -> Operation:
        """The operation for a call; 404 when unknown there, 405 for GET on a state change."""
        op = self.operations.get(name)
        if (
            op is None
            or level not in op.levels
            or (op.types is not None and res_type is not None and res_type not in op.types)
        ):
            where = f"{res_type or 'system'} {level} level"
            raise FhirError(
                404, Issue("not-supported", f"operation ${name} is not supported at {where}")
            )
        if method == "GET" and op.affects_state:
            raise FhirError(405, Issue("not-supported", f"${name} changes state: use POST"))
        return op
