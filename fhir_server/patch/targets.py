"""What an operation's path must select (fhirpatch.html): one element, or one list.

insert and move name "the collection": the path selects the list's items, which must all
sit in one list. An absent list selects nothing, so then the owner is found from the path
without its last name (`Patient.identifier` -> `Patient`, list `identifier`).
"""

from __future__ import annotations

from typing import Any

from fhir_server.patch.elements import typedef_at
from fhir_server.patch.failures import patch_failed
from fhir_server.patch.locate import Location, PathCache, find, value_at
from fhir_server.patch.parameters import Operation


def single(resource: dict[str, Any], op: Operation, paths: PathCache, path: str = "") -> Location:
    """The one element `path` (default: the operation's path) selects; 422 for none or many."""
    path = path or op.path
    found = find(resource, path, paths)
    if not found:
        raise patch_failed(f"No content found at {path} when doing {op.type}", op.path)
    if len(found) > 1:
        raise patch_failed(f"{path!r} matches {len(found)} elements; "
                           f"{op.type} needs exactly one", op.path)
    return found[0]


def one_list(resource: dict[str, Any], op: Operation, paths: PathCache) -> tuple[Location, str]:
    """The location of the object owning the list the operation works in, and the list's key."""
    found = find(resource, op.path, paths)
    lists = {location[:-1] for location in found}
    if len(lists) == 1 and all(loc and isinstance(loc[-1], int) for loc in found):
        list_location = lists.pop()
        return list_location[:-1], str(list_location[-1])
    if found:
        raise patch_failed(f"{op.path!r} must select the items of exactly one list", op.path)
    return _absent_list(resource, op, paths)


def _absent_list(resource: dict[str, Any], op: Operation, paths: PathCache
                 ) -> tuple[Location, str]:
    parent, dot, name = op.path.rpartition(".")
    if not dot or not name.isidentifier():
        raise patch_failed(f"No content found at {op.path} when doing {op.type}", op.path)
    owner_location = single(resource, op, paths, parent)
    typedef = typedef_at(resource, owner_location)
    element = typedef.elements.get(name) if typedef else None
    if not isinstance(value_at(resource, owner_location), dict) or (typedef and not element):
        raise patch_failed(f"{op.path!r} is not an element of this resource", op.path)
    if element is not None and not element.is_array:
        raise patch_failed(f"{op.path!r} does not repeat; {op.type} needs a list", op.path)
    return owner_location, name
