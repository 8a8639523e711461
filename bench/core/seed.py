"""Talk to the server with httpx where wrk cannot: seed patients, read some back, count types."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import orjson

FHIR_JSON = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}


def _client(clients: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    return httpx.AsyncClient(headers=FHIR_JSON, limits=limits, timeout=60.0)


async def wait_ready(base: str, timeout: float = 300.0) -> None:
    """Wait until GET [base]/metadata answers 200 (the server may still be starting)."""
    deadline = time.monotonic() + timeout
    async with _client(1) as client:
        while True:
            try:
                if (await client.get(f"{base}/metadata")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base}/metadata did not answer 200 within {timeout:.0f} s")
            await asyncio.sleep(1.0)


def _created_id(response: httpx.Response) -> str:
    if response.status_code != 201:
        raise RuntimeError(f"seeding: POST answered {response.status_code}: {response.text[:500]}")
    location = str(response.headers.get("location", ""))
    if "/_history/" in location:
        return location.split("/_history/")[0].rsplit("/", 1)[1]
    return str(orjson.loads(response.content)["id"])


async def create_all(base: str, resources: list[dict[str, Any]], clients: int) -> list[str]:
    """POST every resource with `clients` in parallel; the assigned ids, in order."""
    gate = asyncio.Semaphore(clients)
    async with _client(clients) as client:

        async def one(resource: dict[str, Any]) -> str:
            async with gate:
                url = f"{base}/{resource['resourceType']}"
                return _created_id(await client.post(url, content=orjson.dumps(resource)))

        return list(await asyncio.gather(*(one(r) for r in resources)))


async def read_back(base: str, res_type: str, ids: list[str]) -> list[dict[str, Any]]:
    """GET each [base]/res_type/id; raises on any non-200 answer."""
    async with _client(4) as client:
        found = []
        for res_id in ids:
            response = await client.get(f"{base}/{res_type}/{res_id}")
            if response.status_code != 200:
                raise RuntimeError(f"read {res_type}/{res_id}: {response.status_code}")
            found.append(orjson.loads(response.content))
        return found


async def count(base: str, res_types: tuple[str, ...]) -> int | None:
    """Sum of the search totals of res_types; None when the server cannot say."""
    total = 0
    async with _client(1) as client:
        for res_type in res_types:
            params = {"_summary": "count", "_total": "accurate"}
            response = await client.get(f"{base}/{res_type}", params=params)
            if response.status_code != 200:
                return None
            found = orjson.loads(response.content).get("total")
            if not isinstance(found, int):
                return None
            total += found
    return total
