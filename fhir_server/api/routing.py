"""The FHIR router and the record of which interactions it serves.

Every route is declared with the FHIR interaction it implements; the CapabilityStatement
is generated from this record, so it can only list what is really served.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter

router = APIRouter(prefix="/fhir")
SERVED: set[tuple[str, str]] = set()

_BODY = {
    "requestBody": {
        "content": {
            "application/fhir+json": {"schema": {"type": "object"}},
            "application/fhir+xml": {"schema": {"type": "string"}},
        }
    }
}


def fhir_route(
    method: str, path: str, *, served: list[tuple[str, str]], body: bool = False
) -> Callable[[Any], Any]:
    """Register a handler for method and path, and record the (level, interaction)s it serves."""

    def wrap(handler: Any) -> Any:
        SERVED.update(served)
        router.add_api_route(
            path,
            handler,
            methods=[method],
            openapi_extra=_BODY if body else None,
            response_model=None,
            include_in_schema=True,
        )
        return handler

    return wrap
