"""``langlab run``, ``langlab train`` and ``langlab status``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from langlab.errors import LanglabError

SECTIONS = ("training.", "split.", "task.", "seeds", "selection", "name", "languages", "models")


def _summary_table(out_dir: Path, title: str) -> None:
    from rich.console import Console

    from langlab.harness.results import summarize, test_bins
    from langlab.harness.store import Store
    from langlab.harness.suite import expand, load_suite

    suite = load_suite(out_dir / "suite.yaml")
    keys = {j.key for j in expand(suite)}
    store = Store(out_dir / "results.sqlite", readonly=True)
    cells = summarize([r for r in store.rows() if r["key"] in keys], suite.selection)
    store.close()
    console = Console()
    console.print(summary_table(cells, ["validation", *test_bins(cells)], title, console.width))
    several = any(c.seeds > 1 for c in cells.values())
    console.print(("cells: max over seeds (mean ± sd below), " if several else "cells: ")
                  + f"percent of strings fully correct; selection: {suite.selection}")


def _cell_text(s, several: bool) -> str:
    if s is None:
        return "—"
    top = f"{100 * s.max:.1f}"
    return f"{top}\n{100 * s.mean:.1f}±{100 * s.sd:.1f}" if several else top


def summary_table(cells: dict, bins: list[str], title: str, width: int):
    """The summary as a rich table that fits ``width`` columns: bins abbreviated (``val``,
    ``51-100``), the mean ± sd on a second line only when there are several seeds, and, when
    one row per language × model is still too wide, transposed: one row per language × bin,
    one column per model."""
    from rich.table import Table

    several = any(c.seeds > 1 for c in cells.values())
    heads = ["val" if b == "validation" else b.removeprefix("test-") for b in bins]
    texts = {key: [_cell_text(cell.bins.get(b), several) for b in bins] for key, cell in cells.items()}
    for key, cell in cells.items():
        if cell.failed:
            texts[key][-1] += f"\n{cell.failed} failed"
    cell_w = max([len(h) for h in heads] + [len(line) for v in texts.values() for t in v
                                              for line in t.splitlines()])
    lang_w = max([8] + [len(lang) for lang, _ in cells])
    col_w = max([5] + [len(col) for _, col in cells])
    wide = lang_w + col_w + len(bins) * cell_w + 3 * (len(bins) + 2) + 1
    table = Table(title=title, title_justify="left")
    if wide <= width:
        table.add_column("language", no_wrap=True)
        table.add_column("model", no_wrap=True)
        for h in heads:
            table.add_column(h, justify="right", no_wrap=True)
        for (lang, col), vals in texts.items():
            table.add_row(lang, col, *vals)
        return table
    columns = list(dict.fromkeys(col for _, col in cells))
    languages = list(dict.fromkeys(lang for lang, _ in cells))
    table.add_column("language", no_wrap=True)
    table.add_column("bin", no_wrap=True)
    for col in columns:
        table.add_column(col, justify="right", no_wrap=True)
    for lang in languages:
        for i, h in enumerate(heads):
            table.add_row(lang if i == 0 else "", h,
                          *[texts[(lang, col)][i] if (lang, col) in texts else "" for col in columns],
                          end_section=i == len(heads) - 1)
    return table


def _check_same_suite(out: Path, suite, resume: bool) -> None:
    import yaml

    old = out / "suite.yaml"
    if old.is_file() and not resume:
        from pydantic import ValidationError

        from langlab.harness.suite import Suite

        try:  # read through today's Suite, so that a setting added since (at its default) matches
            previous = Suite.model_validate(yaml.safe_load(old.read_text())).model_dump(mode="json")
        except (ValidationError, yaml.YAMLError, TypeError):
            previous = None
        if previous != suite.model_dump(mode="json"):
            raise LanglabError(
                f"{out} holds a run of a different suite; pass --resume to add this suite's runs "
                "to it, or choose another --out")


def register(app: typer.Typer) -> None:
    @app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def run(
        ctx: typer.Context,
        suite: Path = typer.Argument(..., help="Suite YAML file."),
        out: Optional[Path] = typer.Option(None, "--out", help="Run folder (default: runs/<suite name>)."),
        workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes (default: cores)."),
        threads: Optional[int] = typer.Option(None, "--threads", min=1,
                                              help="Torch threads per worker (default: cores ÷ workers; "
                                                   "use 1 when other jobs share the cores)."),
        executor: str = typer.Option("local", "--executor", help="local or ray."),
        address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address."),
        gpu_fraction: float = typer.Option(1.0, "--gpu-fraction", min=0.01, max=1.0,
                                           help="Share of a GPU each Ray run with training.device=cuda asks for."),
        resume: bool = typer.Option(False, "--resume", help="Add to a run folder even if its suite differs."),
        quiet: bool = typer.Option(False, "--quiet", help="Plain log lines instead of a progress bar."),
        grammars: list[Path] = typer.Option([], "--grammars", help="Extra folder of language YAML files."),
    ):
        """Run a whole suite; finished runs in the folder are skipped (resume after a crash)."""
        from langlab.harness.execute import run_suite
        from langlab.harness.suite import expand, load_suite

        s = load_suite(suite, ctx.args, check_models=True)
        g = tuple(str(p) for p in grammars)
        expand(s, g)  # every language resolves before any training starts
        out_dir = out or Path("runs") / s.name
        _check_same_suite(out_dir, s, resume)
        summary = run_suite(s, out_dir, workers=workers, executor=executor, address=address,
                            gpu_fraction=gpu_fraction, threads=threads,
                            quiet=quiet, grammars=g)
        _summary_table(out_dir, f"{s.name}: {summary.done} done, {summary.failed} failed, "
                                f"{summary.skipped} resumed, {summary.wall_s:.0f}s")
        typer.echo(f"results: {out_dir}/results.sqlite   report: langlab report {out_dir}")

    @app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def train(
        ctx: typer.Context,
        language: str = typer.Argument(..., help="Language name or YAML file."),
        model: str = typer.Option(..., "--model", help="Model name (langlab models)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Run folder."),
        task: str = typer.Option("next-symbol", "--task", help="next-symbol or recognition."),
        seed: int = typer.Option(0, "--seed"),
        grammars: list[Path] = typer.Option([], "--grammars"),
    ):
        """Train one model on one language. Extra --key=value set model settings (--hidden=64)
        or suite fields (--training.epochs=5, --split.train.size=2000)."""
        from langlab.harness.execute import run_suite
        from langlab.harness.suite import Suite, parse_overrides, with_overrides

        settings, suite_overrides = {}, []
        for key, value in parse_overrides(ctx.args):
            if key.startswith(SECTIONS):
                suite_overrides.append((key, value))
            else:
                settings[key.replace("-", "_")] = value
        from pydantic import ValidationError

        try:
            base = Suite(name=f"train-{Path(language).stem}-{model}", languages=[language],
                         seeds=[seed], task={"name": task},
                         models=[{"name": model, "settings": settings}])
        except ValidationError as exc:
            err = exc.errors()[0]
            raise LanglabError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None
        s = with_overrides(base, suite_overrides)
        out_dir = out or Path("runs") / s.name.replace("/", "_")
        run_suite(s, out_dir, workers=1, quiet=True, grammars=tuple(str(p) for p in grammars))
        _summary_table(out_dir, s.name)

    @app.command()
    def status(out: Path = typer.Argument(..., help="A run folder.")):
        """Finished, failed and pending runs of a run folder, and its table so far."""
        from langlab.harness.store import Store
        from langlab.harness.suite import expand, load_suite

        if not (out / "suite.yaml").is_file():
            raise LanglabError(f"{out} is not a run folder (no suite.yaml)")
        s = load_suite(out / "suite.yaml")
        keys = {j.key for j in expand(s)}
        store = Store(out / "results.sqlite", readonly=True)
        rows = [r for r in store.rows() if r["key"] in keys]
        store.close()
        done = sum(r["status"] == "done" for r in rows)
        failed = len(rows) - done
        typer.echo(f"{s.name}: {done} done, {failed} failed, {len(keys) - len(rows)} pending "
                   f"of {len(keys)} runs")
        _summary_table(out, s.name)
