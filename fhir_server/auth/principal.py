"""Who is making the current request: the seam between authentication, authorization and
audit. The API binds one Principal per request (from a validated token, or the explicit
development principal when no issuer is configured); policies and the audit read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["user", "system", "development"]


@dataclass(frozen=True, slots=True)
class BreakGlass:
    """An emergency override the user declared: a coded reason, until when it holds."""

    reason_code: str
    reason_text: str
    expires: str  # FHIR instant


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated party of a request, as the audit and the policies need it."""

    subject: str  # the token's `sub`, or "development"
    kind: Kind
    client_id: str | None = None
    display: str | None = None
    practitioner: str | None = None  # "Practitioner/<id>" of a clinician
    organization: str | None = None  # "Organization/<id>" the user or client acts for
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    patient: str | None = None  # launch context of a patient/ scope
    break_glass: BreakGlass | None = None
    claims: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def development(self) -> bool:
        """True for the unauthenticated development mode (no issuer configured)."""
        return self.kind == "development"


DEVELOPMENT = Principal(
    subject="development",
    kind="development",
    display="开发模式（未配置身份认证）",
    roles=frozenset({"admin"}),
    scopes=frozenset({"system/*.cruds"}),
)

_current: ContextVar[Principal] = ContextVar("principal", default=DEVELOPMENT)


def current() -> Principal:
    """The principal of the request being served (development mode outside any request)."""
    return _current.get()


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Bind principal for the code inside the block (a request, a job, a test)."""
    token = _current.set(principal)
    try:
        yield principal
    finally:
        _current.reset(token)
