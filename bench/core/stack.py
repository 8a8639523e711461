"""A throw-away stack for the benchmark: fresh PostgreSQL, the server on a free port, then stop.

    python bench/core/stack.py --workers 2 -- --clients 16 --duration 20   # run fhir_load.py
    python bench/core/stack.py --workers 2 --hold                          # serve until Ctrl-C

Everything after `--` goes to bench/fhir_load.py, which gets --base and the pids to watch.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "deploy" / "scripts"))

from services import Service, free_port, start_postgres  # noqa: E402

# `hie serve`, whether or not the package is pip-installed.
SERVE = "import sys; from fhir_server.cli import app; app(sys.argv[1:], prog_name='hie')"


@contextmanager
def postgres() -> Iterator[Service]:
    """A fresh PostgreSQL cluster, stopped and deleted afterwards."""
    service = start_postgres()
    try:
        yield service
    finally:
        service.stop()


@contextmanager
def server(database_url: str, workers: int, log: Path) -> Iterator[tuple[str, int]]:
    """`hie serve` with `workers` uvicorn workers; yields (FHIR base, supervisor pid)."""
    port = free_port()
    env = {**os.environ, "HIE_DATABASE_URL": database_url,
           "HIE_BASE_URL": f"http://127.0.0.1:{port}/fhir"}
    command = [sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=out,
                                   start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}/fhir"
        _wait_ready(base, process, log)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the supervisor and workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path,
                timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/metadata", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not come up; its log ends:\n{log.read_text()[-3000:]}")


def _arguments() -> tuple[argparse.Namespace, list[str]]:
    argv = sys.argv[1:]
    rest = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--hold", action="store_true", help="serve until Ctrl-C, run nothing")
    parser.add_argument("--nice", type=int, default=0,
                        help="niceness of the stack's processes and sessions while measuring; "
                             "below 0 (root) keeps other work on a shared machine from skewing")
    return parser.parse_args(own), rest


@contextmanager
def priority(nice: int, pids: list[int]) -> Iterator[None]:
    """Give the sessions of pids (and of this process, where wrk runs) the niceness `nice`.

    With autogroup scheduling (sched(7)) the CPU is shared between sessions first, whatever the
    nice of each process, so the session's own nice, in /proc/<pid>/autogroup, is what counts.
    Ours is put back afterwards; the others end with the stack.
    """
    own = Path(f"/proc/{os.getpid()}/autogroup")
    if not nice or not own.exists():
        yield
        return
    before = own.read_text().split()[-1]
    for pid in [os.getpid(), *pids]:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    try:
        yield
    finally:
        own.write_text(before)


def _postmaster(pg: Service) -> int:
    """The postmaster's pid, from the first line of its pid file (the backends are its children)."""
    return int((pg.folder / "data" / "postmaster.pid").read_text().split()[0])


def _hold(base: str, pid: int, pg: Service) -> int:
    print(f"FHIR base {base} (server pid {pid}); PostgreSQL {pg.url}; Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


def main() -> int:
    """Start the stack, run fhir_load.py against it (or hold it), stop everything."""
    # Stop cleanly on SIGTERM, and on SIGINT even when started in the background (which ignores it).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    args, load_args = _arguments()
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by all that starts from here
    with tempfile.TemporaryDirectory(prefix="hie-bench-") as folder, postgres() as pg:
        log = Path(folder) / "server.log"
        with server(pg.url, args.workers, log) as (base, pid):
            postmaster = _postmaster(pg)
            command = [sys.executable, str(BENCH / "fhir_load.py"), "--base", base,
                       "--server-pid", str(pid), "--postgres-pid", str(postmaster), *load_args]
            with priority(args.nice, [pid, postmaster]):
                if args.hold:
                    return _hold(base, pid, pg)
                code = subprocess.run(command).returncode
            if code not in (0, 1):
                print(f"server log (tail):\n{log.read_text()[-3000:]}", file=sys.stderr)
            return code


if __name__ == "__main__":
    sys.exit(main())
