"""The FHIR route table, compiled once into a dispatcher, and what it serves.

Every route is declared with the FHIR interaction it implements; the CapabilityStatement
is generated from this record, so it can only list what is really served. Dispatch splits
the path into segments and looks up (method, segment count) in a table built at import,
literal segments before parameters: no per-request scan of regexes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from fhir_server.audit import recorder
from fhir_server.audit import trail as audit_trail
from fhir_server.errors import FhirError, Issue

Handler = Callable[..., Awaitable[Response]]
SERVED: set[tuple[str, str]] = set()


@dataclass(frozen=True, slots=True)
class Route:
    """One route: method, path template under /fhir, handler, and whether it takes a body."""

    method: str
    path: str
    handler: Handler
    body: bool
    segments: tuple[str | None, ...]  # literal text, or None for a parameter
    names: tuple[str, ...]  # parameter names, in order

    @property
    def literals(self) -> int:
        return sum(s is not None for s in self.segments)


ROUTES: list[Route] = []


def _compile(method: str, path: str, handler: Handler, body: bool) -> Route:
    parts = [p for p in path.split("/") if p]
    segments = tuple(None if p.startswith("{") else p for p in parts)
    names = tuple(p.strip("{}") for p in parts if p.startswith("{"))
    return Route(method, path, handler, body, segments, names)


def fhir_route(
    method: str, path: str, *, served: list[tuple[str, str]], body: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler for method and path, and record the (level, interaction)s it serves."""

    def wrap(handler: Handler) -> Handler:
        SERVED.update(served)
        ROUTES.append(_compile(method, path, handler, body))
        return handler

    return wrap


class Dispatcher:
    """The ASGI app mounted at /fhir: finds the route for a request and calls its handler."""

    def __init__(self, routes: list[Route], prefix: str = "/fhir") -> None:
        self.prefix = prefix
        self.table: dict[tuple[str, int], list[Route]] = {}
        for route in sorted(routes, key=lambda r: -r.literals):
            self.table.setdefault((route.method, len(route.segments)), []).append(route)

    def find(self, method: str, parts: list[str]) -> tuple[Route, dict[str, str]]:
        """The route and its parameters; 404 for an unknown path, 405 for a wrong method."""
        for route in self.table.get((method, len(parts)), ()):
            if all(s is None or s == p for s, p in zip(route.segments, parts, strict=True)):
                values = [p for s, p in zip(route.segments, parts, strict=True) if s is None]
                return route, dict(zip(route.names, values, strict=True))
        if any(self._matches(k, parts) for k in self.table if k[0] != method):
            raise FhirError(405, Issue("not-supported", f"{method} is not allowed here"))
        raise FhirError(404, Issue("not-found", f"no FHIR interaction at /{'/'.join(parts)}"))

    def _matches(self, key: tuple[str, int], parts: list[str]) -> bool:
        return key[1] == len(parts) and any(
            all(s is None or s == p for s, p in zip(r.segments, parts, strict=True))
            for r in self.table[key]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path = get_route_path(scope)
        if path == self.prefix or path.startswith(self.prefix + "/"):
            path = path[len(self.prefix) :]  # reached as the exact base, not through the mount
        parts = [p for p in path.split("/") if p]
        trail = audit_trail.Trail(
            audit_trail.interaction(scope["method"], parts), scope["method"], path,
            scope.get("query_string", b"").decode("latin-1"),
            (scope.get("client") or (None,))[0],
        )
        with audit_trail.tracing(trail):
            response = await self._answer(request, scope["method"], parts, trail)
        await response(scope, receive, send)

    async def _answer(self, request: Request, method: str, parts: list[str],
                      trail: audit_trail.Trail) -> Response:
        """The handler's response, audited before it is sent (recorder.py)."""
        batcher = request.app.state.platform.audit
        try:
            route, params = self.find(method, parts)
            response = await route.handler(request, **params)
        except FhirError as error:
            await recorder.record_failure(batcher, trail, error.status, error.issues)
            raise
        except Exception:
            await recorder.record_failure(batcher, trail, 500, [])
            raise
        if recorder.wanted(trail):
            await batcher.submit(recorder.request_events(trail))
        return response


def dispatcher() -> Dispatcher:
    """A dispatcher over every route registered so far."""
    return Dispatcher(ROUTES)


def openapi_paths(prefix: str = "/fhir") -> dict[str, Any]:
    """The OpenAPI `paths` of the route table: path parameters as strings, FHIR bodies."""
    paths: dict[str, Any] = {}
    for route in ROUTES:
        operation: dict[str, Any] = {
            "operationId": f"{route.handler.__name__}_{route.method.lower()}",
            "summary": (route.handler.__doc__ or route.handler.__name__).strip().split("\n")[0],
            "parameters": [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in route.names
            ],
            "responses": {"default": {"description": "a FHIR resource or OperationOutcome"}},
        }
        if route.body:
            operation["requestBody"] = {
                "content": {
                    "application/fhir+json": {"schema": {"type": "object"}},
                    "application/fhir+xml": {"schema": {"type": "string"}},
                }
            }
        paths.setdefault(prefix + (route.path or "/"), {})[route.method.lower()] = operation
    return paths
