"""``langlab data``: build a language's length-generalization dataset and export it as JSON Lines.

    langlab data parity --task next-symbol --out data/parity
    langlab data dyck-1 --task recognition --train 1-40:5000 --test 41-80:1000 \
        --test 81-160:1000 --out d1
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("data")
    def data(
        name: str = typer.Argument(..., help="Language name or YAML file."),
        task: str = typer.Option("next-symbol", "--task", help="next-symbol or recognition."),
        out: Path = typer.Option(..., "--out", help="Folder for the .jsonl files and spec.yaml."),
        train: Optional[str] = typer.Option(
            None, "--train", help="LO-HI:SIZE (default 1-50:10000)."),
        validation: Optional[str] = typer.Option(
            None, "--validation", help="LO-HI:SIZE (default 1-50:1000)."),
        test: list[str] = typer.Option(
            [], "--test", help="LO-HI:SIZE, repeatable (default 1-50, 51-100, 101-150 : 2000)."),
        distribution: str = typer.Option("uniform", "--distribution",
                                         help="uniform or a language's named sampler (paper)."),
        seed: int = typer.Option(0, "--seed"),
        target_mode: str = typer.Option("exact", "--target-mode", help="exact or paper."),
        aux_targets: bool = typer.Option(
            True, "--next/--no-next", help="recognition: next-symbol sets on positives."),
        edit_fraction: float = typer.Option(
            0.5, "--edit-fraction", help="recognition: share of negatives made by edits."),
        cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Dataset cache folder."),
        grammars: list[Path] = typer.Option(
            [], "--grammars", help="Extra folder of language YAML files."),
    ):
        """Build a dataset and write one JSON Lines file per split plus spec.yaml."""
        from langlab.data import LengthBin, SplitSpec, make_spec
        from langlab.data.export import export_dataset
        from langlab.languages.registry import load_language
        from langlab.tasks import build_dataset, task_class

        lang = load_language(name, [str(g) for g in grammars] or None)
        default = SplitSpec()
        spec = make_spec(
            train=LengthBin.parse(train) if train else default.train,
            validation=LengthBin.parse(validation) if validation else default.validation,
            test=[LengthBin.parse(t) for t in test] if test else default.test,
            distribution=distribution, seed=seed)
        flags = {"aux_targets": aux_targets, "edit_fraction": edit_fraction}
        options = {k: v for k, v in flags.items() if k in task_class(task).data_options}
        ds = build_dataset(lang, task, spec, target_mode=target_mode, cache_dir=cache_dir,
                           **options)
        export_dataset(ds, out)
        for s in ds.splits.values():
            typer.echo(f"{out / (s.name + '.jsonl')}: {len(s)} strings ({s.n_distinct} distinct), "
                       f"lengths {s.bin}")
            for note in s.notes:
                typer.echo(f"    note: {note}")
        typer.echo(f"{out / 'spec.yaml'}")
