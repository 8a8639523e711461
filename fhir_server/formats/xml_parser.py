"""Hardened lxml parsing of untrusted XML: no DTDs, no entities, no network access.

FHIR XML never needs a DOCTYPE (xml.html), so any document type declaration is refused
before libxml2 sees it; that stops XXE and entity-expansion ("billion laughs") attacks
in constant time. Every parser failure becomes a 400 FhirError.
"""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree

from fhir_server.errors import bad_request

_LOCAL = threading.local()
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


def _parser() -> Any:
    # lxml parsers must not be shared between threads; keep one per thread. Comments stay:
    # inside a Narrative div they are content.
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_pis=True,
            collect_ids=False,
        )
    return parser


def parse_document(data: object) -> Any:
    """Parse a UTF-8 XML document into its root element, refusing anything unsafe."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise bad_request("XML body must be bytes")
    raw = bytes(data)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"XML body is not valid UTF-8 (byte {exc.start})") from exc
    _refuse_declarations(raw)
    root = _parse(raw, "XML body")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise bad_request("XML documents with a DOCTYPE are not allowed")
    if (info.encoding or "UTF-8").upper() != "UTF-8":
        raise bad_request(f"XML must be encoded as UTF-8, not {info.encoding}")
    return root


def parse_fragment(text: str, where: str) -> Any:
    """Parse an embedded XHTML fragment (a Narrative div held as a JSON string)."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise bad_request(f"{where}: not valid Unicode") from exc
    _refuse_declarations(raw)
    return _parse(raw, where)


def _refuse_declarations(raw: bytes) -> None:
    for marker in _FORBIDDEN:
        if marker in raw:
            raise bad_request("DOCTYPE and ENTITY declarations are not allowed in FHIR XML")


def _parse(raw: bytes, where: str) -> Any:
    try:
        return etree.fromstring(raw, _parser())
    except (etree.LxmlError, ValueError) as exc:
        raise bad_request(f"{where} is not well-formed XML: {exc}") from exc
