"""history at instance, type and system level (http.html#history)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import orjson

from fhir_server.errors import bad_request
from fhir_server.interactions.bundles import bundle, history_entry
from fhir_server.interactions.paging import page_size
from fhir_server.search.params.date import parse_range
from fhir_server.storage.history import HistoryQuery, count_history, list_history
from fhir_server.storage.postgres import Reader

KNOWN = frozenset(
    {"_since", "_at", "_count", "_cursor", "_format", "_pretty", "_summary", "_elements", "_total"}
)


def _cursor_decode(token: str) -> tuple[datetime, tuple[datetime, int, int]]:
    try:
        ceiling, t, rid, version = orjson.loads(base64.urlsafe_b64decode(token.encode()))
        return datetime.fromisoformat(ceiling), (datetime.fromisoformat(t), int(rid), int(version))
    except (ValueError, TypeError) as exc:
        raise bad_request("invalid _cursor") from exc


def _cursor_encode(ceiling: datetime, last: Any) -> str:
    data = [ceiling.isoformat(), last.last_updated.isoformat(), last.rid, last.version]
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode()


def _instant(params: dict[str, str], name: str) -> tuple[datetime, datetime]:
    found = parse_range(params[name])
    if found is None:
        raise bad_request(f"{name} must be a FHIR date or instant, not {params[name]!r}")
    return found


def build_query(
    params: dict[str, str],
    max_count: int,
    default_count: int,
    res_type: str | None,
    res_id: str | None,
) -> HistoryQuery:
    """Parse `_since`, `_at`, `_count` and the paging cursor; 400 for anything malformed."""
    unknown = set(params) - KNOWN
    if unknown:
        raise bad_request(f"unknown history parameter(s): {', '.join(sorted(unknown))}")
    ceiling, after = datetime.now(UTC), None
    if "_cursor" in params:
        ceiling, after = _cursor_decode(params["_cursor"])
    since = _instant(params, "_since")[0] if "_since" in params else None
    at = _instant(params, "_at") if "_at" in params else None
    count = page_size(params.get("_count"), default_count, max_count)
    return HistoryQuery(ceiling, count, res_type, res_id, since, at, after)


async def history(
    reader: Reader, base: str, path: str, params: dict[str, str], query: HistoryQuery
) -> dict[str, Any]:
    """One page of a history Bundle with self and next links."""
    rows = await list_history(reader.conn, query)
    page, more = rows[: query.count], len(rows) > query.count
    links = [("self", f"{base}/{path}?{urlencode(params)}" if params else f"{base}/{path}")]
    if more and page:
        nxt = {k: v for k, v in params.items() if k != "_cursor"}
        nxt["_cursor"] = _cursor_encode(query.ceiling, page[-1])
        links.append(("next", f"{base}/{path}?{urlencode(nxt)}"))
    total = await count_history(reader.conn, query) if params.get("_total") == "accurate" else None
    return bundle("history", [history_entry(base, s) for s in page], links, total)
