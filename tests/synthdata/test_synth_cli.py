"""The `synth` and `load` commands, standalone and registered into another Typer app."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer
from typer.testing import CliRunner

from synthdata.cli import app, register


def test_synth_command_writes_a_county(tmp_path: Path) -> None:
    out = tmp_path / "county"
    result = CliRunner().invoke(
        app, ["synth", "--patients", "40", "--seed", "3", "--out", str(out), "--no-dicom"]
    )
    assert result.exit_code == 0, result.output
    manifest = orjson.loads((out / "manifest.json").read_bytes())
    assert manifest["patients"] == 40 and manifest["dicom"]["files"] == 0
    again = CliRunner().invoke(app, ["synth", "--patients", "40", "--out", str(out)])
    assert again.exit_code == 1 and "不为空" in again.output


def test_register_adds_both_commands() -> None:
    host = typer.Typer()

    @host.command()
    def serve() -> None:
        """A stand-in for the platform's own commands."""

    register(host)
    result = CliRunner().invoke(host, ["--help"])
    assert result.exit_code == 0 and "synth" in result.output and "load" in result.output


def test_load_reports_an_unreachable_server(tmp_path: Path) -> None:
    out = tmp_path / "county"
    CliRunner().invoke(app, ["synth", "-n", "5", "--out", str(out), "--no-dicom"])
    result = CliRunner().invoke(app, ["load", str(out), "--base", "http://127.0.0.1:9/fhir"])
    assert result.exit_code == 1 and "无法连接" in result.output
