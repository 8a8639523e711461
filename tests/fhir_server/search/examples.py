"""Access to the R4 example resources for the search tests."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

from fhir_server.definitions.packages import iter_resources, load_bytes


def example(resource_type: str, resource_id: str) -> dict[str, Any]:
    """One example resource of the R4 package, e.g. example("Patient", "example")."""
    resource: dict[str, Any] = orjson.loads(load_bytes(f"{resource_type}-{resource_id}.json"))
    return resource


@lru_cache(maxsize=1)
def all_resources() -> tuple[dict[str, Any], ...]:
    """Every resource of the R4 package (examples and definitions alike)."""
    return tuple(r for _, r in iter_resources() if "resourceType" in r)
