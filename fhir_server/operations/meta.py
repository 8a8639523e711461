"""$meta, $meta-add and $meta-delete (resource-operation-meta*): tags, profiles, security labels."""

from __future__ import annotations

from typing import Any

import orjson

from fhir_server.errors import bad_request, not_found
from fhir_server.interactions.read import read
from fhir_server.operations.registry import Operation, OperationCall, OperationResult
from fhir_server.search import index_rows

LISTS = ("profile", "security", "tag")


def _definition(code: str, levels: set[str]) -> dict[str, Any]:
    params = [{"name": "return", "use": "out", "min": 1, "max": "1", "type": "Meta"}]
    if code != "meta":
        params.insert(0, {"name": "meta", "use": "in", "min": 1, "max": "1", "type": "Meta"})
    return {
        "resourceType": "OperationDefinition",
        "id": f"Resource-{code}",
        "url": f"http://hl7.org/fhir/OperationDefinition/Resource-{code}",
        "name": code,
        "status": "active",
        "kind": "operation",
        "code": code,
        "resource": ["Resource"],
        "system": "system" in levels,
        "type": "type" in levels,
        "instance": "instance" in levels,
        "parameter": params,
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return bool(a == b)
    return bool(a.get("system") == b.get("system") and a.get("code") == b.get("code"))


def _returned(meta: dict[str, Any]) -> dict[str, Any]:
    kept = {k: meta[k] for k in LISTS if meta.get(k)}
    return {"resourceType": "Parameters", "parameter": [{"name": "return", "valueMeta": kept}]}


def _input_meta(params: dict[str, Any]) -> dict[str, Any]:
    for p in params.get("parameter", []) if params.get("resourceType") == "Parameters" else []:
        if p.get("name") == "meta" and isinstance(p.get("valueMeta"), dict):
            meta: dict[str, Any] = p["valueMeta"]
            return meta
    raise bad_request("expected a Parameters resource with a 'meta' parameter of type Meta")


def _merge(meta: dict[str, Any], change: dict[str, Any], add: bool) -> dict[str, Any]:
    out = dict(meta)
    for key in LISTS:
        items = list(meta.get(key, []))
        for item in change.get(key, []):
            present = any(_same(item, x) for x in items)
            if add and not present:
                items.append(item)
            elif not add:
                items = [x for x in items if not _same(item, x)]
        out[key] = items
        if not items:
            out.pop(key)
    return out


async def _change(call: OperationCall, add: bool) -> OperationResult:
    change = _input_meta(call.parameters)
    assert call.res_type and call.res_id
    async with call.platform.repo.transaction() as session:
        current = await session.current(call.res_type, call.res_id, lock=True)
        if current is None:
            raise not_found(f"{call.res_type}/{call.res_id} is not known")
        await read(session, call.res_type, call.res_id)
        resource = current.resource()
        resource["meta"] = _merge(resource.get("meta", {}), change, add)
        await session.rewrite(current, orjson.dumps(resource), index_rows(resource))
    return OperationResult(_returned(resource["meta"]))


async def meta_add(call: OperationCall) -> OperationResult:
    """Add tags, profiles and security labels to the current version (no new version)."""
    return await _change(call, add=True)


async def meta_delete(call: OperationCall) -> OperationResult:
    """Remove tags, profiles and security labels from the current version (no new version)."""
    return await _change(call, add=False)


async def meta(call: OperationCall) -> OperationResult:
    """The meta of one resource, or the tags, profiles and labels in use for a type or system."""
    repo = call.platform.repo
    if call.res_id is not None and call.res_type is not None:
        stored = await read(repo, call.res_type, call.res_id)
        return OperationResult(_returned(stored.resource().get("meta", {})))
    in_use = await repo.meta_in_use(call.res_type)
    return OperationResult(_returned(in_use))


OPERATIONS = [
    Operation(
        "meta",
        frozenset({"system", "type", "instance"}),
        meta,
        _definition("meta", {"system", "type", "instance"}),
    ),
    Operation(
        "meta-add",
        frozenset({"instance"}),
        meta_add,
        _definition("meta-add", {"instance"}),
        affects_state=True,
    ),
    Operation(
        "meta-delete",
        frozenset({"instance"}),
        meta_delete,
        _definition("meta-delete", {"instance"}),
        affects_state=True,
    ),
]
