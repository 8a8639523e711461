"""A PostgreSQL cluster kept on disk for the search benchmark: made once, started for each run.

deploy/scripts/services.py makes throw-away clusters in temp folders; the search datasets take
minutes to load, so theirs live in a folder of their own (e.g. /tmp/bench-search/large/pg) and
only the port changes from run to run. Same binaries and settings as services.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from services import _as_postgres, _pg_bin, free_port

# What services.start_postgres sets, so the figures compare with the other benchmarks.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "300",
    "shared_buffers": "512MB",
}
# Only while loading: a crash then means loading again, never a wrong figure.
LOADING = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
           "maintenance_work_mem": "512MB", "max_wal_size": "8GB", "autovacuum": "off"}


@dataclass(frozen=True)
class Cluster:
    """The cluster in `folder`/data; its log is `folder`/server.log."""

    folder: Path

    @property
    def data(self) -> Path:
        """The data directory."""
        return self.folder / "data"

    def exists(self) -> bool:
        """Whether initdb has run here."""
        return (self.data / "PG_VERSION").exists()

    def create(self) -> None:
        """initdb a new cluster (the folder must not hold one)."""
        if self.exists():
            raise RuntimeError(f"{self.data} already holds a cluster")
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True)
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in SETTINGS.items())
            conf.write(f"unix_socket_directories = '{self.folder}'\n")

    def postmaster(self) -> int:
        """The running postmaster's pid (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    @contextmanager
    def running(self, settings: dict[str, str] | None = None) -> Iterator[str]:
        """Start on a free port with extra `settings` (-c name=value); yield the URL; stop."""
        port = free_port()
        chosen = {"port": str(port), **(settings or {})}
        options = " ".join(f"-c {k}={v}" for k, v in chosen.items())
        pg_ctl = [_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log")]
        subprocess.run(_as_postgres([*pg_ctl, "-o", options, "-w", "-t", "120", "start"]),
                       check=True, capture_output=True)
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(_as_postgres([*pg_ctl, "-m", "fast", "-w", "-t", "300", "stop"]),
                           capture_output=True, timeout=330)
