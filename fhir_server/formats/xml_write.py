"""FHIR JSON (as parsed dicts) to FHIR XML (spec: xml.html).

The document is written as text rather than through an lxml tree: building lxml nodes
costs about ten times more per element, and FHIR XML needs only elements with escaped
attributes. The Narrative div, the one free-form part, goes through lxml.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from lxml import etree

from fhir_server.errors import bad_request
from fhir_server.formats.xml_parser import parse_fragment
from fhir_server.formats.xml_shape import (
    COMPLEX,
    FHIR_NS,
    PRIMITIVE,
    RESOURCE,
    XHTML,
    XHTML_NS,
    Member,
    Shape,
    extension_shape,
    max_depth,
    member_shape,
    resource_shape,
)

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_ROOT_NS = f' xmlns="{FHIR_NS}"'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile('[&<"\n\r\t]')
_ORDER = attrgetter("order")
Json = dict[str, Any]
Out = list[str]
Path = tuple[Any, str, int] | None  # (parent path, name, array index or -1), joined on error


def write_resource(resource: Json, *, pretty: bool = False) -> bytes:
    """Serialise one resource as a FHIR XML document, elements in definition order."""
    out: Out = []
    _resource(out, resource, None, 0, "" if pretty else None, _ROOT_NS)
    text = "".join(out)
    if _NOT_XML.search(text):
        raise bad_request("Resource holds characters that XML 1.0 cannot carry")
    try:
        return XML_DECLARATION + text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise bad_request("Resource holds text that is not valid Unicode") from exc


def _fail(path: Path, message: str) -> Exception:
    """A 400 naming the JSON location in the diagnostics and as the issue expression."""
    where = _path_text(path)
    return bad_request(f"{where}: {message}", expression=where)


def _path_text(path: Path) -> str:
    """The dotted FHIRPath-like form of a writer path, for error messages."""
    parts: list[str] = []
    while path is not None:
        path, name, index = path
        parts.append(name if index < 0 else f"{name}[{index}]")
    return ".".join(reversed(parts)) or "body"


def _resource(
    out: Out, resource: object, path: Path, depth: int, ind: str | None, ns: str = ""
) -> None:
    if not isinstance(resource, dict):
        raise _fail(path, "a resource must be a JSON object")
    rt = resource.get("resourceType")
    shape = resource_shape(rt)
    if shape is None:
        raise _fail(path, f"unknown resource type {rt!r}")
    tag = shape.name
    here: Path = (None, tag, -1) if path is None else path  # contained: Bundle.entry[0].resource
    _element(out, tag, ns, _ordered(shape, resource, here), resource, here, depth, ind)


def _element(
    out: Out,
    tag: str,
    attrs: str,
    members: list[Member],
    obj: Json,
    path: Path,
    depth: int,
    ind: str | None,
) -> None:
    """Write `<tag attrs>` with the given members as children, or `<tag attrs/>`."""
    pre = "\n" + ind if ind else ""
    if not members:
        out.append(f"{pre}<{tag}{attrs}/>")
        return
    if depth >= max_depth():
        raise _fail(path, f"nested deeper than {max_depth()} levels")
    out.append(f"{pre}<{tag}{attrs}>")
    inner = None if ind is None else ind + "  "
    for member in members:
        if member.single and member.companion not in obj:  # <name value="..."/>
            value = obj[member.name]
            if value is not None:
                text = _attr(value, path, member.name)
                out.append(
                    f'\n{inner}<{member.name} value="{text}"/>'
                    if inner
                    else f'<{member.name} value="{text}"/>'
                )
        else:
            _WRITERS[member.kind](out, member, obj, path, depth + 1, inner)
    out.append(f"</{tag}>" if ind is None else f"\n{ind}</{tag}>")


def _ordered(shape: Shape, obj: Json, path: Path) -> list[Member]:
    found: list[Member] = []
    for key in obj:
        companion = key[:1] == "_"
        member = shape.members.get(key[1:] if companion else key)
        if member is None:
            if key in shape.attributes or (shape.is_resource and key == "resourceType"):
                continue
            raise _fail((path, key, -1), "unknown element")
        if companion:
            if member.kind != PRIMITIVE:
                raise _fail((path, key, -1), "only primitives have '_' forms")
            if member.name in obj:
                continue
        found.append(member)
    found.sort(key=_ORDER)
    return found


def _items(member: Member, value: object, path: Path, key: str) -> list[Any]:
    if value is None:
        return []
    if member.is_array != isinstance(value, list):
        expected = "an array" if member.is_array else "a single value"
        raise _fail((path, key, -1), f"expected {expected}")
    return value if isinstance(value, list) else [value]


def _primitive(
    out: Out, member: Member, obj: Json, path: Path, depth: int, ind: str | None
) -> None:
    """Primitives in arrays or with `_field` companions (json.html#primitive)."""
    name = member.name
    values = _items(member, obj.get(name), path, name)
    extras = _items(member, obj.get(member.companion), path, member.companion)
    if values and extras and len(values) != len(extras):
        raise _fail((path, name, -1), f"'_{name}' has a different length")
    for i in range(max(len(values), len(extras))):
        here = (path, name, i if member.is_array else -1)
        value = values[i] if values else None
        extra = extras[i] if extras else None
        if value is None and extra is None:
            raise _fail(here, "null with no '_' extension")
        attr = "" if value is None else f' value="{_attr(value, here, "value")}"'
        _companion(out, name, attr, extra, here, depth, ind)


def _companion(
    out: Out, name: str, attr: str, extra: object, path: Path, depth: int, ind: str | None
) -> None:
    """A primitive with its `_field` object: the id attribute and extension children."""
    if extra is None:
        extra = {}
    if not isinstance(extra, dict) or not set(extra) <= {"id", "extension"}:
        raise _fail(path, "'_' form may hold only id and extension")
    if extra.get("id") is not None:
        attr = f' id="{_attr(extra["id"], path, "id")}"' + attr
    members = [extension_shape().members["extension"]] if extra.get("extension") else []
    _element(out, name, attr, members, extra, path, depth, ind)


def _complex(out: Out, member: Member, obj: Json, path: Path, depth: int, ind: str | None) -> None:
    shape = member_shape(member)
    items = _items(member, obj.get(member.name), path, member.name)
    for i, item in enumerate(items):
        here = (path, member.name, i if member.is_array else -1)
        if not isinstance(item, dict):
            raise _fail(here, "expected a JSON object")
        attrs = ""
        for name in shape.attributes:
            if item.get(name) is not None:
                attrs += f' {name}="{_attr(item[name], here, name)}"'
        _element(out, member.name, attrs, _ordered(shape, item, here), item, here, depth, ind)


def _contained(
    out: Out, member: Member, obj: Json, path: Path, depth: int, ind: str | None
) -> None:
    items = _items(member, obj.get(member.name), path, member.name)
    pre = "\n" + ind if ind else ""
    for i, item in enumerate(items):
        here = (path, member.name, i if member.is_array else -1)
        out.append(f"{pre}<{member.name}>")
        _resource(out, item, here, depth + 1, None if ind is None else ind + "  ")
        out.append(f"{pre}</{member.name}>")


def _xhtml(out: Out, member: Member, obj: Json, path: Path, depth: int, ind: str | None) -> None:
    here = (path, member.name, -1)
    value = obj.get(member.name)
    if not isinstance(value, str):
        raise _fail(here, "narrative must be an XHTML string")
    fragment = parse_fragment(value, _path_text(here))
    if fragment.tag != f"{{{XHTML_NS}}}{member.name}":
        raise _fail(here, "must be an XHTML <div>")
    pre = "\n" + ind if ind else ""
    out.append(pre + etree.tostring(fragment, encoding="unicode", with_tail=False))


def _attr(value: object, path: Path, name: str) -> str:
    """A primitive JSON value as an escaped XML attribute value."""
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if _ESCAPED.search(text) is None:
            return text
        # Escape tab/CR/LF too, or attribute-value normalisation turns them into spaces.
        return (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace('"', "&quot;")
            .replace("\n", "&#10;")
            .replace("\r", "&#13;")
            .replace("\t", "&#9;")
        )
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        # orjson gives floats, so "1.50" arrives as 1.5: exact decimals need the raw text.
        return repr(value)
    raise _fail((path, name, -1), f"expected a primitive value, got {value!r:.40}")


_WRITERS: dict[str, Callable[[Out, Member, Json, Path, int, str | None], None]] = {
    PRIMITIVE: _primitive,
    COMPLEX: _complex,
    RESOURCE: _contained,
    XHTML: _xhtml,
}
