"""The FHIR R4 XML format (spec: xml.html), converted to and from FHIR JSON dicts.

The JSON form (as parsed by orjson) is the server's internal representation; XML is
only a wire format. Element order, attributes, `_field` companions, arrays and choice
names all come from the R4 type system, compiled per type once (`xml_shape`).
Every malformed document raises a 400 `FhirError`.
"""

from __future__ import annotations

from typing import Any

from fhir_server.formats.xml_read import read_resource
from fhir_server.formats.xml_write import write_resource

__all__ = ["resource_from_xml", "resource_to_xml"]


def resource_to_xml(resource: dict[str, Any], *, pretty: bool = False) -> bytes:
    """Serialise a resource (FHIR JSON as a dict) as a UTF-8 FHIR XML document.

    Decimals arrive from orjson as int or float and are written in their shortest form,
    so a JSON decimal like 1.50 is written as 1.5: exact precision needs the raw text.
    """
    return write_resource(resource, pretty=pretty)


def resource_from_xml(data: bytes) -> dict[str, Any]:
    """Parse a FHIR XML document into the resource's FHIR JSON form (a dict).

    Parsing is hardened (no DTD, entities or network); anything malformed, unknown or
    invalid for its type raises `bad_request` naming the element's path.
    """
    return read_resource(data)
