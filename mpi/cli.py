"""`hie mpi ...`: the master patient index's commands (Simplified Chinese for the operator)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mpi.evaluate.linkage import evaluate

mpi_app = typer.Typer(help="主索引（EMPI）：患者匹配与评估", no_args_is_help=True)
console = Console()


@mpi_app.callback()
def mpi_group() -> None:
    """主索引（EMPI）命令。"""


@mpi_app.command("evaluate")
def evaluate_command(
    county: Annotated[Path, typer.Argument(help="hie synth 的输出目录（含真值文件）")],
    em: Annotated[bool, typer.Option("--em/--no-em", help="用 EM 从数据估计 m 概率")] = False,
) -> None:
    """对合成县域的全部患者记录做分块、比对和判定，并按真值计算质量指标。"""
    if not (county / "truth").is_dir():
        console.print(f"[red]找不到真值目录：{county / 'truth'}（先运行 hie synth）[/red]")
        raise typer.Exit(2)
    report = evaluate(county, use_em=em)
    b = report.blocking
    console.print(
        f"记录数 {b.records:,}，真实同人对 {b.true_pairs:,}，候选对 {b.candidate_pairs:,}"
    )
    console.print(f"分块完整率 {b.pairs_completeness:.4%}，压缩率 {b.reduction_ratio:.6%}")
    console.print(
        f"精确率 {report.precision:.4%}，召回率 {report.recall:.4%}，F1 {report.f1:.4%}，"
        f"待人工审核 {report.possible:,} 对"
    )
    for stage, seconds in report.seconds.items():
        console.print(f"  {stage}: {seconds:.2f} 秒")


def register(app: typer.Typer) -> None:
    """Add `mpi` to a Typer app (the platform's `hie`)."""
    app.add_typer(mpi_app, name="mpi")
