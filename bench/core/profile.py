"""Sample the server's Python processes with py-spy during a scenario and list the hot spots.

py-spy (`pip install py-spy`) writes collapsed stacks ("frame;frame;… count"), which
speedscope.app and flamegraph.pl open as they are. Idle samples are left out, so the
figures are shares of the time the server spent on the CPU.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.cpu import process_tree

__all__ = ["Recording", "hot_spots", "start"]

_LINE = re.compile(r":\d+\)$")  # "f (file.py:12)" → "f (file.py)": one entry per function


@dataclass
class Recording:
    """py-spy processes at work, and the files they write."""

    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def wait(self) -> list[Path]:
        """Wait for every py-spy to finish; the files written."""
        for process in self.processes:
            process.wait()
        return [f for f in self.files if f.exists()]


def start(roots: list[int], seconds: float, folder: Path, label: str) -> Recording:
    """Begin `py-spy record` on every process under roots, for `seconds`."""
    folder.mkdir(parents=True, exist_ok=True)
    recording = Recording()
    for pid in sorted(process_tree(roots)):
        out = folder / f"{label}-{pid}.txt"
        command = ["py-spy", "record", "--pid", str(pid), "--duration", f"{seconds:.0f}",
                   "--rate", "100", "--nonblocking", "--format", "raw", "--output", str(out)]
        recording.processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                                    stderr=subprocess.DEVNULL))
        recording.files.append(out)
    return recording


def _stacks(files: Iterable[Path]) -> Iterable[tuple[list[str], int]]:
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                yield [_LINE.sub(")", frame) for frame in stack.split(";")], int(count)


def _package(frame: str) -> str:
    """'f (fastapi/routing.py)' → 'fastapi'; the standard library shows as its module."""
    path = frame.rpartition(" (")[2].rstrip(")")
    return path.split("/")[0].removesuffix(".py") if "/" in path else path.removesuffix(".py")


def hot_spots(files: list[Path], top: int = 15) -> str:
    """Markdown: self time by package and by function, then inclusive time of our code."""
    own, within, packages, total = Counter[str](), Counter[str](), Counter[str](), 0
    for frames, count in _stacks(files):
        total += count
        own[frames[-1]] += count
        packages[_package(frames[-1])] += count
        for frame in set(frames):
            within[frame] += count
    if not total:
        return "(no samples: is py-spy installed and allowed to ptrace?)"
    lines = [f"{total:,} samples (100 Hz, all workers)", "", "Self time by package:"]
    lines += [f"- {100 * n / total:4.1f}% {name}" for name, n in packages.most_common(8)]
    lines += ["", "Self time:"]
    lines += [f"- {100 * n / total:4.1f}% {frame}" for frame, n in own.most_common(top)]
    lines += ["", "Inclusive time (fhir_server, asyncpg and orjson frames):"]
    ours = [(f, n) for f, n in within.most_common() if re.search(r"fhir_server|asyncpg|orjson", f)]
    lines += [f"- {100 * n / total:4.1f}% {frame}" for frame, n in ours[:top]]
    return "\n".join(lines)
