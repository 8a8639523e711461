"""What storage hands back: one stored version of a resource."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Stored:
    """One version of a resource as stored: identity, version, time and canonical JSON body."""

    rid: int
    res_type: str
    res_id: str
    version: int
    last_updated: datetime
    deleted: bool
    body: bytes | None
    method: str = ""

    def resource(self) -> dict[str, Any]:
        """The resource as a dict (parsed on demand: reads serve `body` unparsed)."""
        assert self.body is not None, "a deleted version has no body"
        parsed: dict[str, Any] = orjson.loads(self.body)
        return parsed

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'

    @property
    def location(self) -> str:
        return f"{self.res_type}/{self.res_id}/_history/{self.version}"


def format_instant(moment: datetime) -> str:
    """FHIR instant text with microseconds, always in UTC (`Z`)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"  # isoformat is C; strftime is slow
