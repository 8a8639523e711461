"""FHIR XML to FHIR JSON (as Python dicts ready for orjson), per spec xml.html and json.html."""

from __future__ import annotations

import math
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from lxml import etree

from fhir_server.errors import bad_request
from fhir_server.formats.xml_parser import parse_document
from fhir_server.formats.xml_shape import (
    COMPLEX,
    EXTENSION_TAG,
    FHIR_NS,
    PRIMITIVE,
    RESOURCE,
    XHTML,
    XSI_NS,
    Member,
    PrimitiveCodec,
    Shape,
    codec_of,
    extension_shape,
    int_in_range,
    max_depth,
    member_shape,
    resource_shape,
)

Json = dict[str, Any]
_PRIMITIVE_ATTRS = ("id", "value")
_ATTRIBUTE_TYPES = {"id": "string", "url": "uri"}  # Element.id, Extension.url
_XML_SPACE = " \t\r\n"  # XML's whitespace; str.isspace() would also take U+00A0


def read_resource(data: object) -> Json:
    """Parse a FHIR XML document into the JSON form of the resource it holds."""
    return _resource(parse_document(data), 0)


def _resource(el: Any, depth: int) -> Json:
    qname = etree.QName(el)
    if qname.namespace != FHIR_NS:
        raise _fail(el, f"<{qname.localname}> is not in the {FHIR_NS} namespace")
    shape = resource_shape(qname.localname)
    if shape is None:
        raise _fail(el, f"unknown resource type {qname.localname!r}")
    obj: Json = {"resourceType": qname.localname}
    _check_attributes(el, ())
    _children(el, shape, obj, depth)
    return obj


def _object(el: Any, shape: Shape, depth: int) -> Json:
    obj: Json = {}
    for name in _check_attributes(el, shape.attributes):
        obj[name] = _value(el, el.get(name), codec_of(_ATTRIBUTE_TYPES[name]))
    _children(el, shape, obj, depth)
    if not obj:
        raise _fail(el, "empty element")
    return obj


def _check_attributes(el: Any, allowed: tuple[str, ...]) -> list[str]:
    """The allowed attributes present; anything else but xsi:* is an error."""
    attrib = el.attrib
    present = [name for name in allowed if name in attrib]
    if len(present) != len(attrib):
        for name in attrib:
            if name not in allowed and not name.startswith(f"{{{XSI_NS}}}"):
                raise _fail(el, f"unknown attribute {name!r}")
    return present


def _children(el: Any, shape: Shape, obj: Json, depth: int) -> None:
    if depth > max_depth():
        raise _fail(el, f"nested deeper than {max_depth()} levels")
    _no_text(el, el.text)
    by_tag = shape.by_tag
    arrays: list[Member] = []
    for child in el:
        member = by_tag.get(child.tag)
        tail = child.tail
        if tail and tail.strip(_XML_SPACE):
            _no_text(el, tail)
        if member is None:
            if child.tag is etree.Comment:
                continue
            raise _unknown(child)
        if member.is_array and member.kind == PRIMITIVE and member.name not in obj:
            arrays.append(member)
        _READERS[member.kind](child, member, obj, depth + 1)
    for member in arrays:
        _tidy_primitive_array(obj, member)


def _no_text(el: Any, text: str | None) -> None:
    if text and text.strip(_XML_SPACE):
        raise _fail(el, f"text content {text.strip()[:40]!r} is not allowed")


def _unknown(child: Any) -> Exception:
    if not isinstance(child.tag, str):
        return _fail(child.getparent(), "unexpected XML node")
    qname = etree.QName(child)
    if qname.namespace != FHIR_NS:
        return _fail(child, f"element is not in the {FHIR_NS} namespace")
    return _fail(child, "unknown element")


def _store(child: Any, member: Member, obj: Json, value: Any) -> None:
    if member.is_array:
        obj.setdefault(member.name, []).append(value)
    elif member.name in obj:
        raise _fail(child, "repeats but allows one value")
    else:
        obj[member.name] = value


def _primitive(child: Any, member: Member, obj: Json, depth: int) -> None:
    attrs = child.items()
    if len(attrs) == 1 and attrs[0][0] == "value" and not len(child):
        _no_text(child, child.text)  # the common case: <name value="..."/>
        value, extra = _value(child, attrs[0][1], member.codec), None  # type: ignore[arg-type]
    else:
        value, extra = _primitive_parts(child, member, depth)
    if member.is_array:
        obj.setdefault(member.name, []).append(value)
        obj.setdefault(member.companion, []).append(extra)
        return
    if member.name in obj or member.companion in obj:
        raise _fail(child, "repeats but allows one value")
    if value is not None:
        obj[member.name] = value
    if extra is not None:
        obj[member.companion] = extra


