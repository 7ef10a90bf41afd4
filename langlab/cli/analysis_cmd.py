"""``langlab eval`` (stored models on new length bins) and ``langlab probe`` (linear probes
from a model's layers to the language's trace, beside a randomly initialised control)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_cmd(
        run_dir: Path = typer.Argument(..., help="A run folder with weights (made by langlab run)."),
        test: list[str] = typer.Option([], "--test", help="A new bin LO-HI[:SIZE]; repeatable."),
        language: Optional[str] = typer.Option(None, "--language", help="Only this language's runs."),
        negatives: Optional[str] = typer.Option(
            None, "--negatives", help="recognition: permuted = the bins' negatives are members "
            "with transposed symbols (same length and symbol counts)."),
    ):
        """Score the stored models on new length bins (drawn leakage-free, outside the training
        lengths); the bins join the store and become columns of `langlab report`."""
        from langlab.harness.evaluate import eval_run

        summary = eval_run(run_dir, test, language, negatives=negatives)
        for s in summary:
            typer.echo(f"{s['language']:<14} {s['column']:<12} seed {s['seed']}  {s['split']:<14}"
                       f" {100 * s['accuracy']:5.1f}%  ({s['n']} strings)")
        typer.echo(f"stored in {run_dir}/results.sqlite   report: langlab report {run_dir}")

    @app.command()
    def probe(
        run_dir: Path = typer.Argument(..., help="A run folder with weights (made by langlab run)."),
        language: Optional[str] = typer.Option(None, "--language", help="Only this language's runs."),
        target: list[str] = typer.Option([], "--target", help="state, counter, depth, depth-ratio, "
                                         "top, block or phase (default: all the language has)."),
        layer: Optional[int] = typer.Option(None, "--layer", help="Only this layer (1 = first)."),
        strings: int = typer.Option(2000, "--strings", help="Strings per split (at most)."),
    ):
        """Linear probes (scikit-learn) from each layer to the language's trace, fitted on
        training-length strings, scored on every test bin, beside a random-init control."""
        from langlab.harness.probe import probe_folder

        rows = probe_folder(run_dir, language, list(target) or None, layer, strings)
        runs = len({r["run_key"] for r in rows})
        typer.echo(f"{len(rows)} probe scores of {runs} runs stored in {run_dir}/results.sqlite"
                   f"   report: langlab report {run_dir}")
