"""Who used the CPU during a scenario: the server, PostgreSQL, the load generator, everyone else.

Reads /proc (Linux only). A group is a set of root pids and all their descendants, so a
uvicorn supervisor brings its workers and a postmaster its backends. Figures are percent of
one core: on a 2-core machine the whole machine is 200 %.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _process_table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, CPU ticks used so far) for every live process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


def _descendants(roots: Iterable[int], table: dict[int, tuple[int, int]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [pid for pid in roots if pid in table]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, ()))
    return found


def process_tree(roots: Iterable[int]) -> set[int]:
    """The live processes among roots and all their descendants."""
    return _descendants(roots, _process_table())


def _machine_busy_ticks() -> int:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4]  # all time but idle and iowait


@dataclass
class CpuSampler:
    """Sample the groups' CPU ticks in a background thread between start() and stop()."""

    groups: dict[str, list[int]]
    interval: float = 0.5
    _baseline: dict[int, int] = field(default_factory=dict)
    _latest: dict[str, dict[int, int]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: tuple[float, int] = (0.0, 0)

    def start(self) -> None:
        """Take the baseline and begin sampling."""
        self._baseline = {pid: ticks for pid, (_, ticks) in _process_table().items()}
        self._latest = {name: {} for name in self.groups}
        self._started = (time.monotonic(), _machine_busy_ticks())
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        table = _process_table()
        for name, roots in self.groups.items():
            for pid in _descendants(roots, table):
                self._latest[name][pid] = table[pid][1]

    def stop(self) -> dict[str, float]:
        """Stop sampling; percent of one core per group, plus 'machine' and 'other'."""
        self._sample()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        seconds = time.monotonic() - self._started[0]
        usage = {name: self._percent(sum(t - self._baseline.get(pid, 0) for pid, t in seen.items()),
                                     seconds) for name, seen in self._latest.items()}
        usage["machine"] = self._percent(_machine_busy_ticks() - self._started[1], seconds)
        usage["other"] = max(0.0, usage["machine"] - sum(usage[name] for name in self.groups))
        return usage

    @staticmethod
    def _percent(ticks: int, seconds: float) -> float:
        return 100.0 * ticks / TICKS / seconds if seconds > 0 else 0.0


def listening_pids(port: int) -> list[int]:
    """The pids holding a listening TCP socket on `port` (the server when it runs here)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    return [pid for pid in _pids() if inodes & _socket_links(pid)]


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _socket_links(pid: int) -> set[str]:
    links = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                links.add(os.readlink(fd))
            except OSError:  # closed meanwhile
                continue
    except OSError:  # the process is gone, or not ours to inspect
        pass
    return links
