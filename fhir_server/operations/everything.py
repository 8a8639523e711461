"""`$everything` on Patient and Encounter (Patient-everything, Encounter-everything).

The inputs each type accepts are read from its R4 OperationDefinition, and so are the levels:
both are served on an instance, and `Patient/$everything` (every patient's record, paged)
at type level too; `Encounter/$everything` has no type level in R4.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

from fhir_server.definitions.packages import load_bytes
from fhir_server.errors import FhirError, Issue, bad_request
from fhir_server.interactions.everything import everything
from fhir_server.operations.registry import Operation, OperationCall, OperationResult

TYPES = ("Patient", "Encounter")
PAGING = "_cursor"  # not an input of the definitions: the server's own `next` links carry it


def _spec_definition(res_type: str) -> dict[str, Any]:
    name = f"OperationDefinition-{res_type}-everything.json"
    spec: dict[str, Any] = orjson.loads(load_bytes(name))
    return spec


@lru_cache(maxsize=len(TYPES))
def _type_level(res_type: str) -> bool:
    return bool(_spec_definition(res_type).get("type"))


@lru_cache(maxsize=len(TYPES))
def _inputs(res_type: str) -> frozenset[str]:
    params = _spec_definition(res_type)["parameter"]
    return frozenset(p["name"] for p in params if p["use"] == "in")


def definition() -> dict[str, Any]:
    """This server's OperationDefinition: Patient-everything's parameters, served at
    instance level on Patient and Encounter and at type level on Patient (Encounter takes
    no start/end and has no type level)."""
    base = _spec_definition("Patient")
    params = [{k: v for k, v in p.items() if k != "documentation"} for p in base["parameter"]]
    return {
        "resourceType": "OperationDefinition",
        "id": "everything",
        "url": "http://regional-hie.cn/fhir/OperationDefinition/everything",
        "name": "Everything",
        "status": "active",
        "kind": "operation",
        "code": "everything",
        "base": base["url"],
        "resource": list(TYPES),
        "system": False,
        "type": True,
        "instance": True,
        "parameter": params,
    }


def _value(parameter: dict[str, Any]) -> str:
    for key, value in parameter.items():
        if key.startswith("value") and isinstance(value, str | int):
            return str(value)
    raise bad_request(f"$everything parameter '{parameter.get('name')}' needs a simple value")


def input_pairs(parameters: dict[str, Any], res_type: str) -> list[tuple[str, str]]:
    """The call's inputs as (name, text) pairs; a 400 for inputs the type does not take."""
    if parameters.get("resourceType") != "Parameters":
        raise bad_request("$everything takes a Parameters resource")
    accepted = _inputs(res_type) | {PAGING}
    pairs = []
    for parameter in parameters.get("parameter", ()):
        name = parameter.get("name")
        if name not in accepted:
            raise bad_request(f"{res_type}/$everything has no input '{name}' "
                              f"(it takes {', '.join(sorted(accepted - {PAGING}))})",
                              code="not-supported")
        pairs.append((name, _value(parameter)))
    return pairs


async def run(call: OperationCall) -> OperationResult:
    """The record of one Patient or Encounter (of every Patient): a searchset Bundle page."""
    assert call.res_type is not None
    if call.res_id is None and not _type_level(call.res_type):
        raise FhirError(404, Issue("not-supported",
                                   f"{call.res_type}/$everything has no type level"))
    pairs = input_pairs(call.parameters, call.res_type)
    settings = call.platform.settings
    found = await everything(call.platform.repo, call.base, call.res_type, call.res_id, pairs,
                             settings.max_page_size)
    return OperationResult(found)


def operation() -> Operation:
    """The `$everything` operation, for the platform's registry."""
    return Operation("everything", frozenset({"instance", "type"}), run, definition(),
                     types=frozenset(TYPES))