def _primitive_parts(child: Any, member: Member, depth: int) -> tuple[Any, Json | None]:
    """The value and `_field` companion of a primitive with an id or extensions."""
    present = _check_attributes(child, _PRIMITIVE_ATTRS)
    value = None
    if "value" in present:
        value = _value(child, child.get("value"), member.codec)  # type: ignore[arg-type]
    extra = _companion(child, "id" in present, depth)
    if value is None and extra is None:
        raise _fail(child, "needs a value attribute or extensions")
    return value, extra


def _companion(child: Any, has_id: bool, depth: int) -> Json | None:
    """The JSON `_field` object of a primitive: its id and extensions, or None."""
    _no_text(child, child.text)
    extra: Json = {"id": _value(child, child.get("id"), codec_of("string"))} if has_id else {}
    if len(child):
        shape = extension_shape()
        extensions = extra["extension"] = []
        for ext in child:
            _no_text(child, ext.tail)
            if ext.tag == EXTENSION_TAG:
                extensions.append(_object(ext, shape, depth + 1))
            elif ext.tag is not etree.Comment:
                raise _unknown(ext)
        if not extensions:
            del extra["extension"]
    return extra or None


def _tidy_primitive_array(obj: Json, member: Member) -> None:
    # json.html: the value and '_' arrays align; an all-null side is left out.
    for key in (member.name, member.companion):
        if all(item is None for item in obj[key]):
            del obj[key]


def _complex(child: Any, member: Member, obj: Json, depth: int) -> None:
    _store(child, member, obj, _object(child, member_shape(member), depth))


def _contained(child: Any, member: Member, obj: Json, depth: int) -> None:
    _check_attributes(child, ())
    _no_text(child, child.text)
    for node in child:
        _no_text(child, node.tail)
    inner = [node for node in child if node.tag is not etree.Comment]
    if len(inner) != 1:
        raise _fail(child, "must hold exactly one resource")
    _store(child, member, obj, _resource(inner[0], depth + 1))


def _xhtml(child: Any, member: Member, obj: Json, depth: int) -> None:
    if len(child.nsmap) > 1:  # drop declarations inherited from the document but unused
        child = deepcopy(child)
        etree.cleanup_namespaces(child)
    _store(child, member, obj, etree.tostring(child, encoding="unicode", with_tail=False))


def _value(child: Any, text: str, codec: PrimitiveCodec) -> Any:
    # xml.html: attribute values are never empty, nor only whitespace.
    if not text.strip(_XML_SPACE):
        raise _fail(child, "empty attribute value")
    if codec.pattern is not None and codec.pattern.fullmatch(text) is None:
        raise _invalid(child, codec, text)
    kind = codec.json_kind
    if kind == "string":
        return text
    if kind == "boolean":
        return text == "true"
    try:
        number = _number(text) if kind == "number" else int(text)
    except ValueError:
        raise _invalid(child, codec, text) from None
    if kind == "integer" and not int_in_range(number):  # type: ignore[arg-type]
        raise _invalid(child, codec, text)
    return number


def _number(text: str) -> int | float:
    """A decimal as int when it has no fraction or exponent, else float (finite only)."""
    if "." not in text and "e" not in text and "E" not in text:
        return int(text)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _invalid(child: Any, codec: PrimitiveCodec, text: str) -> Exception:
    return _fail(child, f"{text[:40]!r} is not a valid {codec.name}")


_READERS: dict[str, Callable[[Any, Member, Json, int], None]] = {
    PRIMITIVE: _primitive,
    COMPLEX: _complex,
    RESOURCE: _contained,
    XHTML: _xhtml,
}


def _fail(el: Any, message: str) -> Exception:
    """A 400 naming the element's location in the diagnostics and as the issue expression."""
    where = _element_path(el)
    return bad_request(f"{where}: {message}", expression=where)


def _element_path(el: Any) -> str:
    """A FHIRPath-like location of an lxml element, for error messages only."""
    parts: list[str] = []
    node = el
    while node is not None:
        local = etree.QName(node).localname if isinstance(node.tag, str) else "?"
        parent = node.getparent()
        if parent is None or not local[:1].isupper():
            parts.append(local + _index(node, parent))
        node = parent
    return ".".join(reversed(parts))


def _index(node: Any, parent: Any) -> str:
    if parent is None:
        return ""
    same = [c for c in parent if c.tag == node.tag]
    return f"[{same.index(node)}]" if len(same) > 1 else ""
