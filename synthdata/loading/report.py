"""Progress bars and summaries for people, in Chinese (rich, on stderr)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from synthdata.loading.loader import LoadSummary

console = Console(stderr=True)


@contextmanager
def bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar; the callback advances it by a number of units."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


@contextmanager
def absolute_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A progress bar driven by (done, total) updates."""
    with bar(label, total) as advance:
        state = {"done": 0}

        def update(done: int, _total: int) -> None:
            advance(done - state["done"])
            state["done"] = done

        yield update


def generation_table(manifest: dict[str, Any], seconds: float, size: int) -> Table:
    """What a generation run wrote."""
    table = Table(title="合成县域数据已生成", show_header=False)
    table.add_row("居民", f"{manifest['patients']:,}")
    counts = (manifest["villages"], manifest["facilities"], manifest["practitioners"])
    table.add_row("村（社区）/ 机构 / 医务人员", " / ".join(f"{n:,}" for n in counts))
    table.add_row("FHIR 资源", f"{sum(manifest['resources'].values()):,}")
    table.add_row(
        "事务 Bundle",
        f"{sum(w['bundles'] for w in manifest['waves']):,}（{len(manifest['waves'])} 个批次）",
    )
    dicom = manifest["dicom"]
    table.add_row("DICOM 检查 / 文件", f"{dicom['studies']:,} / {dicom['files']:,}")
    table.add_row("用时", f"{seconds:.1f} 秒")
    table.add_row("输出大小", f"{size / 1e6:,.1f} MB")
    return table


def load_table(summary: LoadSummary, what: str = "资源") -> Table:
    """What a load did, with the reasons of failures."""
    table = Table(title="加载结果", show_header=False)
    table.add_row("请求", f"{summary.bundles:,}（失败 {summary.failed:,}）")
    table.add_row(f"写入{what}", f"{summary.resources:,}")
    table.add_row("用时", f"{summary.seconds:.1f} 秒")
    table.add_row("速度", f"{summary.rate:,.0f} {what}/秒")
    for reason, count in summary.errors.most_common(10):
        table.add_row(f"[red]错误 ×{count}", reason)
    return table
