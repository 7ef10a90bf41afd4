"""``langlab report``: the capability table, plots and HTML page of a run folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        run_dir: Path = typer.Argument(..., help="A run folder (made by langlab run)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: RUN_DIR/report)."),
        grammars: list[Path] = typer.Option([], "--grammars", help="Extra folder of language YAML files."),
        no_plots: bool = typer.Option(False, "--no-plots", help="Tables only (faster)."),
    ):
        """Write table.md, table.csv, results.json, index.html and plots/ from stored results."""
        from langlab.report import make_report

        out_dir = make_report(run_dir, out, tuple(str(g) for g in grammars), plots=not no_plots)
        typer.echo(f"report: {out_dir}/index.html")
