"""JSON Patch (RFC 6902) for the `patch` interaction with `application/json-patch+json`."""

from __future__ import annotations

from typing import Any

import jsonpatch
import jsonpointer

from fhir_server.errors import bad_request
from fhir_server.patch.failures import check_identity_kept, patch_failed

# RFC 6902 §4: the members each operation needs besides `op` and `path`.
_REQUIRED_MEMBERS = {
    "add": ("value",), "replace": ("value",), "test": ("value",),
    "remove": (), "move": ("from",), "copy": ("from",),
}


def apply_json_patch(resource: dict[str, Any], operations: object) -> dict[str, Any]:
    """Apply an RFC 6902 patch document to a copy of `resource` and return the copy.

    A malformed document is a 400; a patch that cannot apply (a failing `test`, a missing
    path) or that changes `resourceType` or `id` is a 422.
    """
    checked = _checked_document(operations)
    try:
        patched = jsonpatch.apply_patch(resource, checked, in_place=False)
    except jsonpatch.JsonPatchTestFailed as exc:
        raise patch_failed(f"JSON Patch test failed: {exc}") from exc
    except Exception as exc:  # JsonPatchConflict, JsonPointerException: a path that is not there
        raise patch_failed(f"JSON Patch cannot be applied: {exc}") from exc
    return check_identity_kept(resource, patched)


def _checked_document(operations: object) -> list[dict[str, Any]]:
    if not isinstance(operations, list):
        raise bad_request("a JSON Patch document must be a JSON array of operations")
    for number, operation in enumerate(operations):
        _check_operation(operation, number)
    return operations


def _check_operation(operation: object, number: int) -> None:
    where = f"JSON Patch operation {number}"
    if not isinstance(operation, dict):
        raise bad_request(f"{where} is not a JSON object")
    op = operation.get("op")
    if op not in _REQUIRED_MEMBERS:
        raise bad_request(f"{where} has unknown op {op!r}; expected one of "
                          f"{', '.join(_REQUIRED_MEMBERS)}")
    _check_pointer(operation, "path", where)
    for member in _REQUIRED_MEMBERS[op]:
        if member not in operation:
            raise bad_request(f"{where} ({op}) has no '{member}' member")
        if member == "from":
            _check_pointer(operation, "from", where)


def _check_pointer(operation: dict[str, Any], member: str, where: str) -> None:
    pointer = operation.get(member)
    if not isinstance(pointer, str):
        raise bad_request(f"{where} has no '{member}' string")
    try:
        jsonpointer.JsonPointer(pointer)
    except jsonpointer.JsonPointerException as exc:
        raise bad_request(f"{where} has an invalid '{member}' pointer {pointer!r}: {exc}") from exc
