"""`hie mpi evaluate` over a generated county prints the quality figures in Chinese."""

from pathlib import Path

from typer.testing import CliRunner

from fhir_server.cli import app
from synthdata.config import SynthConfig
from synthdata.pipeline import generate


def test_hie_mpi_evaluate_reports_blocking_and_linkage_quality(tmp_path: Path) -> None:
    generate(SynthConfig(patients=300, seed=7, out=tmp_path, workers=1, dicom=False), force=True)
    result = CliRunner().invoke(app, ["mpi", "evaluate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "分块完整率" in result.output and "精确率" in result.output
    completeness = result.output.split("分块完整率 ")[1].split("%")[0]
    assert float(completeness) >= 99.0


def test_hie_mpi_evaluate_refuses_a_directory_without_truth(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["mpi", "evaluate", str(tmp_path)])
    assert result.exit_code == 2
    assert "找不到真值目录" in result.output
