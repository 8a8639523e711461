"""What one request did, as the audit needs it: which interaction, which resources it
disclosed, whether its writes were already recorded in their own transaction.

The dispatcher opens a Trail per request (a context variable); the response renderer adds
every stored resource it sends (`disclose`), so whatever path a resource leaves by (read,
search, `_include`, `$everything`, history) it is in the trail; the before-commit
subscriber records writes inside their transaction and marks them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

# BALP subtype (http://hl7.org/fhir/restful-interaction) -> AuditEvent.action
ACTIONS = {
    "read": "R", "vread": "R", "search-type": "R", "search-system": "R", "history-instance": "R",
    "history-type": "R", "history-system": "R", "capabilities": "R", "create": "C",
    "update": "U", "patch": "U", "delete": "D", "operation": "E", "transaction": "E",
    "batch": "E",
}
_METHOD_WRITES = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


@dataclass(slots=True)
class Trail:
    """One request's audit facts."""

    interaction: str
    method: str
    path: str
    query: str
    address: str | None = None
    disclosed: list[int] = field(default_factory=list)  # rids sent in the response
    first: str | None = None  # "Type/id/_history/v" of the first resource sent
    recorded: bool = False  # its writes were recorded in their transaction

    @property
    def action(self) -> str:
        return ACTIONS.get(self.interaction, "E")


_current: ContextVar[Trail | None] = ContextVar("audit_trail", default=None)


def current() -> Trail | None:
    """The trail of the request being served, None outside the FHIR API."""
    return _current.get()


@contextmanager
def tracing(trail: Trail) -> Iterator[Trail]:
    """Bind trail for the code inside the block."""
    token = _current.set(trail)
    try:
        yield trail
    finally:
        _current.reset(token)


def disclose(rid: int, reference: str) -> None:
    """Note a resource sent to the client (called by the renderer, once per resource)."""
    trail = _current.get()
    if trail is not None:
        if trail.first is None:
            trail.first = reference
        trail.disclosed.append(rid)


def interaction(method: str, parts: list[str]) -> str:
    """The BALP subtype of a FHIR REST request, from its method and path segments."""
    if any(p.startswith("$") for p in parts):
        return "operation"
    if method == "GET":
        return _reading(parts)
    if method == "POST" and parts and parts[-1] == "_search":
        return "search-system" if len(parts) == 1 else "search-type"
    if method == "POST" and not parts:
        return "transaction"
    return _METHOD_WRITES.get(method, "operation")


def _reading(parts: list[str]) -> str:
    if not parts:
        return "search-system"
    if parts[0] == "metadata":
        return "capabilities"
    if "_history" in parts:
        position = parts.index("_history")
        if position == len(parts) - 2:
            return "vread"
        return ("history-system", "history-type", "history-instance")[min(position, 2)]
    return ("search-type", "read", "search-type")[min(len(parts) - 1, 2)]
