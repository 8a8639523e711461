"""Run wrk with bench/wrk/replay.lua over a request file and read back its JSON summary."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

REPLAY = Path(__file__).resolve().parent.parent / "wrk" / "replay.lua"
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class WrkRun:
    """What wrk measured: counts, errors and latency percentiles (in milliseconds)."""

    requests: int
    seconds: float
    non_2xx: dict[str, int]
    socket_errors: int
    entries_ok: int
    latency_ms: dict[str, float]
    first_error: str | None

    @property
    def errors(self) -> int:
        """Every request that did not end in a 2xx answer."""
        return sum(self.non_2xx.values()) + self.socket_errors

    @property
    def per_second(self) -> float:
        """Completed requests per second, the failed ones excluded."""
        return (self.requests - sum(self.non_2xx.values())) / self.seconds


def origin(base: str) -> str:
    """scheme://host:port of a FHIR base URL: what wrk connects to."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def run_wrk(base: str, requests_file: Path, *, clients: int, seconds: float, threads: int = 2,
            entries: bool = False, on_start: Callable[[int], None] | None = None) -> WrkRun:
    """Replay requests_file against base for `seconds` with `clients` connections.

    on_start receives wrk's pid as soon as it runs (to sample its CPU use).
    """
    threads = max(1, min(threads, clients))
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s",
               "-s", str(REPLAY), origin(base), "--", str(requests_file), str(threads)]
    if entries:
        command.append("entries")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        if on_start is not None:
            on_start(process.pid)
        out, err = process.communicate()
    lines = [line for line in out.decode().splitlines() if line.startswith(MARKER)]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode()}{out.decode()}")
    return _parse(orjson.loads(lines[-1][len(MARKER):]))


def _parse(summary: dict[str, Any]) -> WrkRun:
    socket = summary["socket_errors"]
    return WrkRun(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        non_2xx={str(k): int(v) for k, v in (summary.get("statuses") or {}).items()},
        socket_errors=socket["connect"] + socket["read"] + socket["write"] + socket["timeout"],
        entries_ok=summary.get("entries_ok") or 0,
        latency_ms={k: v / 1000 for k, v in summary["latency_us"].items()},
        first_error=summary.get("first_error"),
    )
