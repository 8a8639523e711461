"""FHIRPath Patch (R4 fhirpatch.html): a Parameters resource of add, insert, delete, replace
and move operations, each addressing the resource with a FHIRPath expression.

Operations apply in order to a copy of the resource. Spec rules enforced here: the path must
select exactly one element (for delete: at most one, none being no change); add appends to a
repeating element and sets a single one only while it is absent; insert and move work within
one list; resourceType and id never change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fhir_server.definitions.structure import Element
from fhir_server.errors import FhirError, bad_request
from fhir_server.patch import tree
from fhir_server.patch.elements import element_at, member_order, typedef_at
from fhir_server.patch.failures import check_identity_kept, patch_failed
from fhir_server.patch.locate import PathCache, find, member_key, value_at
from fhir_server.patch.parameters import Operation, PatchValue, parse_operations
from fhir_server.patch.targets import one_list, single
from fhir_server.patch.values import member, to_json


def apply_fhirpath_patch(resource: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """Apply a FHIRPath Patch Parameters resource to a copy of `resource`; return the copy.

    A malformed Parameters is a 400 and a patch that cannot apply is a 422, both as FhirError
    with diagnostics naming the operation's path; no other exception escapes.
    """
    try:
        operations = parse_operations(parameters)
    except RecursionError as exc:
        raise bad_request("the FHIRPath Patch value parts are nested too deeply") from exc
    patched = copy.deepcopy(resource)
    paths = PathCache()
    for operation in operations:
        try:
            _HANDLERS[operation.type](patched, operation, paths)
        except FhirError:
            raise
        except Exception as exc:  # a defect must still answer as an OperationOutcome
            raise patch_failed(f"{operation.type} at {operation.path!r} failed: {exc!r}",
                               operation.path) from exc
    return check_identity_kept(resource, patched)


def _add(resource: dict[str, Any], op: Operation, paths: PathCache) -> None:
    location = single(resource, op, paths)
    target = value_at(resource, location)
    if not isinstance(target, dict):
        raise patch_failed(f"{op.path!r} is a primitive; it has no children to add", op.path)
    typedef = typedef_at(resource, location)
    where = member(typedef, str(op.name), _value(op), op.path)
    content, shadow = to_json(_value(op), where.element, op.path)
    order = member_order(typedef) if typedef else None
    existing = target.get(where.key)
    if where.element.is_array if where.element else isinstance(existing, list):
        size = len(existing) if isinstance(existing, list) else 0
        tree.insert_item(target, where.key, size, content, shadow, order)
    elif _occupied(target, where.key, where.element):
        raise patch_failed(f"{op.path} already has a {op.name}; add only sets an absent "
                           "single element (use replace)", op.path)
    else:
        tree.set_member(target, where.key, content, shadow, order)


def _insert(resource: dict[str, Any], op: Operation, paths: PathCache) -> None:
    owner_location, key = one_list(resource, op, paths)
    owner = value_at(resource, owner_location)
    size = len(owner.get(key, []))
    if op.index is None or op.index > size:
        raise patch_failed(f"index {op.index} is past the end of {op.path} ({size} items)",
                           op.path)
    element = element_at(resource, (*owner_location, key))
    content, shadow = to_json(_value(op), element, op.path)
    tree.insert_item(owner, key, op.index, content, shadow)


def _delete(resource: dict[str, Any], op: Operation, paths: PathCache) -> None:
    found = find(resource, op.path, paths)
    if not found:
        return  # fhirpatch.html: deleting an element that is not there is no change
    if len(found) > 1:
        raise patch_failed(f"{op.path!r} matches {len(found)} elements; delete removes only one",
                           op.path)
    if found[0] == ():
        raise patch_failed("a patch cannot delete the resource itself", op.path)
    tree.remove(resource, found[0])


def _replace(resource: dict[str, Any], op: Operation, paths: PathCache) -> None:
    location = single(resource, op, paths)
    if location == ():
        raise patch_failed("a patch cannot replace the resource itself", op.path)
    element = element_at(resource, location)
    step = location[-1]
    if isinstance(step, int):
        content, shadow = to_json(_value(op), element, op.path)
        owner = value_at(resource, location[:-2])
        tree.replace_item(owner, str(location[-2]), step, content, shadow)
        return
    # a choice element may change type: deceasedBoolean -> deceasedDateTime
    typedef = typedef_at(resource, location[:-1])
    name = (element.choice_of or step) if element else step
    where = member(typedef, name, _value(op), op.path)
    content, shadow = to_json(_value(op), where.element, op.path)
    owner = value_at(resource, location[:-1])
    tree.delete_member(owner, step)
    tree.set_member(owner, where.key, content, shadow, member_order(typedef) if typedef else None)


def _move(resource: dict[str, Any], op: Operation, paths: PathCache) -> None:
    owner_location, key = one_list(resource, op, paths)
    owner = value_at(resource, owner_location)
    size = len(owner.get(key, []))
    for role, index in (("source", op.source), ("destination", op.destination)):
        if index is None or index >= size:
            raise patch_failed(f"{role} {index} is outside {op.path} ({size} items)", op.path)
    tree.move_item(owner, key, int(op.source or 0), int(op.destination or 0))


_HANDLERS: dict[str, Callable[[dict[str, Any], Operation, PathCache], None]] = {
    "add": _add, "insert": _insert, "delete": _delete, "replace": _replace, "move": _move,
}


def _occupied(target: dict[str, Any], key: str, element: Element | None) -> bool:
    """Whether a single element already has a value (any type, for a choice)."""
    if element is None or not element.choice_of:
        return key in target
    try:
        member_key(target, element.choice_of)
    except LookupError:
        return False
    return True


def _value(op: Operation) -> PatchValue:
    if op.value is None:  # parse_operations guarantees a value for add, insert and replace
        raise patch_failed(f"{op.type} needs a value", op.path)
    return op.value
