"""The XML layout of every R4 type, compiled lazily from the type system (spec: xml.html).

A `Shape` says, for one resource, datatype or backbone element, which JSON properties
are XML attributes, which child tag maps to which property, and the definition order the
writer must follow. Both directions of the XML codec read these shapes, never the
StructureDefinitions directly, so each per-type lookup is paid once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fhir_server.definitions.structure import Element, TypeDef, type_system
from fhir_server.settings import get_settings

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
EXTENSION_TAG = f"{{{FHIR_NS}}}extension"

PRIMITIVE, COMPLEX, RESOURCE, XHTML = "primitive", "complex", "resource", "xhtml"

# base64Binary's spec regex backtracks quadratically on long runs of whitespace; this
# equivalent-enough pattern is linear. string and markdown (`[ \r\n\t\S]+`) only demand
# a non-empty value once XML has excluded control characters, which the reader checks
# for every primitive anyway. The rest are the StructureDefinitions' own regexes.
_REGEX_OVERRIDES: dict[str, str | None] = {
    "base64Binary": r"[0-9a-zA-Z+/=\s]+",
    "string": None,
    "markdown": None,
}
_INT_BOUNDS = (-(2**31), 2**31 - 1)  # datatypes.html#integer: 32-bit signed


@dataclass(slots=True, frozen=True)
class PrimitiveCodec:
    """How one primitive type's `value` attribute is checked and turned into JSON."""

    name: str
    json_kind: str
    pattern: re.Pattern[str] | None


@dataclass(slots=True)
class Member:
    """One JSON property that is an XML child element (`companion`: its `_field` name)."""

    name: str
    tag: str
    kind: str
    is_array: bool
    order: int
    companion: str
    codec: PrimitiveCodec | None = None
    typedef: TypeDef | None = None
    shape: Shape | None = None  # the typedef's shape, filled in on first use
    single: bool = False  # a primitive that is not an array: the writer's fast path


@dataclass(slots=True)
class Shape:
    """The XML layout of one type: attributes, child elements by name and by tag."""

    name: str
    is_resource: bool
    attributes: tuple[str, ...]
    members: dict[str, Member] = field(default_factory=dict)
    by_tag: dict[str, Member] = field(default_factory=dict)


_SHAPES: dict[str, Shape] = {}  # by TypeDef name: types by name, backbones by path
_CODECS: dict[str, PrimitiveCodec] = {}


def max_depth() -> int:
    """Deepest element nesting accepted in either direction (the body nesting setting)."""
    return get_settings().max_json_depth


def resource_shape(resource_type: object) -> Shape | None:
    """The shape of a concrete resource type, or None if it is not one."""
    if not isinstance(resource_type, str):
        return None
    td = type_system().types.get(resource_type)
    if td is None or not td.is_resource or td.abstract:
        return None
    return shape_of(td)


def shape_of(td: TypeDef) -> Shape:
    """The (cached) shape of a resource, datatype or backbone element."""
    shape = _SHAPES.get(td.name)
    if shape is None:
        shape = _SHAPES[td.name] = _build_shape(td)
    return shape


def member_shape(member: Member) -> Shape:
    """The shape of a complex member's type, looked up once and kept on the member."""
    if member.shape is None:
        assert member.typedef is not None
        member.shape = shape_of(member.typedef)
    return member.shape


def extension_shape() -> Shape:
    """The shape of Extension, used for the extensions of primitive elements."""
    return shape_of(type_system().types["Extension"])


def _attributes(td: TypeDef) -> tuple[str, ...]:
    # xml.html: Element.id and Extension.url are attributes; Resource.id is an element.
    if td.is_resource:
        return ()
    return ("id", "url") if td.name == "Extension" else ("id",)


def _build_shape(td: TypeDef) -> Shape:
    shape = Shape(td.name, td.is_resource, _attributes(td))
    for order, (name, element) in enumerate(td.elements.items()):
        if name in shape.attributes:
            continue
        member = _member(name, element, order)
        shape.members[name] = member
        shape.by_tag[member.tag] = member
    return shape


def _member(name: str, element: Element, order: int) -> Member:
    code = element.type_code
    if code == "xhtml":
        return Member(name, f"{{{XHTML_NS}}}{name}", XHTML, element.is_array, order, "")
    tag = f"{{{FHIR_NS}}}{name}"
    if code == "Resource":
        return Member(name, tag, RESOURCE, element.is_array, order, "")
    if element.backbone is None and code in type_system().primitives:
        single = not element.is_array
        return Member(
            name,
            tag,
            PRIMITIVE,
            element.is_array,
            order,
            "_" + name,
            codec=codec_of(code),
            single=single,
        )
    typedef = element.backbone or type_system().types[code]
    return Member(name, tag, COMPLEX, element.is_array, order, "", typedef=typedef)


def codec_of(type_code: str) -> PrimitiveCodec:
    """The value codec of a primitive type, its regex compiled once."""
    codec = _CODECS.get(type_code)
    if codec is None:
        prim = type_system().primitives[type_code]
        regex = _REGEX_OVERRIDES.get(type_code, prim.regex)
        # The spec's regexes use XML Schema classes: \s is ASCII whitespace only.
        pattern = re.compile(regex, re.ASCII) if regex else None
        codec = _CODECS[type_code] = PrimitiveCodec(type_code, prim.json_kind, pattern)
    return codec


def int_in_range(value: int) -> bool:
    """Whether an integer fits FHIR's 32-bit integer types."""
    return _INT_BOUNDS[0] <= value <= _INT_BOUNDS[1]
