"""capabilities (GET [base]/metadata): a CapabilityStatement generated from what is served.

Interactions come from the route table, search parameters from the search registry and
operations from the operation registry: nothing here is written by hand per resource.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fhir_server.search.query import SPECIAL
from fhir_server.search.registry import SearchParam, registry

TYPE_LEVEL = (
    "read",
    "vread",
    "update",
    "patch",
    "delete",
    "history-instance",
    "history-type",
    "create",
    "search-type",
)


def _search_param(param: SearchParam) -> dict[str, Any]:
    """One parameter as the CapabilityStatement lists it (R4 CapabilityStatement.rest.
    resource.searchParam); stored SearchParameters are in the registry like the spec's."""
    entry = {"name": param.code, "definition": param.url, "type": param.type}
    if param.documentation:
        entry["documentation"] = param.documentation
    return entry


def _specials(name: str) -> dict[str, SearchParam]:
    """The special parameters (no expression) of a type that the search serves."""
    return {code: p for code, p in registry().special.get(name, {}).items() if code in SPECIAL}


def _resource(
    name: str, interactions: set[str], platform: Any, conditional: set[str]
) -> dict[str, Any]:
    params = {**_specials(name), **registry().params(name)}
    ops = [
        op
        for op in platform.operations.operations.values()
        if ("type" in op.levels or "instance" in op.levels)
        and (op.types is None or name in op.types)
    ]
    return {
        "type": name,
        "profile": f"http://hl7.org/fhir/StructureDefinition/{name}",
        "interaction": [{"code": c} for c in TYPE_LEVEL if c in interactions],
        "versioning": "versioned-update",
        "readHistory": True,
        "updateCreate": True,
        "conditionalCreate": True,
        "conditionalRead": "full-support",
        "conditionalUpdate": "conditional-update" in conditional,
        "conditionalDelete": "single" if "conditional-delete" in conditional else "not-supported",
        "searchParam": [_search_param(p) for p in sorted(params.values(), key=lambda p: p.code)],
        "operation": [{"name": op.name, "definition": op.definition["url"]} for op in ops],
    }


def capability_statement(platform: Any, base: str, served: set[tuple[str, str]]) -> dict[str, Any]:
    """The server's CapabilityStatement for the FHIR base `base`."""
    by_level: dict[str, set[str]] = {}
    for level, code in served:
        by_level.setdefault(level, set()).add(code)
    instance_and_type = by_level.get("instance", set()) | by_level.get("type", set())
    conditional = {c for c in by_level.get("type", set()) if c.startswith("conditional-")}
    system_ops = [op for op in platform.operations.operations.values() if "system" in op.levels]
    rest = {
        "mode": "server",
        "resource": [
            _resource(t, instance_and_type, platform, conditional)
            for t in sorted(platform.resource_types)
        ],
        "interaction": [
            {"code": c}
            for c in ("transaction", "batch", "search-system", "history-system")
            if c in by_level.get("system", set())
        ],
        "operation": [{"name": op.name, "definition": op.definition["url"]} for op in system_ops],
    }
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": "instance",
        "software": {"name": "regional-hie", "version": "0.1.0"},
        "implementation": {"description": "regional-hie FHIR R4 server", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["json", "xml"],
        "patchFormat": ["application/json-patch+json", "application/fhir+json"],
        "rest": [rest],
    }
