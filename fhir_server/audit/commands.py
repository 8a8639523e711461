"""`hie audit seal` and `hie audit verify`: the hash chain by hand (messages in Chinese)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import typer
from rich.console import Console

from fhir_server.audit import chain

console = Console(stderr=True)
T = TypeVar("T")


async def _with_pool(dsn: str, work: Callable[[Any], Awaitable[T]]) -> T:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        return await work(pool)
    finally:
        await pool.close()


def add_commands(app: typer.Typer, resolve_dsn: Callable[[], str]) -> None:
    """Add the `audit` command group to app."""
    audit_app = typer.Typer(help="审计日志（哈希链）")
    app.add_typer(audit_app, name="audit")

    @audit_app.command("seal")
    def seal() -> None:
        """把已提交的审计事件接入哈希链。"""
        sealed = asyncio.run(_with_pool(resolve_dsn(), chain.seal_all))
        console.print(f"[green]已封存 {sealed} 条审计事件[/]")

    @audit_app.command("verify")
    def verify() -> None:
        """逐条重算审计哈希链，发现被修改、删除或调换顺序的审计事件。"""
        verdict = asyncio.run(_with_pool(resolve_dsn(), chain.verify))
        for problem in verdict.problems:
            console.print(f"[red]✗ {problem}[/]")
        console.print(f"已校验 {verdict.checked} 条，尚未封存 {verdict.unsealed} 条")
        if not verdict.intact:
            console.print("[red]审计链已被篡改[/]")
            raise typer.Exit(1)
        console.print("[green]审计链完整[/]")
