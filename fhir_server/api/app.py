"""The FastAPI application: FHIR routes under /fhir, every error as an OperationOutcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

import fhir_server.api.routes  # noqa: F401  (registers the routes)
from fhir_server.api.formats import JSON, render
from fhir_server.api.routing import dispatcher, openapi_paths
from fhir_server.audit import chain
from fhir_server.audit.redact import install_log_redaction, redact
from fhir_server.errors import FhirError, Issue, operation_outcome
from fhir_server.platform import start_platform
from fhir_server.search import stored
from fhir_server.settings import Settings, get_settings

log = logging.getLogger(__name__)
HTTP_CODES = {404: "not-found", 405: "not-supported", 406: "not-supported", 415: "not-supported"}


def _outcome(
    request: Request, status: int, issues: list[Issue], headers: dict[str, str] | None = None
) -> Response:
    # Diagnostics may echo the request: no resident ID or phone number goes back in clear.
    issues = [replace(i, diagnostics=redact(i.diagnostics)) for i in issues]
    try:
        return render(request, operation_outcome(issues), status, headers)
    except FhirError:  # the client's Accept is unusable: answer in JSON anyway
        return render(request, operation_outcome(issues), status, headers, fmt=JSON)


async def _fhir_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FhirError)
    return _outcome(request, exc.status, exc.issues, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    issue = Issue(HTTP_CODES.get(exc.status_code, "processing"), str(exc.detail))
    return _outcome(request, exc.status_code, [issue])


async def _validation_error(request: Request, exc: Exception) -> Response:
    return _outcome(request, 400, [Issue("invalid", f"malformed request: {exc}")])


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _outcome(request, 500, [Issue("exception", "internal error; it has been logged")])


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document for its own routes plus the FHIR route table."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        schema["paths"] = {**schema.get("paths", {}), **openapi_paths()}
        app.openapi_schema = schema
    return app.openapi_schema


class _CurrentRegistry:
    """Before each request, bring the search registry up to the SearchParameters stored on
    the server (one single-row read; search/stored.py), so all processes agree."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await stored.sync(scope["app"].state.platform.repo.pool)
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, dsn: str | None = None) -> FastAPI:
    """The application; the platform starts in the lifespan, against dsn or the settings' URL."""
    settings = settings or get_settings()
    install_log_redaction()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        platform = await start_platform(settings, dsn or settings.database_url or "")
        app.state.platform = platform
        for extra in platform.routers:
            app.include_router(extra)
        interval = settings.audit_seal_interval
        sealer = asyncio.create_task(chain.sealing(platform.repo.pool, interval))
        yield
        sealer.cancel()
        with suppress(asyncio.CancelledError):
            await sealer
        await platform.repo.close()

    app = FastAPI(
        title="regional-hie FHIR R4 server",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    fhir = dispatcher()
    app.router.routes.append(Route("/fhir", fhir))  # the base itself: POST [base] for Bundles
    app.mount("/fhir", fhir)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(_CurrentRegistry)
    app.add_exception_handler(FhirError, _fhir_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
    return app
