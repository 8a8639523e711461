"""Start real PostgreSQL and Redis (Debian's packages) in a temporary folder, on free ports.

Used by the test suite and the benchmarks; also runnable by hand:
    python deploy/scripts/services.py   # starts both, prints the URLs, stops on Ctrl-C
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    return found[-1]


@dataclass
class Service:
    """A running service: its URL and how to stop it."""

    url: str
    folder: Path
    process: subprocess.Popen[bytes] | None = None
    stop_command: list[str] | None = None

    def stop(self) -> None:
        """Stop the server, wait until it has exited, and remove its folder."""
        if self.stop_command is not None:
            subprocess.run(self.stop_command, capture_output=True, timeout=60)
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_postgres(settings: dict[str, str] | None = None) -> Service:
    """initdb a fresh cluster in a temp folder and start it on a free port (no TCP password)."""
    folder = Path(tempfile.mkdtemp(prefix="hie-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = {
        "port": str(port),
        "listen_addresses": "'127.0.0.1'",
        "max_connections": "300",
        "shared_buffers": "512MB",
        "unix_socket_directories": f"'{folder}'",
        **(settings or {}),
    }
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.writelines(f"{k} = {v}\n" for k, v in options.items())
    pg_ctl = [_pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log")]
    subprocess.run(
        _as_postgres([*pg_ctl, "-w", "-t", "60", "start"]), check=True, capture_output=True
    )
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return Service(url, folder, stop_command=_as_postgres([*pg_ctl, "-m", "fast", "-w", "stop"]))


def start_redis() -> Service:
    """Start redis-server on a free port with no persistence."""
    folder = Path(tempfile.mkdtemp(prefix="hie-redis-"))
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(lambda: _answers(port), "Redis")
    return Service(f"redis://127.0.0.1:{port}/0", folder, process)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _wait(ready: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f}s")


if __name__ == "__main__":
    pg, redis = start_postgres(), start_redis()
    print(f"HIE_DATABASE_URL={pg.url}\nHIE_BROKER_URL={redis.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        pg.stop()
        redis.stop()
