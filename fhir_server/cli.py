"""The `hie` command: serve the platform, migrate, run workers, reindex."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from fhir_server.settings import get_settings

app = typer.Typer(help="regional-hie 区域健康信息平台命令行", no_args_is_help=True)
db_app = typer.Typer(help="数据库管理")
app.add_typer(db_app, name="db")
console = Console(stderr=True)


def resolve_dsn() -> str:
    """The configured database, or the embedded PostgreSQL under HIE_DATA_DIR."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    from fhir_server.storage.embedded import embedded_dsn

    console.print(f"[yellow]使用内置 PostgreSQL，数据目录：{settings.data_dir.resolve()}[/]")
    return embedded_dsn(settings.data_dir)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到最新版本。"""
    from fhir_server.storage.migrate import upgrade

    upgrade(resolve_dsn())
    console.print("[green]数据库已是最新版本[/]")


def _prepare(host: str, port: int) -> None:
    """Migrate the database and point every server process at it."""
    from fhir_server.storage.migrate import upgrade

    dsn = resolve_dsn()
    upgrade(dsn)
    os.environ["HIE_DATABASE_URL"] = dsn
    get_settings.cache_clear()
    if not get_settings().broker_url:
        console.print("[yellow]未配置 HIE_BROKER_URL：后台任务在进程内执行[/]")
    console.print(f"[green]FHIR 服务地址：http://{host}:{port}/fhir[/]")
    # Token validation (issue 7) is not built yet: every server runs in development mode.
    console.print("[bold red]开发模式：未启用身份认证，任何人都可读写全部数据；"
                  "每条审计事件都标注为开发模式。请勿用于真实居民数据。[/]")


def _run_server(host: str, port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "fhir_server.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8080, workers: int = 1) -> None:
    """启动平台（FHIR 服务位于 /fhir）。"""
    _prepare(host, port)
    _run_server(host, port, workers)


@app.command()
def demo(host: str = "127.0.0.1", port: int = 8080, patients: int = 300) -> None:
    """启动平台并载入一个小型示例县域（首次启动时），然后持续提供服务。"""
    import threading

    from fhir_server.demo import load_when_ready

    _prepare(host, port)
    base = f"http://{host}:{port}/fhir"
    threading.Thread(target=load_when_ready, args=(base, patients, console), daemon=True).start()
    _run_server(host, port, 1)


@app.command()
def worker(concurrency: int = 2) -> None:
    """启动 Celery 后台任务进程（需要 HIE_BROKER_URL）。"""
    from fhir_server.jobs.app import celery_app

    celery_app.worker_main(["worker", f"--concurrency={concurrency}", "--loglevel=INFO"])


@app.command()
def reindex(
    resource_type: str = typer.Option(None, "--type", help="只重建该资源类型"),
    job: str = typer.Option(None, "--job", help="继续一个未完成的重建任务（任务编号）"),
) -> None:
    """重建检索索引（从 PostgreSQL 中的资源重新计算），显示进度；中断后可用 --job 继续。"""
    from fhir_server.jobs.reindex import run_reindex_job

    dsn = resolve_dsn()
    with _progress_bar() as (bar, show):
        done = asyncio.run(run_reindex_job(dsn, resource_type, job, show))
    if done is None:
        console.print("[red]该任务不存在，或正在别处运行[/]")
        raise typer.Exit(1)
    if done.state != "done":
        console.print(f"[red]任务 {done.id} 失败：{done.error}[/]")
        raise typer.Exit(1)
    console.print(f"[green]已重建 {done.done} 个资源的索引（任务 {done.id}）[/]")


@contextmanager
def _progress_bar() -> Iterator[tuple[Any, Callable[[int, int | None], None]]]:
    """A rich progress bar and the callback that moves it (done of total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("重建索引", total=None)

        def show(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield bar, show


def _register_commands() -> None:
    """Add the audit commands, and those other packages publish in `regional_hie.commands`."""
    from importlib.metadata import entry_points

    from fhir_server.audit.commands import add_commands

    add_commands(app, resolve_dsn)

    for ep in entry_points(group="regional_hie.commands"):
        ep.load()(app)


_register_commands()


if __name__ == "__main__":
    app()
