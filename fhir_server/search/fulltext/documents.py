"""The full-text documents of a resource: its narrative (`_text`) and its content (`_content`).

R4 search.html#text: `_text` searches the narrative, `_content` the entire content of the
resource. The narrative is `text.div` with its XHTML tags stripped; the content is every
string value of the resource (contained resources included) after the narrative. Values
that only address or identify machinery (ids, meta, system and extension URLs, references,
base64 data) are left out, and so are protected identifiers and phone numbers (privacy).
Each document is stored as its space-separated tokens (`tokens.py`).
"""

from __future__ import annotations

import html
import re
from typing import Any

from fhir_server.search.fulltext.tokens import document_tokens

TABLE = "idx_text"
NARRATIVE, CONTENT = "_text", "_content"
# Longest document kept, in characters of tokens: a PostgreSQL tsvector holds at most 1 MB.
MAX_CHARS = 200_000

# Keys whose string values are not content: identity, metadata, URLs, references, binary data.
_SKIP = frozenset({"resourceType", "id", "meta", "div", "system", "url", "reference", "data",
                   "profile", "fullUrl", "valueBase64Binary", "contentType", "language"})
# Identifier systems whose values are protected (the PRC resident ID card number), and the
# ContactPoint systems whose values are phone numbers.
PROTECTED_SYSTEMS = frozenset({"urn:oid:2.16.156.10011.1.3", "phone", "fax", "sms", "pager"})
_TAG = re.compile(r"<[^>]*>")


def narrative(resource: dict[str, Any]) -> str:
    """The narrative's text: `text.div` without tags, entities decoded."""
    text = resource.get("text")
    div = text.get("div") if type(text) is dict else None
    if type(div) is not str:
        return ""
    return html.unescape(_TAG.sub(" ", div))


def _strings(node: Any, out: list[str]) -> None:
    if type(node) is str:
        out.append(node)
    elif type(node) is list:
        for item in node:
            _strings(item, out)
    elif type(node) is dict:
        protected = node.get("system") in PROTECTED_SYSTEMS
        for key, value in node.items():
            if key not in _SKIP and not (protected and key == "value"):
                _strings(value, out)


def _joined(tokens: list[str]) -> str:
    text = " ".join(tokens)
    return text if len(text) <= MAX_CHARS else text[: text.rfind(" ", 0, MAX_CHARS + 1)]


def documents(resource: dict[str, Any]) -> dict[str, str]:
    """The token text of each non-empty document, keyed by parameter (`_text`, `_content`)."""
    strings: list[str] = []
    _strings(resource, strings)
    words = document_tokens(narrative(resource))
    content = words + document_tokens("\n".join(strings))
    found = {NARRATIVE: _joined(words), CONTENT: _joined(content)}
    return {param: text for param, text in found.items() if text}


def text_rows(resource: dict[str, Any]) -> list[tuple[str, str, str]]:
    """idx_text rows `(res_type, param, tokens)` of a resource, written with its other rows."""
    resource_type = resource["resourceType"]
    return [(resource_type, param, text) for param, text in documents(resource).items()]
