"""Shared fixtures: real PostgreSQL and Redis, and the platform served by uvicorn."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "deploy" / "scripts"))

import services  # noqa: E402


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster, migrated to the latest schema."""
    from fhir_server.storage.migrate import upgrade

    service = services.start_postgres()
    try:
        upgrade(service.url)
        yield service.url
    finally:
        service.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A fresh Redis server."""
    service = services.start_redis()
    yield service.url
    service.stop()


@pytest.fixture(scope="session")
def elasticsearch() -> Iterator[str]:
    """A fresh single-node Elasticsearch (Maven Central's zip; starting takes a minute or two)."""
    service = services.start_elasticsearch()
    yield service.url
    service.stop()


def _serve(
    dsn: str, broker: str, extra_env: dict[str, str] | None = None, log_level: str = "warning"
) -> tuple[subprocess.Popen[bytes], str]:
    port = services.free_port()
    env = {
        **os.environ,
        "HIE_DATABASE_URL": dsn,
        "HIE_BROKER_URL": broker,
        "HIE_MAX_BODY_BYTES": str(2 * 1024 * 1024),
        **(extra_env or {}),
    }
    log = open(Path(services.tempfile.gettempdir()) / f"hie-server-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "fhir_server.api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            log_level,
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}/fhir"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/metadata", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server exited; see {log.name}")
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="session")
def fhir_base(postgres: str, redis_url: str) -> Iterator[str]:
    """The FHIR base URL of a running platform on the real services."""
    process, base = _serve(postgres, redis_url)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def elastic_fhir_base(postgres: str, redis_url: str, elasticsearch: str) -> Iterator[str]:
    """A second platform on the same services whose `_text`/`_content` use Elasticsearch."""
    process, base = _serve(postgres, redis_url, {"HIE_ELASTICSEARCH_URL": elasticsearch})
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture()
def client(fhir_base: str) -> Iterator[httpx.Client]:
    """An HTTP client on the FHIR base, speaking FHIR JSON."""
    with httpx.Client(
        base_url=fhir_base, timeout=30, headers={"Accept": "application/fhir+json"}
    ) as c:
        yield c
