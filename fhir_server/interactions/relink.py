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


def relink(resource: dict[str, Any], ids: dict[str, str]) -> list[dict[str, Any]]:
    """Replace, in place, every link in resource that names a key of ids.

    Returns the References left with a conditional target (`Patient?identifier=...`), found
    on the same walk, for the caller to resolve by search.
    """
    conditional: list[dict[str, Any]] = []
    typedef = type_system().types.get(str(resource.get("resourceType")))
    if typedef is not None:
        _walk(resource, _plan(typedef), ids, conditional)
    return conditional


# What the walk does with a property: swap a link, a Reference.reference, narrative XHTML,
# a contained resource, or descend into a complex value with its own plan.
SWAP, REFERENCE, XHTML, RESOURCE, DESCEND = range(5)
Plan = dict[str, tuple[int, Any]]
_PLANS: dict[int, Plan] = {}


def _plan(typedef: TypeDef) -> Plan:
    """The walk's plan for a type, compiled once per type from the type system."""
    plan = _PLANS.get(id(typedef))
    if plan is None:
        plan = _PLANS[id(typedef)] = {}
        types = type_system().types
        for key, element in typedef.elements.items():
            code = element.type_code
            if typedef.name == "Reference" and key == "reference":
                plan[key] = (REFERENCE, None)
            elif code in LINK_TYPES:
                plan[key] = (SWAP, None)
            elif code == "xhtml":
                plan[key] = (XHTML, None)
            elif code == "Resource":
                plan[key] = (RESOURCE, None)
            elif (child := element.backbone or types.get(code)) is not None:
                plan[key] = (DESCEND, child)
    return plan


def _walk(
    node: dict[str, Any], plan: Plan, ids: dict[str, str], conditional: list[dict[str, Any]]
) -> None:
    for key, value in node.items():
        step = plan.get(key)
        if step is None:
            continue
        action, child = step
        if action == DESCEND:
            child_plan = _plan(child)
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict):
                    _walk(item, child_plan, ids, conditional)
        elif action == SWAP:
            node[key] = _swap(value, ids)
        elif action == REFERENCE:
            node[key] = _swap(value, ids)
            if _is_conditional(node[key]):
                conditional.append(node)
        elif action == XHTML and isinstance(value, str):
            node[key] = _relink_xhtml(value, ids)
        elif action == RESOURCE:
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict):
                    conditional.extend(relink(item, ids))


def _is_conditional(target: Any) -> bool:
    return (
        isinstance(target, str)
        and "?" in target
        and not target.startswith(("http:", "https:", "urn:"))
    )


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
