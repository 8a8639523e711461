"""`_summary` and `_elements` (FHIR R4 search, 3.1.1.5.9 and 3.1.1.5.10): subsets of resources.

`_summary=true` keeps the elements the StructureDefinitions mark isSummary, level by level
(backbone elements and datatypes alike), plus the mandatory ones; `text` keeps id, meta,
text and the mandatory top-level elements; `data` drops text. `_elements` keeps the named
top-level elements (a name may be qualified, `Patient.name`, to apply to one type only)
plus id, meta and the mandatory ones. Every subsetted resource carries the SUBSETTED tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir_server.definitions.structure import TypeDef, type_system
from fhir_server.errors import bad_request
from fhir_server.storage.models import Stored

SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",
}
MODES = frozenset({"true", "text", "data", "count", "false"})
_ALWAYS = frozenset({"resourceType", "id", "meta"})
# Datatypes kept whole inside a summary: an extension without its url is meaningless.
_WHOLE = frozenset({"Extension"})


@dataclass(frozen=True, slots=True)
class Subset:
    """How to cut the resources of a page: a `_summary` mode and/or `_elements` names."""

    summary: str | None = None
    elements: frozenset[str] | None = None

    @property
    def active(self) -> bool:
        """Whether resources are cut at all (otherwise they are served as stored)."""
        return self.elements is not None or self.summary in ("true", "text", "data")


def parse_subset(result_params: list[tuple[str, str]]) -> Subset:
    """The subset the `_summary` and `_elements` parameters ask for; 400 when malformed.

    With both, `_elements` wins over every `_summary` mode but `count` (the spec leaves the
    combination undefined).
    """
    summaries = {v for k, v in result_params if k == "_summary"}
    if len(summaries) > 1 or not summaries <= MODES:
        raise bad_request(f"_summary must be one of {', '.join(sorted(MODES))}")
    summary = next(iter(summaries), None)
    names = [n.strip() for k, v in result_params if k == "_elements" for n in v.split(",")]
    if not names or summary == "count":
        return Subset(summary)
    if not all(names):
        raise bad_request("_elements has an empty element name")
    return Subset(None, frozenset(names))


def subset(stored: Stored, wanted: Subset) -> dict[str, Any] | Stored:
    """The resource cut as asked and tagged SUBSETTED; the stored version itself if not cut."""
    if not wanted.active:
        return stored
    resource = stored.resource()
    typedef = type_system().types.get(stored.res_type)
    if typedef is None:
        return stored
    if wanted.elements is not None:
        kept = _top_level(resource, typedef, _named(wanted.elements, stored.res_type))
    elif wanted.summary == "true":
        kept = _summary_of(resource, typedef)
    elif wanted.summary == "text":
        kept = _top_level(resource, typedef, frozenset({"text"}))
    else:  # data
        kept = {k: v for k, v in resource.items() if k not in ("text", "_text")}
    return _tagged(kept)


def _named(names: frozenset[str], res_type: str) -> frozenset[str]:
    """Element names for one type: plain names, and `Type.name` when Type is this type."""
    out = set()
    for name in names:
        head, dot, rest = name.partition(".")
        if not dot:
            out.add(name)
        elif head == res_type and rest:
            out.add(rest.partition(".")[0])
    return frozenset(out)


def _stems(typedef: TypeDef, names: frozenset[str]) -> frozenset[str]:
    """JSON keys for element names: a choice stem (`value`) stands for its typed keys."""
    keys = set(names)
    for stem in names:
        keys.update(typedef.choices.get(stem, ()))
    return frozenset(keys)


def _top_level(resource: dict[str, Any], typedef: TypeDef,
               names: frozenset[str]) -> dict[str, Any]:
    """The top-level elements named, plus id, meta and the mandatory elements."""
    keys = _ALWAYS | _stems(typedef, names | frozenset(typedef.required))
    return {k: v for k, v in resource.items() if k in keys or (k[:1] == "_" and k[1:] in keys)}


def _summary_of(node: dict[str, Any], typedef: TypeDef) -> dict[str, Any]:
    """The isSummary and mandatory elements of node, recursively."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = key[1:] if key[:1] == "_" else key
        element = typedef.elements.get(name)
        if name == "resourceType":
            out[key] = value
        elif element is not None and _in_summary(typedef, element.name, element.min,
                                                 element.choice_of, element.is_summary):
            inner = element.backbone or type_system().types.get(element.type_code)
            if key[:1] == "_" or inner is None or inner.name in _WHOLE:
                out[key] = value
            else:
                out[key] = _summary_value(value, inner)
    return out


def _in_summary(typedef: TypeDef, name: str, minimum: int, choice_of: str | None,
                is_summary: bool) -> bool:
    return is_summary or minimum > 0 or (choice_of is not None and choice_of in typedef.required)


def _summary_value(value: Any, typedef: TypeDef) -> Any:
    if isinstance(value, list):
        return [_summary_value(v, typedef) for v in value]
    if not isinstance(value, dict):
        return value
    if typedef.name in ("Resource", "DomainResource"):  # an inline resource: its own type
        own = type_system().types.get(str(value.get("resourceType")))
        return _summary_of(value, own) if own is not None else value
    return _summary_of(value, typedef)


def _tagged(resource: dict[str, Any]) -> dict[str, Any]:
    """resource with the SUBSETTED tag in meta.tag (search.html#summary)."""
    meta = dict(resource.get("meta") or {})
    tags = [t for t in meta.get("tag", ()) if not (
        isinstance(t, dict) and t.get("system") == SUBSETTED["system"]
        and t.get("code") == SUBSETTED["code"])]
    meta["tag"] = [*tags, SUBSETTED]
    return {**resource, "meta": meta}
