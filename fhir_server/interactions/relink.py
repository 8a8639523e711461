"""Relink a transaction's resources to the ids settled for its entries (http.html#trules).

The server "SHALL replace all matching links in the bundle, whether they are found in
resource ids, resource references, elements of type uri, url, oid, uuid, and <a href="">
& <img src=""> in the narrative". Which elements have those types comes from the R4 type
system, so an `Identifier.value` that happens to equal a fullUrl is left alone.
"""

from __future__ import annotations

from typing import Any

from fhir_server.definitions.structure import TypeDef, type_system

LINK_TYPES = frozenset({"uri", "url", "oid", "uuid", "canonical"})


def relink(resource: dict[str, Any], ids: dict[str, str]) -> None:
    """Replace, in place, every link in resource that names a key of ids."""
    typedef = type_system().types.get(str(resource.get("resourceType")))
    if typedef is not None and ids:
        _walk(resource, typedef, ids)


def _walk(node: dict[str, Any], typedef: TypeDef, ids: dict[str, str]) -> None:
    types = type_system().types
    for key, value in node.items():
        element = typedef.elements.get(key)
        if element is None:
            continue
        code = element.type_code
        if code in LINK_TYPES or (typedef.name == "Reference" and key == "reference"):
            node[key] = _swap(value, ids)
        elif code == "xhtml" and isinstance(value, str):
            node[key] = _relink_xhtml(value, ids)
        elif code == "Resource":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    relink(item, ids)
        else:
            child = element.backbone or types.get(code)
            for item in value if isinstance(value, list) else [value]:
                if child is not None and isinstance(item, dict):
                    _walk(item, child, ids)


def _swap(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [ids.get(v, v) if isinstance(v, str) else v for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def _relink_xhtml(div: str, ids: dict[str, str]) -> str:
    for old, new in ids.items():
        if old in div:
            for attribute in ("href", "src"):
                div = div.replace(f'{attribute}="{old}"', f'{attribute}="{new}"')
    return div
