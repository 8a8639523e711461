"""The R4 type system, compiled once from the spec's StructureDefinitions.

Each resource and complex datatype becomes a `TypeDef` whose `elements` map every JSON
property name (choice types already expanded, e.g. `valueQuantity`) to an `Element`.
Backbone elements carry their own inline `TypeDef`; `contentReference` elements point to
the referenced backbone. The validator, the XML codec and the search extractors all read
this one model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fhir_server.definitions.packages import iter_resources

FHIR_TYPE_EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
REGEX_EXT = "http://hl7.org/fhir/StructureDefinition/regex"
BACKBONE = frozenset({"BackboneElement", "Element"})


@dataclass(slots=True)
class Element:
    """One JSON property of a type: its cardinality and the single FHIR type it holds."""

    name: str
    path: str
    type_code: str
    min: int
    is_array: bool
    choice_of: str | None = None
    backbone: TypeDef | None = None
    target_profiles: tuple[str, ...] = ()
    required_binding: str | None = None
    is_summary: bool = False  # ElementDefinition.isSummary (search.html#summary)


@dataclass(slots=True)
class TypeDef:
    """A resource, complex datatype or backbone element."""

    name: str
    kind: str
    abstract: bool = False
    elements: dict[str, Element] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_resource(self) -> bool:
        return self.kind == "resource"


@dataclass(slots=True)
class Primitive:
    """A primitive datatype: its JSON representation and the spec's lexical regex."""

    name: str
    json_kind: str
    regex: str | None


@dataclass(slots=True)
class TypeSystem:
    """All types of FHIR R4 by name."""

    types: dict[str, TypeDef]
    primitives: dict[str, Primitive]

    @property
    def resource_types(self) -> frozenset[str]:
        return frozenset(n for n, t in self.types.items() if t.is_resource and not t.abstract)


_JSON_KINDS = {"boolean": "boolean", "integer": "integer", "positiveInt": "integer",
               "unsignedInt": "integer", "decimal": "number"}


def _type_code(type_entry: dict[str, Any]) -> str:
    code: str = type_entry["code"]
    if code.startswith("http://hl7.org/fhirpath/System."):
        for ext in type_entry.get("extension", []):
            if ext["url"] == FHIR_TYPE_EXT:
                return str(ext["valueUrl"])
        return code.rsplit(".", 1)[1].lower()
    return code


def _primitive(sd: dict[str, Any]) -> Primitive:
    regex = None
    for el in sd["snapshot"]["element"]:
        if el["path"].endswith(".value"):
            for t in el.get("type", []):
                for ext in t.get("extension", []):
                    if ext["url"] == REGEX_EXT:
                        regex = ext["valueString"]
    name = sd["type"]
    return Primitive(name, _JSON_KINDS.get(name, "string"), regex)


def _build(sd: dict[str, Any]) -> tuple[TypeDef, dict[str, TypeDef]]:
    """Compile one StructureDefinition; also return its backbones by path for contentReference."""
    root = TypeDef(sd["type"], sd["kind"], bool(sd.get("abstract")))
    by_path: dict[str, TypeDef] = {sd["type"]: root}
    pending: list[tuple[TypeDef, dict[str, Any]]] = []
    for el in sd["snapshot"]["element"][1:]:
        parent_path, _, name = el["path"].rpartition(".")
        parent = by_path.get(parent_path)
        if parent is None:
            continue
        if "contentReference" in el:
            pending.append((parent, el))
            continue
        _add_element(parent, el, name, by_path)
    for parent, el in pending:
        target = by_path[el["contentReference"].lstrip("#")]
        name = el["path"].rpartition(".")[2]
        parent.elements[name] = Element(name, el["path"], "BackboneElement", el.get("min", 0),
                                        el.get("max") != "1", backbone=target,
                                        is_summary=bool(el.get("isSummary")))
        if el.get("min", 0) > 0:
            parent.required += (name,)
    return root, by_path


def _required_binding(el: dict[str, Any]) -> str | None:
    """The ValueSet canonical of a required-strength binding, without its `|version`."""
    binding = el.get("binding", {})
    if binding.get("strength") != "required" or "valueSet" not in binding:
        return None
    return str(binding["valueSet"]).split("|", 1)[0]


def _add_element(parent: TypeDef, el: dict[str, Any], name: str,
                 by_path: dict[str, TypeDef]) -> None:
    types = el.get("type", [])
    is_array = el.get("max") != "1"
    minimum = int(el.get("min", 0))
    if name.endswith("[x]"):
        stem = name[:-3]
        names = []
        for t in types:
            code = _type_code(t)
            json_name = stem + code[0].upper() + code[1:]
            names.append(json_name)
            parent.elements[json_name] = Element(
                json_name, el["path"], code, 0, False, choice_of=stem,
                target_profiles=tuple(t.get("targetProfile", ())),
                required_binding=_required_binding(el), is_summary=bool(el.get("isSummary")))
        parent.choices[stem] = tuple(names)
        if minimum > 0:
            parent.required += (stem,)
        return
    code = _type_code(types[0]) if types else "Element"
    element = Element(name, el["path"], code, minimum, is_array,
                      target_profiles=tuple(p for t in types for p in t.get("targetProfile", ())),
                      required_binding=_required_binding(el),
                      is_summary=bool(el.get("isSummary")))
    if code in BACKBONE:
        element.backbone = TypeDef(el["path"], "backbone")
        by_path[el["path"]] = element.backbone
    parent.elements[name] = element
    if minimum > 0:
        parent.required += (name,)


@lru_cache(maxsize=1)
def type_system() -> TypeSystem:
    """The R4 type system, built once per process from the R4 package."""
    types: dict[str, TypeDef] = {}
    primitives: dict[str, Primitive] = {}
    for _, sd in iter_resources("StructureDefinition-"):
        if sd.get("derivation") != "specialization" or sd["kind"] == "logical":
            continue
        if sd["kind"] == "primitive-type":
            primitives[sd["type"]] = _primitive(sd)
        types[sd["type"]], _ = _build(sd)
    return TypeSystem(types, primitives)
