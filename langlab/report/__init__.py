"""The capability report: ``langlab report RUN_DIR`` as a function.

``make_report(run_dir)`` reads a run folder (``suite.yaml``, ``results.sqlite``, ``run.json``)
and writes into ``RUN_DIR/report/`` (or ``out``):

- ``table.md`` — the table grouped by language class, one column per model x test bin;
- ``table.csv`` — the same numbers, one row per language x model x split, as fractions;
- ``results.json`` — everything, including the selected grid point of every cell;
- ``index.html`` — one self-contained page with the plots embedded;
- ``plots/`` — ``heatmap.{png,svg}`` and ``length-<language>.{png,svg}``.

Regenerating from the same results writes byte-identical files.

- ``build``: gather the run into a :class:`Report` (cells, classes, published numbers);
- ``render``: markdown, csv, json and HTML; ``plots``: the figures.
"""

from __future__ import annotations

from pathlib import Path

from langlab.report.build import CLASSES, Entry, Report, gather, language_class

FILES = ("table.md", "table.csv", "results.json", "index.html")


def make_report(run_dir: str | Path, out: str | Path | None = None,
                grammars: tuple[str, ...] = (), plots: bool = True) -> Path:
    """Write the report of ``run_dir`` into ``out`` (default ``run_dir/report``); returns it."""
    from langlab.report import render
    from langlab.report.plots import render_plots

    report = gather(run_dir, grammars)
    out_dir = Path(out) if out is not None else Path(run_dir) / "report"
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = render_plots(report, out_dir) if plots else None
    texts = {"table.md": render.table_md(report, figures),
             "table.csv": render.table_csv(report),
             "results.json": render.results_json(report),
             "index.html": render.index_html(report, figures, out_dir)}
    for name, text in texts.items():
        (out_dir / name).write_text(text, encoding="utf-8", newline="\n")
    return out_dir


__all__ = ["CLASSES", "Entry", "FILES", "Report", "gather", "language_class", "make_report"]
