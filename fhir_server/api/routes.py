"""FHIR REST routes: parse the HTTP request, call one interaction, render its result."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fhir_server.api.formats import parse_document, parse_resource, read_body, render
from fhir_server.api.operations import invoke
from fhir_server.api.responses import (
    base_url,
    not_modified,
    prefer_handling,
    prefer_return,
    version_headers,
    write_response,
)
from fhir_server.api.routing import SERVED, fhir_route
from fhir_server.audit import access as audit_access
from fhir_server.audit import trail as audit_trail
from fhir_server.errors import FhirError, Issue, not_found
from fhir_server.interactions import (
    compartment,
    create,
    delete,
    history,
    patch,
    read,
    search,
    update,
)
from fhir_server.interactions.batch import process_bundle
from fhir_server.interactions.capabilities import capability_statement
from fhir_server.interactions.writing import Received
from fhir_server.platform import Platform


def _platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def _known(platform: Platform, res_type: str) -> None:
    if res_type not in platform.resource_types:
        raise not_found(f"unknown resource type {res_type!r}")


def _writable(platform: Platform, res_type: str) -> None:
    _known(platform, res_type)
    if res_type == "AuditEvent":
        raise audit_access.refuse_write()


async def _body(request: Request, depth_checked: bool = True) -> tuple[dict[str, Any], Received]:
    settings = _platform(request).settings
    raw = await read_body(request, settings.max_body_bytes)
    content_type = request.headers.get("content-type", "")
    depth = settings.max_json_depth if depth_checked else None
    return parse_resource(raw, content_type, depth), Received(raw, content_type)


def _deleted(request: Request, stored: Any) -> Response:
    if stored is None:
        return Response(status_code=204)
    headers = {"ETag": stored.etag}
    if prefer_return(request, "minimal") == "OperationOutcome":
        issue = Issue("informational", "deleted", severity="information")
        return render(
            request, {"resourceType": "OperationOutcome", "issue": [issue.to_json()]}, 200, headers
        )
    return Response(status_code=204, headers=headers)


@fhir_route("GET", "/metadata", served=[("system", "capabilities")])
async def metadata(request: Request) -> Response:
    return render(request, capability_statement(_platform(request), base_url(request), SERVED))


@fhir_route("POST", "/", served=[], body=True)
@fhir_route("POST", "", served=[("system", "transaction"), ("system", "batch")], body=True)
async def bundle_route(request: Request) -> Response:
    platform = _platform(request)
    # Bundles skip the nesting pre-walk: each entry's resource is validated (depth-limited)
    # before the transaction walks it, and nothing else of the Bundle is walked deeply.
    document, _ = await _body(request, depth_checked=False)
    trail = audit_trail.current()
    if trail is not None and document.get("type") == "batch":
        trail.interaction = "batch"
    result = await process_bundle(
        platform.repo,
        base_url(request),
        document,
        prefer_return(request, "minimal"),
        platform.resource_types,
        platform.settings,
    )
    return render(request, result)


@fhir_route("GET", "/_history", served=[("system", "history-system")])
async def system_history(request: Request) -> Response:
    return await _history(request, None, None)


async def _history(request: Request, res_type: str | None, res_id: str | None) -> Response:
    platform = _platform(request)
    params = dict(request.query_params)
    query = history.build_query(
        params,
        platform.settings.max_page_size,
        platform.settings.default_page_size,
        res_type,
        res_id,
    )
    path = "/".join(p for p in (res_type, res_id, "_history") if p)
    return render(
        request, await history.history(platform.repo, base_url(request), path, params, query)
    )


@fhir_route("GET", "/{res_type}/_history", served=[("type", "history-type")])
async def type_history(request: Request, res_type: str) -> Response:
    _known(_platform(request), res_type)
    return await _history(request, res_type, None)


@fhir_route("GET", "/{res_type}/{res_id}/_history", served=[("instance", "history-instance")])
async def instance_history(request: Request, res_type: str, res_id: str) -> Response:
    _known(_platform(request), res_type)
    return await _history(request, res_type, res_id)


@fhir_route("GET", "/{res_type}/{res_id}/_history/{vid}", served=[("instance", "vread")])
async def vread_route(request: Request, res_type: str, res_id: str, vid: str) -> Response:
    _known(_platform(request), res_type)
    stored = await read.vread(_platform(request).repo, res_type, res_id, vid)
    return render(request, stored, headers=version_headers(stored))


async def _search(request: Request, res_type: str, pairs: list[tuple[str, str]]) -> Response:
    platform = _platform(request)
    _known(platform, res_type)
    if res_type == "AuditEvent":
        return render(request, await audit_access.search(
            platform.repo.pool, base_url(request), pairs,
            platform.settings.default_page_size, platform.settings.max_page_size))
    found = await search.search(
        platform.repo,
        base_url(request),
        res_type,
        pairs,
        platform.settings.default_page_size,
        platform.settings.max_page_size,
        lenient=prefer_handling(request) != "strict",
    )
    return render(request, found)


@fhir_route("GET", "/{res_type}", served=[("type", "search-type")])
async def search_get(request: Request, res_type: str) -> Response:
    if res_type.startswith("$"):
        return await _operation(request, res_type[1:], "system", None, None)
    return await _search(request, res_type, list(request.query_params.multi_items()))


@fhir_route("POST", "/{res_type}/_search", served=[("type", "search-type")])
async def search_post(request: Request, res_type: str) -> Response:
    return await _search(request, res_type, await _form_pairs(request))


@fhir_route("GET", "/", served=[])
@fhir_route("GET", "", served=[("system", "search-system")])
async def search_system_get(request: Request) -> Response:
    """System-wide search (search.html#all): `GET [base]?_type=A,B&...`."""
    return await _search_system(request, list(request.query_params.multi_items()))


@fhir_route("POST", "/_search", served=[("system", "search-system")])
async def search_system_post(request: Request) -> Response:
    """System-wide search with the parameters in a form body, merged with the query's."""
    return await _search_system(request, await _form_pairs(request))


async def _search_system(request: Request, pairs: list[tuple[str, str]]) -> Response:
    platform = _platform(request)
    found = await search.search_system(
        platform.repo,
        base_url(request),
        pairs,
        platform.settings.default_page_size,
        platform.settings.max_page_size,
        lenient=prefer_handling(request) != "strict",
    )
    return render(request, found)


async def _form_pairs(request: Request) -> list[tuple[str, str]]:
    """The query's parameters followed by those of an `x-www-form-urlencoded` body."""
    form = await request.form()
    return list(request.query_params.multi_items()) + [(k, str(v)) for k, v in form.multi_items()]


@fhir_route("POST", "/{res_type}", served=[("type", "create")], body=True)
async def create_route(request: Request, res_type: str) -> Response:
    if res_type.startswith("$"):
        return await _operation(request, res_type[1:], "system", None, None)
    platform = _platform(request)
    _writable(platform, res_type)
    resource, received = await _body(request)
    if_none_exist = request.headers.get("if-none-exist")
    # A plain create is one statement; a conditional one locks, searches, then writes.
    scope = platform.repo.transaction if if_none_exist else platform.repo.single_statement
    async with scope() as session:
        result = await create.create(session, res_type, resource, received, if_none_exist)
    return write_response(request, result)


@fhir_route("PUT", "/{res_type}", served=[("type", "conditional-update")], body=True)
async def conditional_update_route(request: Request, res_type: str) -> Response:
    platform = _platform(request)
    _writable(platform, res_type)
    resource, received = await _body(request)
    async with platform.repo.transaction() as session:
        result = await update.conditional_update(
            session,
            res_type,
            request.url.query,
            resource,
            received,
            request.headers.get("if-match"),
        )
    return write_response(request, result)


@fhir_route("DELETE", "/{res_type}", served=[("type", "conditional-delete")])
async def conditional_delete_route(request: Request, res_type: str) -> Response:
    platform = _platform(request)
    _writable(platform, res_type)
    async with platform.repo.transaction() as session:
        stored = await delete.conditional_delete(session, res_type, request.url.query)
    return _deleted(request, stored)


@fhir_route("PATCH", "/{res_type}", served=[("type", "conditional-patch")], body=True)
async def conditional_patch_route(request: Request, res_type: str) -> Response:
    return await _patch(request, res_type, None)


async def _patch(request: Request, res_type: str, res_id: str | None) -> Response:
    platform = _platform(request)
    _writable(platform, res_type)
    raw = await read_body(request, platform.settings.max_body_bytes)
    content_type = request.headers.get("content-type", "")
    document = parse_document(raw, content_type, platform.settings.max_json_depth)
    media = content_type.split(";")[0].strip().lower()
    received, if_match = Received(raw, content_type), request.headers.get("if-match")
    async with platform.repo.transaction() as session:
        if res_id is None:
            result = await patch.conditional_patch(
                session, res_type, request.url.query, document, media, received, if_match
            )
        else:
            result = await patch.patch(
                session, res_type, res_id, document, media, received, if_match
            )
    return write_response(request, result)


@fhir_route("GET", "/{res_type}/{res_id}", served=[("instance", "read")])
async def read_route(request: Request, res_type: str, res_id: str) -> Response:
    if res_id.startswith("$"):
        return await _operation(request, res_id[1:], "type", res_type, None)
    platform = _platform(request)
    _known(platform, res_type)
    if res_type == "AuditEvent":
        return render(request, await audit_access.read(platform.repo.pool, res_id))
    stored = await read.read(platform.repo, res_type, res_id)
    if not_modified(request, stored):
        return Response(status_code=304, headers=version_headers(stored))
    return render(request, stored, headers=version_headers(stored))


@fhir_route("POST", "/{res_type}/{res_id}", served=[])
async def type_operation_post(request: Request, res_type: str, res_id: str) -> Response:
    if not res_id.startswith("$"):
        raise FhirError(405, Issue("not-supported", "POST to an instance: use PUT to update"))
    return await _operation(request, res_id[1:], "type", res_type, None)


@fhir_route("PUT", "/{res_type}/{res_id}", served=[("instance", "update")], body=True)
async def update_route(request: Request, res_type: str, res_id: str) -> Response:
    platform = _platform(request)
    _writable(platform, res_type)
    resource, received = await _body(request)
    async with platform.repo.transaction() as session:
        result = await update.update(
            session,
            res_type,
            res_id,
            resource,
            received,
            request.headers.get("if-match"),
            request.headers.get("if-none-match"),
        )
    return write_response(request, result)


@fhir_route("PATCH", "/{res_type}/{res_id}", served=[("instance", "patch")], body=True)
async def patch_route(request: Request, res_type: str, res_id: str) -> Response:
    return await _patch(request, res_type, res_id)


@fhir_route("DELETE", "/{res_type}/{res_id}", served=[("instance", "delete")])
async def delete_route(request: Request, res_type: str, res_id: str) -> Response:
    platform = _platform(request)
    _writable(platform, res_type)
    async with platform.repo.transaction() as session:
        stored = await delete.delete(session, res_type, res_id, request.headers.get("if-match"))
    return _deleted(request, stored)


@fhir_route("GET", "/{res_type}/{res_id}/{op}", served=[])
async def instance_operation_get(request: Request, res_type: str, res_id: str, op: str) -> Response:
    if not op.startswith("$"):  # Patient/123/Observation: a compartment search
        return await _compartment(request, res_type, res_id, op, [])
    return await _instance_operation(request, res_type, res_id, op)


@fhir_route("POST", "/{comp_type}/{comp_id}/{res_type}/_search", served=[])
async def compartment_search_post(
    request: Request, comp_type: str, comp_id: str, res_type: str
) -> Response:
    form = await request.form()
    return await _compartment(
        request, comp_type, comp_id, res_type, [(k, str(v)) for k, v in form.multi_items()]
    )


async def _compartment(
    request: Request, comp_type: str, comp_id: str, res_type: str, form: list[tuple[str, str]]
) -> Response:
    platform = _platform(request)
    _known(platform, comp_type)
    if res_type != "*":
        _known(platform, res_type)
    found = await compartment.compartment_search(
        platform.repo,
        base_url(request),
        comp_type,
        comp_id,
        res_type,
        list(request.query_params.multi_items()) + form,
        platform.settings.default_page_size,
        platform.settings.max_page_size,
        lenient=prefer_handling(request) != "strict",
    )
    return render(request, found)


@fhir_route("POST", "/{res_type}/{res_id}/{op}", served=[], body=True)
async def instance_operation_post(
    request: Request, res_type: str, res_id: str, op: str
) -> Response:
    return await _instance_operation(request, res_type, res_id, op)


async def _instance_operation(request: Request, res_type: str, res_id: str, op: str) -> Response:
    if not op.startswith("$"):
        raise not_found(f"no route for {request.url.path}")
    return await _operation(request, op[1:], "instance", res_type, res_id)


async def _operation(
    request: Request, name: str, level: str, res_type: str | None, res_id: str | None
) -> Response:
    return await invoke(request, _platform(request), name, level, res_type, res_id)
