"""Compile the R4 type system into one `ObjectSpec` per resource, datatype and backbone.

Done once per process: every JSON property becomes a closure that knows its cardinality,
its datatype check (regex, integer range, required code set) and the spec of its children,
so validating a resource never reads a StructureDefinition.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from fhir_server.definitions.structure import Element, TypeDef, TypeSystem, type_system
from fhir_server.validation import properties
from fhir_server.validation.objects import ObjectSpec, Property
from fhir_server.validation.primitives import (
    FastPath,
    PrimitiveCheck,
    primitive_check,
    string_fast_path,
    with_extra_check,
    with_required_codes,
)
from fhir_server.validation.references import reference_fast_path, reference_problem
from fhir_server.validation.valuesets import ValueSetExpander

RESOURCE_TYPE_CODES = frozenset({"Resource", "DomainResource"})
# Rules beyond the datatype's own regex, by element path: the rule, and a fast path for
# the common valid values.
EXTRA_CHECKS: dict[str, tuple[Callable[[str], str | None], Callable[[], FastPath]]] = {
    "Reference.reference": (reference_problem, reference_fast_path)
}
# The `_name` companion of a primitive holds its id and extensions (http://hl7.org/fhir/R4/json.html#primitive).
COMPANION = "Element"


class _Compiler:
    """Builds and remembers the spec of every type reached from the resources."""

    def __init__(self, types: TypeSystem, expander: ValueSetExpander) -> None:
        self.types = types
        self.expander = expander
        self.specs: dict[str, ObjectSpec] = {}
        self.resources: dict[str, ObjectSpec] = {}
        self.companion = self.specs[COMPANION] = ObjectSpec(COMPANION)
        self._fill(self.companion, _companion_typedef(types))

    def spec_for(self, typedef: TypeDef) -> ObjectSpec:
        """The spec of a type, registered before its properties so recursion terminates."""
        spec = self.specs.get(typedef.name)
        if spec is None:
            spec = self.specs[typedef.name] = ObjectSpec(typedef.name)
            self._fill(spec, typedef)
        return spec

    def _fill(self, spec: ObjectSpec, typedef: TypeDef) -> None:
        for element in typedef.elements.values():
            spec.props.update(self._properties(typedef, element))
        if typedef.is_resource:
            spec.props["resourceType"] = Property(None, None, properties.ignored)
        spec.required = tuple(
            (f"{name}[x]" if name in typedef.choices else name, _alternatives(typedef, name))
            for name in typedef.required
        )
        spec.choices = tuple((stem, frozenset(names)) for stem, names in typedef.choices.items())

    def _properties(self, owner: TypeDef, element: Element) -> dict[str, Property]:
        name, code = element.name, _type_code(owner, element)
        if code in self.types.primitives:
            return self._primitive_properties(element, code)
        if code in RESOURCE_TYPE_CODES:
            check = properties.resource_property(name, element.is_array, self.resources)
            return {name: Property(None, None, check)}
        child = self.spec_for(element.backbone or self.types.types[code])
        if element.is_array:
            return {name: Property(None, None, properties.complex_array(name, child))}
        return {name: Property(None, child, properties.complex_single(name, child))}

    def _primitive_properties(self, element: Element, code: str) -> dict[str, Property]:
        """The primitive's property and its `_name` companion."""
        name, (check, fast) = element.name, self._primitive(element, code)
        if element.is_array:
            return {
                name: Property(None, None, properties.primitive_array(name, check, fast)),
                "_" + name: Property(None, None, properties.companion_array(name, self.companion)),
            }
        return {
            name: Property(fast, None, properties.primitive_single(name, check, fast)),
            "_" + name: Property(
                None, self.companion, properties.companion_single(name, self.companion)
            ),
        }

    def _primitive(self, element: Element, code: str) -> tuple[PrimitiveCheck, FastPath | None]:
        """The full check of a primitive element, and its fast path for valid strings."""
        check, fast = primitive_check(code), string_fast_path(code)
        if element.path in EXTRA_CHECKS:
            extra, extra_fast = EXTRA_CHECKS[element.path]
            check, fast = with_extra_check(check, extra), extra_fast()
        value_set = element.required_binding
        codes = self.expander.expand(value_set) if value_set and code == "code" else None
        if value_set and codes:
            check, fast = with_required_codes(check, codes, value_set), codes.__contains__
        return check, fast


def _companion_typedef(types: TypeSystem) -> TypeDef:
    """What a `_name` companion allows: a primitive's elements without its `value`."""
    elements = types.types["string"].elements
    return TypeDef(
        COMPANION,
        "complex-type",
        elements={name: el for name, el in elements.items() if name != "value"},
    )


def _type_code(owner: TypeDef, element: Element) -> str:
    # R4 types Resource.id as System.String, yet it is an id (http://hl7.org/fhir/R4/resource.html#id).
    if owner.is_resource and element.name == "id":
        return "id"
    return element.type_code


def _alternatives(typedef: TypeDef, label: str) -> tuple[str, ...]:
    """The JSON names that satisfy a required element: every choice type, with `_` forms."""
    names = typedef.choices.get(label, (label,))
    return tuple(json_name for name in names for json_name in (name, "_" + name))


@lru_cache(maxsize=1)
def resource_specs() -> dict[str, ObjectSpec]:
    """The compiled spec of every concrete R4 resource type, by type name."""
    types = type_system()
    compiler = _Compiler(types, ValueSetExpander())
    for name in sorted(types.resource_types):
        compiler.resources[name] = compiler.spec_for(types.types[name])
    return compiler.resources
