"""Edits to a resource's JSON that keep FHIR's JSON rules (json.html).

A primitive's id and extensions live beside it in `_name`; for a list of primitives `_name`
is a parallel list with nulls, so every list edit is mirrored there. Objects and lists left
empty by a delete are removed, since FHIR JSON never holds empty ones.
"""

from __future__ import annotations

from typing import Any

from fhir_server.patch.locate import Location, value_at


def set_member(obj: dict[str, Any], key: str, content: Any, shadow: Any,
               order: dict[str, int] | None = None) -> None:
    """Set `obj[key]` (and its `_key` shadow), keeping members in definition order."""
    obj[key] = content
    if shadow is None:
        obj.pop("_" + key, None)
    else:
        obj["_" + key] = shadow
    if order:
        _reorder(obj, order)


def delete_member(obj: dict[str, Any], key: str) -> None:
    """Remove `obj[key]` and its shadow."""
    obj.pop(key, None)
    obj.pop("_" + key, None)


def insert_item(obj: dict[str, Any], key: str, index: int, content: Any, shadow: Any,
                order: dict[str, int] | None = None) -> None:
    """Insert into the list `obj[key]` (created if absent) at `index`."""
    created = key not in obj
    items = obj.setdefault(key, [])
    shadows = _shadows(obj, key, len(items), create=shadow is not None)
    items.insert(index, content)
    if shadows is not None:
        shadows.insert(index, shadow)
    _tidy_shadows(obj, key)
    if created and order:
        _reorder(obj, order)


def replace_item(obj: dict[str, Any], key: str, index: int, content: Any, shadow: Any) -> None:
    """Replace item `index` of the list `obj[key]`."""
    shadows = _shadows(obj, key, len(obj[key]), create=shadow is not None)
    obj[key][index] = content
    if shadows is not None:
        shadows[index] = shadow
    _tidy_shadows(obj, key)


def move_item(obj: dict[str, Any], key: str, source: int, destination: int) -> None:
    """Move item `source` of the list `obj[key]` so that it ends up at `destination`."""
    obj[key].insert(destination, obj[key].pop(source))
    shadows = _shadows(obj, key, len(obj[key]), create=False)
    if shadows is not None:
        shadows.insert(destination, shadows.pop(source))


def remove(resource: dict[str, Any], location: Location) -> None:
    """Delete the element at `location`, then any object or list that this leaves empty."""
    _remove_one(resource, location)
    for depth in range(len(location) - 1, 0, -1):
        parent = _lookup(resource, location[:depth])
        if parent == {} or parent == []:
            _remove_one(resource, location[:depth])


def _remove_one(resource: dict[str, Any], location: Location) -> None:
    owner = value_at(resource, location[:-1])
    step = location[-1]
    if isinstance(step, str):
        delete_member(owner, step)
        return
    obj = value_at(resource, location[:-2])
    key = str(location[-2])
    if key.startswith("_"):  # an item of a shadow list: keep the list parallel
        owner[step] = None
    else:
        shadows = _shadows(obj, key, len(owner), create=False)
        owner.pop(step)
        if shadows is not None:
            shadows.pop(step)
    if not owner:
        delete_member(obj, key)
    _tidy_shadows(obj, key.lstrip("_"))


def _lookup(resource: dict[str, Any], location: Location) -> Any:
    try:
        return value_at(resource, location)
    except (KeyError, IndexError, TypeError):
        return None


def _shadows(obj: dict[str, Any], key: str, length: int, create: bool) -> list[Any] | None:
    """The `_key` list padded with nulls to `length`; None when absent and not created."""
    shadows = obj.get("_" + key)
    if not isinstance(shadows, list):
        if not create:
            return None
        shadows = obj["_" + key] = []
    shadows.extend([None] * (length - len(shadows)))
    return shadows


def _tidy_shadows(obj: dict[str, Any], key: str) -> None:
    shadows = obj.get("_" + key)
    if isinstance(shadows, list) and all(item is None for item in shadows):
        del obj["_" + key]


def _reorder(obj: dict[str, Any], order: dict[str, int]) -> None:
    def rank(key: str) -> tuple[int, int, bool]:
        name = key.lstrip("_")
        return (key != "resourceType", order.get(name, len(order)), key.startswith("_"))

    members = sorted(obj.items(), key=lambda item: rank(item[0]))
    obj.clear()
    obj.update(members)
