"""`hie demo`: once the server answers, load a small synthetic county if it holds no residents.

The loader is whatever the installed packages publish in the `regional_hie.demo` entry-point
group (the synthetic county of `synthdata`), so the core imports no data generator itself.
"""

from __future__ import annotations

import time
from importlib.metadata import entry_points
from typing import Any

import httpx


def _wait_until_up(base: str, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/metadata", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def _residents(base: str) -> int:
    found = httpx.get(f"{base}/Patient", params={"_summary": "count"}, timeout=30).json()
    return int(found.get("total", 0))


def _said(summary: Any) -> str:
    resources, failed = getattr(summary, "resources", "?"), getattr(summary, "failed", 0)
    seconds = float(getattr(summary, "seconds", 0.0))
    colour = "green" if not failed else "yellow"
    said = f"示例县域已载入：{resources} 个资源，失败 {failed} 个，用时 {seconds:.1f} 秒"
    return f"[{colour}]{said}[/]"


def load_when_ready(base: str, patients: int, console: Any) -> None:
    """Wait for the server, load the demo county unless residents exist, say where to look."""
    if not _wait_until_up(base):
        console.print("[red]平台未能在两分钟内启动，未载入示例数据[/]")
        return
    if _residents(base) == 0:
        loaders = list(entry_points(group="regional_hie.demo"))
        if not loaders:
            console.print("[yellow]未安装示例数据生成器（synthdata），跳过示例数据[/]")
        for loader in loaders:
            summary = loader.load()(base, patients=patients)
            console.print(_said(summary))
    count = _residents(base)
    console.print(
        f"[bold green]平台已就绪：共有 {count} 份患者档案（各机构的 Patient 记录）。[/]\n"
        f"  FHIR 接口：{base}\n"
        f"  能力声明：{base}/metadata\n"
        f"  居民列表：{base}/Patient?_count=10\n"
        f"  接口文档：{base.rsplit('/fhir', 1)[0]}/docs\n"
        "按 Ctrl-C 停止。"
    )
