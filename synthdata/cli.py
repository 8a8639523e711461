"""`synth` and `load`: generate a synthetic county, and push it to a FHIR server.

`app` runs them standalone (`python -m synthdata`); `register(app)` adds them to the
platform's `hie` command through the `regional_hie.commands` entry point.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated

import orjson
import typer

from synthdata.config import FaultRates, SynthConfig
from synthdata.loading.report import console

AUTO_GZIP = 100_000


GZIP_HELP = f"gzip 压缩 Bundle、NDJSON 和真值文件（默认 {AUTO_GZIP:,} 人以上压缩）"
FAULTS_HELP = "数据缺陷概率 JSON：{缺陷: [村, 乡, 县, 登记机构]}"
SCALE_HELP = "所有缺陷概率的倍数（0 表示无缺陷）"
DIRECTORY_HELP = "synth 的输出目录"


def synth(
    patients: Annotated[int, typer.Option("--patients", "-n", min=1, help="居民人数")] = 1000,
    seed: Annotated[int, typer.Option(help="随机种子：相同种子生成完全相同的文件")] = 1,
    out: Annotated[Path, typer.Option(help="输出目录")] = Path("synthetic-county"),
    workers: Annotated[int, typer.Option(min=0, help="工作进程数（0 表示 CPU 核数）")] = 0,
    dicom: Annotated[bool, typer.Option("--dicom/--no-dicom", help="是否生成 DICOM 影像")] = True,
    gzip: Annotated[bool | None, typer.Option("--gzip/--no-gzip", help=GZIP_HELP)] = None,
    faults: Annotated[Path | None, typer.Option(help=FAULTS_HELP)] = None,
    fault_scale: Annotated[float, typer.Option(min=0.0, help=SCALE_HELP)] = 1.0,
    force: Annotated[bool, typer.Option(help="输出目录不为空时先清空")] = False,
) -> None:
    """生成合成县域数据：各机构的 FHIR 事务 Bundle、NDJSON、DICOM 影像和真值文件。"""
    from synthdata.loading.report import absolute_bar, generation_table
    from synthdata.pipeline import generate

    table = orjson.loads(faults.read_bytes()) if faults else {}
    config = SynthConfig(
        patients,
        seed,
        out,
        workers,
        dicom,
        patients >= AUTO_GZIP if gzip is None else gzip,
        FaultRates.from_mapping(table, fault_scale),
    )
    started = time.perf_counter()
    try:
        with absolute_bar("生成居民档案", patients) as update:
            manifest = generate(config, update, force)
    except FileExistsError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    console.print(generation_table(manifest, seconds, size))
    console.print(f"[green]输出目录：{out.resolve()}")


def load(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help=DIRECTORY_HELP)],
    base: Annotated[str, typer.Option(help="FHIR 服务地址")] = "http://127.0.0.1:8080/fhir",
    concurrency: Annotated[int, typer.Option(min=1, help="并发请求数")] = 4,
    dicom_url: Annotated[str | None, typer.Option(help="Orthanc 地址：同时上传 DICOM")] = None,
) -> None:
    """按批次把合成数据的事务 Bundle 推送到 FHIR 服务器（像各机构 HIS 一样）。"""
    from synthdata.loading.loader import LoadError, load_dicom, load_directory, total_entries
    from synthdata.loading.report import bar, load_table

    try:
        with bar("推送 FHIR 资源", total_entries(directory)) as advance:
            summary = asyncio.run(
                load_directory(directory, base, concurrency=concurrency, on_progress=advance)
            )
    except LoadError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1) from error
    console.print(load_table(summary))
    if dicom_url:
        files = sum(1 for _ in (directory / "dicom").rglob("*.dcm"))
        with bar("上传 DICOM", files) as advance:
            stored = asyncio.run(
                load_dicom(directory, dicom_url, concurrency=concurrency, on_progress=advance)
            )
        console.print(load_table(stored, "DICOM 文件"))
        summary.failed += stored.failed
    if not summary.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `synth` and `load` to a Typer app (the platform's `hie`)."""
    app.command("synth")(synth)
    app.command("load")(load)


app = typer.Typer(help="合成县域数据：生成与加载", no_args_is_help=True)
register(app)
