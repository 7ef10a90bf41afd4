"""``langlab data``: build a language's length-generalization dataset and export it as JSON Lines;
``langlab data-import``: read a peer's data files instead, check every string, export the same.

    langlab data parity --task next-symbol --out data/parity
    langlab data dyck-1 --task recognition --train 1-40:5000 --test 41-80:1000 \
        --test 81-160:1000 --out d1
    langlab data-import flare ../shared/external/flare/parity --language flare/parity \
        --task recognition --validation 1000 --out d2

(``data-import`` is a command of its own: ``data`` takes a language name as its argument, so
``data import`` would read as the language ``import``.)
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
        negatives: str = typer.Option(
            "langlab", "--negatives", help="recognition: langlab or flare (Butoi et al. 2025; "
            "each example records its edit count)."),
        edit_p: float = typer.Option(
            0.5, "--edit-p", help="recognition, --negatives flare: the Geometric parameter of "
            "the number of edits."),
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
        if negatives != "langlab" or edit_p != 0.5:   # given: today's options stay as they were
            flags.update(negatives=negatives, edit_p=edit_p)
        options = {k: v for k, v in flags.items() if k in task_class(task).data_options}
        ds = build_dataset(lang, task, spec, target_mode=target_mode, cache_dir=cache_dir,
                           **options)
        export_dataset(ds, out)
        _report(ds, out)

    register_import(app)


def _report(ds, out: Path) -> None:
    for s in ds.splits.values():
        typer.echo(f"{out / (s.name + '.jsonl')}: {len(s)} strings ({s.n_distinct} distinct), "
                   f"lengths {s.bin}")
        for note in s.notes:
            typer.echo(f"    note: {note}")
    typer.echo(f"{out / 'spec.yaml'}")


def register_import(app: typer.Typer) -> None:
    @app.command("data-import")
    def data_import(
        fmt: str = typer.Argument(..., metavar="FORMAT",
                                  help="bhattamishra2020, flare or jsonl."),
        folder: Path = typer.Argument(..., help="The folder of data files."),
        language: str = typer.Option(..., "--language", help="Language name or YAML file."),
        task: str = typer.Option("next-symbol", "--task", help="next-symbol or recognition."),
        out: Path = typer.Option(..., "--out", help="Folder for the .jsonl files and spec.yaml."),
        validation: int = typer.Option(
            0, "--validation", help="Training strings to hold out as validation where the "
                                    "files have no validation split (0: validate on train)."),
        seed: int = typer.Option(0, "--seed", help="Which strings --validation holds out."),
        target_mode: str = typer.Option("exact", "--target-mode", help="exact or paper."),
        aux_targets: bool = typer.Option(
            True, "--next/--no-next", help="recognition: next-symbol sets on positives."),
        grammars: list[Path] = typer.Option(
            [], "--grammars", help="Extra folder of language YAML files."),
    ):
        """Read a folder of data files, check every string against the language, print each
        split's counts and notes, and write langlab's JSON Lines export."""
        from langlab.data import make_spec
        from langlab.data.export import export_dataset
        from langlab.data.spec import FileSource
        from langlab.errors import LanglabError
        from langlab.languages.registry import load_language
        from langlab.tasks import build_dataset, task_class

        if validation < 0:
            raise LanglabError(f"--validation must be 0 or more, not {validation}")
        lang = load_language(language, [str(g) for g in grammars] or None)
        spec = make_spec(files=FileSource(format=fmt, path=str(folder), validation=validation),
                         seed=seed)
        options = {k: v for k, v in {"aux_targets": aux_targets}.items()
                   if k in task_class(task).data_options}
        ds = build_dataset(lang, task, spec, target_mode=target_mode, **options)
        export_dataset(ds, out)
        _report(ds, out)
