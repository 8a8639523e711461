"""`python -m synthdata synth …` / `load …` without the platform installed."""

from synthdata.cli import app

app()
