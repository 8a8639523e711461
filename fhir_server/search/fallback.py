"""Expressions beyond the compiled subset, evaluated by fhirpathpy (compiled once each).

fhirpathpy keeps the FHIR type of each result node (`returnRawData`), so fallback values
are indexed exactly like natively extracted ones. In R4 only Patient `deceased` needed
this until `conditions` compiled it; it stays for SearchParameters stored on the server.
"""

from __future__ import annotations

from typing import Any

import fhirpathpy
from fhirpathpy.models import models

from fhir_server.definitions.structure import type_system
from fhir_server.search.typed import Extractor, Typed

_PYTHON_TYPES = {bool: "boolean", int: "integer", float: "decimal", str: "string"}


def compile_fallback(part: str) -> Extractor:
    """Compile one expression with fhirpathpy into an extractor of typed values."""
    engine = fhirpathpy.compile(part, models["r4"], {"returnRawData": True})

    def extract(resource: dict[str, Any]) -> list[Typed]:
        out = [_typed(node) for node in engine(resource, None)]
        out = [_unwrap_extension(v) if t == "Extension" else (v, t) for v, t in out]
        return [(v, t) for v, t in out if v is not None]
    return extract


def _typed(node: Any) -> Typed:
    path = getattr(node, "path", None)
    data = getattr(node, "data", node)
    if isinstance(path, str) and path.startswith("System."):
        return data, path[7:].lower()
    if isinstance(path, str) and "." not in path:
        return data, path
    return data, _PYTHON_TYPES.get(type(data), "BackboneElement")


def _unwrap_extension(extension: dict[str, Any]) -> Typed:
    """A search over an extension means its value[x]."""
    elements = type_system().types["Extension"].elements
    for key, value in extension.items():
        if key in elements and key.startswith("value"):
            return value, elements[key].type_code
    return None, "Extension"
