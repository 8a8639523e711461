"""The embedded PostgreSQL of the zero-configuration platform (the `pgserver` wheel)."""

from __future__ import annotations

from pathlib import Path


def embedded_dsn(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL kept under data_dir and return its DSN."""
    from pgserver import get_server  # type: ignore[attr-defined]

    folder = (data_dir / "postgres").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = get_server(str(folder), cleanup_mode=None)
    return str(server.get_uri())
