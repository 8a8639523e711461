"""Reference search parameters (FHIR R4 search, 3.1.1.4.6 "reference").

A relative reference `Type/id` (or an absolute one under this server's base URL) is indexed
as target_type and target_id; any other absolute URL or canonical goes to `url`. A Reference
by identifier or display only has an all-NULL row, so that `:missing` sees it; its
identifier is searched with `:identifier` (`modifiers.py`). Contained references (`#id`)
are indexed by `contained.py`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from fhir_server.definitions.structure import type_system
from fhir_server.errors import bad_request
from fhir_server.search.escaping import unescape
from fhir_server.search.sql import SqlArgs
from fhir_server.settings import get_settings

TABLE = "idx_reference"
Row = tuple[str | None, str | None, str | None]

_RELATIVE = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


@lru_cache(maxsize=1)
def _base() -> str:
    return get_settings().base_url.rstrip("/") + "/"


def split_reference(text: str) -> Row:
    """(type, id, None) for a local reference, (None, None, url) for an external one."""
    if text.startswith(_base()):
        text = text[len(_base()) :]
    if "://" not in text and not text.startswith("urn:"):
        match = _RELATIVE.match(text) if "/" in text else None
        if match is not None:
            return match.group(1), match.group(2), None
    return None, None, text


def reference_type(value: Any) -> str | None:
    """The resource type a Reference points to (its `type`, else from its `reference`)."""
    if type(value) is not dict:
        return None
    declared = value.get("type")
    if isinstance(declared, str):
        return declared
    text = value.get("reference")
    if not isinstance(text, str):
        return None
    match = _RELATIVE.search(text)
    return match.group(1) if match else None


def index_values(value: Any, type_code: str) -> list[Row]:
    """One row per Reference, canonical/uri, or inline resource (e.g. Bundle.entry.resource)."""
    if type(value) is str:
        return [(None, None, value.split("|", 1)[0])]
    if type(value) is not dict:
        return []
    if "resourceType" in value:
        rid = value.get("id")
        return [(value["resourceType"], rid, None)] if type(rid) is str else []
    text = value.get("reference")
    if type(text) is str and text:  # contained `#id` references: idx_contained (contained.py)
        return [split_reference(text)] if text[0] != "#" else []
    # A Reference by identifier or display only: present for `:missing`
    # (search.html#modifiers), but nothing a type, id or URL can match.
    return [(None, None, None)] if value else []


def accepts(modifier: str) -> bool:
    """`:[type]`, restricting the target to one resource type."""
    return modifier in type_system().resource_types


def parse_value(text: str, modifier: str | None) -> Row:
    """`id`, `Type/id` (`Type/id/_history/v`), an absolute URL or canonical (`url|version`),
    or with a `:Type` modifier `id` or `Type/id` of that type.

    Versions are not indexed, so a versioned value matches every version of its target
    (docs/conformance.md).
    """
    text = unescape(text)
    if not text:
        raise bad_request("empty reference value")
    target_type, target_id, url = split_reference(text)
    if url is not None and "/" not in url and ":" not in url:
        target_id, url = url, None
    if modifier is not None:
        if url is not None or target_type not in (None, modifier):
            raise bad_request(f"reference '{text}' does not fit :{modifier}")
        return modifier, target_id, None
    if url is not None:
        url = url.split("|", 1)[0]  # a canonical's version (search.html#versions)
    return target_type, target_id, url


def value_sql(value: Row, modifier: str | None, args: SqlArgs) -> str:
    """Match by (type and) id, or by URL."""
    target_type, target_id, url = value
    if url is not None:
        return f"i.url = {args.add(url)}"
    condition = f"i.target_id = {args.add(target_id)}"
    if target_type is not None:
        condition += f" AND i.target_type = {args.add(target_type)}"
    return condition
