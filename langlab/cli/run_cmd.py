"""``langlab run``, ``langlab train`` and ``langlab status``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from langlab.errors import LanglabError

SECTIONS = ("training.", "split.", "task.", "seeds", "selection", "name", "languages", "models")


def _summary_table(out_dir: Path, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from langlab.harness.results import summarize, test_bins
    from langlab.harness.store import Store
    from langlab.harness.suite import expand, load_suite

    suite = load_suite(out_dir / "suite.yaml")
    keys = {j.key for j in expand(suite)}
    store = Store(out_dir / "results.sqlite", readonly=True)
    cells = summarize([r for r in store.rows() if r["key"] in keys], suite.selection)
    store.close()
    bins = ["validation", *test_bins(cells)]
    table = Table(title=title)
    table.add_column("language")
    table.add_column("model")
    for b in bins:
        table.add_column(b, justify="right")
    for (lang, col), cell in cells.items():
        vals = []
        for b in bins:
            s = cell.bins.get(b)
            vals.append("—" if s is None else f"{100 * s.max:.1f} ({100 * s.mean:.1f}±{100 * s.sd:.1f})")
        if cell.failed:
            vals[-1] += f" [red]{cell.failed} failed[/red]"
        table.add_row(lang, col, *vals)
    Console().print(table)
    Console().print("cells: max over seeds (mean ± sd), percent of strings fully correct; "
                    f"selection: {suite.selection}")


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
                            gpu_fraction=gpu_fraction,
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
