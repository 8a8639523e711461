"""Post a generated county's transaction Bundles to a FHIR base URL, wave by wave.

Within a wave a small pool of concurrent requests works through the files; a wave starts
only when the previous one is done, because its Bundles refer to what earlier waves created.
Transport errors and 502/503/504 are retried; every other failure is counted with its
reason (status and the OperationOutcome's first diagnostics).
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

RETRIES = 3
RETRY_STATUS = {502, 503, 504}
HEADERS = {
    "Content-Type": "application/fhir+json",
    "Accept": "application/fhir+json",
    "Prefer": "return=minimal",
}
OnProgress = Callable[[int], None]


class LoadError(Exception):
    """The server cannot be loaded at all (unreachable, or not a FHIR server)."""


@dataclass
class LoadSummary:
    """What a load did: Bundles and resources sent, failures by reason, time taken."""

    bundles: int = 0
    failed: int = 0
    resources: int = 0
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Resources written per second."""
        return self.resources / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        """Whether every Bundle was accepted."""
        return self.failed == 0


def waves(directory: Path) -> list[list[Path]]:
    """The Bundle files of each wave, waves in order, files sorted."""
    found: dict[int, list[Path]] = {}
    for path in (directory / "bundles").glob("w*/*/*.json*"):
        found.setdefault(int(path.parent.parent.name[1:]), []).append(path)
    return [sorted(found[w]) for w in sorted(found)]


def total_entries(directory: Path) -> int | None:
    """Entries of all Bundles, from the manifest (None without one)."""
    manifest = directory / "manifest.json"
    if not manifest.exists():
        return None
    return sum(int(w["entries"]) for w in orjson.loads(manifest.read_bytes())["waves"])


def read_bundle(path: Path) -> bytes:
    """A Bundle file's JSON (decompressed if it is .json.gz)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _reason(response: httpx.Response) -> str:
    try:
        issues = orjson.loads(response.content).get("issue", [])
        text = issues[0].get("diagnostics") or issues[0].get("code", "")
    except (orjson.JSONDecodeError, AttributeError, IndexError, TypeError):
        text = response.text[:200]
    return f"HTTP {response.status_code}: {str(text)[:300]}"


async def _post(client: httpx.AsyncClient, url: str, body: bytes) -> httpx.Response:
    for attempt in range(RETRIES + 1):
        try:
            response = await client.post(url, content=body, headers=HEADERS)
            if response.status_code not in RETRY_STATUS or attempt == RETRIES:
                return response
        except httpx.TransportError:
            if attempt == RETRIES:
                raise
        await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def _send(
    client: httpx.AsyncClient, url: str, path: Path, summary: LoadSummary, on: OnProgress | None
) -> None:
    body = read_bundle(path)
    count = len(orjson.loads(body).get("entry", []))
    try:
        response = await _post(client, url, body)
        reason = None if response.status_code == 200 else _reason(response)
    except httpx.HTTPError as error:
        reason = f"{type(error).__name__}: {error}"
    summary.bundles += 1
    if reason is None:
        summary.resources += count
    else:
        summary.failed += 1
        summary.errors[reason] += 1
        if len(summary.failures) < 100:
            summary.failures.append((str(path), reason))
    if on is not None:
        on(count)


async def _pool(
    files: list[Path], concurrency: int, send: Callable[[Path], Awaitable[None]]
) -> None:
    """Run `send` over the files with at most `concurrency` at a time."""
    queue: asyncio.Queue[Path] = asyncio.Queue()
    for path in files:
        queue.put_nowait(path)

    async def worker() -> None:
        while not queue.empty():
            await send(queue.get_nowait())

    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))


async def check_server(client: httpx.AsyncClient, base: str) -> None:
    """Fail fast, in Chinese, when the base URL does not answer as a FHIR server."""
    try:
        response = await client.get(f"{base}/metadata", headers={"Accept": HEADERS["Accept"]})
    except httpx.HTTPError as error:
        raise LoadError(f"无法连接 FHIR 服务器 {base}：{error}") from error
    if response.status_code != 200:
        raise LoadError(f"{base}/metadata 返回 HTTP {response.status_code}，不是可用的 FHIR 服务器")


async def load_directory(
    directory: Path,
    base: str,
    *,
    concurrency: int = 4,
    on_progress: OnProgress | None = None,
    timeout: float = 300.0,
) -> LoadSummary:
    """Post every Bundle under directory/bundles to base, wave by wave."""
    summary = LoadSummary()
    started = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        url = base.rstrip("/")
        await check_server(client, url)
        for files in waves(directory):
            await _pool(
                files, concurrency, lambda path: _send(client, url, path, summary, on_progress)
            )
    summary.seconds = time.perf_counter() - started
    return summary


async def load_dicom(
    directory: Path, orthanc: str, *, concurrency: int = 4, on_progress: OnProgress | None = None
) -> LoadSummary:
    """Store every DICOM file under directory/dicom through Orthanc's REST API (/instances)."""
    summary = LoadSummary()
    started = time.perf_counter()
    files = sorted((directory / "dicom").rglob("*.dcm"))
    url = orthanc.rstrip("/") + "/instances"
    async with httpx.AsyncClient(timeout=60.0) as client:

        async def store(path: Path) -> None:
            try:
                response = await client.post(
                    url, content=path.read_bytes(), headers={"Content-Type": "application/dicom"}
                )
                reason = None if response.is_success else f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                reason = f"{type(error).__name__}: {error}"
            summary.bundles += 1
            if reason is None:
                summary.resources += 1
            else:
                summary.failed += 1
                summary.errors[reason] += 1
            if on_progress is not None:
                on_progress(1)

        await _pool(files, concurrency, store)
    summary.seconds = time.perf_counter() - started
    return summary
